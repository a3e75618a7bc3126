// Export of invocation records as CSV (RFC 4180) and JSON, and a CSV parser.

import type { Invocation } from '../types';

export const CSV_HEADER = [
  'id',
  'fn',
  'version',
  'export',
  'args',
  'start',
  'instance',
  'outcome',
  'result',
  'error',
  'queue_ms',
  'spawn_ms',
  'compile_ms',
  'instantiate_ms',
  'exec_ms',
  'total_ms',
  'memory_bytes',
  'worker',
  'enqueued_at',
  'ended_at',
  'exit_code',
  'trigger',
  'reply_ms',
  'gateway_ms',
  'instructions',
] as const;

/** JSON.stringify replacer: bigint → decimal string, NaN/±Infinity → "NaN"/"Infinity"/"-Infinity", bytes → base64. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value instanceof Uint8Array) return base64(value);
  return value;
}

/** Renders an args/result value: scalars bare (bigint as its decimal digits), arrays as JSON with bigints as strings. */
function valueCell(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  return JSON.stringify(value, jsonReplacer);
}

// A plain decimal number, which spreadsheets read as a number, never as a formula.
const NUMERIC = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i;

/**
 * Neutralizes formula injection: a cell starting with = + - @ TAB or CR can be
 * run as a formula when the file is opened in a spreadsheet, so it gets a
 * leading single quote. Plain negative numbers (e.g. an i32 result of -5) are
 * exempt: they are not formulas, and quoting them would break numeric analysis.
 */
export function guardCell(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) && !NUMERIC.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180 quoting: fields with a comma, quote, CR or LF are wrapped in quotes, inner quotes doubled. */
export function quoteCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Joins rows into CSV text: guarded, quoted, CRLF after every record. */
export function toCsv(rows: Iterable<readonly string[]>): string {
  let out = '';
  for (const row of rows) out += row.map((c) => quoteCell(guardCell(c))).join(',') + '\r\n';
  return out;
}

/** The CSV fields of one invocation, in CSV_HEADER order, before guarding and quoting. */
export function invocationFields(inv: Invocation): string[] {
  const t = inv.timings;
  return [
    String(inv.id),
    inv.fn,
    String(inv.version),
    inv.export,
    valueCell(inv.args),
    inv.start,
    inv.instance,
    inv.outcome,
    valueCell(inv.result),
    inv.error ?? '',
    String(t.queue),
    String(t.spawn),
    String(t.compile),
    String(t.instantiate),
    String(t.exec),
    String(t.total),
    String(inv.memoryBytes),
    inv.worker === null ? '' : String(inv.worker),
    String(inv.enqueuedAt),
    String(inv.endedAt),
    inv.exitCode === undefined ? '' : String(inv.exitCode),
    inv.trigger ?? '',
    t.reply === undefined ? '' : String(t.reply),
    t.gateway === undefined ? '' : String(t.gateway),
    inv.instructions === undefined ? '' : String(inv.instructions),
  ];
}

/** Invocations as CSV with a header row. Logs, stdout/stderr and files are left out (use JSON for those). */
export function invocationsToCsv(invs: readonly Invocation[]): string {
  return toCsv([CSV_HEADER, ...invs.map(invocationFields)]);
}

/**
 * Invocations as JSON, every field included. bigint becomes a decimal string,
 * Uint8Array (stdout/stderr bytes, files) a base64 string, and non-finite
 * numbers their name, since JSON itself can express none of them.
 */
export function invocationsToJson(invs: readonly Invocation[], space?: number): string {
  return JSON.stringify(invs, jsonReplacer, space);
}

/**
 * Parses RFC 4180 CSV into rows of fields. Accepts CRLF, LF or lone CR line
 * breaks; a final line break does not start an empty record. Throws on an
 * unterminated quoted field or text after a closing quote.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  const n = text.length;
  if (n === 0) return rows;
  let row: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new Error(`parseCsv: unterminated quoted field starting at offset ${i}`);
        field += text.slice(j, q);
        if (text[q + 1] === '"') {
          field += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      if (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        throw new Error(
          `parseCsv: unexpected ${JSON.stringify(text[i])} after a closing quote at offset ${i}`,
        );
      }
    } else {
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '\r' && text[j] !== '\n') j++;
      field = text.slice(i, j);
      i = j;
    }
    row.push(field);
    if (i >= n) {
      rows.push(row);
      return rows;
    }
    if (text[i] === ',') {
      i++;
      continue;
    }
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
    rows.push(row);
    row = [];
    if (i >= n) return rows;
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding; no Buffer/btoa so it runs in workers, the DOM and Node alike. */
export function base64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    parts.push(B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + B64[v & 63]);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i] << 16;
    parts.push(B64[v >> 18] + B64[(v >> 12) & 63] + '==');
  } else if (rest === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    parts.push(B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + '=');
  }
  return parts.join('');
}
