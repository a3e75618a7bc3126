// Small statistics helpers for bench scenarios (Node side).

/** Nearest-rank percentile of an ascending-sorted array; p in [0, 100]. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** { n, min, p50, p90, p99, max, mean } of a list of numbers. */
export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n,
    min: n ? sorted[0] : NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: n ? sorted[n - 1] : NaN,
    mean: n ? sum / n : NaN,
  };
}

export function median(values) {
  return summarize(values).p50;
}

/** Mean of each numeric key over a list of objects (e.g. invocation timings). */
export function meanOf(objects, keys) {
  const out = {};
  for (const k of keys) {
    let s = 0;
    for (const o of objects) s += o[k] ?? 0;
    out[k] = objects.length ? s / objects.length : NaN;
  }
  return out;
}

/** Formats milliseconds with sensible precision. */
export function ms(v) {
  if (!Number.isFinite(v)) return String(v);
  if (v < 1) return `${v.toFixed(3)} ms`;
  if (v < 10) return `${v.toFixed(2)} ms`;
  return `${v.toFixed(1)} ms`;
}

/** Formats a number of operations per second. */
export function perSec(v) {
  return `${Math.round(v).toLocaleString('en-US')}/s`;
}
