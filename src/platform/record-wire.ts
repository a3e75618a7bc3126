// Settled records on the wire from the platform worker to the page (protocol.ts, Update 'invs').
// Structured clone pays per property, and an Invocation has ~20 of them plus a nested `timings`
// and an `args` array: a trace of a 20,000-call burst found the page deserialising them beside
// everything else it does. So a run of records travels as one RecordBatch: a row of float64s and
// a row of byte codes per record (transferred, a copy of bytes), the function and export names
// once per batch, and only what does not fit a number (an error, logs, WASI output, a bigint or
// array result, string arguments) as small per-record objects. The page builds each Invocation
// from its row: a plain object literal, far cheaper than deserialising one.
import { OUTCOMES, TRIGGERS, type Invocation, type Outcome, type Timings, type Trigger } from './types';

/** Strings sent once per batch: `intern` gives each distinct string its index in `strings`. */
export function stringTable(): { strings: string[]; intern: (s: string) => number } {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  return { strings, intern };
}

/** A settled record as the host queues it: its function's memory (for GB-seconds) and the waiting ticket. */
export interface SettledRecord {
  inv: Invocation;
  memoryMiB: number;
  ticket?: number;
}

export interface RecordBatch {
  n: number;
  /** NUM float64s per record, row after row (see the N_ constants). */
  num: Float64Array;
  /** CODES bytes per record, row after row (see the C_ constants). */
  codes: Uint8Array;
  /** Arguments of the records whose arguments are all numbers, concatenated in row order. */
  args: Float64Array;
  /** Function and export names, referred to by index from `num`. */
  strings: string[];
  /** Rows with fields that are not numbers or codes, and those fields. */
  extraRows: number[];
  extras: Partial<Invocation>[];
}

// Float64 columns.
const N_ID = 0;
const N_VERSION = 1;
const N_QUEUE = 2;
const N_SPAWN = 3;
const N_COMPILE = 4;
const N_INSTANTIATE = 5;
const N_EXEC = 6;
const N_TOTAL = 7;
const N_REPLY = 8;
const N_AHEAD = 9;
const N_GATEWAY = 10;
const N_MEMORY_BYTES = 11;
const N_WORKER = 12;
const N_ENQUEUED_AT = 13;
const N_ENDED_AT = 14;
const N_INSTRUCTIONS = 15;
const N_EXIT_CODE = 16;
const N_RESULT = 17;
const N_MEMORY_MIB = 18;
const N_TICKET = 19;
const N_FN = 20;
const N_EXPORT = 21;
const N_ARG_COUNT = 22;
const NUM = 23;

// Byte columns.
const C_START = 0;
const C_INSTANCE = 1;
const C_OUTCOME = 2;
/** 0: absent, else index + 1 in TRIGGERS. */
const C_TRIGGER = 3;
/** 0: absent, else index + 1 in TIMEOUT_BY. */
const C_TIMEOUT_BY = 4;
/** Bits: which optional numeric fields are present, and where args and result are. */
const C_FLAGS = 5;
const C_FLAGS_HI = 6;
const CODES = 7;

const F_REPLY = 1;
const F_AHEAD = 2;
const F_GATEWAY = 4;
const F_WORKER = 8;
const F_INSTRUCTIONS = 16;
const F_EXIT_CODE = 32;
const F_TICKET = 64;
const F_ARGS_INLINE = 128;
// High byte.
const H_RESULT_NUMBER = 1;

const STARTS: readonly Invocation['start'][] = ['cold', 'warm'];
const INSTANCES: readonly Invocation['instance'][] = ['new', 'reused'];
const TIMEOUT_BY: readonly NonNullable<Invocation['timeoutBy']>[] = ['trap', 'terminate'];

/**
 * Where each field of an Invocation travels. A field added to Invocation does not compile until it
 * is listed here, and the encoder sends every 'extra' field it finds (record-wire.test.ts checks a
 * record with every field set comes back equal).
 */
