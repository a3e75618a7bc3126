// Turning latency columns into what the charts draw: breakdown buckets and histograms.
// Pure functions over typed arrays, shared by the Metrics, Load test and Compare panels.
import { histogram } from '../../platform/metrics/histogram';
import { summarize } from '../../platform/metrics/percentiles';
import type { PercentileSummary } from '../../platform/types';
import type { Palette } from './palette';
import type { HistogramData, SeriesSpec, StackData } from './types';

export const PHASES = ['queue', 'spawn', 'compile', 'instantiate', 'exec'] as const;
export type Phase = (typeof PHASES)[number];

/** Colours match the Run panel's timing bar. */
export const PHASE_SERIES: SeriesSpec[] = [
  { label: 'queue', color: 'muted' },
  { label: 'spawn', color: 'cold' },
  { label: 'compile', color: 'accent' },
  { label: 'instantiate', color: 'warm' },
  { label: 'exec', color: 'ok' },
];

export interface PhaseColumns {
  /** Ascending time of each row (s). */
  x: ArrayLike<number>;
  id?: ArrayLike<number>;
  queue: ArrayLike<number>;
  spawn: ArrayLike<number>;
  compile: ArrayLike<number>;
  instantiate: ArrayLike<number>;
  exec: ArrayLike<number>;
}

/**
 * Stacked-bar data for rows [i0, i1): one bar per invocation when they fit in `maxBars`, else
 * the mean of each phase over equal time buckets (empty buckets stay empty).
 */
export function breakdownBars(cols: PhaseColumns, i0: number, i1: number, maxBars = 60): StackData {
  const n = Math.max(0, i1 - i0);
  if (n <= maxBars) {
    const parts = PHASES.map((k) => {
      const out = new Float64Array(n);
      const src = cols[k];
      for (let i = 0; i < n; i++) out[i] = src[i0 + i];
      return out;
    });
    const labels = Array.from({ length: n }, (_, i) => (cols.id ? `#${cols.id[i0 + i]}` : `${i + 1}`));
    return { parts, labels, counts: new Uint32Array(n).fill(1) };
  }
  const t0 = cols.x[i0];
  const t1 = cols.x[i1 - 1];
  const span = t1 - t0;
  const buckets = span > 0 ? maxBars : 1;
  const width = span > 0 ? span / buckets : 1;
  const sums = PHASES.map(() => new Float64Array(buckets));
  const counts = new Uint32Array(buckets);
  for (let i = i0; i < i1; i++) {
    const b = Math.min(buckets - 1, Math.floor((cols.x[i] - t0) / width));
    counts[b]++;
    PHASES.forEach((k, j) => (sums[j][b] += Math.max(0, cols[k][i])));
  }
  for (let b = 0; b < buckets; b++) {
    if (counts[b] === 0) continue;
    for (const s of sums) s[b] /= counts[b];
  }
  const digits = width < 0.1 ? 2 : width < 10 ? 1 : 0;
  const labels = Array.from({ length: buckets }, (_, b) => `${(t0 + b * width).toFixed(digits)} s`);
  return { parts: sums, labels, counts };
}

export interface Population {
  label: string;
  color: keyof Palette;
  values: Float64Array;
}

export interface PopulationSummary extends PercentileSummary {
  label: string;
  n: number;
}

/**
 * A shared-bins histogram of several populations with their p50/p95/p99 as markers. Log bins
 * from the smallest positive value (zeros fall in the first bin).
 */
export function populationHistogram(
  pops: Population[],
  { bins = 36, log = true }: { bins?: number; log?: boolean } = {},
): { data: HistogramData; summaries: PopulationSummary[] } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of pops) {
    for (let i = 0; i < p.values.length; i++) {
      const v = p.values[i];
      if (!Number.isFinite(v)) continue;
      if (v > 0 && v < lo) lo = v;
      if (!log && v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(hi >= lo)) {
    lo = log ? 0.1 : 0;
    hi = log ? 100 : 1;
  }
  if (log) {
    // Whole decades at both ends read better than arbitrary edges.
    lo = Math.pow(10, Math.floor(Math.log10(lo) * 4) / 4);
    hi = Math.pow(10, Math.ceil(Math.log10(hi) * 4 + 1e-9) / 4);
    if (hi <= lo) hi = lo * 10;
  }
  let edges: Float64Array | null = null;
  const summaries: PopulationSummary[] = [];
  const series = pops.map((p) => {
    const h = histogram(p.values, { bins, min: lo, max: hi, log });
    edges ??= h.edges;
    const s = summarize(p.values);
    summaries.push({ label: p.label, n: p.values.length, ...s });
    return {
      label: `${p.label} (${p.values.length})`,
      color: p.color,
      counts: h.counts,
      markers:
        p.values.length > 0
          ? [
              { label: 'p50', value: s.p50 },
              { label: 'p95', value: s.p95 },
              { label: 'p99', value: s.p99 },
            ]
          : [],
    };
  });
  return {
    data: { edges: edges ?? histogram([], { bins, min: lo, max: hi, log }).edges, series, log },
    summaries,
  };
}

/** Per-second rate over a sliding window, from cumulative counts sampled at times `t` (ms). */
export function ratePerSec(
  t: ArrayLike<number>,
  cumulative: ArrayLike<number>,
  n: number,
  windowMs = 1000,
): Float64Array {
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    while (j < i && t[i] - t[j] > windowMs) j++;
    const dt = t[i] - t[j];
    out[i] = dt > 0 ? ((cumulative[i] - cumulative[j]) / dt) * 1000 : 0;
  }
  return out;
}
