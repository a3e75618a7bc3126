import { describe, expect, it } from 'vitest';
import type { Invocation, Outcome } from '../types';
import { StatsAccumulator, computeStats } from './stats';

let nextId = 1;
function inv(over: Partial<Invocation> & { exec?: number; total?: number } = {}): Invocation {
  const { exec = 1, total = 2, ...rest } = over;
  return {
    id: nextId++,
    fn: 'f',
    version: 1,
    export: 'main',
    args: [],
    start: 'warm',
    instance: 'reused',
    outcome: 'ok',
    result: 0,
    logs: [],
    timings: { queue: 0, spawn: 0, compile: 0, instantiate: 0, exec, total },
    memoryBytes: 65536,
    worker: 0,
    enqueuedAt: 0,
    endedAt: 0,
    ...rest,
  };
}

describe('StatsAccumulator', () => {
  it('summarises instructions per metered call, per call not cumulative, and only when some were metered', () => {
    const acc = new StatsAccumulator();
    acc.add(inv(), 64);
    expect(acc.snapshot('f').instructions).toBeUndefined();
    for (const n of [100, 200, 300, 400]) acc.add(inv({ instructions: n }), 64);
    acc.add(inv({ outcome: 'out-of-fuel', instructions: 1000 }), 64);
    const s = acc.snapshot('f').instructions!;
    expect(s.calls).toBe(5);
    expect(s.total).toBe(2000);
    expect(s.mean).toBe(400);
    expect(s.p50).toBe(300);
    expect(s.max).toBe(1000);
    expect(acc.snapshot('f').outcomes['out-of-fuel']).toBe(1);
    acc.reset();
    expect(acc.snapshot('f').instructions).toBeUndefined();
  });

  it('starts empty with zero summaries', () => {
    const s = new StatsAccumulator().snapshot('f');
    expect(s.invocations).toBe(0);
    expect(s.total).toEqual({ mean: 0, p50: 0, p95: 0, p99: 0, max: 0 });
    expect(Object.values(s.outcomes).every((v) => v === 0)).toBe(true);
    expect(Object.keys(s.outcomes).sort()).toEqual([
      'error',
      'memory-limit',
      'ok',
      'out-of-fuel',
      'throttled',
      'timeout',
      'trap',
    ]);
  });

  it('computes percentiles of exec and total latency', () => {
    const acc = new StatsAccumulator();
    for (let i = 100; i >= 1; i--) acc.add(inv({ exec: i, total: i * 10 }), 128);
    const s = acc.snapshot('f');
    expect(s.exec).toEqual({ mean: 50.5, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(s.total).toEqual({ mean: 505, p50: 500, p95: 950, p99: 990, max: 1000 });
  });

  it('counts outcomes, cold/warm, max memory and GB-seconds', () => {
    const acc = new StatsAccumulator();
    acc.add(inv({ start: 'cold', exec: 1000, memoryBytes: 1 << 20 }), 1024); // 1 GB × 1 s
    acc.add(inv({ outcome: 'trap', exec: 500, memoryBytes: 3 << 20 }), 512); // 0.5 GB × 0.5 s
    acc.add(inv({ outcome: 'timeout', exec: 2000 }), 128); // 0.125 × 2
    const s = acc.snapshot('f');
    expect(s.invocations).toBe(3);
    expect(s.outcomes.ok).toBe(1);
    expect(s.outcomes.trap).toBe(1);
    expect(s.outcomes.timeout).toBe(1);
    expect(s.cold).toBe(1);
    expect(s.warm).toBe(2);
    expect(s.maxMemoryBytes).toBe(3 << 20);
    expect(s.gbSeconds).toBeCloseTo(1 + 0.25 + 0.25, 12);
  });

  it('counts throttled invocations only in outcomes, not in latency, cold/warm or GB-s', () => {
    const acc = new StatsAccumulator();
    acc.add(inv({ exec: 10, total: 10 }), 1024);
    for (let i = 0; i < 50; i++) {
      acc.add(inv({ outcome: 'throttled', start: 'cold', exec: 0, total: 0.01, memoryBytes: 1e9 }), 1024);
    }
    const s = acc.snapshot('f');
    expect(s.invocations).toBe(51);
    expect(s.outcomes.throttled).toBe(50);
    expect(s.cold + s.warm).toBe(1);
    expect(s.total.p50).toBe(10);
    expect(s.total.mean).toBe(10);
    expect(s.maxMemoryBytes).toBe(65536);
    expect(s.gbSeconds).toBeCloseTo(0.01, 12);
    expect(acc.sampleCount).toBe(1);
  });

  it('keeps only the newest `limit` latency samples (ring) but counts everything', () => {
    const acc = new StatsAccumulator({ limit: 10 });
    for (let i = 1; i <= 25; i++) acc.add(inv({ exec: i, total: i }), 128);
    const s = acc.snapshot('f');
    expect(acc.sampleCount).toBe(10);
    expect(s.invocations).toBe(25);
    // Window is 16..25.
    expect(s.exec.max).toBe(25);
    expect(s.exec.p50).toBe(20);
    expect(s.exec.mean).toBe(20.5);
  });

  it('evicts the oldest samples across several wraps', () => {
    const acc = new StatsAccumulator({ limit: 7 });
    for (let i = 0; i < 30; i++) acc.add(inv({ exec: 1000, total: 1000 }), 128);
    for (let i = 0; i < 7; i++) acc.add(inv({ exec: 1, total: 1 }), 128);
    expect(acc.snapshot('f').exec.max).toBe(1);
    acc.add(inv({ exec: 5, total: 5 }), 128);
    expect(acc.snapshot('f').exec).toEqual({ mean: 11 / 7, p50: 1, p95: 5, p99: 5, max: 5 });
  });

  it('grows past its initial capacity without losing samples', () => {
    const acc = new StatsAccumulator();
    const n = 5000;
    for (let i = 0; i < n; i++) acc.add(inv({ exec: i, total: i }), 128);
    expect(acc.sampleCount).toBe(n);
    expect(acc.snapshot('f').exec.mean).toBe((n - 1) / 2);
  });

  it('caches the snapshot until the next add', () => {
    const acc = new StatsAccumulator();
    acc.add(inv({ exec: 1 }), 128);
    const a = acc.snapshot('f');
    expect(acc.snapshot('f')).toBe(a);
    acc.add(inv({ exec: 3 }), 128);
    const b = acc.snapshot('f');
    expect(b).not.toBe(a);
    expect(b.exec.max).toBe(3);
    expect(a.exec.max).toBe(1); // old snapshot unchanged
  });

  it('reset clears everything', () => {
    const acc = new StatsAccumulator({ limit: 4 });
    for (let i = 0; i < 9; i++) acc.add(inv({ outcome: i % 2 ? 'ok' : 'trap' }), 128);
    acc.snapshot('f');
    acc.reset();
    const s = acc.snapshot('f');
    expect(s.invocations).toBe(0);
    expect(s.outcomes.trap).toBe(0);
    expect(s.gbSeconds).toBe(0);
    expect(acc.sampleCount).toBe(0);
    acc.add(inv({ exec: 7, total: 7 }), 128);
    expect(acc.snapshot('f').exec).toEqual({ mean: 7, p50: 7, p95: 7, p99: 7, max: 7 });
  });

  it('rejects a bad limit', () => {
    expect(() => new StatsAccumulator({ limit: 0 })).toThrow(RangeError);
    expect(() => new StatsAccumulator({ limit: 1.5 })).toThrow(RangeError);
  });
});

describe('computeStats', () => {
  it('matches the accumulator and filters by function name', () => {
    const outcomes: Outcome[] = ['ok', 'trap', 'timeout', 'memory-limit', 'throttled', 'error'];
    const invs = outcomes.map((outcome, i) => inv({ outcome, exec: i + 1, total: i + 2 }));
    invs.push(inv({ fn: 'other', exec: 1e6 }));
    const s = computeStats('f', invs, (x) => (x.outcome === 'ok' ? 1024 : 0));
    expect(s.fn).toBe('f');
    expect(s.invocations).toBe(6);
    for (const o of outcomes) expect(s.outcomes[o]).toBe(1);
    expect(s.exec.max).toBe(6);
    expect(s.exec.p50).toBe(3); // samples 1,2,3,4,6 (5 was throttled)
    expect(s.gbSeconds).toBeCloseTo(0.001, 12);
  });

  it('accepts any iterable, including generators', () => {
    function* gen() {
      for (let i = 1; i <= 3; i++) yield inv({ exec: i });
    }
    expect(computeStats('f', gen(), () => 128).exec.p50).toBe(2);
  });
});
