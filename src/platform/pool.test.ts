// The worker pool on its own, with fake nanoprocess workers on a manual clock and no scheduler:
// top-up to `prewarm`, reservations, keep-alive reaping, provisioned workers, replacement of a
// killed worker and the pool snapshot, each checked exactly (platform.test.ts checks them through
// the platform's calls).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatched, Nanoprocess } from './nanoprocess';
import { instantiatesAhead, isStateless, WorkerPool } from './pool';
import { functionRecord, normalizeConfig, prepareModule, type FunctionRecord } from './registry';
import { FakeWorkers } from './testing/fake-worker';
import { flush, ManualClock } from './testing/manual-clock';
import { watCompiler } from './testing/wat';
import { DEFAULT_PLATFORM_CONFIG, type FunctionConfig, type PlatformConfig } from './types';

let wat: (source: string) => Uint8Array;
beforeAll(async () => {
  wat = await watCompiler();
});

/** Has a memory: state can survive a call. */
const STATEFUL = '(module (memory 1) (func (export "run") (param i32) (result i32) local.get 0))';
/** Nothing survives a call. */
const STATELESS = '(module (func (export "run") (param i32) (result i32) local.get 0))';

/** A deployed function's record, as the platform's deploy() makes it. */
async function record(
  name: string,
  mod: number,
  config: Partial<FunctionConfig> = {},
  source = STATEFUL,
): Promise<FunctionRecord> {
  const cfg = normalizeConfig(config);
  const prepared = await prepareModule(wat(source), cfg, `${name}@1`);
  return functionRecord({
    name,
    version: 1,
    bytes: new Uint8Array(0),
    wat: source,
    config: cfg,
    prepared,
    mod,
    deployedAt: 0,
  });
}

const pools: WorkerPool<string>[] = [];
afterEach(() => {
  for (const p of pools.splice(0)) {
    p.close();
    p.endAll();
  }
});

function setup(config: Partial<PlatformConfig> = {}) {
  const clock = new ManualClock({ settle: () => flush(2) });
  const fakes = new FakeWorkers(clock);
  let cfg: PlatformConfig = { ...DEFAULT_PLATFORM_CONFIG, prewarm: 0, ...config };
  const fns = new Map<string, FunctionRecord>();
  const seen = { ready: [] as number[], ended: [] as number[], settled: 0, changes: 0 };
  const pool = new WorkerPool<string>({
    spawnWorker: fakes.spawn,
    clock,
    config: () => cfg,
    functions: fns,
    hooks: {
      onSettled: () => seen.settled++,
      onReady: (np) => seen.ready.push(np.id),
      onEnded: (np) => seen.ended.push(np.id),
      onChange: () => seen.changes++,
    },
  });
  pools.push(pool);
  const configure = (patch: Partial<PlatformConfig>) => (cfg = { ...cfg, ...patch });
  const ids = () => pool.workers.map((w) => w.id);
  /** The fake worker's view of what a nanoprocess holds (what was really sent to it). */
  const loaded = (np: Nanoprocess) => [...fakes.workers[np.id - 1].modules.values()].map((m) => m.label);
  return { clock, fakes, pool, fns, seen, configure, ids, loaded };
}

/** A call that the fake worker never answers (a `hang` script), to hold a worker busy. */
function hangingCall(rec: FunctionRecord, id: number, now: number): Dispatched {
  return {
    id,
    mod: rec.mod,
    export: 'run',
    args: [0],
    reuse: false,
    ahead: false,
    wasi: null,
    timeoutMs: 60_000,
    metered: null,
    sentAt: now,
    transferred: true,
    estimateMs: 1,
    onDone: () => {},
    onGone: () => {},
  };
}

