// The page's handle on the platform, which runs in its own worker (src/workers/platform.worker.ts,
// the PlatformHost). Commands go out batched per task; the host's ordered stream of updates keeps
// a mirror here (functions and their bytes, records and statistics, the pool, the config) so the
// synchronous reads of `window.faas` and the UI answer from it without a round trip.
// Framework-free: the worker factory and the WAT compiler come in.
import type { Compiler } from './compiler';
import {
  Columns,
  COMPLETION_KEYS,
  SAMPLE_KEYS,
  validateLoadSpec,
  type CompletionKey,
  type LoadResult,
  type LoadRun,
  type LoadSpec,
  type SampleKey,
} from './load';
import type { PlatformEvent } from './platform';
import {
  fromWireError,
  type Command,
  type HistoryTarget,
  type HostMethod,
  type LoadStartOptions,
  type LoadState,
  type Update,
} from './protocol';
import { encodeInvokes, packable, type InvokeCommand } from './invoke-wire';
import { decodeRecords } from './record-wire';
import { emptyStats, RecordStore } from './records';
import { applyConfig, DeployError, notDeployed, ZERO_TIMINGS } from './rules';
import {
  DEFAULT_PLATFORM_CONFIG,
  type ArgValue,
  type FunctionConfig,
  type FunctionInfo,
  type FunctionStats,
  type Invocation,
  type InvokeOptions,
  type PlatformConfig,
  type PoolSnapshot,
} from './types';

/** The platform worker as the client needs it (a Worker, or a fake in tests). */
export interface HostWorker {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent) => void) | null;
  onerror: ((ev: ErrorEvent) => void) | null;
  terminate(): void;
}

export interface PlatformClientOptions {
  spawnHost: () => HostWorker;
  /** Compiles WAT on the page's side; deploy from text needs it. */
  compiler?: Compiler;
  features?: Record<string, boolean>;
  now?: () => number;
}

/** Why the client cannot send anything: the platform worker crashed and was not restarted. */
export type ClientEvent = PlatformEvent | { type: 'stopped'; reason: string } | { type: 'restarted' };

interface WaitingInvoke {
  kind: 'invoke';
  fn: string;
  args: ArgValue[];
  options: InvokeOptions;
  sentAt: number;
  id: number | null;
  resolve(inv: Invocation): void;
  reject(err: Error): void;
  resolveId?(id: number): void;
  rejectId?(err: Error): void;
}

interface WaitingCall {
  kind: 'call';
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/** A command as the client queues it; runs of invokes are packed when the queue is sent. */
type Unpacked = Exclude<Command, { k: 'invokes' }>;

const EMPTY_POOL: PoolSnapshot = { workers: [], queueLength: 0, inFlight: 0, idleWorkerMs: 0 };

export class PlatformClient {
  private worker: HostWorker;
  private readonly spawnHost: () => HostWorker;
  private readonly now: () => number;
  private features: Record<string, boolean>;
  private outbox: Unpacked[] = [];
  private nextTicket = 1;
  private readonly waiting = new Map<number, WaitingInvoke | WaitingCall>();
  private readonly listeners = new Set<(ev: ClientEvent) => void>();
  private nextLoad = 1;
  private readonly loads = new Map<number, RemoteLoad>();
  /** Set while the platform worker is down (crashed, not yet restarted). */
  private down: string | null = null;

  // The mirror.
  private cfg: PlatformConfig = { ...DEFAULT_PLATFORM_CONFIG };
  private infos = new Map<string, FunctionInfo>();
  private code = new Map<string, { version: number; bytes: Uint8Array; wat: string | null }>();
  private readonly records = new RecordStore(this.cfg.historyLimit);
  private poolSnapshot: PoolSnapshot = EMPTY_POOL;

  constructor(private readonly opts: PlatformClientOptions) {
    this.spawnHost = opts.spawnHost;
    this.now = opts.now ?? (() => performance.timeOrigin + performance.now());
    this.features = { ...(opts.features ?? {}) };
    this.worker = this.connect();
  }

  private connect(): HostWorker {
    const w = this.spawnHost();
    w.onmessage = (ev: MessageEvent) => {
      if (w === this.worker) this.apply(ev.data as Update[]);
    };
    w.onerror = (ev: ErrorEvent) => {
      ev.preventDefault?.();
      if (w === this.worker) this.crashed(ev.message || 'an uncaught error in the platform worker');
    };
    return w;
  }

