// The keep-alive policies' pure logic (histogram, windows, the planner), then the platform running
// each policy on a manual clock with fake workers: periodic calls every 2 s.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HISTOGRAM_PARAMS, histogramWindow, IdleHistogram, KeepAlivePlanner } from './keepalive';
import { Platform } from './platform';
import { FakeWorkers } from './testing/fake-worker';
import { flush, ManualClock } from './testing/manual-clock';
import { watCompiler } from './testing/wat';
import type { Invocation, KeepAlivePolicy, PlatformConfig } from './types';

describe('IdleHistogram', () => {
  it('puts idle times in 100 ms bins over 24 s and counts the rest as out of range', () => {
    const h = new IdleHistogram();
    expect(h.rangeMs).toBe(24_000);
    h.add(0);
    h.add(99);
    h.add(100);
    h.add(23_999);
    h.add(24_000);
    expect(h.counts[0]).toBe(2);
    expect(h.counts[1]).toBe(1);
    expect(h.counts[239]).toBe(1);
    expect(h.inRange).toBe(4);
    expect(h.outOfRange).toBe(1);
  });

  it('finds the bins of the 5th and 99th percentiles', () => {
    const h = new IdleHistogram();
    for (let i = 0; i < 100; i++) h.add(1000 + i * 10); // 1.00 s … 1.99 s
    expect(h.percentileBin(5)).toBe(10);
    expect(h.percentileBin(99)).toBe(19);
  });

  it('is not representative with too few idle times, mostly out of range, or spread out', () => {
    const h = new IdleHistogram();
    for (let i = 0; i < 3; i++) h.add(2000);
    expect(h.notRepresentative()).toMatch(/3 of 4/);
    h.add(2000);
    expect(h.notRepresentative()).toBeNull();
    expect(h.binCv()).toBeGreaterThan(HISTOGRAM_PARAMS.minBinCv);

    const far = new IdleHistogram();
    for (let i = 0; i < 4; i++) far.add(2000);
    for (let i = 0; i < 5; i++) far.add(60_000);
    expect(far.notRepresentative()).toMatch(/beyond the range/);

    const spread = new IdleHistogram();
    for (let b = 0; b < 240; b++) spread.add(b * 100 + 50); // one in every bin: CV 0
    expect(spread.binCv()).toBe(0);
    expect(spread.notRepresentative()).toMatch(/spread out/);
  });
});

describe('histogramWindow', () => {
  it('falls back to keeping alive for the whole range while learning', () => {
    expect(histogramWindow(new IdleHistogram())).toEqual({
      prewarmMs: 0,
      keepAliveMs: 24_000,
      basis: 'learning',
    });
  });

  it('pre-warms at the 5th percentile less 10% and keeps alive to the 99th plus 10%', () => {
    const h = new IdleHistogram();
    for (let i = 0; i < 20; i++) h.add(1850 + (i % 4) * 100); // 1.85–2.15 s: bins 18–21
    const w = histogramWindow(h);
    expect(w.basis).toBe('histogram');
    expect(w.prewarmMs).toBeCloseTo(1800 * 0.9);
    expect(w.prewarmMs + w.keepAliveMs).toBeCloseTo(2200 * 1.1);
  });

  it('does not unload at all when the head is in the first bin', () => {
    const h = new IdleHistogram();
    for (let i = 0; i < 10; i++) h.add(i % 2 ? 20 : 1500);
    const w = histogramWindow(h);
    expect(w.prewarmMs).toBe(0);
    expect(w.keepAliveMs).toBeCloseTo(1600 * 1.1);
  });
});

describe('KeepAlivePlanner', () => {
  it('learns idle times only between an idle period and the next arrival', () => {
    const k = new KeepAlivePlanner();
    k.arrive('f', 0);
    k.arrive('f', 5); // overlaps the first: no idle time
    expect(k.finish('f', 10, 'histogram', 60_000)).toBeNull();
    expect(k.finish('f', 20, 'histogram', 60_000)?.basis).toBe('learning');
    k.arrive('f', 2020);
    expect(k.describe('f')!.histogram.counts[20]).toBe(1);
    expect(k.describe('f')!.histogram.inRange).toBe(1);
  });

  it('none unloads at once; fixed keeps for its keep-alive; histogram opens a window before the next call', () => {
    const k = new KeepAlivePlanner();
    k.arrive('n', 0);
    k.finish('n', 10, 'none', 60_000);
    expect(k.loaded('n', 10)).toBe(false);

    k.arrive('x', 0);
    k.finish('x', 10, 'fixed', 1000);
    expect(k.loaded('x', 1009)).toBe(true);
    expect(k.loaded('x', 1010)).toBe(false);

    let t = 0;
    for (let i = 0; i < 6; i++) {
      k.arrive('h', t);
      k.finish('h', t + 10, 'histogram', 60_000);
      t += 2000;
    }
    // Idle times of 1990 ms: bin 19. Pre-warm 1.9 s × 0.9 after the call, unload at 2.0 s × 1.1.
    const plan = k.schedule('h')!;
    const idleAt = t - 2000 + 10;
    expect(plan.prewarmAt).toBeCloseTo(idleAt + 1710);
    expect(plan.unloadAt).toBeCloseTo(idleAt + 2200);
    expect(k.loaded('h', idleAt + 1)).toBe(false);
    expect(k.loaded('h', idleAt + 1800)).toBe(true);
    expect(k.loaded('h', idleAt + 2300)).toBe(false);
  });
});

// ---- the platform under each policy ------------------------------------------------------------

let wat: (source: string) => Uint8Array;
beforeAll(async () => {
  wat = await watCompiler();
});

let platform: Platform | null = null;
afterEach(() => {
  platform?.dispose();
  platform = null;
});