describe('top-up', () => {
  it('spawns `prewarm` idle workers ahead of demand, never beyond maxWorkers', async () => {
    const { clock, fakes, pool, seen, configure, ids } = setup({ prewarm: 3, maxWorkers: 2 });
    pool.topUp();
    expect(fakes.workers).toHaveLength(2);
    expect(pool.snapshot(0).workers.map((w) => w.state)).toEqual(['spawning', 'spawning']);
    expect(pool.idleCount()).toBe(2); // spawning workers count as idle: they will take the next call
    expect(seen.changes).toBe(2);
    await clock.advance(fakes.spawnMs);
    expect(seen.ready).toEqual([1, 2]);
    expect(pool.snapshot(0).workers.map((w) => w.state)).toEqual(['idle', 'idle']);
    pool.topUp();
    expect(fakes.workers).toHaveLength(2);
    configure({ maxWorkers: 4 });
    pool.topUp();
    expect(ids()).toEqual([1, 2, 3]);
  });

  it('does not count a worker reserved for a call as idle', () => {
    const { fakes, pool } = setup({ prewarm: 1 });
    const np = pool.spawn();
    pool.reserve(np, 'call 1');
    expect(pool.idleCount()).toBe(0);
    pool.topUp();
    expect(fakes.workers).toHaveLength(2);
    expect(pool.idleCount()).toBe(1);
  });

  it('does nothing once closed', () => {
    const { fakes, pool } = setup({ prewarm: 2 });
    pool.close();
    pool.topUp();
    expect(fakes.workers).toHaveLength(0);
    expect(pool.disposed).toBe(true);
  });
});

describe('keep-alive reaping', () => {
  it('ends idle workers once idle for more than keepAliveMs, oldest first, down to prewarm', async () => {
    const { clock, fakes, pool, seen, ids } = setup({ keepAliveMs: 1000, prewarm: 1, maxWorkers: 4 });
    pool.spawn();
    pool.spawn();
    pool.spawn();
    await clock.advance(fakes.spawnMs); // all ready (idle since) at t = 1020
    pool.restartReaper(); // every keepAliveMs / 4 = 250 ms: 1270, 1520, 1770, 2020, 2270
    const changes = seen.changes;
    await clock.advance(1000); // t = 2020: idle exactly keepAliveMs, not more
    expect(ids()).toEqual([1, 2, 3]);
    await clock.advance(250);
    expect(ids()).toEqual([3]);
    expect(seen.ended).toEqual([1, 2]);
    expect(fakes.alive.map((w) => w.id)).toEqual([3]);
    expect(seen.changes).toBe(changes + 1); // one pool event for the reap
    await clock.advance(10_000);
    expect(ids()).toEqual([3]);
  });

  it('evicts a module unused for keepAliveMs from a worker that stays', async () => {
    const { clock, fakes, pool, fns, loaded } = setup({ keepAliveMs: 1000, prewarm: 1 });
    const f = await record('f', 1);
    fns.set('f', f);
    const np = pool.spawn();
    await clock.advance(fakes.spawnMs);
    np.preload(f.mod, f.module, f.meta);
    pool.restartReaper();
    await clock.advance(1000);
    expect(loaded(np)).toEqual(['f@1']);
    await clock.advance(250);
    expect(np.modules.size).toBe(0);
    expect(loaded(np)).toEqual([]);
    expect(pool.workers).toEqual([np]); // kept: it is the one prewarm worker
  });

  it('keeps provisioned workers and their module past the keep-alive, until unprovisioned', async () => {
    const { clock, fakes, pool, fns, ids, loaded } = setup({ keepAliveMs: 1000, maxWorkers: 4 });
    const f = await record('f', 1, { provisioned: 1 });
    const g = await record('g', 2);
    fns.set('f', f);
    fns.set('g', g);
    pool.noteProvisioned(f);
    pool.topUp(); // no idle worker: one is spawned for f, which is loaded when it is up
    expect(ids()).toEqual([1]);
    const other = pool.spawn();
    await clock.advance(fakes.spawnMs);
    other.preload(g.mod, g.module, g.meta);
    expect(pool.snapshot(0).workers.map((w) => w.modules)).toEqual([['f@1'], ['g@1']]);
    pool.restartReaper();
    await clock.advance(10_000);
    expect(ids()).toEqual([1]);
    expect(loaded(pool.workers[0])).toEqual(['f@1']);
    f.info.config = { ...f.info.config, provisioned: 0 };
    pool.noteProvisioned(f);
    await clock.advance(250);
    expect(ids()).toEqual([]);
    expect(fakes.alive).toHaveLength(0);
  });

  it('tops provisioned workers up by loading onto an idle worker rather than spawning', async () => {
    const { clock, fakes, pool, fns, ids, loaded } = setup({ maxWorkers: 4 });
    pool.spawn();
    await clock.advance(fakes.spawnMs);
    const f = await record('f', 1, { provisioned: 2 });
    fns.set('f', f);
    pool.noteProvisioned(f);
    pool.topUp();
    expect(ids()).toEqual([1, 2]); // worker 1 loads it now, worker 2 is spawned for it
    expect(pool.workers.map((w) => w.holds(f.mod))).toEqual([true, false]);
    await clock.advance(fakes.spawnMs);
    expect(pool.workers.map((w) => loaded(w))).toEqual([['f@1'], ['f@1']]);
    pool.topUp();
    expect(fakes.workers).toHaveLength(2);
  });

  it('under the none policy, a function going idle is unloaded at once and its worker ends', async () => {
    const { clock, fakes, pool, fns, ids } = setup({ keepAlivePolicy: 'none' });
    const f = await record('f', 1);
    fns.set('f', f);
    const np = pool.spawn();
    await clock.advance(fakes.spawnMs);
    np.preload(f.mod, f.module, f.meta);
    pool.arrive('f', clock.now());
    pool.idle(f, clock.now());
    expect(ids()).toEqual([1]); // the unload waits for a microtask (the scheduler hands out queued calls first)
    await flush(2);
    expect(ids()).toEqual([]);
    expect(np.modules.size).toBe(0);
  });

  it('retire() evicts a replaced module from idle workers', async () => {
    const { clock, fakes, pool, fns, loaded } = setup();
    const f = await record('f', 1);
    fns.set('f', f);
    const np = pool.spawn();
    await clock.advance(fakes.spawnMs);
    np.preload(f.mod, f.module, f.meta);
    pool.retire(f.mod);
    expect(np.holds(f.mod)).toBe(false);
    await flush(2);
    expect(loaded(np)).toEqual([]);
  });
});

