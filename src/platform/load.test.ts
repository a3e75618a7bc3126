import { describe, expect, it } from 'vitest';
import { arrivalTimes } from './metrics/arrivals';
import { invocationCost } from './metrics/billing';
import { browserTimers, LoadGenerator, validateLoadSpec, type LoadPlatform, type LoadSpec } from './load';
import { ManualClock } from './testing/manual-clock';
import {
  DEFAULT_FUNCTION_CONFIG,
  type ArgValue,
  type FunctionInfo,
  type Invocation,
  type Outcome,
  type PoolSnapshot,
} from './types';

interface Call {
  id: number;
  args: ArgValue[];
  at: number;
  resolve: (inv: Invocation) => void;
  settled: boolean;
}

/** A platform whose calls take `latencyMs` of virtual time; counts what is in flight. */
class FakePlatform implements LoadPlatform {
  calls: Call[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Per call: latency and outcome. */
  behaviour: (i: number) => { latencyMs: number; outcome?: Outcome; cold?: boolean } = () => ({
    latencyMs: 5,
  });
  /** Virtual ms each start() costs the main thread. */
  startCostMs = 0;
  throwOn: number | null = null;
  private nextId = 1;

  constructor(private clock: ManualClock) {}

  functions(): FunctionInfo[] {
    return [{ name: 'sum', config: { ...DEFAULT_FUNCTION_CONFIG, memoryMiB: 128 } } as FunctionInfo];
  }

  /** What pool() reports as idle worker-ms so far (tests move it). */
  idleWorkerMs = 0;

  pool(): PoolSnapshot {
    const busy = Math.min(2, this.inFlight);
    return {
      workers: [
        { id: 1, state: busy > 0 ? 'busy' : 'idle', modules: [], inFlight: 0, idleSinceMs: null },
        { id: 2, state: busy > 1 ? 'busy' : 'idle', modules: [], inFlight: 0, idleSinceMs: null },
      ],
      queueLength: Math.max(0, this.inFlight - 2),
      inFlight: this.inFlight,
      idleWorkerMs: this.idleWorkerMs,
    };
  }

  start(name: string, args: ArgValue[]): { id: number; done: Promise<Invocation> } {
    const i = this.calls.length;
    if (this.throwOn === i) throw new Error(`"${name}" has no exported function "nope"`);
    this.clock.t += this.startCostMs;
    const id = this.nextId++;
    const b = this.behaviour(i);
    const at = this.clock.t;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let resolve!: (inv: Invocation) => void;
    const done = new Promise<Invocation>((r) => (resolve = r));
    const call: Call = { id, args, at, resolve, settled: false };
    this.calls.push(call);
    this.clock.setTimer(
      () => this.settle(call, b.outcome ?? 'ok', b.cold ?? i === 0, b.latencyMs),
      b.latencyMs,
    );
    return { id, done };
  }

  stop(id: number): boolean {
    const call = this.calls.find((c) => c.id === id && !c.settled);
    if (!call) return false;
    this.settle(call, 'error', false, this.clock.t - call.at);
    return true;
  }

  private settle(call: Call, outcome: Outcome, cold: boolean, ms: number): void {
    if (call.settled) return;
    call.settled = true;
    this.inFlight--;
    const exec = outcome === 'throttled' ? 0 : ms * 0.8;
    call.resolve({
      id: call.id,
      fn: 'sum',
      version: 1,
      export: '_start',
      args: call.args,
      start: cold ? 'cold' : 'warm',
      instance: 'new',
      outcome,
      result: 0,
      logs: [],
      timings: { queue: ms * 0.1, spawn: 0, compile: 0, instantiate: ms * 0.1, exec, total: ms },
      memoryBytes: 65536,
      worker: (call.id % 2) + 1,
      enqueuedAt: call.at,
      endedAt: this.clock.t,
    });
  }
}

function setup(spec: Partial<LoadSpec>, opts: { tickBudgetMs?: number } = {}) {
  const clock = new ManualClock();
  const platform = new FakePlatform(clock);
  const full: LoadSpec = {
    fn: 'sum',
    args: [[1, 2]],
    mode: 'open',
    arrival: 'constant',
    ratePerSec: 100,
    concurrency: 1,
    durationSec: 1,
    seed: 7,
    ...spec,
  };
  const gen = new LoadGenerator(platform, full, { timers: clock, ...opts });
  return { clock, platform, gen, spec: full };
}

describe('validateLoadSpec', () => {
  const base: LoadSpec = {
    fn: 'sum',
    args: [[]],
    mode: 'open',
    arrival: 'constant',
    ratePerSec: 10,
    concurrency: 1,
    durationSec: 1,
    seed: 1,
  };
  it('accepts a sane spec and names what is wrong with a bad one', () => {
    expect(validateLoadSpec(base)).toBeNull();
    expect(validateLoadSpec({ ...base, fn: '' })).toMatch(/function/);
    expect(validateLoadSpec({ ...base, durationSec: undefined })).toMatch(/duration, a count/);
    expect(validateLoadSpec({ ...base, ratePerSec: 0 })).toMatch(/Rate/);
    expect(validateLoadSpec({ ...base, ratePerSec: 0, bursts: { size: 5, everySec: 1 } })).toBeNull();
    expect(validateLoadSpec({ ...base, mode: 'closed', concurrency: 0 })).toMatch(/Concurrency/);
    expect(validateLoadSpec({ ...base, count: 1.5 })).toMatch(/Count/);
    expect(() => new LoadGenerator(new FakePlatform(new ManualClock()), { ...base, args: [] })).toThrow(
      /argument list/,
    );
  });
});

describe('LoadGenerator, open loop', () => {
  it('issues every arrival of the seeded schedule at its time and reports the run', async () => {
    const { clock, platform, gen } = setup({ ratePerSec: 100, durationSec: 1 });
    const result = await clock.until(gen.start());
    expect(platform.calls).toHaveLength(100);
    // Target times are offsets from the start: call i went out at exactly i × 10 ms.
    const t0 = platform.calls[0].at;
    expect(platform.calls.map((c) => c.at - t0)).toEqual(Array.from({ length: 100 }, (_, i) => i * 10));
    expect(result.issued).toBe(100);
    expect(result.settled).toBe(100);
    expect(result.offeredPerSec).toBe(100);
    expect(result.issuedPerSec).toBeCloseTo(100, 6);
    expect(result.achievedPerSec).toBeCloseTo(100, 6); // last settle at 995 ms, within the 1 s window
    expect(result.lateness).toEqual({ mean: 0, p50: 0, p99: 0, max: 0 });
    expect(result.outcomes.ok).toBe(100);
    expect(result.cold).toBe(1);
    expect(result.warm).toBe(99);
    expect(result.total.p50).toBe(5);
    expect(result.exec.p99).toBe(4);
    expect(result.meanTimings).toEqual({
      queue: 0.5,
      spawn: 0,
      compile: 0,
      instantiate: 0.5,
      exec: 4,
      total: 5,
    });
    expect(result.stoppedEarly).toBe(false);
    expect(result.workersUsed).toBe(2);
    expect(result.memoryMiB).toBe(128);
    expect(result.cost.invocations).toBe(100);
    expect(result.cost.total).toBeCloseTo(100 * invocationCost(4, 128).total, 15);
    expect(gen.state).toBe('done');
    expect(clock.pending).toBe(0); // no timer left behind
  });

  it('follows the Poisson schedule for its seed, reproducibly', async () => {
    const spec = { arrival: 'poisson' as const, ratePerSec: 200, durationSec: 2, seed: 42 };
    const a = setup(spec);
    await a.clock.until(a.gen.start());
    const b = setup(spec);
    await b.clock.until(b.gen.start());
    const c = setup({ ...spec, seed: 43 });
    await c.clock.until(c.gen.start());
    const offsets = (p: FakePlatform) => p.calls.map((x) => x.at - 1000);
    const planned = arrivalTimes({ kind: 'poisson', ratePerSec: 200, durationSec: 2 }, 42);
    expect(offsets(a.platform)).toHaveLength(planned.length);
    // Ticks are at least 1 ms apart, so an arrival goes out at its time or within a ms after it.
    offsets(a.platform).forEach((t, i) => {
      expect(t - planned[i]).toBeGreaterThan(-1e-3);
      expect(t - planned[i]).toBeLessThanOrEqual(1 + 1e-9);
    });
    expect(a.gen.samples.length).toBeGreaterThan(0);
    expect(offsets(b.platform)).toEqual(offsets(a.platform));
    expect(offsets(c.platform)).not.toEqual(offsets(a.platform));
  });

  it('cycles through a list of argument lists', async () => {
    const { clock, platform, gen } = setup({
      args: [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
      count: 7,
      durationSec: undefined,
    });
    await clock.until(gen.start());
    expect(platform.calls.map((c) => c.args[0])).toEqual([1, 2, 3, 1, 2, 3, 1]);
  });

  it('adds bursts on top of the rate', async () => {
    const { clock, platform, gen } = setup({
      ratePerSec: 10,
      bursts: { size: 20, everySec: 0.5 },
      durationSec: 1.2,
    });
    const r = await clock.until(gen.start());
    expect(platform.calls).toHaveLength(12 + 40);
    expect(r.offeredPerSec).toBe(10 + 40);
    const at500 = platform.calls.filter((c) => c.at - 1000 === 500).length;
    expect(at500).toBe(21); // the regular arrival and the burst of 20
  });

  it('reports the idle worker-ms the platform counted between its start and its last settle', async () => {
    const { clock, platform, gen } = setup({ ratePerSec: 10, durationSec: 1 });
    platform.idleWorkerMs = 5000; // idling before the run does not count
    const running = gen.start();
    platform.idleWorkerMs = 5750;
    const r = await clock.until(running);
    expect(r.idleWorkerMs).toBe(750);
  });

  it('runs a jittered periodic schedule from its seed', async () => {
    const { clock, platform, gen } = setup({
      arrival: 'periodic',
      jitter: 0.3,
      ratePerSec: 10,
      durationSec: 2,
    });
    await clock.until(gen.start());
    expect(platform.calls).toHaveLength(20);
    const offsets = platform.calls.map((c, i) => c.at - 1000 - i * 100);
    expect(offsets.every((o) => Math.abs(o) <= 31)).toBe(true);
    expect(offsets.some((o) => Math.abs(o) > 5)).toBe(true);
  });

  it('counts open-loop latency from the intended send time, lateness beside it', async () => {
    const { clock, gen } = setup({ ratePerSec: 100, durationSec: 1 });
    clock.lateBy = () => 3; // every wake-up comes 3 ms after it was asked for; calls take 5 ms
    const r = await clock.until(gen.start());
    const c = gen.completions;
    expect(c.get('late')[1]).toBe(3);
    expect(c.get('total')[1]).toBe(8);
    expect(r.total.max).toBe(8);
    expect(c.get('late')[0]).toBe(0); // the first call goes out at once
    expect(c.get('total')[0]).toBe(5);
  });

  it('measures its own lateness when timers fire late', async () => {
    const { clock, gen } = setup({ ratePerSec: 100, durationSec: 1 });
    clock.lateBy = () => 3; // every wake-up comes 3 ms after it was asked for
    const r = await clock.until(gen.start());
    expect(r.issued).toBe(100);
    expect(r.lateness.p50).toBe(3);
    expect(r.lateness.max).toBe(3);
    expect(r.lateness.mean).toBeCloseTo(3 * 0.99, 6); // the first call goes out at once
  });

  it('catches up after a stall without drifting: target times come from the start', async () => {
    const { clock, platform, gen } = setup({ ratePerSec: 100, durationSec: 1 });
    // The wake-up for the arrival at 310 ms comes at 405 ms: 10 arrivals (310…400) are overdue by then.
    clock.lateBy = (at) => (at === 1310 ? 95 : 0);
    const r = await clock.until(gen.start());
    expect(r.issued).toBe(100);
    const offsets = platform.calls.map((c) => c.at - 1000);
    // Overdue arrivals all go out in the late tick, and the schedule resumes on its grid.
    const late = offsets.filter((t) => t === 405);
    expect(late.length).toBe(10);
    expect(offsets.slice(-5)).toEqual([950, 960, 970, 980, 990]);
    expect(r.lateness.max).toBe(95);
    expect(r.lateness.p50).toBe(0);
  });

  it('caps the work of one tick and yields', async () => {
    const { clock, platform, gen } = setup(
      { ratePerSec: 0, bursts: { size: 100, everySec: 1 }, durationSec: 1.5 },
      {
        tickBudgetMs: 8,
      },
    );
    platform.startCostMs = 1; // each start() takes 1 ms of main-thread time
    const ticks: number[] = [];
    const set = clock.setTimer;
    clock.setTimer = (fn, ms) => set(() => (ticks.push(clock.t), fn()), ms);
    const r = await clock.until(gen.start());
    expect(r.issued).toBe(100);
    // 100 arrivals due at once, 8 per tick at most: at least 13 separate tasks issued them.
    const issueTimes = platform.calls.map((c) => c.at);
    let maxRun = 0;
    for (let i = 0, run = 0; i < issueTimes.length; i++) {
      run = i > 0 && issueTimes[i] - issueTimes[i - 1] <= 1 ? run + 1 : 1;
      maxRun = Math.max(maxRun, run);
    }
    expect(maxRun).toBeGreaterThan(8); // contiguous in time (the clock only moves by start cost)…
    expect(ticks.length).toBeGreaterThanOrEqual(13); // …but split over many ticks
    expect(r.lateness.max).toBeGreaterThan(90);
  });

  it('stop() ends issuing at once and resolves after the in-flight calls settle', async () => {
    const { clock, platform, gen } = setup({ ratePerSec: 100, durationSec: 10 });
    platform.behaviour = () => ({ latencyMs: 250 });
    const done = gen.start();
    await clock.advance(95);
    const issuedAtStop = platform.calls.length;
    expect(issuedAtStop).toBe(10);
    let stopped = false;
    const stopping = gen.stop().then((r) => {
      stopped = true;
      return r;
    });
    expect(gen.state).toBe('stopping');
    await clock.advance(200);
    expect(stopped).toBe(false); // the last calls (issued at 90 ms) settle at 340 ms
    expect(gen.inFlight).toBeGreaterThan(0);
    await clock.advance(100);
    expect(stopped).toBe(true);
    const r = await stopping;
    expect(await done).toBe(r);
    expect(platform.calls.length).toBe(issuedAtStop); // nothing issued after stop
    expect(r.stoppedEarly).toBe(true);
    expect(r.settled).toBe(10);
    expect(platform.inFlight).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('cancelInFlight ends calls that would take long', async () => {
    const { clock, platform, gen } = setup({ ratePerSec: 100, durationSec: 10 });
    platform.behaviour = () => ({ latencyMs: 60_000 });
    gen.start();
    await clock.advance(45);
    const stopping = gen.stop();
    expect(gen.cancelInFlight()).toBe(5);
    const r = await clock.until(stopping, 100);
    expect(r.outcomes.error).toBe(5);
  });

  it('ends with an error instead of hanging when a call cannot start', async () => {
    const { clock, platform, gen } = setup({ ratePerSec: 100, durationSec: 1 });
    platform.throwOn = 3;
    const r = await clock.until(gen.start());
    expect(r.error).toMatch(/no exported function/);
    expect(r.issued).toBe(3);
    expect(r.settled).toBe(3);
    expect(r.stoppedEarly).toBe(true);
  });

  it('samples in-flight, queue and busy workers every 100 ms', async () => {
    const { clock, platform, gen } = setup({ ratePerSec: 100, durationSec: 1 });
    platform.behaviour = () => ({ latencyMs: 45 }); // ~4.5 calls in flight
    await clock.until(gen.start());
    const t = gen.samples.get('t');
    expect(t.length).toBeGreaterThanOrEqual(11);
    expect([...t.slice(0, 4)]).toEqual([0, 100, 200, 300]);
    const mid = gen.samples.get('inFlight')[5];
    expect(mid).toBeGreaterThanOrEqual(4);
    expect(mid).toBeLessThanOrEqual(5);
    expect(gen.samples.get('queue')[5]).toBe(mid - 2);
    expect(gen.samples.get('busy')[5]).toBe(2);
    expect(gen.samples.get('completed').at(-1)).toBe(100);
  });

  it('does not count throttled calls as achieved, cold/warm or billed', async () => {
    const { clock, platform, gen } = setup({ ratePerSec: 100, durationSec: 1 });
    platform.behaviour = (i) => ({ latencyMs: i % 2 ? 0 : 5, outcome: i % 2 ? 'throttled' : 'ok' });
    const r = await clock.until(gen.start());
    expect(r.outcomes.throttled).toBe(50);
    // The throughput chart's series: completed leaves throttled calls out; they have their own.
    expect(gen.samples.get('completed').at(-1)).toBe(50);
    expect(gen.samples.get('throttled').at(-1)).toBe(50);
    expect(r.cold + r.warm).toBe(50);
    expect(r.achievedPerSec).toBeCloseTo(50, 6);
    expect(r.cost.invocations).toBe(50);
  });

  it('records a completion row per settled call, aligned with the invocations', async () => {
    const { clock, gen } = setup({ ratePerSec: 50, durationSec: 0.2 });
    await clock.until(gen.start());
    const c = gen.completions;
    expect(c.length).toBe(10);
    expect(gen.invocations).toHaveLength(10);
    expect([...c.get('issueMs')]).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180]);
    expect([...c.get('endMs')]).toEqual([5, 25, 45, 65, 85, 105, 125, 145, 165, 185]);
    expect(c.get('cold')[0]).toBe(1);
    expect(c.get('outcome')[0]).toBe(0);
  });
});

describe('LoadGenerator, closed loop', () => {
  it('keeps C clients busy back to back until the duration ends', async () => {
    const { clock, platform, gen } = setup({ mode: 'closed', concurrency: 3, durationSec: 0.1 });
    platform.behaviour = () => ({ latencyMs: 10 });
    const r = await clock.until(gen.start());
    expect(platform.maxInFlight).toBe(3);
    expect(r.issued).toBe(30); // 3 clients × 10 rounds of 10 ms in 100 ms
    expect(r.offeredPerSec).toBeNull();
    expect(r.achievedPerSec).toBeCloseTo(300, 6);
    expect(r.lateness.max).toBe(0);
    expect(r.inFlightPeak).toBe(3);
    expect(r.queuePeak).toBe(1);
  });

  it('stops at the count, with the clients sharing it', async () => {
    const { clock, platform, gen } = setup({
      mode: 'closed',
      concurrency: 4,
      count: 10,
      durationSec: undefined,
    });
    platform.behaviour = (i) => ({ latencyMs: 3 + (i % 3) });
    const r = await clock.until(gen.start());
    expect(platform.calls).toHaveLength(10);
    expect(r.issued).toBe(10);
    expect(r.settled).toBe(10);
    expect(clock.pending).toBe(0);
  });

  it('stop() in a closed loop lets the current round settle and issues nothing more', async () => {
    const { clock, platform, gen } = setup({ mode: 'closed', concurrency: 2, durationSec: 60 });
    platform.behaviour = () => ({ latencyMs: 40 });
    gen.start();
    await clock.advance(50);
    expect(platform.calls).toHaveLength(4);
    const r = await clock.until(gen.stop());
    expect(platform.calls).toHaveLength(4);
    expect(r.settled).toBe(4);
    expect(r.stoppedEarly).toBe(true);
  });
});

describe('browserTimers', () => {
  it('fires nested short timers in order (hopping through a MessageChannel) and cancels both kinds', async () => {
    const t = browserTimers();
    const fired: number[] = [];
    await new Promise<void>((resolve) => {
      let i = 0;
      const step = () => {
        fired.push(i);
        if (++i < 12) t.setTimer(step, i % 3 === 0 ? 0 : 1);
        else resolve();
      };
      t.setTimer(step, 1);
    });
    expect(fired).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    let ran = 0;
    await new Promise<void>((resolve) => {
      let depth = 0;
      const nest = () => {
        if (++depth < 6) t.setTimer(nest, 1);
        else {
          // Deep in a chain: this one hops; cancel it and a plain long one.
          t.clearTimer(t.setTimer(() => ran++, 0));
          t.clearTimer(t.setTimer(() => ran++, 10));
          setTimeout(resolve, 30);
        }
      };
      nest();
    });
    expect(ran).toBe(0);
  });
});
