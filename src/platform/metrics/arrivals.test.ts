import { describe, expect, it } from 'vitest';
import { MAX_ARRIVALS, arrivalTimes, createRng, type ArrivalPlan } from './arrivals';

// Reference mulberry32, written independently from bryc's published version.
function mulberry32Reference(a: number) {
  return function () {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isSorted(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] < a[i - 1]) return false;
  return true;
}

describe('createRng', () => {
  it('is mulberry32', () => {
    for (const seed of [0, 1, 42, 0xdeadbeef]) {
      const a = createRng(seed);
      const b = mulberry32Reference(seed);
      for (let i = 0; i < 100; i++) expect(a()).toBe(b());
    }
  });

  it('is deterministic, seed-dependent and in [0, 1)', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 10_000 }, () => a());
    const ys = Array.from({ length: 10_000 }, () => b());
    const zs = Array.from({ length: 10_000 }, () => c());
    expect(xs).toEqual(ys);
    const same = xs.filter((x, i) => x === zs[i]).length;
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const sum = xs.reduce((s, x) => s + x, 0);
    expect(same).toBeLessThan(5);
    expect(sum / 10_000).toBeGreaterThan(0.48);
    expect(sum / 10_000).toBeLessThan(0.52);
  });
});

describe('arrivalTimes', () => {
  it('constant rate: exact spacing starting at 0, duration exclusive', () => {
    expect(Array.from(arrivalTimes({ kind: 'constant', ratePerSec: 4, durationSec: 1 }, 1))).toEqual([
      0, 250, 500, 750,
    ]);
    const t = arrivalTimes({ kind: 'constant', ratePerSec: 3, durationSec: 10 }, 1);
    expect(t.length).toBe(30);
    for (let i = 0; i < t.length; i++) expect(t[i]).toBeCloseTo((i * 1000) / 3, 9);
  });

  it('stops at count or duration, whichever comes first', () => {
    expect(arrivalTimes({ kind: 'constant', ratePerSec: 10, count: 5 }, 1).length).toBe(5);
    expect(arrivalTimes({ kind: 'constant', ratePerSec: 10, count: 5, durationSec: 100 }, 1).length).toBe(5);
    expect(arrivalTimes({ kind: 'constant', ratePerSec: 10, count: 500, durationSec: 2 }, 1).length).toBe(20);
    expect(arrivalTimes({ kind: 'poisson', ratePerSec: 10, count: 0 }, 1).length).toBe(0);
    expect(arrivalTimes({ kind: 'poisson', ratePerSec: 10, durationSec: 0 }, 1).length).toBe(0);
    const p = arrivalTimes({ kind: 'poisson', ratePerSec: 100, durationSec: 3 }, 9);
    expect(p[p.length - 1]).toBeLessThan(3000);
  });

  it('poisson: reproducible per seed, different across seeds', () => {
    const plan: ArrivalPlan = { kind: 'poisson', ratePerSec: 50, count: 1000 };
    const a = arrivalTimes(plan, 123);
    expect(Array.from(arrivalTimes(plan, 123))).toEqual(Array.from(a));
    const b = arrivalTimes(plan, 124);
    expect(Array.from(b)).not.toEqual(Array.from(a));
    expect(isSorted(a)).toBe(true);
    expect(a[0]).toBeGreaterThan(0);
  });

  it('poisson: mean rate within 5% over 10 000 arrivals', () => {
    for (const seed of [1, 2, 3]) {
      const t = arrivalTimes({ kind: 'poisson', ratePerSec: 200, count: 10_000 }, seed);
      expect(t.length).toBe(10_000);
      const rate = t.length / (t[t.length - 1] / 1000);
      expect(Math.abs(rate - 200) / 200).toBeLessThan(0.05);
      // Exponential gaps: standard deviation ≈ mean (a constant schedule would have 0).
      let sum = 0;
      let sq = 0;
      for (let i = 1; i < t.length; i++) {
        const g = t[i] - t[i - 1];
        sum += g;
        sq += g * g;
      }
      const mean = sum / (t.length - 1);
      const sd = Math.sqrt(sq / (t.length - 1) - mean * mean);
      expect(sd / mean).toBeGreaterThan(0.9);
      expect(sd / mean).toBeLessThan(1.1);
    }
  });

  it('includes bursts at every multiple of everySec', () => {
    const t = arrivalTimes(
      { kind: 'constant', ratePerSec: 1, durationSec: 5, bursts: { size: 3, everySec: 2 } },
      1,
    );
    // Base: 0,1000,2000,3000,4000. Bursts: 3× at 2000 and 3× at 4000.
    expect(Array.from(t)).toEqual([0, 1000, 2000, 2000, 2000, 2000, 3000, 4000, 4000, 4000, 4000]);
    const burstsOnly = arrivalTimes(
      { kind: 'poisson', ratePerSec: 0, count: 5, bursts: { size: 2, everySec: 0.5 } },
      1,
    );
    expect(Array.from(burstsOnly)).toEqual([500, 500, 1000, 1000, 1500]);
    const p = arrivalTimes(
      { kind: 'poisson', ratePerSec: 20, durationSec: 10, bursts: { size: 50, everySec: 1 } },
      5,
    );
    expect(isSorted(p)).toBe(true);
    const at = (ms: number) => p.filter((x) => x === ms).length;
    for (let s = 1; s < 10; s++) expect(at(s * 1000)).toBe(50);
  });

  it('requires an end and guards absurd sizes', () => {
    expect(() => arrivalTimes({ kind: 'constant', ratePerSec: 1 }, 1)).toThrow(/durationSec, count/);
    expect(() => arrivalTimes({ kind: 'constant', ratePerSec: 0, count: 3 }, 1)).toThrow(/never ends/);
    expect(() => arrivalTimes({ kind: 'constant', ratePerSec: 1, count: MAX_ARRIVALS + 1 }, 1)).toThrow(
      /limit/,
    );
    expect(() => arrivalTimes({ kind: 'poisson', ratePerSec: 1e6, durationSec: 3600 }, 1)).toThrow(/limit/);
    expect(() =>
      arrivalTimes(
        { kind: 'constant', ratePerSec: 1, durationSec: 100, bursts: { size: 1e6, everySec: 1 } },
        1,
      ),
    ).toThrow(/limit/);
    // A huge duration is fine when the count is small.
    expect(arrivalTimes({ kind: 'constant', ratePerSec: 1e6, durationSec: 3600, count: 10 }, 1).length).toBe(
      10,
    );
  });

  it('rejects invalid parameters', () => {
    expect(() => arrivalTimes({ kind: 'poisson', ratePerSec: -1, count: 1 }, 1)).toThrow(RangeError);
    expect(() => arrivalTimes({ kind: 'poisson', ratePerSec: NaN, count: 1 }, 1)).toThrow(RangeError);
    expect(() => arrivalTimes({ kind: 'poisson', ratePerSec: 1, count: 1.5 }, 1)).toThrow(RangeError);
    expect(() => arrivalTimes({ kind: 'poisson', ratePerSec: 1, durationSec: -1 }, 1)).toThrow(RangeError);
    expect(() =>
      arrivalTimes({ kind: 'poisson', ratePerSec: 1, count: 1, bursts: { size: 1, everySec: 0 } }, 1),
    ).toThrow(RangeError);
  });
});

