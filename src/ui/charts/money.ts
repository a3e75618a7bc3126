// Money and rates for the billing views.
import { formatCount } from '../components/format';

/** US dollars with enough digits to tell tiny per-invocation costs apart: $0.0000002083, $1.23. */
export function formatUsd(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v === 0) return '$0';
  const a = Math.abs(v);
  if (a >= 100) return `$${v.toFixed(2)}`;
  if (a >= 0.01) return `$${v.toFixed(4)}`;
  // Four significant digits, written out in full (no exponent): $0.000001234
  const digits = Math.min(20, Math.max(0, 3 - Math.floor(Math.log10(a))));
  return `$${v.toFixed(digits)}`;
}

/** 1234.5 → "1,235/s"; 12.34 → "12.3/s". */
export function formatRate(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return `${v >= 100 ? formatCount(Math.round(v)) : v.toFixed(1)}/s`;
}

/** 0.1234 → "12.3 %". */
export function formatShare(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return `${(v * 100).toFixed(v >= 0.1 || v === 0 ? 1 : 2)} %`;
}
