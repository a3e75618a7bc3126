// The platform: deploy / invoke / stats over a pool of nanoprocess workers.
// Framework-free: the Worker factories, clock and timers come in from outside.
import { ArgumentError, convertArgs } from './args';
import { Nanoprocess, type Dispatched, type WorkerEndpoint } from './nanoprocess';
import { Deque } from './queue';
import {
  DeployError,
  functionExport,
  normalizeConfig,
  meterFields,
  prepareModule,
  resolveEntry,
  validateName,
  type FunctionRecord,
} from './registry';
import { classifyStart, emptyStats, RecordStore } from './records';
import { applyConfig, notDeployed, ZERO_TIMINGS } from './rules';
import { wasiFiles, wasiPreopens } from './wasi-files';
import {
  DEFAULT_PLATFORM_CONFIG,
  type ArgValue,
  type FunctionConfig,
  type FunctionInfo,
  type FunctionStats,
  type Invocation,
  type InvokeOptions,
  type ModuleInfo,
  type Outcome,
  type PlatformConfig,
  type PoolSnapshot,
  type Timings,
  type Trigger,
} from './types';
import { every, systemClock, type Clock } from './clock';
import { KeepAlivePlanner, type KeepAliveWindow } from './keepalive';
import type { DoneMessage, WasiInput } from './wire';

/** How much estimated work may wait inside one worker behind a running call. */
const PIPELINE_BUDGET_MS = 2;
const PIPELINE_MAX_DEPTH = 64;
/** A busy worker is topped up only once its pipeline has drained to this depth, so refills go out in batches. */
const PIPELINE_LOW_WATER = 32;

export type PlatformEvent =
  | { type: 'invocation'; invocation: Invocation; memoryMiB: number }
  | { type: 'dispatched'; id: number; fn: string; worker: number }
  | { type: 'output'; id: number; fn: string; fd: 1 | 2; chunk: Uint8Array }
  | { type: 'functions' }
  | { type: 'pool' }
  | { type: 'config'; config: PlatformConfig }
  | { type: 'history-cleared' };

export interface PlatformOptions {
  /** Creates a nanoprocess worker (src/workers/nanoprocess.worker.ts), or a fake in tests. */
  spawnWorker: () => WorkerEndpoint;
  /** Epoch-ms clock and timers; the system clock unless a test passes a manual one. */
  clock?: Clock;
  config?: Partial<PlatformConfig>;
}

/** An invocation between invoke() and its record. */
interface Pending {
  id: number;
  record: FunctionRecord;
  export: string;
  args: ArgValue[];
  trigger: Trigger;
  /** Epoch ms when the HTTP gateway received the request, for HTTP calls. */
  receivedAt: number | undefined;
  wasmArgs: (number | bigint)[];
  wasi: WasiInput | null;
  enqueuedAt: number;
  dispatchedAt: number;
  spawnMs: number;
  spawned: boolean;
  /** The module travelled to the worker with this call (set when dispatched). */
  transferred: boolean;
  stopped: boolean;
  attempts: number;
  resolve(inv: Invocation): void;
}

const utf8 = new TextDecoder();
/** Most runs print nothing on stderr (and nop on stdout): skip the decoder for them. */
const decodeOutput = (bytes: Uint8Array): string => (bytes.byteLength === 0 ? '' : utf8.decode(bytes));

/**
 * No memory, table, global or start function: nothing survives a call, so one kept instance is
 * indistinguishable from a fresh one and `fresh` need not pay for an instantiation per call.
 */
function isStateless(m: ModuleInfo): boolean {
  return (
    m.kind === 'plain' &&
    m.memories.length === 0 &&
    m.importedMemory === null &&
    m.tables.length === 0 &&
    !m.hasStart &&
    !m.sections.some((s) => s.id === 6) // global section
  );
}

export class Platform {
  private cfg: PlatformConfig;
  private readonly fns = new Map<string, FunctionRecord>();
  private readonly workers: Nanoprocess[] = [];
  /** Workers being spawned for one particular invocation. */
  private readonly reserved = new Map<Nanoprocess, Pending>();
  private readonly queue = new Deque<Pending>();
  /** Invocations sent to a worker and not yet settled, by id. */
  private readonly running = new Map<number, { p: Pending; np: Nanoprocess }>();
  private readonly records: RecordStore;
  private readonly listeners = new Set<(ev: PlatformEvent) => void>();
  private readonly retired = new Set<number>();
  private nextId = 1;
  private nextMod = 1;
  private nextWorker = 1;
  private stopReaper: (() => void) | null = null;
  /** Idle-time learning per function, and each idle period's window (none and histogram policies). */
  private readonly keepAlive = new KeepAlivePlanner();
  /** Pre-warm and unload timers of each idle function (none and histogram policies). */
  private readonly fnTimers = new Map<string, unknown[]>();
  /** Workers spawned to pre-warm a function: it is loaded on them once they are up. */
  private readonly warming = new Map<Nanoprocess, FunctionRecord>();
  /** Idle worker-ms of workers that have ended. */
  private idleMsOfEnded = 0;
  private disposed = false;
  private readonly clock: Clock;

