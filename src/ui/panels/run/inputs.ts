// Pure helpers behind the Run panel's inputs: argument checks in a student's words, argv with
// quotes, env as KEY=VALUE lines. No Svelte here, so Vitest covers it.
import { convertArg } from '../../../platform/args';
import type { ValType } from '../../../platform/types';

export const PASSABLE: ReadonlySet<ValType> = new Set(['i32', 'i64', 'f32', 'f64']);

const EXAMPLES: Record<string, string> = {
  i32: 'a whole number, e.g. 42, -7 or 0x2a',
  i64: 'a whole number, e.g. 9007199254740993 or -1',
  f32: 'a number, e.g. 1.5, -0, 1e3, inf or nan',
  f64: 'a number, e.g. 3.14159, -0, 1e-9, inf or nan',
};

/** What to type for a parameter of this type. */
export function exampleFor(type: ValType): string {
  return EXAMPLES[type] ?? `${type} values cannot be typed in`;
}

/** Null when `text` is a valid `type` value; otherwise a sentence saying what is wrong. */
export function checkArg(text: string, type: ValType): string | null {
  if (!PASSABLE.has(type)) return `The playground cannot pass ${type} values.`;
  if (text.trim() === '') return `Enter ${exampleFor(type)}.`;
  try {
    convertArg(text, type, 'value');
    return null;
  } catch (err) {
    const msg = (err instanceof Error ? err.message : String(err)).replace(/^value: /, '');
    const sentence = msg.charAt(0).toUpperCase() + msg.slice(1);
    return /needs/.test(msg) ? `${sentence}. Try ${exampleFor(type)}.` : `${sentence}.`;
  }
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Splits a command line like a shell: spaces separate, "double" or 'single' quotes group, \ escapes. */
export function parseArgv(text: string): Parsed<string[]> {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && (text[i + 1] === '"' || text[i + 1] === '\\')) cur += text[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) return { ok: false, error: `A ${quote === '"' ? 'double' : 'single'} quote is not closed.` };
  if (inWord) out.push(cur);
  return { ok: true, value: out };
}

/** The inverse of parseArgv: quotes words that need it. */
export function formatArgv(argv: readonly string[]): string {
  return argv
    .map((a) => (a !== '' && !/[\s"'\\]/.test(a) ? a : `"${a.replace(/["\\]/g, (m) => '\\' + m)}"`))
    .join(' ');
}

/** KEY=VALUE lines; blank lines and lines starting with # are skipped. */
export function parseEnv(text: string): Parsed<Record<string, string>> {
  const env: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      return {
        ok: false,
        error: `Line ${n + 1}: write NAME=value (${eq === 0 ? 'the name is missing' : 'no "=" found'}).`,
      };
    }
    env[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return { ok: true, value: env };
}

export function formatEnv(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}
