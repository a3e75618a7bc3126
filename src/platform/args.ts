// Typed arguments: user values (numbers, bigints, strings from a form or the console) checked
// against a function's signature before anything is sent to a nanoprocess.
import type { ArgValue, FuncSignature, ValType } from './types';

export class ArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

const INT_TEXT = /^[+-]?(0x[0-9a-f]+|0b[01]+|0o[0-7]+|\d+)$/i;
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|0x[0-9a-f]+(\.[0-9a-f]*)?(p[+-]?\d+)?)$/i;

function parseBigInt(text: string): bigint | null {
  const t = text.trim().replace(/_/g, '');
  if (!INT_TEXT.test(t)) return null;
  const neg = t.startsWith('-');
  const body = t.replace(/^[+-]/, '');
  const v = BigInt(body);
  return neg ? -v : v;
}

function describe(value: ArgValue): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}

function toInteger(value: ArgValue, type: 'i32' | 'i64', where: string): bigint {
  let v: bigint | null;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number') {
    if (!Number.isInteger(value))
      throw new ArgumentError(`${where}: ${type} needs a whole number, got ${value}`);
    if (type === 'i64' && !Number.isSafeInteger(value))
      throw new ArgumentError(
        `${where}: ${value} is beyond what a JavaScript number holds exactly; pass it as a string or BigInt`,
      );
    v = BigInt(value);
  } else if (typeof value === 'string') v = parseBigInt(value);
  else v = null;
  if (v === null) throw new ArgumentError(`${where}: ${type} needs an integer, got ${describe(value)}`);
  const bits = type === 'i32' ? 32n : 64n;
  const min = -(1n << (bits - 1n));
  const max = (1n << bits) - 1n; // unsigned spellings are accepted and wrap, as in wasm
  if (v < min || v > max)
    throw new ArgumentError(`${where}: ${describe(value)} does not fit in ${type} (${min} to ${max})`);
  return v;
}

function toFloat(value: ArgValue, type: 'f32' | 'f64', where: string): number {
  let v: number;
  if (typeof value === 'number') v = value;
  else if (typeof value === 'bigint') v = Number(value);
  else if (typeof value === 'string') {
    const t = value.trim();
    if (/^[+]?nan$/i.test(t)) v = NaN;
    else if (/^-nan$/i.test(t)) v = -NaN;
    else if (/^[+]?(inf|infinity)$/i.test(t)) v = Infinity;
    else if (/^-(inf|infinity)$/i.test(t)) v = -Infinity;
    else if (FLOAT_TEXT.test(t.replace(/_/g, ''))) v = Number(t.replace(/_/g, ''));
    else throw new ArgumentError(`${where}: ${type} needs a number, got ${describe(value)}`);
    if (Number.isNaN(v) && !/nan/i.test(t))
      throw new ArgumentError(`${where}: ${type} needs a number, got ${describe(value)}`);
  } else throw new ArgumentError(`${where}: ${type} needs a number, got ${describe(value)}`);
  return type === 'f32' ? Math.fround(v) : v;
}

/** Converts one value to what the JS-API expects for `type`. */
export function convertArg(value: ArgValue, type: ValType, where = 'argument'): number | bigint {
  switch (type) {
    case 'i32':
      return Number(BigInt.asIntN(32, toInteger(value, 'i32', where)));
    case 'i64':
      return BigInt.asIntN(64, toInteger(value, 'i64', where));
    case 'f32':
    case 'f64':
      return toFloat(value, type, where);
    default:
      throw new ArgumentError(`${where}: ${type} parameters are not supported by the playground`);
  }
}

/** Checks count and types; throws an ArgumentError that names the export and the parameter. */
export function convertArgs(
  exportName: string,
  sig: FuncSignature,
  args: readonly ArgValue[],
): (number | bigint)[] {
  const unsupported = [...sig.params, ...sig.results].find(
    (t) => t !== 'i32' && t !== 'i64' && t !== 'f32' && t !== 'f64',
  );
  if (unsupported)
    throw new ArgumentError(
      `"${exportName}" uses ${unsupported} in its signature, which the playground cannot pass or show`,
    );
  if (!Array.isArray(args)) throw new ArgumentError(`arguments must be an array`);
  if (args.length !== sig.params.length) {
    const want =
      sig.params.length === 0
        ? 'no arguments'
        : `${sig.params.length} argument${sig.params.length === 1 ? '' : 's'} (${sig.params.join(', ')})`;
    throw new ArgumentError(`"${exportName}" expects ${want} but got ${args.length}`);
  }
  return sig.params.map((t, i) => convertArg(args[i], t, `"${exportName}" argument ${i + 1}`));
}