describe('replacement', () => {
  it('replaces a worker that was killed, not one that was reaped', async () => {
    const { clock, fakes, pool, seen, ids } = setup();
    const np = pool.spawn();
    await clock.advance(fakes.spawnMs);
    np.end('crashed', 'boom');
    expect(seen.ended).toEqual([1]);
    expect(ids()).toEqual([]);
    pool.replace(np);
    expect(ids()).toEqual([2]);
    const second = pool.workers[0];
    second.end('reaped');
    pool.replace(second);
    expect(ids()).toEqual([]);
    expect(fakes.workers).toHaveLength(2);
  });
});

describe('snapshot', () => {
  it("counts workers' states, calls in flight, queued and reserved calls, and idle worker-ms", async () => {
    const { clock, fakes, pool, fns } = setup({ maxWorkers: 4 });
    const f = await record('f', 1);
    fns.set('f', f);
    const held = pool.spawn();
    const busy = pool.spawn();
    await clock.advance(fakes.spawnMs); // t = 1020
    const reserved = pool.spawn();
    pool.reserve(reserved, 'call 9');
    held.preload(f.mod, f.module, f.meta);
    busy.preload(7, f.module, { ...f.meta, label: 'old' }); // not in the registry any more
    fakes.script = () => 'hang';
    busy.dispatch(hangingCall(f, 1, clock.now()));
    busy.dispatch(hangingCall(f, 2, clock.now()));
    await clock.advance(500); // t = 1520
    const snap = pool.snapshot(3);
    expect(snap.workers).toEqual([
      { id: 1, state: 'idle', modules: ['f@1'], inFlight: 0, idleSinceMs: 500 },
      { id: 2, state: 'busy', modules: ['retired #7', 'f@1'], inFlight: 2, idleSinceMs: null },
      { id: 3, state: 'idle', modules: [], inFlight: 0, idleSinceMs: 480 },
    ]);
    expect(snap.queueLength).toBe(4);
    expect(snap.inFlight).toBe(2);
    expect(snap.idleWorkerMs).toBe(500); // only the idle worker holding a module pays
    held.end('reaped');
    await clock.advance(100);
    expect(pool.snapshot(0).idleWorkerMs).toBe(500); // an ended worker's idle time is kept
  });
});

describe('module facts', () => {
  it('stateless modules and kept instances are instantiated ahead by a pre-warm; fresh stateful ones are not', async () => {
    const stateless = await record('s', 1, {}, STATELESS);
    const fresh = await record('f', 2);
    const reuse = await record('r', 3, { instance: 'reuse' });
    expect(isStateless(stateless.info.module)).toBe(true);
    expect(isStateless(fresh.info.module)).toBe(false);
    expect([instantiatesAhead(stateless), instantiatesAhead(fresh), instantiatesAhead(reuse)]).toEqual([
      true,
      false,
      true,
    ]);
  });
});