const FIELD_ROUTE: Record<keyof Invocation, 'row' | 'row-or-extra' | 'extra'> = {
  id: 'row',
  fn: 'row',
  version: 'row',
  export: 'row',
  args: 'row-or-extra',
  trigger: 'row',
  start: 'row',
  instance: 'row',
  outcome: 'row',
  result: 'row-or-extra',
  error: 'extra',
  logs: 'row-or-extra',
  timings: 'row',
  memoryBytes: 'row',
  worker: 'row',
  enqueuedAt: 'row',
  endedAt: 'row',
  instructions: 'row',
  timeoutBy: 'row',
  retried: 'extra',
  exitCode: 'row',
  stdout: 'extra',
  stderr: 'extra',
  stdoutBytes: 'extra',
  stderrBytes: 'extra',
  files: 'extra',
};
const EXTRA_FIELDS = (Object.keys(FIELD_ROUTE) as (keyof Invocation)[]).filter(
  (k) => FIELD_ROUTE[k] === 'extra',
);

/** Every timing has a column: a timing added to Timings does not compile until it is listed here. */
type TimingColumn =
  'queue' | 'spawn' | 'compile' | 'instantiate' | 'exec' | 'total' | 'reply' | 'ahead' | 'gateway';
export const EVERY_TIMING_HAS_A_COLUMN: Exclude<keyof Timings, TimingColumn> extends never ? true : never =
  true;

/** Packs settled records into one batch; its buffers go in the transfer list. */
export function encodeRecords(records: readonly SettledRecord[]): {
  batch: RecordBatch;
  transfer: ArrayBuffer[];
} {
  const n = records.length;
  const num = new Float64Array(n * NUM);
  const codes = new Uint8Array(n * CODES);
  let argLen = 0;
  for (const r of records) argLen += r.inv.args.length;
  const args = new Float64Array(argLen);
  let argAt = 0;
  const { strings, intern } = stringTable();
  const extraRows: number[] = [];
  const extras: Partial<Invocation>[] = [];
  /** Writes an optional number at `at`; returns its presence bit, or 0 when it is absent. */
  const put = (at: number, v: number | null | undefined, bit: number): number => {
    if (v === undefined || v === null) return 0;
    num[at] = v;
    return bit;
  };

  for (let row = 0; row < n; row++) {
    const { inv, memoryMiB, ticket } = records[row];
    const o = row * NUM;
    const c = row * CODES;
    const t = inv.timings;
    let flags = 0;
    let hi = 0;
    let extra: Partial<Invocation> | null = null;

    num[o + N_ID] = inv.id;
    num[o + N_VERSION] = inv.version;
    num[o + N_QUEUE] = t.queue;
    num[o + N_SPAWN] = t.spawn;
    num[o + N_COMPILE] = t.compile;
    num[o + N_INSTANTIATE] = t.instantiate;
    num[o + N_EXEC] = t.exec;
    num[o + N_TOTAL] = t.total;
    flags |= put(o + N_REPLY, t.reply, F_REPLY);
    flags |= put(o + N_AHEAD, t.ahead, F_AHEAD);
    flags |= put(o + N_GATEWAY, t.gateway, F_GATEWAY);
    num[o + N_MEMORY_BYTES] = inv.memoryBytes;
    flags |= put(o + N_WORKER, inv.worker, F_WORKER);
    num[o + N_ENQUEUED_AT] = inv.enqueuedAt;
    num[o + N_ENDED_AT] = inv.endedAt;
    flags |= put(o + N_INSTRUCTIONS, inv.instructions, F_INSTRUCTIONS);
    flags |= put(o + N_EXIT_CODE, inv.exitCode, F_EXIT_CODE);
    num[o + N_MEMORY_MIB] = memoryMiB;
    flags |= put(o + N_TICKET, ticket, F_TICKET);
    num[o + N_FN] = intern(inv.fn);
    num[o + N_EXPORT] = intern(inv.export);

    const a = inv.args;
    let numeric = true;
    for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'number') numeric = false;
    if (numeric) {
      flags |= F_ARGS_INLINE;
      num[o + N_ARG_COUNT] = a.length;
      for (let i = 0; i < a.length; i++) args[argAt++] = a[i] as number;
    } else (extra ??= {}).args = a;

    if (typeof inv.result === 'number') {
      hi |= H_RESULT_NUMBER;
      num[o + N_RESULT] = inv.result;
    } else if (inv.result !== undefined) (extra ??= {}).result = inv.result; // a bigint, null or an array
    if (inv.logs.length > 0) (extra ??= {}).logs = inv.logs;
    for (const k of EXTRA_FIELDS) if (inv[k] !== undefined) (extra ??= {})[k] = inv[k] as never;

    codes[c + C_START] = STARTS.indexOf(inv.start);
    codes[c + C_INSTANCE] = INSTANCES.indexOf(inv.instance);
    codes[c + C_OUTCOME] = OUTCOMES.indexOf(inv.outcome);
    codes[c + C_TRIGGER] = inv.trigger === undefined ? 0 : TRIGGERS.indexOf(inv.trigger) + 1;
    codes[c + C_TIMEOUT_BY] = inv.timeoutBy === undefined ? 0 : TIMEOUT_BY.indexOf(inv.timeoutBy) + 1;
    codes[c + C_FLAGS] = flags;
    codes[c + C_FLAGS_HI] = hi;
    if (extra) {
      extraRows.push(row);
      extras.push(extra);
    }
  }
  return {
    batch: { n, num, codes, args, strings, extraRows, extras },
    transfer: [num.buffer, codes.buffer, args.buffer],
  };
}

