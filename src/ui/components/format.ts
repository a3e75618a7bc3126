// Formatting shared by the panels: numbers, times, sizes and result values, always as plain text.
import type { ArgValue, FunctionInfo, Invocation, ResultValue } from '../../platform/types';

/** Milliseconds with 2–3 significant decimals: "0.123 ms", "4.56 ms", "78.90 ms", "1234.5 ms". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  return `${ms.toFixed(digits)} ms`;
}

/** Seconds for live counters: "0.4 s", "12.3 s". */
export function formatElapsed(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** "812 B", "1.50 KiB", "64.0 MiB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 2 : 1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1048576).toFixed(n < 10 * 1048576 ? 2 : 1)} MiB`;
  return `${(n / 1073741824).toFixed(2)} GiB`;
}

let numberFormat: Intl.NumberFormat | null = null;

/**
 * 1234567 → "1,234,567" (thin groups make big byte counts readable), as `toLocaleString('en-US')`
 * writes it. Integers are grouped here: the page's first `toLocaleString` or `Intl.NumberFormat`
 * loads the locale's number data, which took 175 ms of a first visit's main thread (profiled).
 */
export function formatCount(n: number): string {
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) {
    const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',');
    return n < 0 ? `-${digits}` : digits;
  }
  numberFormat ??= new Intl.NumberFormat('en-US');
  return numberFormat.format(n);
}

/** Pages of 64 KiB with their size: "16 pages (1 MiB)". */
export function formatPages(pages: number | null): string {
  if (pages === null) return 'none declared';
  const mib = (pages * 65536) / 1048576;
  const size = mib >= 1 ? `${Number.isInteger(mib) ? mib : mib.toFixed(2)} MiB` : `${pages * 64} KiB`;
  return `${formatCount(pages)} page${pages === 1 ? '' : 's'} (${size})`;
}

/** One wasm value: i64 as a decimal string, floats with NaN, -0 and ±Infinity spelled out. */
export function formatScalar(v: number | bigint | null | undefined): string {
  if (v === null || v === undefined) return '(none)';
  if (typeof v === 'bigint') return v.toString();
  if (Object.is(v, -0)) return '-0';
  return String(v); // NaN, Infinity, -Infinity print as themselves
}

/** A call's result: one value, a list for multi-value, "(no value)" for a function without results. */
export function formatValue(v: ResultValue | undefined): string {
  if (v === undefined) return '—';
  if (v === null) return '(no value)';
  if (Array.isArray(v)) return `[${v.map(formatScalar).join(', ')}]`;
  return formatScalar(v);
}

export function formatArg(a: ArgValue): string {
  if (typeof a === 'bigint') return a.toString();
  if (typeof a === 'number') return formatScalar(a);
  return a;
}

export function formatArgs(args: readonly ArgValue[]): string {
  return args.map(formatArg).join(', ');
}

/** Wall-clock time of day with milliseconds: "14:03:07.412". */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** True when the bytes decode as UTF-8 without replacement characters. */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/**
 * The memory cap an invocation ran under (bytes), as the platform reports it for the deployed
 * version; null when that version is no longer the deployed one or the module has no memory.
 */
export function memoryCapBytes(
  inv: Pick<Invocation, 'fn' | 'version'>,
  info: FunctionInfo | undefined,
): number | null {
  if (!info?.memory || info.name !== inv.fn || info.version !== inv.version) return null;
  return info.memory.capPages * 65536;
}
