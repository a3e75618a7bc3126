import { describe, expect, it } from 'vitest';
import { histogram } from './histogram';

const sum = (a: Uint32Array) => a.reduce((s, v) => s + v, 0);

describe('histogram', () => {
  it('bins linearly with known counts', () => {
    const h = histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { bins: 5 });
    expect(Array.from(h.edges)).toEqual([0, 2, 4, 6, 8, 10]);
    // [0,2) [2,4) [4,6) [6,8) [8,10]: the maximum lands in the last bin.
    expect(Array.from(h.counts)).toEqual([2, 2, 2, 2, 3]);
  });

  it('counts sum to the number of finite values', () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 100 + i / 7);
    for (const bins of [1, 3, 20, 64]) {
      const h = histogram(values, { bins });
      expect(h.counts.length).toBe(bins);
      expect(h.edges.length).toBe(bins + 1);
      expect(sum(h.counts)).toBe(1000);
    }
  });

  it('agrees with its own edges for every value', () => {
    const values = Array.from({ length: 500 }, (_, i) => 0.1 * i);
    const h = histogram(values, { bins: 7, min: 0, max: 49.9 });
    const manual = new Uint32Array(7);
    for (const v of values) {
      let b = 0;
      while (b < 6 && v >= h.edges[b + 1]) b++;
      manual[b]++;
    }
    expect(Array.from(h.counts)).toEqual(Array.from(manual));
  });

  it('puts a value lying exactly on an inner edge in the bin that starts there', () => {
    // (0.1 − 0) / 4.9 × 49 = 0.9999999999999999: naive floor() would say bin 0.
    const h = histogram([0.1, 1, 2], { min: 0, max: 4.9, bins: 49 });
    expect(h.edges[1]).toBe(0.1);
    expect(h.counts[0]).toBe(0);
    expect(h.counts[1]).toBe(1);
    expect(h.counts[10]).toBe(1);
    expect(h.counts[20]).toBe(1);
  });

  it('skips NaN and ±Infinity', () => {
    const h = histogram([1, NaN, 2, Infinity, -Infinity, 3], { bins: 2 });
    expect(sum(h.counts)).toBe(3);
    expect(h.edges[0]).toBe(1);
    expect(h.edges[2]).toBe(3);
  });

  it('handles empty input', () => {
    const h = histogram([], { bins: 4 });
    expect(Array.from(h.counts)).toEqual([0, 0, 0, 0]);
    expect(h.edges[0]).toBe(0);
    expect(h.edges[4]).toBe(1);
    const l = histogram(new Float64Array(0), { log: true, bins: 1 });
    expect(Array.from(l.edges)).toEqual([1, 10]);
    expect(sum(histogram([NaN], {}).counts)).toBe(0);
  });

  it('widens a degenerate range (all values equal)', () => {
    for (const v of [5, 0, -3]) {
      const h = histogram([v, v, v], { bins: 3 });
      expect(sum(h.counts)).toBe(3);
      for (let i = 0; i < 3; i++) expect(h.edges[i + 1]).toBeGreaterThan(h.edges[i]);
      expect(h.edges[0]).toBeLessThan(v);
      expect(h.edges[3]).toBeGreaterThan(v);
      expect(h.counts[1]).toBe(3);
    }
    const l = histogram([2, 2], { bins: 2, log: true });
    expect(Array.from(l.edges)).toEqual([1, 2, 4]);
    expect(Array.from(l.counts)).toEqual([0, 2]);
  });

  it('log bins are geometric and place latencies by order of magnitude', () => {
    const h = histogram([0.01, 0.1, 1, 10, 100, 1000], { bins: 5, log: true });
    const e = Array.from(h.edges);
    [0.01, 0.1, 1, 10, 100, 1000].forEach((x, i) => expect(e[i]).toBeCloseTo(x, 10));
    expect(Array.from(h.counts)).toEqual([1, 1, 1, 1, 2]);
  });

  it('log bins put zero and negative values in the first bin', () => {
    const h = histogram([0, -1, 1, 10, 100], { bins: 2, log: true });
    expect(h.edges[0]).toBe(1);
    expect(Array.from(h.counts)).toEqual([3, 2]);
  });

  it('clamps values outside explicit min/max into the end bins', () => {
    const h = histogram([-5, 0, 5, 10, 50], { bins: 2, min: 0, max: 10 });
    expect(Array.from(h.counts)).toEqual([2, 3]);
  });

  it('accepts just one of min/max', () => {
    expect(Array.from(histogram([1, 2, 3, 4], { bins: 2, min: 0 }).edges)).toEqual([0, 2, 4]);
    expect(Array.from(histogram([1, 2, 3, 4], { bins: 3, max: 10 }).edges)).toEqual([1, 4, 7, 10]);
  });

  it('rejects bad options', () => {
    expect(() => histogram([1], { bins: 0 })).toThrow(RangeError);
    expect(() => histogram([1], { bins: 2.5 })).toThrow(RangeError);
    expect(() => histogram([1], { min: 2, max: 1 })).toThrow(RangeError);
    expect(() => histogram([1], { min: NaN })).toThrow(RangeError);
    expect(() => histogram([1], { log: true, min: 0 })).toThrow(RangeError);
    expect(() => histogram([1], { log: true, max: -1 })).toThrow(RangeError);
  });
});