  constructor(private readonly opts: PlatformOptions) {
    this.clock = opts.clock ?? systemClock;
    this.cfg = { ...DEFAULT_PLATFORM_CONFIG };
    this.records = new RecordStore(this.cfg.historyLimit);
    this.config(opts.config ?? {});
  }

  // ---- events -------------------------------------------------------------

  subscribe(listener: (ev: PlatformEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(ev: PlatformEvent): void {
    for (const l of this.listeners) {
      try {
        l(ev);
      } catch (err) {
        console.error('platform listener failed', err);
      }
    }
  }

  // ---- configuration -------------------------------------------------------

  config(patch: Partial<PlatformConfig> = {}): PlatformConfig {
    const next = applyConfig(this.cfg, patch);
    const historyChanged = next.historyLimit !== this.cfg.historyLimit;
    // The histogram policy learns from the traffic it sees once switched on, not from before.
    if (next.keepAlivePolicy === 'histogram' && this.cfg.keepAlivePolicy !== 'histogram')
      this.keepAlive.relearn();
    this.cfg = next;
    if (historyChanged) {
      this.records.resize(next.historyLimit);
    }
    this.restartReaper();
    this.trimPool();
    this.topUp();
    this.pump();
    this.emit({ type: 'config', config: { ...this.cfg } });
    return { ...this.cfg };
  }

  // ---- deploy ----------------------------------------------------------------

  async deploy(
    name: string,
    code: Uint8Array | ArrayBuffer,
    config?: Partial<FunctionConfig>,
    /** The WAT the bytes were compiled from (kept for source()). */
    source?: string,
  ): Promise<FunctionInfo> {
    validateName(name);
    const prev = this.fns.get(name);
    const cfg = normalizeConfig(config, prev?.info.config);
    let bytes: Uint8Array;
    const wat: string | null = typeof source === 'string' ? source : null;
    // WAT is compiled where it is edited (PlatformClient, on the page); the platform takes bytes.
    if (code instanceof Uint8Array) bytes = code.slice();
    else if (code instanceof ArrayBuffer) bytes = new Uint8Array(code.slice(0));
    else throw new DeployError('code must be a Uint8Array or an ArrayBuffer (compile WAT first)');
    const version = (this.fns.get(name)?.info.version ?? 0) + 1;
    const prepared = await prepareModule(bytes, cfg, `${name}@${version}`);
    const entry = resolveEntry(prepared.info, cfg.entry);
    const record: FunctionRecord = {
      info: {
        name,
        version,
        source: wat === null ? 'wasm' : 'wat',
        kind: prepared.info.kind,
        entry: entry ?? '',
        config: cfg,
        module: prepared.info,
        memory: prepared.memory,
        deployedAt: this.clock.now(),
        ...meterFields(prepared),
      },
      bytes,
      wat,
      mod: this.nextMod++,
      module: prepared.module,
      meta: prepared.meta,
      estimateMs: Infinity,
    };
    // A concurrent deploy of the same name may have finished first; the later call still wins.
    const current = this.fns.get(name);
    if (current) {
      record.info.version = Math.max(version, current.info.version + 1);
      record.meta.label = `${name}@${record.info.version}`;
      this.retire(current.mod);
    }
    this.fns.set(name, record);
    this.noteProvisioned(record);
    this.records.track(name);
    this.topUp();
    this.emit({ type: 'functions' });
    return this.describe(record);
  }

  /** Changes a function's config without a new version; a new memory cap recompiles it. */
  async reconfigure(name: string, patch: Partial<FunctionConfig>): Promise<FunctionInfo> {
    const rec = this.get(name);
    const cfg = normalizeConfig(patch, rec.info.config);
    const entry = resolveEntry(rec.info.module, cfg.entry);
    if (cfg.memoryMiB !== rec.info.config.memoryMiB || !cfg.meter !== !rec.info.config.meter) {
      const prepared = await prepareModule(rec.bytes, cfg, rec.meta.label);
      this.retire(rec.mod);
      rec.mod = this.nextMod++;
      rec.module = prepared.module;
      rec.meta = prepared.meta;
      rec.info.memory = prepared.memory;
      delete rec.info.meterNote;
      delete rec.info.meterCost;
      Object.assign(rec.info, meterFields(prepared));
      rec.estimateMs = Infinity;
    } else if (cfg.instance !== rec.info.config.instance) {
      // Live instances belong to the old policy; start clean.
      this.retire(rec.mod);
      rec.mod = this.nextMod++;
    }
    rec.info.config = cfg;
    this.noteProvisioned(rec);
    rec.info.entry = entry ?? '';
    this.topUp();
    this.sweepModules(this.clock.now()); // fewer provisioned workers: the keep-alive decides again
    this.emit({ type: 'functions' });
    return this.describe(rec);
  }

  async undeploy(name: string): Promise<void> {
    const rec = this.get(name);
    this.fns.delete(name);
    this.provisioned.delete(name);
    this.clearFnTimers(name);
    this.keepAlive.forget(name);
    this.retire(rec.mod);
    this.emit({ type: 'functions' });
  }

  functions(): FunctionInfo[] {
    return [...this.fns.values()].map((r) => this.describe(r));
  }

  /** The deployed bytes (before the memory cap), for download and the binary view. */
  bytes(name: string): Uint8Array {
    return this.get(name).bytes.slice();
  }

  source(name: string): string | null {
    return this.get(name).wat;
  }

  private describe(rec: FunctionRecord): FunctionInfo {
    return structuredClone(rec.info);
  }

  private get(name: string): FunctionRecord {
    const rec = this.fns.get(name);
    if (!rec) throw notDeployed(name, this.fns.keys());
    return rec;
  }

  // ---- invoke ----------------------------------------------------------------

  invoke(name: string, args: ArgValue[] = [], options: InvokeOptions = {}): Promise<Invocation> {
    try {
      return this.start(name, args, options).done;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Like invoke, but hands back the invocation id at once (for Stop buttons and streamed output).
   * Throws synchronously for an unknown function or export and for arguments that do not fit.
   */
  start(
    name: string,
    args: ArgValue[] = [],
    options: InvokeOptions = {},
  ): { id: number; done: Promise<Invocation> } {
    const rec = this.get(name);
    const exportName = options.export ?? rec.info.entry;
    const names = () => rec.info.module.exports.filter((e) => e.kind === 'function').map((e) => e.name);
    // An entry of '' means none was resolved, unless the module's entry really is the export "".
    if (
      exportName === '' &&
      options.export === undefined &&
      resolveEntry(rec.info.module, rec.info.config.entry) === null
    ) {
      const all = names();
      throw new ArgumentError(
        `"${name}" exports ${all.length ? all.join(', ') : 'no functions'}; say which to invoke with { export }`,
      );
    }
    const exp = functionExport(rec.info, exportName);
    if (!exp?.signature)
      throw new ArgumentError(
        `"${name}" has no exported function "${exportName}" (it exports: ${names().join(', ') || 'none'})`,
      );
    const wasmArgs = convertArgs(exportName, exp.signature, args);
    const wasi = this.wasiInput(rec, options);
    const id = this.nextId++;
    this.keepAlive.arrive(rec.info.name, this.clock.now());
    this.clearFnTimers(rec.info.name);
    const done = new Promise<Invocation>((resolve) => {
      const p: Pending = {
        id,
        record: rec,
        export: exportName,
        args: [...args],
        trigger: options.trigger ?? 'console',
        receivedAt: options.receivedAt,
        wasmArgs,
        wasi,
        enqueuedAt: this.clock.now(),
        dispatchedAt: 0,
        spawnMs: 0,
        spawned: false,
        transferred: false,
        stopped: false,
        attempts: 0,
        resolve,
      };
      this.queue.push(p);
      this.pump();
      // Still waiting behind a full queue (it is the newest, so the last in line): refuse it now.
      if (this.queue.length > this.cfg.maxQueue) {
        this.queue.pop();
        this.settle(p, 'throttled', { error: `Throttled: the queue is full (${this.cfg.maxQueue} waiting)` });
      }
    });
    return { id, done };
  }

  private wasiInput(rec: FunctionRecord, o: InvokeOptions): WasiInput | null {
    const given =
      o.argv !== undefined ||
      o.env !== undefined ||
      o.stdin !== undefined ||
      o.files !== undefined ||
      o.preopens !== undefined;
    if (rec.info.kind === 'plain') {
      if (given)
        throw new ArgumentError(
          `"${rec.info.name}" is not a WASI program; argv, env, stdin, files and preopens do not apply`,
        );
      return null;
    }
    const enc = new TextEncoder();
    const argv = o.argv ?? [];
    if (!Array.isArray(argv) || argv.some((a) => typeof a !== 'string'))
      throw new ArgumentError('argv must be an array of strings');
    const env = o.env ?? {};
    for (const [k, v] of Object.entries(env)) {
      if (typeof v !== 'string' || k.includes('='))
        throw new ArgumentError(`env entry "${k}" must map a name without "=" to a string`);
    }
    const files = wasiFiles(o.files ?? {});
    const preopens = wasiPreopens(o.preopens);
    const stdin =
      o.stdin === undefined
        ? null
        : typeof o.stdin === 'string'
          ? enc.encode(o.stdin)
          : new Uint8Array(o.stdin);
    const input: WasiInput = { argv: [rec.info.name, ...argv], env: { ...env }, stdin, files };
    if (preopens) input.preopens = preopens;
    return input;
  }

  /** Ends an invocation: dequeues it, or terminates the nanoprocess running it. */
  stop(id: number): boolean {
    const queued = this.queue.remove((p) => p.id === id);
    if (queued) {
      this.settle(queued, 'error', { error: 'Stopped before it started' });
      return true;
    }
    for (const [np, p] of this.reserved) {
      if (p.id === id) {
        this.reserved.delete(np);
        this.settle(p, 'error', { error: 'Stopped before it started' });
        return true;
      }
    }
    const run = this.running.get(id);
    if (!run) return false;
    if (run.np.inFlight[0]?.id === id) run.np.end('stopped', 'stopped by the user');
    else run.p.stopped = true; // queued inside the worker behind another call: settle it when it comes back
    return true;
  }

  /** Stops every invocation of a function (or all), queued or running. */
  stopAll(name?: string): number {
    let n = 0;
    for (const p of this.queue.drain()) {
      if (name === undefined || p.record.info.name === name) {
        this.settle(p, 'error', { error: 'Stopped before it started' });
        n++;
      } else this.queue.push(p);
    }
    // Waiting for a worker spawned for them, or running: stop() ends each the way it would one by one.
    const started = [...this.reserved.values(), ...[...this.running.values()].map((r) => r.p)];
    for (const p of started)
      if (name === undefined || p.record.info.name === name) n += this.stop(p.id) ? 1 : 0;
    return n;
  }

  // ---- scheduling ----------------------------------------------------------------

  /** Dispatches from the head of the queue while a worker can take it. FIFO: never skips the head. */
  private pump(): void {
    if (this.disposed) return;
    while (this.queue.length > 0) {
      const p = this.queue.peek()!;
      const np = this.pick(p);
      if (np === 'spawn') {
        this.queue.shift();
        this.spawnFor(p);
        continue;
      }
      if (!np) break;
      this.queue.shift();
      if (np.busy) np.refilling = true;
      this.send(np, p);
    }
    for (const w of this.workers) w.refilling = false;
    this.topUp();
  }

  private pick(p: Pending): Nanoprocess | 'spawn' | null {
    const mod = p.record.mod;
    let idleHolding: Nanoprocess | null = null;
    let idle: Nanoprocess | null = null;
    let pipe: Nanoprocess | null = null;
    const est = p.record.estimateMs;
    for (const np of this.workers) {
      if (np.state !== 'ready' || this.reserved.has(np)) continue;
      if (!np.busy) {
        if (np.holds(mod)) {
          idleHolding = np;
          break;
        }
        if (!idle || np.modules.size < idle.modules.size) idle = np;
      } else if (
        np.holds(mod) &&
        np.inFlight.length < (np.refilling ? PIPELINE_MAX_DEPTH : PIPELINE_LOW_WATER) &&
        np.backlogMs + est <= PIPELINE_BUDGET_MS &&
        (!pipe || np.backlogMs < pipe.backlogMs)
      ) {
        pipe = np;
      }
    }
    if (idleHolding) return idleHolding;
    if (idle) return idle;
    if (this.workers.length < this.cfg.maxWorkers) {
      // A worker already starting for nobody in particular (prewarm) will take it when ready.
      const unreservedSpawning = this.workers.some((w) => w.state === 'spawning' && !this.reserved.has(w));
      if (!unreservedSpawning) return 'spawn';
    }
    return pipe;
  }

  private spawn(): Nanoprocess {
    const np = new Nanoprocess(
      this.nextWorker++,
      this.opts.spawnWorker,
      {
        onSettled: () => this.pump(),
        onEnded: (dead) => this.onEnded(dead),
      },
      this.clock,
    );
    this.workers.push(np);
    np.ready.then(
      () => {
        const warm = this.warming.get(np);
        if (warm) {
          this.warming.delete(np);
          if (this.fns.get(warm.info.name) === warm && !np.holds(warm.mod))
            np.preload(warm.mod, warm.module, warm.meta, this.instantiatesAhead(warm));
        }
        const p = this.reserved.get(np);
        if (p) {
          this.reserved.delete(np);
          p.spawnMs = np.spawnMs;
          this.send(np, p);
        }
        this.pump();
        this.emit({ type: 'pool' });
      },
      () => {},
    );
    this.emit({ type: 'pool' });
    return np;
  }

  private spawnFor(p: Pending): void {
    p.spawned = true;
    const np = this.spawn();
    this.reserved.set(np, p);
  }

  private send(np: Nanoprocess, p: Pending): void {
    const rec = p.record;
    let transferred = false;
    if (!np.holds(rec.mod)) {
      np.preload(rec.mod, rec.module, rec.meta);
      transferred = true;
    }
    p.dispatchedAt = this.clock.now();
    p.transferred = transferred;
    const reuse = rec.info.config.instance === 'reuse' || isStateless(rec.info.module);
    const call: Dispatched = {
      id: p.id,
      mod: rec.mod,
      export: p.export,
      args: p.wasmArgs,
      reuse,
      ahead: !reuse && this.cfg.preinstantiate,
      wasi: p.wasi,
      timeoutMs: rec.info.config.timeoutMs,
      metered: rec.meta.meter ? { fuelLimit: rec.info.config.fuelLimit ?? Infinity } : null,
      sentAt: p.dispatchedAt,
      transferred,
      estimateMs: Number.isFinite(rec.estimateMs) ? rec.estimateMs : PIPELINE_BUDGET_MS,
      onDone: (msg) => this.done(np, p, call, msg),
      onOutput: (fd, chunk) => this.emit({ type: 'output', id: p.id, fn: rec.info.name, fd, chunk }),
      onGone: (why, started, detail) => this.gone(np, p, why, started, detail),
    };
    this.running.set(p.id, { p, np });
    np.dispatch(call);
    if (this.listeners.size) this.emit({ type: 'dispatched', id: p.id, fn: rec.info.name, worker: np.id });
  }

  private done(np: Nanoprocess, p: Pending, call: Dispatched, msg: DoneMessage): void {
    this.running.delete(p.id);
    if (msg.exhausted && p.attempts < 2 && !p.stopped) {
      // The worker, not the function, is out of Wasm memory reservations: replace it and try again first in line.
      p.attempts++;
      this.queue.unshift(p);
      // Nothing else had started on it: the calls queued behind go back in line too.
      np.end('crashed', 'the worker ran out of address space for Wasm memories', false);
      return;
    }
    const rec = p.record;
    const workMs = msg.instantiateMs + msg.execMs + 0.01;
    rec.estimateMs = Number.isFinite(rec.estimateMs) ? rec.estimateMs * 0.8 + workMs * 0.2 : workMs;
    const transit = Math.max(0, msg.recvAt - call.sentAt);
    // A WASI command gets a new instance every time (its libc has exited), so only reusable kinds count that as cold.
    const reusable = call.reuse && rec.info.kind !== 'wasi-command';
    const start = classifyStart({
      spawned: p.spawned,
      transferred: call.transferred,
      newReusableInstance: reusable && msg.instance === 'new',
    });
    const timings: Timings = {
      queue: 0,
      spawn: p.spawnMs,
      compile: call.transferred ? transit : 0,
      instantiate: msg.instantiateMs,
      exec: msg.execMs,
      total: 0,
    };
    if (msg.postedAt !== undefined) timings.reply = Math.max(0, this.clock.now() - msg.postedAt);
    if (msg.aheadMs !== undefined) timings.ahead = msg.aheadMs;
    // Waiting inside the worker behind a pipelined call is queueing too.
    timings.queue = Math.max(0, p.dispatchedAt - p.enqueuedAt - p.spawnMs) + (call.transferred ? 0 : transit);
    const stopped = p.stopped;
    this.settle(p, stopped ? 'error' : msg.outcome, {
      error: stopped ? 'Stopped by the user' : msg.error,
      result: stopped ? undefined : msg.result,
      logs: msg.logs,
      start,
      instance: msg.instance,
      timings,
      memoryBytes: msg.memoryBytes,
      worker: np.id,
      instructions: msg.instructions,
      timeoutBy: msg.outcome === 'timeout' ? 'trap' : undefined,
      exitCode: msg.exitCode,
      stdout: msg.stdout ? decodeOutput(msg.stdout) : undefined,
      stderr: msg.stderr ? decodeOutput(msg.stderr) : undefined,
      stdoutBytes: msg.stdout,
      stderrBytes: msg.stderr,
      files: msg.files,
    });
  }

  private gone(
    np: Nanoprocess,
    p: Pending,
    why: 'timeout' | 'stopped' | 'crashed',
    started: boolean,
    detail: string,
  ): void {
    this.running.delete(p.id);
    if (!started && p.attempts < 3 && !p.stopped) {
      // It was waiting inside the worker behind the call that ended it: it never ran, so it goes back first in line.
      p.attempts++;
      this.requeue.push(p);
      return;
    }
    const ran = this.clock.now() - p.dispatchedAt;
    const outcome: Outcome = why === 'timeout' ? 'timeout' : 'error';
    const error =
      why === 'timeout'
        ? `Timed out after ${p.record.info.config.timeoutMs} ms; the nanoprocess was terminated`
        : why === 'stopped'
          ? `Stopped by the user after ${ran.toFixed(0)} ms; the nanoprocess was terminated`
          : `The nanoprocess crashed (${detail})`;
    this.settle(p, outcome, {
      error,
      timeoutBy: why === 'timeout' ? 'terminate' : undefined,
      start: classifyStart({ spawned: p.spawned, transferred: p.transferred }),
      worker: np.id,
      timings: {
        ...ZERO_TIMINGS,
        queue: Math.max(0, p.dispatchedAt - p.enqueuedAt - p.spawnMs),
        spawn: p.spawnMs,
        exec: ran,
      },
    });
  }

  /** Calls displaced from a dead worker, put back at the head of the queue in their order. */
  private requeue: Pending[] = [];

  private onEnded(np: Nanoprocess): void {
    const i = this.workers.indexOf(np);
    if (i >= 0) this.workers.splice(i, 1);
    this.idleMsOfEnded += np.idleHeldMs(this.clock.now());
    this.warming.delete(np);
    const waiting = this.reserved.get(np);
    if (waiting) {
      // The worker it was spawned for never came up: try again at the head of the line.
      this.reserved.delete(np);
      if (waiting.attempts++ < 2) this.requeue.push(waiting);
      else
        this.settle(waiting, 'error', { error: `Could not start a nanoprocess (${np.reason ?? 'unknown'})` });
    }
    for (let k = this.requeue.length - 1; k >= 0; k--) this.queue.unshift(this.requeue[k]);
    this.requeue = [];
    // Replace a worker that was killed: the pool keeps its size and other invocations keep flowing.
    if (
      !this.disposed &&
      np.reason !== 'reaped' &&
      this.workers.length < this.cfg.maxWorkers &&
      this.queue.length === 0
    ) {
      if (this.idleCount() < Math.max(1, this.cfg.prewarm)) this.spawn();
    }
    this.pump();
    this.emit({ type: 'pool' });
  }

  private settle(p: Pending, outcome: Outcome, extra: Partial<Invocation>): void {
    const endedAt = this.clock.now();
    const timings: Timings = { ...(extra.timings ?? ZERO_TIMINGS), total: endedAt - p.enqueuedAt };
    if (p.receivedAt !== undefined) timings.gateway = Math.max(0, p.enqueuedAt - p.receivedAt);
    const inv: Invocation = {
      id: p.id,
      fn: p.record.info.name,
      version: p.record.info.version,
      export: p.export,
      args: p.args,
      trigger: p.trigger,
      start: extra.start ?? 'warm',
      instance: extra.instance ?? 'new',
      outcome,
      result: outcome === 'ok' ? (extra.result ?? null) : undefined,
      logs: extra.logs ?? [],
      timings,
      memoryBytes: extra.memoryBytes ?? 0,
      worker: extra.worker ?? null,
      enqueuedAt: p.enqueuedAt,
      endedAt,
    };
    if (extra.error !== undefined) inv.error = extra.error;
    if (extra.instructions !== undefined) inv.instructions = extra.instructions;
    if (extra.timeoutBy !== undefined) inv.timeoutBy = extra.timeoutBy;
    if (p.record.info.kind !== 'plain' && outcome !== 'throttled') {
      inv.exitCode = extra.exitCode;
      inv.stdout = extra.stdout ?? '';
      inv.stderr = extra.stderr ?? '';
      if (extra.stdoutBytes) inv.stdoutBytes = extra.stdoutBytes;
      if (extra.stderrBytes) inv.stderrBytes = extra.stderrBytes;
      inv.files = extra.files ?? {};
    }
    const memoryMiB = p.record.info.config.memoryMiB;
    this.idle(p.record, endedAt);
    this.records.add(inv, memoryMiB);
    p.resolve(inv);
    if (this.listeners.size) this.emit({ type: 'invocation', invocation: inv, memoryMiB });
  }

  // ---- pool upkeep ----------------------------------------------------------------

  private idleCount(): number {
    let n = 0;
    for (const w of this.workers)
      if (!this.reserved.has(w) && (w.state === 'spawning' || (w.state === 'ready' && !w.busy))) n++;
    return n;
  }

  /** Keeps `prewarm` idle workers spawned ahead of demand, and each function's provisioned ones loaded. */
  private topUp(): void {
    if (this.disposed) return;
    this.provision();
    let idle = this.idleCount();
    while (idle < this.cfg.prewarm && this.workers.length < this.cfg.maxWorkers) {
      this.spawn();
      idle++;
    }
  }

  /**
   * Provisioned concurrency: `provisioned` workers hold each function's module at all times,
   * loaded on idle workers (ones holding nothing first) or on workers spawned for it, up to
   * maxWorkers. Unlike `prewarm` (workers with nothing loaded), a call that finds one starts warm.
   */
  private provision(): void {
    for (const name of this.provisioned) {
      const rec = this.fns.get(name)!;
      const want = Math.min(rec.info.config.provisioned ?? 0, this.cfg.maxWorkers);
      if (want <= 0) continue;
      let have = 0;
      for (const w of this.workers) if (w.holds(rec.mod) || this.warming.get(w) === rec) have++;
      while (have < want) {
        let idle: Nanoprocess | null = null;
        for (const w of this.workers) {
          if (
            w.state !== 'ready' ||
            w.busy ||
            this.reserved.has(w) ||
            this.warming.has(w) ||
            w.holds(rec.mod)
          )
            continue;
          if (!idle || w.modules.size < idle.modules.size) idle = w;
        }
        if (idle) idle.preload(rec.mod, rec.module, rec.meta, this.instantiatesAhead(rec));
        else if (this.workers.length < this.cfg.maxWorkers) this.warming.set(this.spawn(), rec);
        else break;
        have++;
      }
    }
  }

  /** Names of the functions with provisioned workers (topUp runs on every settle: only these are looked at). */
  private readonly provisioned = new Set<string>();

  private noteProvisioned(rec: FunctionRecord): void {
    if (rec.info.config.provisioned) this.provisioned.add(rec.info.name);
    else this.provisioned.delete(rec.info.name);
  }

  /** The provisioned modules each worker keeps whatever the keep-alive says: each function's first holders. */
  private pinned(): Map<Nanoprocess, Set<number>> {
    const out = new Map<Nanoprocess, Set<number>>();
    for (const name of this.provisioned) {
      const rec = this.fns.get(name)!;
      let left = Math.min(rec.info.config.provisioned ?? 0, this.cfg.maxWorkers);
      for (const w of this.workers) {
        if (left <= 0) break;
        if (!w.holds(rec.mod)) continue;
        const set = out.get(w) ?? new Set<number>();
        set.add(rec.mod);
        out.set(w, set);
        left--;
      }
    }
    return out;
  }

  /** Shrinks to maxWorkers by ending idle workers (busy ones finish first). */
  private trimPool(): void {
    let extra = this.workers.length - this.cfg.maxWorkers;
    for (const w of [...this.workers]) {
      if (extra <= 0) break;
      if (!w.busy && !this.reserved.has(w)) {
        w.end('reaped');
        extra--;
      }
    }
  }

  private retire(mod: number): void {
    this.retired.add(mod);
    this.sweepModules(this.clock.now());
  }

  private restartReaper(): void {
    this.stopReaper?.();
    const period = Math.max(50, Math.min(1000, this.cfg.keepAliveMs / 4));
    this.stopReaper = every(this.clock, period, () => this.reap());
  }

  private inUse(np: Nanoprocess, mod: number): boolean {
    return np.inFlight.some((c) => c.mod === mod);
  }

  /** Evicts modules replaced by a redeploy, and those the keep-alive policy no longer keeps. */
  private sweepModules(now: number): void {
    const fixed = this.cfg.keepAlivePolicy === 'fixed';
    const names = fixed ? null : new Map([...this.fns.values()].map((r) => [r.mod, r.info.name]));
    const pins = this.pinned();
    for (const np of this.workers) {
      if (np.state !== 'ready') continue;
      for (const [mod, lastUsed] of np.modules) {
        if (this.inUse(np, mod)) continue;
        const name = names?.get(mod);
        // No keep-alive unloads from every worker its call has left, even while the function runs elsewhere.
        const expired = fixed
          ? now - lastUsed > this.cfg.keepAliveMs
          : name !== undefined && (this.cfg.keepAlivePolicy === 'none' || !this.keepAlive.loaded(name, now));
        if (this.retired.has(mod) || (expired && !pins.get(np)?.has(mod))) np.evict(mod);
      }
    }
    for (const mod of this.retired) if (!this.workers.some((w) => w.holds(mod))) this.retired.delete(mod);
  }

  /** Keep-alive: warm modules and idle workers expire after keepAliveMs, down to `prewarm` workers. */
  private reap(): void {
    const now = this.clock.now();
    const before = this.workers.length;
    this.sweepModules(now);
    const idle = this.workers
      .filter((w) => w.state === 'ready' && !w.busy && !this.reserved.has(w))
      .sort((a, b) => a.idleSince - b.idleSince);
    let excess = idle.length - this.cfg.prewarm;
    const fixed = this.cfg.keepAlivePolicy === 'fixed';
    const pins = this.pinned();
    for (const w of idle) {
      if (excess <= 0) break;
      if (pins.has(w)) continue; // provisioned
      // Other policies keep a worker exactly as long as it holds a module they keep (or is pre-warming).
      const expired = fixed
        ? now - w.idleSince > this.cfg.keepAliveMs
        : w.modules.size === 0 && !this.warming.has(w);
      if (expired) {
        w.end('reaped');
        excess--;
      }
    }
    if (this.workers.length !== before) this.emit({ type: 'pool' });
  }

  /**
   * A function's last running call settled. Under the none and histogram policies its idle period
   * gets its window now: unload at once (a microtask, after the scheduler has handed the worker its
   * next queued call), pre-warm when the window opens, unload when it closes.
   */
  private idle(rec: FunctionRecord, now: number): void {
    const name = rec.info.name;
    if (!this.fns.has(name)) return;
    const window: KeepAliveWindow | null = this.keepAlive.finish(
      name,
      now,
      this.cfg.keepAlivePolicy,
      this.cfg.keepAliveMs,
    );
    if (this.cfg.keepAlivePolicy === 'fixed' || this.disposed) return;
    if (!window) {
      if (this.cfg.keepAlivePolicy === 'none') queueMicrotask(() => this.disposed || this.reap());
      return;
    }
    this.clearFnTimers(name);
    const plan = this.keepAlive.schedule(name)!;
    const timers: unknown[] = [];
    if (plan.prewarmAt !== null)
      timers.push(this.clock.setTimer(() => this.prewarmFn(name), plan.prewarmAt - now));
    timers.push(this.clock.setTimer(() => this.reap(), plan.unloadAt - now));
    this.fnTimers.set(name, timers);
    queueMicrotask(() => {
      if (!this.disposed) this.reap();
    });
  }

  /**
   * Whether a pre-warm also makes the instance: for a plain, unmetered function that keeps its
   * instance and has no start function (nothing of the user's runs outside a call and its timeout).
   */
  private instantiatesAhead(rec: FunctionRecord): boolean {
    const m = rec.info.module;
    return (
      m.kind === 'plain' &&
      !rec.meta.meter &&
      !m.hasStart &&
      (rec.info.config.instance === 'reuse' || isStateless(m))
    );
  }

  private clearFnTimers(name: string): void {
    for (const t of this.fnTimers.get(name) ?? []) this.clock.clearTimer(t);
    this.fnTimers.delete(name);
  }

  /** Loads an idle function ahead of its predicted next call: on an idle worker, or on one spawned for it. */
  private prewarmFn(name: string): void {
    const rec = this.fns.get(name);
    if (!rec || this.disposed) return;
    if (this.workers.some((w) => w.holds(rec.mod)) || [...this.warming.values()].includes(rec)) return;
    const idle = this.workers.find(
      (w) => w.state === 'ready' && !w.busy && !this.reserved.has(w) && !this.warming.has(w),
    );
    if (idle) idle.preload(rec.mod, rec.module, rec.meta, this.instantiatesAhead(rec));
    else if (this.workers.length < this.cfg.maxWorkers) this.warming.set(this.spawn(), rec);
    this.emit({ type: 'pool' });
  }

  // ---- observing ----------------------------------------------------------------

  pool(): PoolSnapshot {
    const labels = new Map<number, string>();
    for (const r of this.fns.values()) labels.set(r.mod, r.meta.label);
    let inFlight = 0;
    const workers = this.workers.map((w) => {
      inFlight += w.inFlight.length;
      return {
        id: w.id,
        state:
          w.state === 'spawning' ? ('spawning' as const) : w.busy ? ('busy' as const) : ('idle' as const),
        modules: [...w.modules.keys()].map((m) => labels.get(m) ?? `retired #${m}`),
        inFlight: w.inFlight.length,
        idleSinceMs: w.busy ? null : this.clock.now() - w.idleSince,
      };
    });
    const now = this.clock.now();
    let idleWorkerMs = this.idleMsOfEnded;
    for (const w of this.workers) idleWorkerMs += w.idleHeldMs(now);
    return { workers, queueLength: this.queue.length + this.reserved.size, inFlight, idleWorkerMs };
  }

  stats(name: string): FunctionStats {
    const s = this.records.stats(name);
    if (s) return s;
    this.get(name);
    return emptyStats(name);
  }

  invocations(name?: string): Invocation[] {
    return this.records.invocations(name);
  }

  /** Forgets invocation records and stats (the functions stay deployed). */
  clearHistory(): void {
    this.records.clear();
    this.emit({ type: 'history-cleared' });
  }

  /** Adds records from elsewhere (a saved history) without running anything. */
  restoreHistory(invocations: Invocation[]): void {
    for (const inv of invocations) {
      if (inv.id >= this.nextId) this.nextId = inv.id + 1;
      this.records.add(inv, this.fns.get(inv.fn)?.info.config.memoryMiB ?? 64);
    }
    this.emit({ type: 'history-cleared' });
  }

  /** Calls accepted and not yet settled (queued, waiting for a worker, or running). */
  get unsettled(): number {
    return this.queue.length + this.reserved.size + this.running.size;
  }

  currentConfig(): PlatformConfig {
    return { ...this.cfg };
  }

  dispose(): void {
    this.disposed = true;
    this.stopReaper?.();
    for (const name of [...this.fnTimers.keys()]) this.clearFnTimers(name);
    this.stopAll();
    for (const w of [...this.workers]) w.end('reaped');
  }
}
