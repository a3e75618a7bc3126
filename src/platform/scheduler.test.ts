// The scheduler over a real pool of fake nanoprocess workers on a manual clock, without the
// platform's registry and argument checks: calls go in as Pending records and come out settled.
// FIFO dispatch, the choice of worker, spawning for a call, throttling, stops and events.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from './pool';
import type { PlatformEvent } from './platform';
import { functionRecord, normalizeConfig, prepareModule, type FunctionRecord } from './registry';
import { RecordStore } from './records';
import { newPending, Scheduler, type Pending } from './scheduler';
import { FakeWorkers } from './testing/fake-worker';
import { flush, ManualClock } from './testing/manual-clock';
import { watCompiler } from './testing/wat';
import { DEFAULT_PLATFORM_CONFIG, type Invocation, type PlatformConfig } from './types';

let wat: (source: string) => Uint8Array;
beforeAll(async () => {
  wat = await watCompiler();
});

const STATEFUL = '(module (memory 1) (func (export "run") (param i32) (result i32) local.get 0))';

async function record(name: string, mod: number): Promise<FunctionRecord> {
  const cfg = normalizeConfig({});
  const prepared = await prepareModule(wat(STATEFUL), cfg, `${name}@1`);
  return functionRecord({
    name,
    version: 1,
    bytes: new Uint8Array(0),
    wat: STATEFUL,
    config: cfg,
    prepared,
    mod,
    deployedAt: 0,
  });
}

const pools: WorkerPool<Pending>[] = [];
afterEach(() => {
  for (const p of pools.splice(0)) {
    p.close();
    p.endAll();
  }
});

async function setup(config: Partial<PlatformConfig> = {}) {
  const clock = new ManualClock({ settle: () => flush(2) });
  const fakes = new FakeWorkers(clock);
  const cfg: PlatformConfig = { ...DEFAULT_PLATFORM_CONFIG, prewarm: 0, ...config };
  const f = await record('f', 1);
  const fns = new Map([['f', f]]);
  const events: PlatformEvent[] = [];
  let listening = true;
  const records = new RecordStore(100);
  const pool: WorkerPool<Pending> = new WorkerPool<Pending>({
    spawnWorker: fakes.spawn,
    clock,
    config: () => cfg,
    functions: fns,
    hooks: {
      onSettled: () => scheduler.pump(),
      onReady: (np) => scheduler.onReady(np),
      onEnded: (np) => scheduler.onEnded(np),
      onChange: () => events.push({ type: 'pool' }),
    },
  });
  pools.push(pool);
  const scheduler: Scheduler = new Scheduler({
    clock,
    config: () => cfg,
    pool,
    records,
    emit: (ev) => events.push(ev),
    listening: () => listening,
  });
  let nextId = 1;
  /** Submits a call of f with one argument; resolves with its record. */
  const call = (arg = 0): { id: number; done: Promise<Invocation> } => {
    const id = nextId++;
    const done = new Promise<Invocation>((resolve) => {
      const p = newPending({
        id,
        record: f,
        export: 'run',
        args: [arg],
        trigger: 'console',
        receivedAt: undefined,
        wasmArgs: [arg],
        wasi: null,
        enqueuedAt: clock.now(),
        resolve,
      });
      scheduler.submit(p);
    });
    return { id, done };
  };
  const mute = () => (listening = false);
  return { clock, fakes, pool, scheduler, records, events, f, call, mute };
}

function collect(promises: Promise<Invocation>[]): Invocation[] {
  const out: Invocation[] = [];
  for (const pr of promises) void pr.then((inv) => out.push(inv));
  return out;
}

describe('dispatch', () => {
  it('spawns a worker for a call when none can take it; the call waits reserved, then runs cold', async () => {
    const { clock, fakes, pool, scheduler, call } = await setup();
    const { done } = call(7);
    expect(pool.workers).toHaveLength(1);
    expect(pool.reservedCount).toBe(1);
    expect(scheduler.queued).toBe(0);
    expect(scheduler.unsettled).toBe(1);
    expect(pool.snapshot(scheduler.queued).queueLength).toBe(1);
    const inv = await clock.until(done);
    expect([inv.outcome, inv.result, inv.start, inv.worker]).toEqual(['ok', 7, 'cold', 1]);
    expect(inv.timings.spawn).toBe(fakes.spawnMs);
    expect(scheduler.unsettled).toBe(0);
    expect(pool.reservedCount).toBe(0);
  });

  it('runs queued calls in FIFO order on the one worker', async () => {
    const { clock, fakes, scheduler, call } = await setup({ maxWorkers: 1 });
    fakes.script = () => ({ execMs: 10 });
    const done = collect([1, 2, 3, 4].map((a) => call(a).done));
    expect(scheduler.queued).toBe(3); // the first waits for its worker, reserved
    await clock.advance(200);
    expect(done.map((i) => i.args[0])).toEqual([1, 2, 3, 4]);
    expect(fakes.received.map((c) => c.args[0])).toEqual([1, 2, 3, 4]);
    expect(done.map((i) => i.start)).toEqual(['cold', 'warm', 'warm', 'warm']);
  });

  it('prefers an idle worker that holds the module over an empty one', async () => {
    const { clock, fakes, pool, f, call, events } = await setup();
    pool.spawn();
    const holder = pool.spawn();
    await clock.advance(fakes.spawnMs);
    holder.preload(f.mod, f.module, f.meta);
    const inv = await clock.until(call().done);
    expect([inv.worker, inv.start]).toEqual([2, 'warm']);
    expect(events.filter((e) => e.type === 'dispatched')).toEqual([
      { type: 'dispatched', id: 1, fn: 'f', worker: 2 },
    ]);
  });

  it('builds no per-call events while nobody listens', async () => {
    const { clock, events, call, mute } = await setup();
    mute();
    await clock.until(call().done);
    expect(events.filter((e) => e.type === 'dispatched' || e.type === 'invocation')).toEqual([]);
  });
});

describe('throttling and stops', () => {
  it('refuses a call beyond maxQueue at once, and records it', async () => {
    const { clock, fakes, scheduler, records, call } = await setup({ maxWorkers: 1, maxQueue: 1 });
    fakes.script = () => 'hang';
    const first = call(1);
    const second = call(2);
    const third = await call(3).done;
    expect([third.outcome, third.error]).toEqual(['throttled', 'Throttled: the queue is full (1 waiting)']);
    expect(records.stats('f')!.outcomes.throttled).toBe(1);
    expect(scheduler.unsettled).toBe(2);
    await clock.advance(fakes.spawnMs);
    expect(scheduler.stopAll()).toBe(2);
    const [a, b] = await Promise.all([first.done, second.done]);
    expect([a.outcome, b.outcome]).toEqual(['error', 'error']);
    expect(b.error).toBe('Stopped before it started');
    expect(scheduler.unsettled).toBe(0);
  });

  it('stops a call waiting for the worker spawned for it', async () => {
    const { pool, scheduler, call } = await setup();
    const { id, done } = call();
    expect(pool.reservedCount).toBe(1);
    expect(scheduler.stop(id)).toBe(true);
    expect((await done).error).toBe('Stopped before it started');
    expect(pool.reservedCount).toBe(0);
    expect(scheduler.stop(id)).toBe(false);
  });
});