  // ---- events ----------------------------------------------------------------------------------

  subscribe(listener: (ev: ClientEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(ev: ClientEvent): void {
    for (const l of this.listeners) {
      try {
        l(ev);
      } catch (err) {
        console.error('platform listener failed', err);
      }
    }
  }

  // ---- the wire ----------------------------------------------------------------------------------

  private send(cmd: Unpacked): void {
    if (this.outbox.length === 0) queueMicrotask(() => this.flush());
    this.outbox.push(cmd);
  }

  private flush(): void {
    const batch = this.outbox;
    this.outbox = [];
    if (!batch.length || this.down) return;
    try {
      const { commands, transfer } = packInvokes(batch);
      this.worker.postMessage(commands, transfer);
    } catch {
      // Something in the batch cannot be cloned (a function, a proxy…): send the rest, refuse that one.
      for (const cmd of batch) {
        try {
          this.worker.postMessage([cmd]);
        } catch (err) {
          if (cmd.k === 'crash') continue;
          const w = this.waiting.get(cmd.ticket);
          this.waiting.delete(cmd.ticket);
          const e = new TypeError(
            `Could not send this call to the platform: ${err instanceof Error ? err.message : String(err)}`,
          );
          if (w?.kind === 'invoke') w.rejectId?.(e);
          w?.reject(e);
        }
      }
    }
  }

  private downError(): Error {
    return new Error(
      `The platform stopped (${this.down}). Restart it from the notice at the top of the page.`,
    );
  }

  private call<T>(method: HostMethod, ...args: unknown[]): Promise<T> {
    if (this.down) return Promise.reject(this.downError());
    const ticket = this.nextTicket++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(ticket, { kind: 'call', resolve: resolve as (v: unknown) => void, reject });
      this.send({ k: 'call', ticket, method, args });
    });
  }

  private apply(updates: Update[]): void {
    for (const u of updates) {
      switch (u.t) {
        case 'invs':
          decodeRecords(u.batch, (inv, memoryMiB, ticket) => this.settle(inv, memoryMiB, ticket));
          break;
        case 'id': {
          const w = this.waiting.get(u.ticket);
          if (w?.kind === 'invoke') {
            w.id = u.id;
            w.resolveId?.(u.id);
          }
          break;
        }
        case 'fail':
        case 'err': {
          const w = this.waiting.get(u.ticket);
          this.waiting.delete(u.ticket);
          const err = fromWireError(u.error);
          if (w?.kind === 'invoke') w.rejectId?.(err);
          w?.reject(err);
          break;
        }
        case 'ret': {
          const w = this.waiting.get(u.ticket);
          this.waiting.delete(u.ticket);
          if (w?.kind === 'call') w.resolve(u.value);
          break;
        }
        case 'fns': {
          for (const c of u.code) this.code.set(c.name, { version: c.version, bytes: c.bytes, wat: c.wat });
          this.infos = new Map(u.infos.map((f) => [f.name, f]));
          for (const name of [...this.code.keys()]) if (!this.infos.has(name)) this.code.delete(name);
          for (const name of this.infos.keys()) this.records.track(name);
          this.emit({ type: 'functions' });
          break;
        }
        case 'out':
          this.emit({ type: 'output', id: u.id, fn: u.fn, fd: u.fd, chunk: u.chunk });
          break;
        case 'pool':
          this.poolSnapshot = u.pool;
          this.emit({ type: 'pool' });
          break;
        case 'config': {
          // Mostly the echo of a config() made here; only a real change is news.
          const changed = (Object.keys(u.config) as (keyof PlatformConfig)[]).some(
            (k) => u.config[k] !== this.cfg[k],
          );
          this.setConfig(u.config);
          if (changed) this.emit({ type: 'config', config: { ...u.config } });
          break;
        }
        case 'cleared': {
          // The echo of a clear this client sent: records that settled in between were cleared there too.
          const had = this.records.invocations().length > 0;
          this.records.clear();
          if (had) this.emit({ type: 'history-cleared' });
          break;
        }
        case 'load':
          this.loads.get(u.lid)?.update(u.samples, u.completions, u.state);
          break;
        case 'loadDone': {
          const l = this.loads.get(u.lid);
          this.loads.delete(u.lid);
          l?.finish(u.result);
          break;
        }
      }
    }
  }

