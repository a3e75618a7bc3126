import type { BenchMode } from '../../../platform/benchmarks';

export const MODE_LABELS: Record<BenchMode, string> = {
  cold: 'Cold',
  warm: 'Warm',
  direct: 'Direct (no platform)',
  js: 'JavaScript',
};

/** Mean ± sd with the same number of decimals for both, sized to the mean. */
export function meanSd(mean: number, sd: number): string {
  if (!Number.isFinite(mean)) return '—';
  const digits = mean >= 100 ? 1 : mean >= 1 ? 2 : 3;
  return `${mean.toFixed(digits)} ± ${(Number.isFinite(sd) ? sd : 0).toFixed(digits)}`;
}

/** An overhead: "+2.4 %", "−0.8 %"; past +1000 % as a factor ("×12"), which reads better. */
export function percent(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  if (v >= 1000) return `×${Math.round(1 + v / 100)}`;
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(Math.abs(v) >= 100 ? 0 : 1)} %`;
}

/** A time the platform adds: "+0.251 ms", "−0.02 ms". */
export function addedMs(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  return `${v >= 0 ? '+' : '−'}${a.toFixed(a >= 100 ? 0 : a >= 1 ? 2 : 3)} ms`;
}

/** A ratio of two times: "0.62×", "1.8×", "12×". */
export function times(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  return `${v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(2)}×`;
}
