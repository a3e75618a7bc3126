// The worker pool: the platform's nanoprocesses, spawned through an injected worker factory on an
// injected clock. It keeps `prewarm` idle workers and each function's provisioned ones, reaps what
// the keep-alive policy no longer keeps, and reports a snapshot. Which call runs where is the
// scheduler's business (platform.ts): it reads the pool's workers and reserves spawning ones.
import { Nanoprocess, type WorkerEndpoint } from './nanoprocess';
import type { FunctionRecord } from './registry';
import type { ModuleInfo, PlatformConfig, PoolSnapshot } from './types';
import { every, type Clock } from './clock';
import { KeepAlivePlanner, type KeepAliveWindow } from './keepalive';

/**
 * No memory, table, global or start function: nothing survives a call, so one kept instance is
 * indistinguishable from a fresh one and `fresh` need not pay for an instantiation per call.
 */
export function isStateless(m: ModuleInfo): boolean {
  return (
    m.kind === 'plain' &&
    m.memories.length === 0 &&
    m.importedMemory === null &&
    m.tables.length === 0 &&
    !m.hasStart &&
    !m.sections.some((s) => s.id === 6) // global section
  );
}

/**
 * Whether a pre-warm also makes the instance: for a plain, unmetered function that keeps its
 * instance and has no start function (nothing of the user's runs outside a call and its timeout).
 */
export function instantiatesAhead(rec: FunctionRecord): boolean {
  const m = rec.info.module;
  return (
    m.kind === 'plain' &&
    !rec.meta.meter &&
    !m.hasStart &&
    (rec.info.config.instance === 'reuse' || isStateless(m))
  );
}

/** What the pool tells its owner (the scheduler and the event stream). */
export interface PoolHooks {
  /** A call finished on `np` and it can take more. */
  onSettled(np: Nanoprocess): void;
  /** `np` came up (after any pre-warm load was sent to it). */
  onReady(np: Nanoprocess): void;
  /** `np` is gone and already out of the pool. */
  onEnded(np: Nanoprocess): void;
  /** The pool's makeup changed (the platform's `pool` event). */
  onChange(): void;
}

export interface WorkerPoolOptions {
  /** Creates a nanoprocess worker (src/workers/nanoprocess.worker.ts), or a fake in tests. */
  spawnWorker: () => WorkerEndpoint;
  clock: Clock;
  /** The platform's current settings, read each time they matter. */
  config: () => PlatformConfig;
  /** The deployed functions by name (the registry's live map). */
  functions: ReadonlyMap<string, FunctionRecord>;
  hooks: PoolHooks;
}

/** `R`: what a worker spawned for one particular invocation is reserved for (the scheduler's pending call). */
export class WorkerPool<R = unknown> {
  private readonly list: Nanoprocess[] = [];
  /** Workers being spawned for one particular invocation (reserve / claim / unreserve). */
  private readonly reserved = new Map<Nanoprocess, R>();
  private readonly retired = new Set<number>();
  private nextWorker = 1;
  private stopReaper: (() => void) | null = null;
  /** Idle-time learning per function, and each idle period's window (none and histogram policies). */
  private readonly keepAlive = new KeepAlivePlanner();
  /** Pre-warm and unload timers of each idle function (none and histogram policies). */
  private readonly fnTimers = new Map<string, unknown[]>();
  /** Workers spawned to pre-warm a function: it is loaded on them once they are up. */
  private readonly warming = new Map<Nanoprocess, FunctionRecord>();
  /** Names of the functions with provisioned workers (topUp runs on every settle: only these are looked at). */
  private readonly provisioned = new Set<string>();
  /** Idle worker-ms of workers that have ended. */
  private idleMsOfEnded = 0;
  private closed = false;
  private readonly clock: Clock;
  private readonly fns: ReadonlyMap<string, FunctionRecord>;

  constructor(private readonly opts: WorkerPoolOptions) {
    this.clock = opts.clock;
    this.fns = opts.functions;
  }

  private get cfg(): PlatformConfig {
    return this.opts.config();
  }

  /** The live workers, oldest first. */
  get workers(): readonly Nanoprocess[] {
    return this.list;
  }

  /** Closed: no more top-ups, replacements or keep-alive timers (the platform is disposed). */
  get disposed(): boolean {
    return this.closed;
  }