  /** A settled record: into the mirror, to the invoke waiting for it, then to the listeners. */
  private settle(inv: Invocation, memoryMiB: number, ticket: number | undefined): void {
    this.records.add(inv, memoryMiB);
    if (ticket !== undefined) {
      const w = this.waiting.get(ticket);
      this.waiting.delete(ticket);
      if (w?.kind === 'invoke') {
        w.resolveId?.(inv.id);
        w.resolve(inv);
      }
    }
    this.emit({ type: 'invocation', invocation: inv, memoryMiB });
  }

  private setConfig(next: PlatformConfig): void {
    if (next.historyLimit !== this.cfg.historyLimit) this.records.resize(next.historyLimit);
    this.cfg = { ...next };
  }

  // ---- crash and restart ----------------------------------------------------------------------------

  /** The platform worker failed: end it, and settle everything that waited for it. */
  private crashed(reason: string): void {
    if (this.down) return;
    this.down = reason;
    this.worker.terminate();
    this.outbox = [];
    const err = this.downError();
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiting) {
      if (w.kind === 'call') {
        w.reject(err);
        continue;
      }
      const info = this.infos.get(w.fn);
      const inv: Invocation = {
        id: w.id ?? 0,
        fn: w.fn,
        version: info?.version ?? 0,
        export: w.options.export ?? info?.entry ?? '',
        args: w.args,
        trigger: w.options.trigger ?? 'console',
        start: 'cold',
        instance: 'new',
        outcome: 'error',
        result: undefined,
        error: `The platform stopped (${reason}) before this call finished`,
        logs: [],
        timings: { ...ZERO_TIMINGS, total: this.now() - w.sentAt },
        memoryBytes: 0,
        worker: null,
        enqueuedAt: w.sentAt,
        endedAt: this.now(),
      };
      if (w.id !== null) {
        this.records.add(inv, info?.config.memoryMiB ?? 64);
        this.emit({ type: 'invocation', invocation: inv, memoryMiB: info?.config.memoryMiB ?? 64 });
      }
      w.resolveId?.(inv.id);
      w.resolve(inv);
    }
    for (const l of this.loads.values()) l.abort(err);
    this.loads.clear();
    this.poolSnapshot = EMPTY_POOL;
    this.emit({ type: 'pool' });
    this.emit({ type: 'stopped', reason });
  }

  /** Why the platform worker is down, or null while it runs. */
  get stoppedReason(): string | null {
    return this.down;
  }

  /**
   * Starts a new platform worker with this page's settings and history. Functions have to be
   * deployed again (the UI does it on the next Run); nothing in the workspace is touched.
   */
  restart(): void {
    if (!this.down) this.crashed('restarted');
    this.down = null;
    this.worker = this.connect();
    this.infos = new Map();
    this.code.clear();
    this.send({ k: 'call', ticket: this.nextTicket++, method: 'config', args: [this.cfg] });
    const history = this.records.invocations();
    if (history.length)
      this.send({ k: 'call', ticket: this.nextTicket++, method: 'restoreHistory', args: [history] });
    this.emit({ type: 'functions' });
    this.emit({ type: 'restarted' });
  }

  /** Testing: makes the platform worker throw an uncaught error. */
  crashForTest(): void {
    this.send({ k: 'crash' });
  }

  // ---- configuration -------------------------------------------------------------------------------

  config(patch: Partial<PlatformConfig> = {}): PlatformConfig {
    const next = applyConfig(this.cfg, patch);
    this.setConfig(next);
    if (!this.down) this.send({ k: 'call', ticket: this.nextTicket++, method: 'config', args: [next] });
    this.emit({ type: 'config', config: { ...next } });
    return { ...next };
  }

  currentConfig(): PlatformConfig {
    return { ...this.cfg };
  }

  setFeatures(features: Record<string, boolean>): void {
    this.features = { ...features };
  }

  // ---- functions ------------------------------------------------------------------------------------

  async deploy(
    name: string,
    code: string | Uint8Array | ArrayBuffer,
    config?: Partial<FunctionConfig>,
  ): Promise<FunctionInfo> {
    if (typeof code === 'string') {
      if (!this.opts.compiler) throw new DeployError('Deploying WAT needs the compiler worker');
      const bytes = await this.opts.compiler.toBinary(code, this.features);
      return this.call('deploy', name, bytes, config, code);
    }
    if (code instanceof Uint8Array || code instanceof ArrayBuffer)
      return this.call('deploy', name, code, config);
    throw new DeployError('code must be WAT text, a Uint8Array or an ArrayBuffer');
  }

