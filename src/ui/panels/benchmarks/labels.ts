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