  spawn(): Nanoprocess {
    const np = new Nanoprocess(
      this.nextWorker++,
      this.opts.spawnWorker,
      {
        onSettled: (w) => this.opts.hooks.onSettled(w),
        onEnded: (dead) => this.onEnded(dead),
      },
      this.clock,
    );
    this.list.push(np);
    np.ready.then(
      () => {
        const warm = this.warming.get(np);
        if (warm) {
          this.warming.delete(np);
          if (this.fns.get(warm.info.name) === warm && !np.holds(warm.mod))
            np.preload(warm.mod, warm.module, warm.meta, instantiatesAhead(warm));
        }
        this.opts.hooks.onReady(np);
        this.opts.hooks.onChange();
      },
      () => {},
    );
    this.opts.hooks.onChange();
    return np;
  }

  private onEnded(np: Nanoprocess): void {
    const i = this.list.indexOf(np);
    if (i >= 0) this.list.splice(i, 1);
    this.idleMsOfEnded += np.idleHeldMs(this.clock.now());
    this.warming.delete(np);
    this.rewarmCollateral(np);
    this.opts.hooks.onEnded(np);
  }

  /** Replace a worker that was killed: the pool keeps its size and other invocations keep flowing. */
  replace(dead: Nanoprocess): void {
    if (!this.closed && dead.reason !== 'reaped' && this.list.length < this.cfg.maxWorkers) {
      if (this.idleCount() < Math.max(1, this.cfg.prewarm)) this.spawn();
    }
  }

  idleCount(): number {
    let n = 0;
    for (const w of this.list)
      if (!this.reserved.has(w) && (w.state === 'spawning' || (w.state === 'ready' && !w.busy))) n++;
    return n;
  }