const ADD = '(module (func (export "run") (param i32) (result i32) local.get 0))';

/** `n` calls, one every `gapMs` of virtual time, under `policy`; the calls and the idle worker-seconds. */
async function periodic(
  policy: KeepAlivePolicy,
  n: number,
  gapMs: number,
  extra: Partial<PlatformConfig> = {},
) {
  const clock = new ManualClock({ settle: () => flush(2) });
  const fakes = new FakeWorkers(clock);
  const p = new Platform({
    spawnWorker: fakes.spawn,
    clock,
    config: { prewarm: 0, keepAlivePolicy: policy, ...extra },
  });
  platform = p;
  await p.deploy('f', wat(ADD));
  const calls: Invocation[] = [];
  const t0 = clock.now();
  for (let i = 0; i < n; i++) {
    const due = t0 + i * gapMs;
    if (clock.now() < due) await clock.advance(due - clock.now());
    calls.push(await clock.until(p.invoke('f', [i]), 10_000, 1));
  }
  await clock.advance(gapMs - (clock.now() - t0 - (n - 1) * gapMs));
  return { calls, idleSec: p.pool().idleWorkerMs / 1000, fakes, p, clock };
}

const cold = (calls: Invocation[]) => calls.filter((c) => c.start === 'cold').length;

describe('the platform under each keep-alive policy, calls every 2 s', () => {
  it('none: every call is cold and nothing idles holding a module', async () => {
    const { calls, idleSec, fakes } = await periodic('none', 12, 2000);
    expect(cold(calls)).toBe(12);
    expect(calls.every((c) => c.timings.spawn > 0)).toBe(true);
    expect(idleSec).toBe(0);
    expect(fakes.alive).toHaveLength(0);
  });

  it('fixed 60 s: one cold start, then warm; idle the whole time between calls', async () => {
    const { calls, idleSec } = await periodic('fixed', 12, 2000);
    expect(cold(calls)).toBe(1);
    expect(idleSec).toBeGreaterThan(22);
  });

  it('histogram: warm after learning, with far fewer idle worker-seconds than a long fixed keep-alive', async () => {
    const hist = await periodic('histogram', 12, 2000);
    const fixed = await periodic('fixed', 12, 2000);
    // Cold once (the first call); the learning fallback keeps it warm; after 4 idle times it pre-warms.
    expect(cold(hist.calls)).toBe(1);
    expect(hist.calls.slice(6).every((c) => c.start === 'warm' && c.timings.spawn === 0)).toBe(true);
    expect(hist.idleSec).toBeLessThan(fixed.idleSec / 2);
    expect(hist.p.pool().idleWorkerMs).toBeGreaterThan(0);
  });

  it('histogram unloads between calls after learning and pre-warms on a new worker before the next', async () => {
    const clock = new ManualClock({ settle: () => flush(2) });
    const fakes = new FakeWorkers(clock);
    const p = new Platform({
      spawnWorker: fakes.spawn,
      clock,
      config: { prewarm: 0, keepAlivePolicy: 'histogram' },
    });
    platform = p;
    await p.deploy('f', wat(ADD));
    const t0 = clock.now();
    for (let i = 0; i < 8; i++) {
      await clock.advance(t0 + i * 2000 - clock.now());
      await clock.until(p.invoke('f', [i]), 10_000, 1);
    }
    // Learned: just after the call the module is unloaded and its worker ended…
    await clock.advance(100);
    expect(fakes.alive).toHaveLength(0);
    // …and before the next one is due a worker is spawned and loaded with it.
    await clock.advance(t0 + 8 * 2000 - 100 - clock.now());
    expect(fakes.alive).toHaveLength(1);
    expect(p.pool().workers[0].modules).toEqual(['f@1']);
    const next = await clock.until(p.invoke('f', [8]), 10_000, 1);
    expect(next.start).toBe('warm');
  });

  it('the fixed policy is the default and its behaviour is unchanged', async () => {
    const clock = new ManualClock({ settle: () => flush(2) });
    const p = new Platform({ spawnWorker: new FakeWorkers(clock).spawn, clock });
    platform = p;
    expect(p.currentConfig().keepAlivePolicy).toBe('fixed');
    expect(() => p.config({ keepAlivePolicy: 'sometimes' as KeepAlivePolicy })).toThrow(RangeError);
  });
});

describe('no keep-alive during a burst', () => {
  it('unloads from each worker as its call ends, while the function still runs on others', async () => {
    const clock = new ManualClock({ settle: () => flush(2) });
    const fakes = new FakeWorkers(clock);
    fakes.script = (c) => ({ execMs: 100 * ((c.args[0] as number) + 1) });
    const p = new Platform({
      spawnWorker: fakes.spawn,
      clock,
      config: { prewarm: 0, keepAlivePolicy: 'none' },
    });
    platform = p;
    await p.deploy('f', wat(ADD));
    const calls = [0, 1, 2].map((i) => p.invoke('f', [i]));
    await clock.until(Promise.all(calls), 10_000, 5);
    expect(p.pool().idleWorkerMs).toBe(0);
    expect(fakes.alive).toHaveLength(0);
  });
});

describe('switching to the histogram policy', () => {
  it('learns afresh from the traffic it sees once switched on', async () => {
    const { p, clock } = await periodic('fixed', 8, 2000);
    p.config({ keepAlivePolicy: 'histogram' });
    // The idle times seen under the fixed policy are gone: the next idle period is a learning one.
    await clock.until(p.invoke('f', [0]), 10_000, 1);
    const busy = p.pool().workers.length;
    await clock.advance(5000);
    expect(p.pool().workers).toHaveLength(busy);
    expect(p.pool().workers[0].modules).toEqual(['f@1']);
  });
});
