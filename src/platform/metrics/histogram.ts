// Fixed-bin histograms, linear or log-spaced (latencies span orders of magnitude).

export interface HistogramOptions {
  /** Number of bins, a positive integer. Default 20. */
  bins?: number;
  /** Lower edge of the first bin. Default: the smallest finite value (log: smallest positive). */
  min?: number;
  /** Upper edge of the last bin. Default: the largest finite value. */
  max?: number;
  /** Log-spaced (geometric) bins; min must then be positive. */
  log?: boolean;
}

export interface Histogram {
  /** bins + 1 ascending edges; bin i covers [edges[i], edges[i+1]), the last bin also includes its upper edge. */
  edges: Float64Array;
  counts: Uint32Array;
}

/**
 * Counts values into `bins` equal-width (or, with `log`, equal-ratio) bins.
 *
 * - NaN and ±Infinity are skipped.
 * - Values outside [min, max] (only possible when min/max are given, or for
 *   values ≤ 0 in log mode) are counted in the first or last bin, so the counts
 *   always sum to the number of finite inputs. A chart of "everything up to X"
 *   is more useful than one that silently drops the tail.
 * - Empty input gives zero counts over [0, 1] (log: [1, 10]) unless min/max are given.
 * - A degenerate range (all values equal) is widened around the value so the
 *   edges stay strictly increasing.
 */
export function histogram(values: ArrayLike<number>, options: HistogramOptions = {}): Histogram {
  const bins = options.bins ?? 20;
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`histogram: bins must be a positive integer, got ${bins}`);
  }
  const log = options.log ?? false;

  let lo = options.min;
  let hi = options.max;
  if (lo !== undefined && !Number.isFinite(lo)) {
    throw new RangeError(`histogram: min must be finite, got ${lo}`);
  }
  if (hi !== undefined && !Number.isFinite(hi)) {
    throw new RangeError(`histogram: max must be finite, got ${hi}`);
  }
  if (lo !== undefined && hi !== undefined && lo > hi) {
    throw new RangeError(`histogram: min ${lo} > max ${hi}`);
  }
  if (log && lo !== undefined && lo <= 0) throw new RangeError(`histogram: log bins need min > 0, got ${lo}`);
  if (log && hi !== undefined && hi <= 0) throw new RangeError(`histogram: log bins need max > 0, got ${hi}`);

  if (lo === undefined || hi === undefined) {
    let dataLo = Infinity;
    let dataHi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v) || (log && v <= 0)) continue;
      if (v < dataLo) dataLo = v;
      if (v > dataHi) dataHi = v;
    }
    if (dataLo > dataHi) {
      // No usable data: fall back to a unit range (or one decade).
      dataLo = log ? 1 : 0;
      dataHi = log ? 10 : 1;
    }
    lo ??= Math.min(dataLo, hi ?? dataLo);
    hi ??= Math.max(dataHi, lo);
  }

  if (lo === hi) {
    if (log) {
      lo /= 2;
      hi *= 2;
    } else {
      const half = Math.abs(lo) * 0.5 || 0.5;
      lo -= half;
      hi += half;
    }
  }

  const edges = new Float64Array(bins + 1);
  if (log) {
    const a = Math.log(lo);
    const step = (Math.log(hi) - a) / bins;
    for (let i = 0; i <= bins; i++) edges[i] = Math.exp(a + i * step);
  } else {
    const step = (hi - lo) / bins;
    for (let i = 0; i <= bins; i++) edges[i] = lo + i * step;
  }
  // Pin the ends exactly, and snap inner edges to 12 significant digits so that
  // decades come out as 10 rather than 9.999999999999998 (bins are then
  // assigned against these snapped edges, below).
  edges[0] = lo;
  edges[bins] = hi;
  for (let i = 1; i < bins; i++) {
    const snapped = Number(edges[i].toPrecision(12));
    if (snapped > edges[i - 1] && snapped < hi) edges[i] = snapped;
  }

  const counts = new Uint32Array(bins);
  const a = log ? Math.log(lo) : lo;
  const span = (log ? Math.log(hi) : hi) - a;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    let b: number;
    if (v <= lo) b = 0;
    else if (v >= hi) b = bins - 1;
    else {
      b = Math.floor((((log ? Math.log(v) : v) - a) / span) * bins);
      // The arithmetic index can be one off next to an edge; make it agree with `edges`.
      if (b > 0 && v < edges[b]) b--;
      else if (b < bins - 1 && v >= edges[b + 1]) b++;
      b = Math.min(bins - 1, Math.max(0, b));
    }
    counts[b]++;
  }
  return { edges, counts };
}