  /** Keeps `prewarm` idle workers spawned ahead of demand, and each function's provisioned ones loaded. */
  topUp(): void {
    if (this.closed) return;
    this.provision();
    let idle = this.idleCount();
    while (idle < this.cfg.prewarm && this.list.length < this.cfg.maxWorkers) {
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
      for (const w of this.list) if (w.holds(rec.mod) || this.warming.get(w) === rec) have++;
      while (have < want) {
        let idle: Nanoprocess | null = null;
        for (const w of this.list) {
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
        if (idle) idle.preload(rec.mod, rec.module, rec.meta, instantiatesAhead(rec));
        else if (this.list.length < this.cfg.maxWorkers) this.warming.set(this.spawn(), rec);
        else break;
        have++;
      }
    }
  }

  /** Follows a function's `provisioned` setting after a deploy or reconfigure. */
  noteProvisioned(rec: FunctionRecord): void {
    if (rec.info.config.provisioned) this.provisioned.add(rec.info.name);
    else this.provisioned.delete(rec.info.name);
  }

  /** The provisioned modules each worker keeps whatever the keep-alive says: each function's first holders. */
  private pinned(): Map<Nanoprocess, Set<number>> {
    const out = new Map<Nanoprocess, Set<number>>();
    for (const name of this.provisioned) {
      const rec = this.fns.get(name)!;
      let left = Math.min(rec.info.config.provisioned ?? 0, this.cfg.maxWorkers);
      for (const w of this.list) {
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
  trimPool(): void {
    let extra = this.list.length - this.cfg.maxWorkers;
    for (const w of [...this.list]) {
      if (extra <= 0) break;
      if (!w.busy && !this.reserved.has(w)) {
        w.end('reaped');
        extra--;
      }
    }
  }

  /** A module replaced by a redeploy (or undeployed): evicted from every worker not running it. */
  retire(mod: number): void {
    this.retired.add(mod);
    this.sweepModules(this.clock.now());
  }

  restartReaper(): void {
    this.stopReaper?.();
    const period = Math.max(50, Math.min(1000, this.cfg.keepAliveMs / 4));
    this.stopReaper = every(this.clock, period, () => this.reap());
  }

  private inUse(np: Nanoprocess, mod: number): boolean {
    return np.inFlight.some((c) => c.mod === mod);
  }

  /** Evicts modules replaced by a redeploy, and those the keep-alive policy no longer keeps. */
  sweepModules(now: number): void {
    const fixed = this.cfg.keepAlivePolicy === 'fixed';
    const names = fixed ? null : new Map([...this.fns.values()].map((r) => [r.mod, r.info.name]));
    const pins = this.pinned();
    for (const np of this.list) {
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
    for (const mod of this.retired) if (!this.list.some((w) => w.holds(mod))) this.retired.delete(mod);
  }

  /** Keep-alive: warm modules and idle workers expire after keepAliveMs, down to `prewarm` workers. */
  reap(): void {
    const now = this.clock.now();
    const before = this.list.length;
    this.sweepModules(now);
    const idle = this.list
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
    if (this.list.length !== before) this.opts.hooks.onChange();
  }

  /** The histogram policy learns from the traffic it sees once switched on, not from before. */
  relearn(): void {
    this.keepAlive.relearn();
  }

  /** A call of `name` arrived: its idle period ends, and with it the period's timers. */
  arrive(name: string, now: number): void {
    this.keepAlive.arrive(name, now);
    this.clearFnTimers(name);
  }

  /** `name` was undeployed: its provisioned workers, timers and learned idle times go. */
  forget(name: string): void {
    this.provisioned.delete(name);
    this.clearFnTimers(name);
    this.keepAlive.forget(name);
  }

  /**
   * A function's last running call settled. Under the none and histogram policies its idle period
   * gets its window now: unload at once (a microtask, after the scheduler has handed the worker its
   * next queued call), pre-warm when the window opens, unload when it closes.
   */
  idle(rec: FunctionRecord, now: number): void {
    const name = rec.info.name;
    if (!this.fns.has(name)) return;
    const window: KeepAliveWindow | null = this.keepAlive.finish(
      name,
      now,
      this.cfg.keepAlivePolicy,
      this.cfg.keepAliveMs,
    );
    if (this.cfg.keepAlivePolicy === 'fixed' || this.closed) return;
    if (!window) {
      if (this.cfg.keepAlivePolicy === 'none') queueMicrotask(() => this.closed || this.reap());
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
      if (!this.closed) this.reap();
    });
  }

  private clearFnTimers(name: string): void {
    for (const t of this.fnTimers.get(name) ?? []) this.clock.clearTimer(t);
    this.fnTimers.delete(name);
  }

  /**
   * Workers are shared: a worker ended by one function's timeout, crash or Stop also held other
   * functions' modules, within their keep-alive. Their keep-alive does not end with it: each is
   * loaded again on an idle worker (or one spawned for it), as a pre-warm would, so their next call
   * stays warm. The function whose call ended the worker is not (its sandbox is gone, as on a
   * server platform), nor are modules of replaced versions or any module after a keep-alive reap.
   */
  private rewarmCollateral(dead: Nanoprocess): void {
    if (this.closed || dead.reason === 'reaped') return;
    for (const rec of this.fns.values())
      if (rec.mod !== dead.endedBy && dead.holds(rec.mod)) this.prewarmFn(rec.info.name);
  }

  /** Loads an idle function ahead of its predicted next call: on an idle worker, or on one spawned for it. */
  private prewarmFn(name: string): void {
    const rec = this.fns.get(name);
    if (!rec || this.closed) return;
    if (this.list.some((w) => w.holds(rec.mod)) || [...this.warming.values()].includes(rec)) return;
    const idle = this.list.find(
      (w) => w.state === 'ready' && !w.busy && !this.reserved.has(w) && !this.warming.has(w),
    );
    if (idle) idle.preload(rec.mod, rec.module, rec.meta, instantiatesAhead(rec));
    else if (this.list.length < this.cfg.maxWorkers) this.warming.set(this.spawn(), rec);
    this.opts.hooks.onChange();
  }

  /** Holds a worker being spawned for `call`: nothing else is sent to it until it is claimed. */
  reserve(np: Nanoprocess, call: R): void {
    this.reserved.set(np, call);
  }

  /** The call a worker was spawned for, released from it (undefined when it was spawned for none). */
  claim(np: Nanoprocess): R | undefined {
    const call = this.reserved.get(np);
    this.reserved.delete(np);
    return call;
  }

  /** Releases the worker spawned for the call `matches` picks, and returns that call. */
  unreserve(matches: (call: R) => boolean): R | undefined {
    for (const [np, call] of this.reserved)
      if (matches(call)) {
        this.reserved.delete(np);
        return call;
      }
    return undefined;
  }

  isReserved(np: Nanoprocess): boolean {
    return this.reserved.has(np);
  }

  /** Calls waiting for a worker spawned for them. */
  get reservedCalls(): R[] {
    return [...this.reserved.values()];
  }

  get reservedCount(): number {
    return this.reserved.size;
  }

  /** The pool view; `queued` is how many calls wait in the scheduler's queue (reserved ones are added). */
  snapshot(queued: number): PoolSnapshot {
    const labels = new Map<number, string>();
    for (const r of this.fns.values()) labels.set(r.mod, r.meta.label);
    let inFlight = 0;
    const workers = this.list.map((w) => {
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
    for (const w of this.list) idleWorkerMs += w.idleHeldMs(now);
    return { workers, queueLength: queued + this.reserved.size, inFlight, idleWorkerMs };
  }

  /** Stops the reaper and every keep-alive timer; nothing tops up or replaces workers after this. */
  close(): void {
    this.closed = true;
    this.stopReaper?.();
    for (const name of [...this.fnTimers.keys()]) this.clearFnTimers(name);
  }

  /** Ends every worker (after close()). */
  endAll(): void {
    for (const w of [...this.list]) w.end('reaped');
  }
}