  reconfigure(name: string, patch: Partial<FunctionConfig>): Promise<FunctionInfo> {
    return this.call('reconfigure', name, patch);
  }

  undeploy(name: string): Promise<void> {
    return this.call('undeploy', name);
  }

  functions(): FunctionInfo[] {
    return [...this.infos.values()].map((f) => structuredClone(f));
  }

  bytes(name: string): Uint8Array {
    const c = this.code.get(name);
    if (!c) throw notDeployed(name, this.infos.keys());
    return c.bytes.slice();
  }

  source(name: string): string | null {
    const c = this.code.get(name);
    if (!c) throw notDeployed(name, this.infos.keys());
    return c.wat;
  }

  // ---- invoking ------------------------------------------------------------------------------------

  invoke(name: string, args: ArgValue[] = [], options: InvokeOptions = {}): Promise<Invocation> {
    return this.request(name, args, options, false).done;
  }

  /**
   * Like invoke, but also hands back the invocation id once the platform has it (for Stop and
   * streamed output). `onId` runs as soon as the id arrives, before any of the call's output.
   */
  start(
    name: string,
    args: ArgValue[] = [],
    options: InvokeOptions = {},
    onId?: (id: number) => void,
  ): { id: Promise<number>; done: Promise<Invocation> } {
    const r = this.request(name, args, options, true, onId);
    return { id: r.id!, done: r.done };
  }

  private request(
    name: string,
    args: ArgValue[],
    options: InvokeOptions,
    track: boolean,
    onId?: (id: number) => void,
  ): { id?: Promise<number>; done: Promise<Invocation> } {
    if (this.down) {
      const err = this.downError();
      const id = track ? Promise.reject(err) : undefined;
      id?.catch(() => {});
      return { id, done: Promise.reject(err) };
    }
    const ticket = this.nextTicket++;
    const w: WaitingInvoke = {
      kind: 'invoke',
      fn: name,
      args,
      options,
      sentAt: this.now(),
      id: null,
      resolve: () => {},
      reject: () => {},
    };
    let id: Promise<number> | undefined;
    if (track) {
      id = new Promise<number>((resolve, reject) => {
        let known = false;
        w.resolveId = (n) => {
          if (!known) onId?.(n);
          known = true;
          resolve(n);
        };
        w.rejectId = reject;
      });
      id.catch(() => {}); // the same error reaches the caller through `done`
    }
    const done = new Promise<Invocation>((resolve, reject) => {
      w.resolve = resolve;
      w.reject = reject;
    });
    this.waiting.set(ticket, w);
    this.send({ k: 'invoke', ticket, fn: name, args, options, track });
    return { id, done };
  }

  /** Ends an invocation (queued or running) by id. */
  stop(id: number): Promise<boolean> {
    return this.call('stop', id);
  }

  /** Ends every invocation of a function (or all), queued or running; resolves with how many. */
  stopAll(name?: string): Promise<number> {
    return this.call('stopAll', name);
  }

  // ---- load runs ----------------------------------------------------------------------------------

  /** A load run executed by the generator in the platform worker; call start() to begin. */
  load(spec: LoadSpec, options: LoadStartOptions = {}): LoadRun {
    const problem = validateLoadSpec(spec);
    if (problem) throw new RangeError(problem);
    const lid = this.nextLoad++;
    const run = new RemoteLoad(structuredClone(spec), this.now, {
      start: () => {
        this.loads.set(lid, run);
        return this.call('loadStart', lid, spec, options);
      },
      stop: () => void this.call('loadStop', lid).catch(() => {}),
      cancel: () => void this.call('loadCancel', lid).catch(() => {}),
    });
    return run;
  }

  // ---- observing ---------------------------------------------------------------------------------------

  pool(): PoolSnapshot {
    return structuredClone(this.poolSnapshot);
  }

  /**
   * The pool as it is now in the platform worker, after every command sent before this one (a
   * config change, a deploy) has run; the mirror takes it too. pool() may be up to a frame behind,
   * or from before the platform worker's first frame: a wait on the pool's state uses this.
   */
  async syncPool(): Promise<PoolSnapshot> {
    const pool = await this.call<PoolSnapshot>('pool');
    this.poolSnapshot = pool;
    this.emit({ type: 'pool' });
    return structuredClone(pool);
  }

  stats(name: string): FunctionStats {
    const s = this.records.stats(name);
    if (s) return s;
    if (!this.infos.has(name)) throw notDeployed(name, this.infos.keys());
    return emptyStats(name);
  }

