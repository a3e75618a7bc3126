// Percentiles and summary statistics over latency samples.

import type { PercentileSummary } from '../types';

/**
 * The p-th percentile of an ascending-sorted sample, by the nearest-rank
 * definition: the smallest value such that at least p % of the sample is less
 * than or equal to it, i.e. `sorted[ceil(p / 100 × n) − 1]` with the rank
 * clamped to [1, n]. It never interpolates, so the answer is always a value
 * that was actually observed (p0 is the minimum, p100 the maximum).
 *
 * Returns NaN for an empty sample. Throws RangeError when p is outside [0, 100].
 * The input is not checked for order; sort it first.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100], got ${p}`);
  const n = sorted.length;
  if (n === 0) return NaN;
  // The epsilon absorbs float error such as 0.07 × 100 = 7.000000000000001,
  // which would otherwise push the rank one past the intended value.
  const rank = Math.ceil((p / 100) * n - 1e-9);
  return sorted[Math.min(n, Math.max(1, rank)) - 1];
}

const EMPTY_SUMMARY: PercentileSummary = { mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };

/** Summary of a sample that is already sorted ascending and free of NaN. */
export function summarizeSorted(sorted: ArrayLike<number>): PercentileSummary {
  const n = sorted.length;
  if (n === 0) return { ...EMPTY_SUMMARY };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return {
    mean: sum / n,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[n - 1],
  };
}

/**
 * Mean, p50, p95, p99 and max of an unsorted sample. NaN values are skipped;
 * an empty sample (or one of only NaN) summarizes to all zeros so that UI
 * tables and charts need no special case. The input is left untouched: it is
 * copied exactly once into a Float64Array, which is then sorted in place.
 */
export function summarize(values: ArrayLike<number>): PercentileSummary {
  const copy = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) copy[n++] = v;
  }
  // subarray is a view, not a second copy. TypedArray#sort is numeric.
  return summarizeSorted(copy.subarray(0, n).sort());
}