describe('periodic arrivals with jitter', () => {
  it('puts one arrival within ± jitter periods of each slot, in order, the same for the same seed', () => {
    const plan = { kind: 'periodic' as const, ratePerSec: 1, jitter: 0.2, durationSec: 20 };
    const a = arrivalTimes(plan, 7);
    expect(a).toEqual(arrivalTimes(plan, 7));
    expect(a).not.toEqual(arrivalTimes(plan, 8));
    expect(a.length).toBe(20);
    for (let i = 0; i < a.length; i++) {
      expect(Math.abs(a[i] - i * 1000)).toBeLessThanOrEqual(i === 0 ? 200 : 200 + 1e-9);
      if (i > 0) expect(a[i]).toBeGreaterThanOrEqual(a[i - 1]);
    }
    expect(new Set(a).size).toBeGreaterThan(15); // jittered, not a grid
  });

  it('with no jitter is the constant schedule; a burst fans out from the call of its slot', () => {
    const flat = arrivalTimes({ kind: 'periodic', ratePerSec: 2, durationSec: 3 }, 1);
    expect([...flat]).toEqual([0, 500, 1000, 1500, 2000, 2500]);
    const bursty = arrivalTimes(
      { kind: 'periodic', ratePerSec: 1, jitter: 0.1, bursts: { size: 3, everySec: 4 }, durationSec: 9 },
      3,
    );
    expect(bursty.length).toBe(9 + 6);
    const at = (t: number) => [...bursty].filter((x) => x === t).length;
    // Slots 4 and 8 (4 s and 8 s, each moved by its jitter) carry 4 calls at one instant.
    expect(at(bursty[4])).toBe(4);
    expect(at(bursty[11])).toBe(4);
    expect(Math.abs(bursty[4] - 4000)).toBeLessThanOrEqual(100);
    expect(new Set(bursty).size).toBe(9);
    const capped = arrivalTimes(
      { kind: 'periodic', ratePerSec: 1, bursts: { size: 3, everySec: 4 }, count: 6 },
      3,
    );
    expect([...capped]).toEqual([0, 1000, 2000, 3000, 4000, 4000]);
  });
});
