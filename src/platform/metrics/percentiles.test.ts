import { describe, expect, it } from 'vitest';
import { percentile, summarize, summarizeSorted } from './percentiles';

const oneToHundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);

describe('percentile (nearest rank)', () => {
  it('gives the textbook values on 1..100', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 95)).toBe(95);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile(oneToHundred, 0)).toBe(1);
    expect(percentile(oneToHundred, 0.5)).toBe(1);
    expect(percentile(oneToHundred, 1.01)).toBe(2);
  });

  it('never interpolates', () => {
    // Wikipedia's nearest-rank example: 15, 20, 35, 40, 50.
    const s = [15, 20, 35, 40, 50];
    expect(percentile(s, 5)).toBe(15);
    expect(percentile(s, 30)).toBe(20);
    expect(percentile(s, 40)).toBe(20);
    expect(percentile(s, 50)).toBe(35);
    expect(percentile(s, 100)).toBe(50);
  });

  it('is not thrown off by float error in p × n', () => {
    // 0.07 × 100 = 7.000000000000001 would round the rank up to 8.
    expect(percentile(oneToHundred, 7)).toBe(7);
    expect(
      percentile(
        Float64Array.from({ length: 1000 }, (_, i) => i + 1),
        99.9,
      ),
    ).toBe(999);
  });

  it('handles empty and single-element samples', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(percentile(new Float64Array(0), 99)).toBeNaN();
    expect(percentile([42], 0)).toBe(42);
    expect(percentile([42], 99)).toBe(42);
  });

  it('rejects p outside [0, 100]', () => {
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('summarizes 1..100 in any order', () => {
    const shuffled = Float64Array.from(oneToHundred).reverse();
    expect(summarize(shuffled)).toEqual({ mean: 50.5, p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it('does not modify its input', () => {
    const input = new Float64Array([3, 1, 2]);
    summarize(input);
    expect(Array.from(input)).toEqual([3, 1, 2]);
    const arr = [3, 1, 2];
    summarize(arr);
    expect(arr).toEqual([3, 1, 2]);
  });

  it('sorts numerically, not lexically', () => {
    expect(summarize([10, 9, 100, 2]).max).toBe(100);
    expect(summarize([10, 9, 100, 2]).p50).toBe(9);
  });

  it('gives zeros for empty input and skips NaN', () => {
    expect(summarize([])).toEqual({ mean: 0, p50: 0, p95: 0, p99: 0, max: 0 });
    expect(summarize([NaN, NaN])).toEqual({ mean: 0, p50: 0, p95: 0, p99: 0, max: 0 });
    expect(summarize([NaN, 4, NaN, 2])).toEqual({ mean: 3, p50: 2, p95: 4, p99: 4, max: 4 });
  });

  it('keeps Infinity as a real (if unfortunate) maximum', () => {
    expect(summarize([1, Infinity]).max).toBe(Infinity);
  });

  it('summarizeSorted returns fresh objects for empty input', () => {
    const a = summarizeSorted([]);
    a.mean = 5;
    expect(summarizeSorted([]).mean).toBe(0);
  });
});
