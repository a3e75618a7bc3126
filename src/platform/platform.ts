// The platform: deploy / invoke / stats over a pool of nanoprocess workers.
// Framework-free: the Worker factories, clock and timers come in from outside.
// Here: the registry of deployed functions and the scheduler (queue, pick, dispatch, settle).
// The workers themselves (spawning, prewarm, provisioned, keep-alive reaping) are the pool's
// (pool.ts); records and statistics are records.ts.
import { ArgumentError, convertArgs } from './args';
import type { Dispatched, Nanoprocess, WorkerEndpoint } from './nanoprocess';
import { isStateless, WorkerPool } from './pool';
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
  type Outcome,
  type PlatformConfig,
  type PoolSnapshot,
  type Timings,
  type Trigger,
} from './types';
import { systemClock, type Clock } from './clock';
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

export class Platform {
  private cfg: PlatformConfig;
  private readonly fns = new Map<string, FunctionRecord>();
  /** The nanoprocesses: spawning, prewarm and provisioned workers, keep-alive reaping (pool.ts). */
  private readonly workerPool: WorkerPool<Pending>;
  private readonly queue = new Deque<Pending>();
  /** Invocations sent to a worker and not yet settled, by id. */
  private readonly running = new Map<number, { p: Pending; np: Nanoprocess }>();
  private readonly records: RecordStore;
  private readonly listeners = new Set<(ev: PlatformEvent) => void>();
  private nextId = 1;
  private nextMod = 1;
  private readonly clock: Clock;

  constructor(opts: PlatformOptions) {
    this.clock = opts.clock ?? systemClock;
    this.cfg = { ...DEFAULT_PLATFORM_CONFIG };
    this.records = new RecordStore(this.cfg.historyLimit);
    this.workerPool = new WorkerPool<Pending>({
      spawnWorker: opts.spawnWorker,
      clock: this.clock,
      config: () => this.cfg,
      functions: this.fns,
      hooks: {
        onSettled: () => this.pump(),
        onReady: (np) => this.onReady(np),
        onEnded: (dead) => this.onEnded(dead),
        onChange: () => this.emit({ type: 'pool' }),
      },
    });
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
      this.workerPool.relearn();
    this.cfg = next;
    if (historyChanged) {
      this.records.resize(next.historyLimit);
    }
    this.workerPool.restartReaper();
    this.workerPool.trimPool();
    this.workerPool.topUp();
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
      this.workerPool.retire(current.mod);
    }
    this.fns.set(name, record);
    this.workerPool.noteProvisioned(record);
    this.records.track(name);
    this.workerPool.topUp();
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
      this.workerPool.retire(rec.mod);
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
      this.workerPool.retire(rec.mod);
      rec.mod = this.nextMod++;
    }
    rec.info.config = cfg;
    this.workerPool.noteProvisioned(rec);
    rec.info.entry = entry ?? '';
    this.workerPool.topUp();
    this.workerPool.sweepModules(this.clock.now()); // fewer provisioned workers: the keep-alive decides again
    this.emit({ type: 'functions' });
    return this.describe(rec);
  }

  async undeploy(name: string): Promise<void> {
    const rec = this.get(name);
    this.fns.delete(name);
    this.workerPool.forget(name);
    this.workerPool.retire(rec.mod);
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
    this.workerPool.arrive(rec.info.name, this.clock.now());
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
    for (const [np, p] of this.workerPool.reserved) {
      if (p.id === id) {
        this.workerPool.reserved.delete(np);
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
    const started = [...this.workerPool.reserved.values(), ...[...this.running.values()].map((r) => r.p)];
    for (const p of started)
      if (name === undefined || p.record.info.name === name) n += this.stop(p.id) ? 1 : 0;
    return n;
  }

  // ---- scheduling ----------------------------------------------------------------

  /** Dispatches from the head of the queue while a worker can take it. FIFO: never skips the head. */
  private pump(): void {
    if (this.workerPool.disposed) return;
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
    for (const w of this.workerPool.workers) w.refilling = false;
    this.workerPool.topUp();
  }

  private pick(p: Pending): Nanoprocess | 'spawn' | null {
    const mod = p.record.mod;
    let idleHolding: Nanoprocess | null = null;
    let idle: Nanoprocess | null = null;
    let pipe: Nanoprocess | null = null;
    const est = p.record.estimateMs;
    const { workers, reserved } = this.workerPool;
    for (const np of workers) {
      if (np.state !== 'ready' || reserved.has(np)) continue;
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
    if (workers.length < this.cfg.maxWorkers) {
      // A worker already starting for nobody in particular (prewarm) will take it when ready.
      const unreservedSpawning = workers.some((w) => w.state === 'spawning' && !reserved.has(w));
      if (!unreservedSpawning) return 'spawn';
    }
    return pipe;
  }

  /** A worker came up: a call it was spawned for goes to it first, then the queue moves on. */
  private onReady(np: Nanoprocess): void {
    const p = this.workerPool.reserved.get(np);
    if (p) {
      this.workerPool.reserved.delete(np);
      p.spawnMs = np.spawnMs;
      this.send(np, p);
    }
    this.pump();
  }

  private spawnFor(p: Pending): void {
    p.spawned = true;
    const np = this.workerPool.spawn();
    this.workerPool.reserved.set(np, p);
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

  /** A worker ended (the pool has already dropped it): its displaced calls go back in line. */
  private onEnded(np: Nanoprocess): void {
    const waiting = this.workerPool.reserved.get(np);
    if (waiting) {
      // The worker it was spawned for never came up: try again at the head of the line.
      this.workerPool.reserved.delete(np);
      if (waiting.attempts++ < 2) this.requeue.push(waiting);
      else
        this.settle(waiting, 'error', { error: `Could not start a nanoprocess (${np.reason ?? 'unknown'})` });
    }
    for (let k = this.requeue.length - 1; k >= 0; k--) this.queue.unshift(this.requeue[k]);
    this.requeue = [];
    if (this.queue.length === 0) this.workerPool.replace(np);
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
    this.workerPool.idle(p.record, endedAt);
    this.records.add(inv, memoryMiB);
    p.resolve(inv);
    if (this.listeners.size) this.emit({ type: 'invocation', invocation: inv, memoryMiB });
  }

  // ---- observing ----------------------------------------------------------------

  pool(): PoolSnapshot {
    return this.workerPool.snapshot(this.queue.length);
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
    return this.queue.length + this.workerPool.reserved.size + this.running.size;
  }

  currentConfig(): PlatformConfig {
    return { ...this.cfg };
  }

  dispose(): void {
    this.workerPool.close();
    this.stopAll();
    this.workerPool.endAll();
  }
}
