// The platform: deploy / invoke / stats over a pool of nanoprocess workers.
// Framework-free: the Worker factories, clock and timers come in from outside.
// The public facade over three parts: here the registry of deployed functions (deploy,
// reconfigure, undeploy) and the checks an invocation passes before it is accepted; the scheduler
// (scheduler.ts: queue, pick, dispatch, settle); the pool (pool.ts: spawning, prewarm, provisioned
// workers, keep-alive reaping). Records and statistics are records.ts.
import { ArgumentError, convertArgs } from './args';
import type { WorkerEndpoint } from './nanoprocess';
import { WorkerPool } from './pool';
import { newPending, Scheduler, type Pending } from './scheduler';
import {
  functionExport,
  functionRecord,
  normalizeConfig,
  meterFields,
  prepareModule,
  resolveEntry,
  validateName,
  type FunctionRecord,
} from './registry';
import { emptyStats, RecordStore } from './records';
import { applyConfig, DeployError, notDeployed } from './rules';
import { wasiFiles, wasiPreopens } from './wasi-files';
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
import { systemClock, type Clock } from './clock';
import type { WasiInput } from './wire';

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

export class Platform {
  private cfg: PlatformConfig;
  private readonly fns = new Map<string, FunctionRecord>();
  /** The nanoprocesses: spawning, prewarm and provisioned workers, keep-alive reaping (pool.ts). */
  private readonly workerPool: WorkerPool<Pending>;
  /** The queue and every call's way to a worker and into its record (scheduler.ts). */
  private readonly scheduler: Scheduler;
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
        onSettled: () => this.scheduler.pump(),
        onReady: (np) => this.scheduler.onReady(np),
        onEnded: (dead) => this.scheduler.onEnded(dead),
        onChange: () => this.emit({ type: 'pool' }),
      },
    });
    this.scheduler = new Scheduler({
      clock: this.clock,
      config: () => this.cfg,
      pool: this.workerPool,
      records: this.records,
      emit: (ev) => this.emit(ev),
      listening: () => this.listeners.size > 0,
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
    this.scheduler.pump();
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
    const record = functionRecord({
      name,
      version,
      bytes,
      wat,
      config: cfg,
      prepared,
      mod: this.nextMod++,
      deployedAt: this.clock.now(),
    });
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
      const p = newPending({
        id,
        record: rec,
        export: exportName,
        args: [...args],
        trigger: options.trigger ?? 'console',
        receivedAt: options.receivedAt,
        wasmArgs,
        wasi,
        enqueuedAt: this.clock.now(),
        resolve,
      });
      this.scheduler.submit(p);
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
    return this.scheduler.stop(id);
  }

  /** Stops every invocation of a function (or all), queued or running. */
  stopAll(name?: string): number {
    return this.scheduler.stopAll(name);
  }

  // ---- observing ----------------------------------------------------------------

  pool(): PoolSnapshot {
    return this.workerPool.snapshot(this.scheduler.queued);
  }

  stats(name: string): FunctionStats {
    const s = this.records.stats(name);
    if (s) return s;
    this.get(name);
    return emptyStats(name);
  }

  /** The records with these ids that the ring still holds (see RecordStore.byIds). */
  invocationsById(ids: readonly number[]): Map<number, Invocation> {
    return this.records.byIds(ids);
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
    return this.scheduler.unsettled;
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
