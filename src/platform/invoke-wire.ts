// Invoke commands on the wire from the page to the platform worker (protocol.ts, Command
// 'invokes'). A burst of `faas.invoke` calls sends thousands in one message, each an object with
// an args array and an options object, and structured clone pays per property on the page's
// main thread. Calls with numeric arguments and no options beyond `trigger` and `export` (what a
// burst or the console sends) travel packed: a row of float64s each, their arguments concatenated,
// names once per batch. Anything else (WASI input, string or bigint arguments) stays a plain
// 'invoke' command.
import { stringTable } from './record-wire';
import { TRIGGERS, type ArgValue, type InvokeOptions, type Trigger } from './types';

export interface InvokeCommand {
  ticket: number;
  fn: string;
  args: ArgValue[];
  options: InvokeOptions;
  track: boolean;
}

export interface InvokeBatch {
  n: number;
  /** ROW float64s per call: ticket, function, export (-1: none), trigger (0: none), track, arg count. */
  rows: Float64Array;
  args: Float64Array;
  strings: string[];
}

const R_TICKET = 0;
const R_FN = 1;
const R_EXPORT = 2;
const R_TRIGGER = 3;
const R_TRACK = 4;
const R_ARG_COUNT = 5;
const ROW = 6;

/** Whether this call can travel packed: numeric arguments, options with `trigger` and `export` only. */
export function packable(c: InvokeCommand): boolean {
  for (const a of c.args) if (typeof a !== 'number') return false;
  for (const k in c.options) {
    const v = c.options[k as keyof InvokeOptions];
    if (v === undefined) continue;
    if (k === 'trigger' && TRIGGERS.includes(v as Trigger)) continue;
    if (k === 'export' && typeof v === 'string') continue;
    return false;
  }
  return true;
}

/** Packs calls that are `packable`; its buffers go in the transfer list. */
export function encodeInvokes(calls: readonly InvokeCommand[]): {
  batch: InvokeBatch;
  transfer: ArrayBuffer[];
} {
  const n = calls.length;
  const rows = new Float64Array(n * ROW);
  let argLen = 0;
  for (const c of calls) argLen += c.args.length;
  const args = new Float64Array(argLen);
  const { strings, intern } = stringTable();
  let argAt = 0;
  for (let i = 0; i < n; i++) {
    const c = calls[i];
    const o = i * ROW;
    rows[o + R_TICKET] = c.ticket;
    rows[o + R_FN] = intern(c.fn);
    rows[o + R_EXPORT] = c.options.export === undefined ? -1 : intern(c.options.export);
    rows[o + R_TRIGGER] = c.options.trigger === undefined ? 0 : TRIGGERS.indexOf(c.options.trigger) + 1;
    rows[o + R_TRACK] = c.track ? 1 : 0;
    rows[o + R_ARG_COUNT] = c.args.length;
    for (const a of c.args) args[argAt++] = a as number;
  }
  return { batch: { n, rows, args, strings }, transfer: [rows.buffer, args.buffer] };
}

/** The packed calls, in order, as the commands they were. */
export function decodeInvokes(batch: InvokeBatch, each: (c: InvokeCommand) => void): void {
  const { n, rows, args, strings } = batch;
  let argAt = 0;
  for (let i = 0; i < n; i++) {
    const o = i * ROW;
    const count = rows[o + R_ARG_COUNT];
    const callArgs = new Array<number>(count);
    for (let j = 0; j < count; j++) callArgs[j] = args[argAt++];
    const options: InvokeOptions = {};
    const exp = rows[o + R_EXPORT];
    if (exp >= 0) options.export = strings[exp];
    const trigger = rows[o + R_TRIGGER];
    if (trigger > 0) options.trigger = TRIGGERS[trigger - 1];
    each({
      ticket: rows[o + R_TICKET],
      fn: strings[rows[o + R_FN]],
      args: callArgs,
      options,
      track: rows[o + R_TRACK] === 1,
    });
  }
}