/**
 * Builds the batch's records, in order, and hands each to `each` with its function's memory and
 * the ticket waiting for it. Optional fields are set only when the record had them.
 */
export function decodeRecords(
  batch: RecordBatch,
  each: (inv: Invocation, memoryMiB: number, ticket: number | undefined) => void,
): void {
  const { n, num, codes, args, strings, extraRows, extras } = batch;
  let argAt = 0;
  let nextExtra = 0;
  for (let row = 0; row < n; row++) {
    const o = row * NUM;
    const c = row * CODES;
    const flags = codes[c + C_FLAGS];
    const hi = codes[c + C_FLAGS_HI];
    const timings: Timings = {
      queue: num[o + N_QUEUE],
      spawn: num[o + N_SPAWN],
      compile: num[o + N_COMPILE],
      instantiate: num[o + N_INSTANTIATE],
      exec: num[o + N_EXEC],
      total: num[o + N_TOTAL],
    };
    if (flags & F_REPLY) timings.reply = num[o + N_REPLY];
    if (flags & F_AHEAD) timings.ahead = num[o + N_AHEAD];
    if (flags & F_GATEWAY) timings.gateway = num[o + N_GATEWAY];
    let invArgs: Invocation['args'] = [];
    if (flags & F_ARGS_INLINE) {
      const count = num[o + N_ARG_COUNT];
      invArgs = new Array<number>(count);
      for (let i = 0; i < count; i++) invArgs[i] = args[argAt++];
    }
    const inv: Invocation = {
      id: num[o + N_ID],
      fn: strings[num[o + N_FN]],
      version: num[o + N_VERSION],
      export: strings[num[o + N_EXPORT]],
      args: invArgs,
      start: STARTS[codes[c + C_START]],
      instance: INSTANCES[codes[c + C_INSTANCE]],
      outcome: OUTCOMES[codes[c + C_OUTCOME]] as Outcome,
      result: hi & H_RESULT_NUMBER ? num[o + N_RESULT] : undefined,
      logs: [],
      timings,
      memoryBytes: num[o + N_MEMORY_BYTES],
      worker: flags & F_WORKER ? num[o + N_WORKER] : null,
      enqueuedAt: num[o + N_ENQUEUED_AT],
      endedAt: num[o + N_ENDED_AT],
    };
    const trigger = codes[c + C_TRIGGER];
    if (trigger) inv.trigger = TRIGGERS[trigger - 1] as Trigger;
    if (flags & F_INSTRUCTIONS) inv.instructions = num[o + N_INSTRUCTIONS];
    const timeoutBy = codes[c + C_TIMEOUT_BY];
    if (timeoutBy) inv.timeoutBy = TIMEOUT_BY[timeoutBy - 1];
    if (flags & F_EXIT_CODE) inv.exitCode = num[o + N_EXIT_CODE];
    if (nextExtra < extraRows.length && extraRows[nextExtra] === row) Object.assign(inv, extras[nextExtra++]);
    each(inv, num[o + N_MEMORY_MIB], flags & F_TICKET ? num[o + N_TICKET] : undefined);
  }
}
