import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PRICE_MODEL,
  aggregateCost,
  billedMs,
  granularityComparison,
  instructionCost,
  invocationCost,
  type PriceModel,
} from './billing';

describe('instructionCost', () => {
  it('bills per million instructions at the editable price, no rounding', () => {
    expect(instructionCost(3_000_000, { ...DEFAULT_PRICE_MODEL, pricePerMillionInstructions: 0.5 })).toBe(
      1.5,
    );
    expect(instructionCost(1, { ...DEFAULT_PRICE_MODEL, pricePerMillionInstructions: 2 })).toBe(2e-6);
    expect(instructionCost(1e6)).toBe(DEFAULT_PRICE_MODEL.pricePerMillionInstructions);
  });
});

const per100: PriceModel = { ...DEFAULT_PRICE_MODEL, granularityMs: 100 };

describe('billedMs', () => {
  it('rounds up to the granularity', () => {
    expect(billedMs(1.2, DEFAULT_PRICE_MODEL)).toBe(2);
    expect(billedMs(1.2, per100)).toBe(100);
    expect(billedMs(2, DEFAULT_PRICE_MODEL)).toBe(2);
    expect(billedMs(100, per100)).toBe(100);
    expect(billedMs(100.5, per100)).toBe(200);
  });

  it('bills at least one unit for any run', () => {
    expect(billedMs(0.01)).toBe(1);
    expect(billedMs(0)).toBe(1);
    expect(billedMs(0.01, per100)).toBe(100);
  });

  it('does not round exact multiples up through float error', () => {
    expect(billedMs(0.3, { ...DEFAULT_PRICE_MODEL, granularityMs: 0.1 })).toBeCloseTo(0.3, 12);
    expect(billedMs(0.1 + 0.2, { ...DEFAULT_PRICE_MODEL, granularityMs: 0.1 })).toBeCloseTo(0.3, 12);
  });

  it('applies minimumBilledMs', () => {
    expect(billedMs(3, { ...DEFAULT_PRICE_MODEL, minimumBilledMs: 100 })).toBe(100);
    expect(billedMs(300, { ...DEFAULT_PRICE_MODEL, minimumBilledMs: 100 })).toBe(300);
  });

  it('rejects nonsense', () => {
    expect(() => billedMs(-1)).toThrow(RangeError);
    expect(() => billedMs(NaN)).toThrow(RangeError);
    expect(() => billedMs(Infinity)).toThrow(RangeError);
    expect(() => billedMs(1, { ...DEFAULT_PRICE_MODEL, granularityMs: 0 })).toThrow(RangeError);
  });
});

describe('invocationCost', () => {
  it('prices 128 MiB × 1.2 ms at 1 ms granularity', () => {
    const c = invocationCost(1.2, 128);
    expect(c.billedMs).toBe(2);
    expect(c.gbSeconds).toBeCloseTo(0.125 * 0.002, 15); // 0.00025 GB-s
    expect(c.computeCost).toBeCloseTo(0.00025 * 0.0000166667, 18);
    expect(c.requestCost).toBeCloseTo(2e-7, 18);
    expect(c.total).toBeCloseTo(c.computeCost + c.requestCost, 18);
  });

  it('prices the same run at 100 ms granularity', () => {
    const c = invocationCost(1.2, 128, per100);
    expect(c.billedMs).toBe(100);
    expect(c.gbSeconds).toBeCloseTo(0.0125, 15);
    expect(c.computeCost).toBeCloseTo(0.0125 * 0.0000166667, 18);
  });

  it('1 GB for 1 s costs the GB-second price', () => {
    expect(invocationCost(1000, 1024).computeCost).toBeCloseTo(0.0000166667, 15);
  });
});

describe('aggregateCost', () => {
  it('sums a million identical invocations to a known cost per million', () => {
    const items = {
      *[Symbol.iterator]() {
        for (let i = 0; i < 1_000_000; i++) yield { execMs: 1.2, memoryMiB: 128 };
      },
    };
    const a = aggregateCost(items);
    expect(a.invocations).toBe(1_000_000);
    expect(a.billedMs).toBe(2_000_000);
    expect(a.gbSeconds).toBeCloseTo(250, 6);
    expect(a.requestCost).toBeCloseTo(0.2, 9);
    // 250 GB-s × 0.0000166667 = 0.004166675; + 0.20 for requests.
    expect(a.computeCost).toBeCloseTo(0.004166675, 9);
    expect(a.total).toBeCloseTo(0.204166675, 9);
    expect(a.costPerMillion).toBeCloseTo(0.204166675, 9);
  });

  it('skips throttled items', () => {
    const a = aggregateCost([
      { execMs: 10, memoryMiB: 1024 },
      { execMs: 0, memoryMiB: 1024, outcome: 'throttled' },
      { execMs: 10, memoryMiB: 1024, outcome: 'timeout' },
    ]);
    expect(a.invocations).toBe(2);
    expect(a.billedMs).toBe(20);
    expect(a.requestCost).toBeCloseTo(0.4e-6, 18);
  });

  it('is all zeros when empty', () => {
    expect(aggregateCost([])).toEqual({
      invocations: 0,
      billedMs: 0,
      gbSeconds: 0,
      computeCost: 0,
      requestCost: 0,
      total: 0,
      costPerMillion: 0,
    });
  });
});

describe('granularityComparison', () => {
  it('shows 2000× overbilling of a 0.05 ms function at 100 ms granularity', () => {
    const items = Array.from({ length: 1000 }, () => ({ execMs: 0.05, memoryMiB: 128 }));
    const [fine, coarse] = granularityComparison(items);
    expect(fine.granularityMs).toBe(1);
    expect(coarse.granularityMs).toBe(100);
    expect(fine.actualMs).toBeCloseTo(50, 9);
    expect(fine.billedMs).toBe(1000);
    expect(coarse.billedMs).toBe(100_000);
    expect(fine.overbilling).toBeCloseTo(20, 6);
    expect(coarse.overbilling).toBeCloseTo(2000, 6);
    expect(coarse.computeCost / fine.computeCost).toBeCloseTo(100, 9);
    expect(coarse.requestCost).toBe(fine.requestCost);
  });

  it('consumes a one-shot iterator once and honours custom granularities', () => {
    function* gen() {
      yield { execMs: 150, memoryMiB: 1024 };
      yield { execMs: 1, memoryMiB: 1024, outcome: 'throttled' as const };
    }
    const rows = granularityComparison(gen(), DEFAULT_PRICE_MODEL, [1, 10, 100, 1000]);
    expect(rows.map((r) => r.billedMs)).toEqual([150, 150, 200, 1000]);
    expect(rows.every((r) => r.invocations === 1 && r.actualMs === 150)).toBe(true);
  });
});