  invocations(name?: string): Invocation[] {
    return this.records.invocations(name);
  }

  clearHistory(): void {
    this.records.clear();
    if (!this.down) this.send({ k: 'call', ticket: this.nextTicket++, method: 'clearHistory', args: [] });
    this.emit({ type: 'history-cleared' });
  }

  /**
   * Has the platform worker write these records (by id) to the history store `target`, off the
   * page's main thread; resolves with the ids it no longer holds, for the caller to write.
   */
  persistHistory(ids: number[], target: HistoryTarget): Promise<number[]> {
    return this.call('persistHistory', ids, target);
  }

  /** Adds records from elsewhere (a saved history) without running anything. */
  restoreHistory(invocations: Invocation[]): void {
    for (const inv of invocations) this.records.add(inv, this.infos.get(inv.fn)?.config.memoryMiB ?? 64);
    if (!this.down)
      this.send({ k: 'call', ticket: this.nextTicket++, method: 'restoreHistory', args: [invocations] });
    this.emit({ type: 'history-cleared' });
  }

  dispose(): void {
    this.down = 'disposed';
    this.worker.terminate();
  }
}

/** Runs of invokes that can travel packed go as one 'invokes' command each, where they stood. */
function packInvokes(batch: Unpacked[]): { commands: Command[]; transfer: Transferable[] } {
  const commands: Command[] = [];
  const transfer: Transferable[] = [];
  let run: InvokeCommand[] = [];
  const endRun = () => {
    if (run.length === 1) commands.push({ k: 'invoke', ...run[0] });
    else if (run.length > 1) {
      const packed = encodeInvokes(run);
      commands.push({ k: 'invokes', batch: packed.batch });
      transfer.push(...packed.transfer);
    }
    run = [];
  };
  for (const c of batch) {
    if (c.k === 'invoke' && packable(c)) run.push(c);
    else {
      endRun();
      commands.push(c);
    }
  }
  endRun();
  return { commands, transfer };
}

/** The page's view of a load run in the platform worker, kept current by the host's updates. */
export class RemoteLoad implements LoadRun {
  readonly samples = new Columns<SampleKey>(SAMPLE_KEYS);
  readonly completions = new Columns<CompletionKey>(COMPLETION_KEYS, 1024);
  private state: LoadState = {
    elapsedMs: 0,
    plannedDurationMs: null,
    planned: null,
    issued: 0,
    settled: 0,
    inFlight: 0,
  };
  private stateAt = 0;
  private result: LoadResult | null = null;
  private started: Promise<LoadResult> | null = null;
  private resolveDone!: (r: LoadResult) => void;
  private rejectDone!: (e: Error) => void;

  constructor(
    readonly spec: LoadSpec,
    private readonly now: () => number,
    private readonly remote: { start(): Promise<unknown>; stop(): void; cancel(): void },
  ) {}

  get planned(): number | null {
    return this.state.planned;
  }
  get plannedDurationMs(): number | null {
    return this.state.plannedDurationMs;
  }
  get elapsedMs(): number {
    if (this.result || this.stateAt === 0) return this.state.elapsedMs;
    return this.state.elapsedMs + (this.now() - this.stateAt);
  }
  get issued(): number {
    return this.state.issued;
  }
  get settled(): number {
    return this.state.settled;
  }
  get inFlight(): number {
    return this.state.inFlight;
  }

  start(): Promise<LoadResult> {
    if (!this.started) {
      this.started = new Promise<LoadResult>((resolve, reject) => {
        this.resolveDone = resolve;
        this.rejectDone = reject;
      });
      this.remote.start().catch((err: Error) => this.rejectDone(err));
    }
    return this.started;
  }

  stop(): Promise<LoadResult> {
    this.remote.stop();
    return this.start();
  }

  cancelInFlight(): void {
    this.remote.cancel();
  }

  update(
    samples: Record<string, Float64Array>,
    completions: Record<string, Float64Array>,
    state: LoadState,
  ): void {
    this.samples.append(samples);
    this.completions.append(completions);
    this.state = state;
    this.stateAt = this.now();
  }

  finish(result: LoadResult): void {
    this.result = result;
    this.state = { ...this.state, elapsedMs: result.durationMs, inFlight: 0 };
    this.resolveDone(result);
  }

  abort(err: Error): void {
    this.rejectDone?.(err);
  }
}
