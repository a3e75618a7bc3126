// Data shapes the chart components take: typed arrays, never one object per point.
import type { Palette } from './palette';

export type Shape = 'circle' | 'triangle' | 'diamond' | 'square' | 'cross';

/** A kind of point in a scatter chart: warm/cold/failed, or run A/B. */
export interface PointCategory {
  label: string;
  color: keyof Palette;
  shape: Shape;
}

export interface ScatterData {
  /** Ascending x values; only the first n are used. */
  x: Float64Array;
  y: Float64Array;
  /** Index into the chart's categories, per point. */
  cat: Uint8Array;
  n: number;
}

export interface SeriesSpec {
  label: string;
  color: keyof Palette;
  /** Dashed line. */
  dash?: boolean;
  /** Fill under the line. */
  fill?: boolean;
}

export interface TimeSeriesData {
  x: Float64Array;
  ys: Float64Array[];
  n: number;
}

/** Stacked bars: one bar per bucket, `parts[k][b]` the k-th part of bucket b. */
export interface StackData {
  parts: Float64Array[];
  /** Axis label of each bucket. */
  labels: string[];
  /** Invocations in each bucket. */
  counts: Uint32Array;
}

export interface HistogramSeries {
  label: string;
  color: keyof Palette;
  counts: Uint32Array;
  /** Percentile markers drawn as vertical lines at these values (same unit as the edges). */
  markers: { label: string; value: number }[];
}

export interface HistogramData {
  /** bins + 1 ascending edges. */
  edges: Float64Array;
  series: HistogramSeries[];
  log: boolean;
}

export function lowerBound(xs: ArrayLike<number>, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function upperBound(xs: ArrayLike<number>, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Whether an x range hides some of the data (the user zoomed or panned), for ascending xs. Judged
 * against the data itself, not against a padded range: uPlot widens a single point's range by its
 * own rule, and a chart that compared with its ±0.5 padding took its first point for a zoom and
 * then kept that "zoom" for the whole load test.
 */
export function hidesData(
  min: number | undefined,
  max: number | undefined,
  xs: ArrayLike<number>,
  n: number,
): boolean {
  if (n === 0 || min === undefined || max === undefined) return false;
  return min > xs[0] + 1e-9 || max < xs[n - 1] - 1e-9;
}
