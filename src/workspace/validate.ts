// Lenient readers for workspace data that comes back from storage or from a workspace file. They
// never throw: whatever cannot be read is skipped or replaced by its default, and a sentence a
// student understands is added to `problems`. Everything that is read is copied field by field, so
// unknown fields are dropped and nothing aliases the input.
import {
  DEFAULT_FUNCTION_CONFIG,
  DEFAULT_PLATFORM_CONFIG,
  KEEP_ALIVE_POLICIES,
  OUTCOMES,
  type ArgValue,
  type FunctionConfig,
  type Invocation,
  type KeepAlivePolicy,
  type PlatformConfig,
  type ResultValue,
  type Timings,
} from '../platform/types';
import type { FeatureFlags, Workspace, WorkspaceFunction } from './types';

export type Problems = string[];

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPositive = (v: unknown): v is number => isFiniteNumber(v) && v > 0;
const isNonNegative = (v: unknown): v is number => isFiniteNumber(v) && v >= 0;
const isString = (v: unknown): v is string => typeof v === 'string';
export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

/** Uint8Array, or another binary view/ArrayBuffer that structured clone may hand back, copied. */
function asBytes(v: unknown): Uint8Array | null {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return null;
}

/** A record whose values all pass `read`; entries that fail are dropped (reported once). */
function readRecord<T>(
  value: unknown,
  read: (v: unknown) => T | null,
  what: string,
  problems: Problems,
): Record<string, T> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    const What = what.charAt(0).toUpperCase() + what.slice(1);
    problems.push(`${What} could not be read and ${what.endsWith('s') ? 'were' : 'was'} left out.`);
    return undefined;
  }
  const entries: [string, T][] = [];
  let bad = 0;
  for (const [key, raw] of Object.entries(value)) {
    const v = read(raw);
    if (v === null) bad++;
    else entries.push([key, v]);
  }
  if (bad) problems.push(`${bad} unreadable ${bad === 1 ? 'entry' : 'entries'} of ${what} left out.`);
  // fromEntries defines own properties, so a key named "__proto__" cannot change the prototype.
  return Object.fromEntries(entries);
}

export const PLATFORM_FIELDS = Object.keys(DEFAULT_PLATFORM_CONFIG) as (keyof PlatformConfig)[];

export function readPlatformConfig(value: unknown, problems: Problems): PlatformConfig {
  const out: PlatformConfig = { ...DEFAULT_PLATFORM_CONFIG };
  if (value === undefined) return out;
  if (!isPlainObject(value)) {
    problems.push('The platform settings could not be read; the defaults are used.');
    return out;
  }
  for (const key of PLATFORM_FIELDS) {
    const v = value[key];
    if (v === undefined) continue;
    if (key === 'keepAlivePolicy') {
      if (KEEP_ALIVE_POLICIES.includes(v as KeepAlivePolicy)) out.keepAlivePolicy = v as KeepAlivePolicy;
      else problems.push(`The platform setting "${key}" could not be read; the default is used.`);
    } else if (key === 'preinstantiate') {
      if (typeof v === 'boolean') out.preinstantiate = v;
      else problems.push(`The platform setting "${key}" could not be read; the default is used.`);
    } else if (isNonNegative(v)) out[key] = v;
    else problems.push(`The platform setting "${key}" could not be read; the default is used.`);
  }
  return out;
}

export function readFeatures(value: unknown, problems: Problems): FeatureFlags {
  return readRecord(value, (v) => (typeof v === 'boolean' ? v : null), 'the feature flags', problems) ?? {};
}

export function readFunctionConfig(value: unknown, label: string, problems: Problems): FunctionConfig {
  const out: FunctionConfig = { ...DEFAULT_FUNCTION_CONFIG };
  if (!isPlainObject(value)) {
    problems.push(`${label}: its settings could not be read; the defaults are used.`);
    return out;
  }
  const bad: string[] = [];
  if (value.timeoutMs !== undefined) {
    if (isPositive(value.timeoutMs)) out.timeoutMs = value.timeoutMs;
    else bad.push('timeoutMs');
  }
  if (value.memoryMiB !== undefined) {
    if (isPositive(value.memoryMiB)) out.memoryMiB = value.memoryMiB;
    else bad.push('memoryMiB');
  }
  if (value.instance !== undefined) {
    if (value.instance === 'fresh' || value.instance === 'reuse') out.instance = value.instance;
    else bad.push('instance');
  }
  if (value.entry !== undefined) {
    if (isString(value.entry)) out.entry = value.entry;
    else bad.push('entry');
  }
  if (value.meter !== undefined) {
    if (typeof value.meter === 'boolean') out.meter = value.meter;
    else bad.push('meter');
  }
  if (value.fuelLimit !== undefined) {
    if (Number.isSafeInteger(value.fuelLimit) && isPositive(value.fuelLimit)) out.fuelLimit = value.fuelLimit;
    else bad.push('fuelLimit');
  }
  if (value.provisioned !== undefined) {
    if (Number.isSafeInteger(value.provisioned) && (value.provisioned as number) >= 0)
      out.provisioned = value.provisioned as number;
    else bad.push('provisioned');
  }
  if (bad.length)
    problems.push(`${label}: the setting(s) ${bad.join(', ')} could not be read; defaults used.`);
  return out;
}

/**
 * One function entry. Returns null (with a problem) when the entry has no usable name or source,
 * since there is nothing sensible to show; smaller defects are repaired and reported.
 */
export function readFunction(value: unknown, index: number, problems: Problems): WorkspaceFunction | null {
  if (!isPlainObject(value)) {
    problems.push(`Function #${index + 1} could not be read and was skipped.`);
    return null;
  }
  if (!isString(value.name) || value.name === '') {
    problems.push(`Function #${index + 1} has no name and was skipped.`);
    return null;
  }
  const label = `Function "${value.name}"`;
  const src = value.source;
  let source: WorkspaceFunction['source'];
  if (isPlainObject(src) && src.kind === 'wat' && isString(src.text)) {
    source = { kind: 'wat', text: src.text };
  } else if (isPlainObject(src) && src.kind === 'wasm' && asBytes(src.bytes)) {
    source = { kind: 'wasm', bytes: asBytes(src.bytes)! };
  } else {
    problems.push(`${label} was skipped: its source code is missing or unreadable.`);
    return null;
  }
  const fn: WorkspaceFunction = {
    name: value.name,
    source,
    config: readFunctionConfig(value.config, label, problems),
  };

  if (value.run !== undefined) {
    const run = value.run;
    if (!isPlainObject(run)) {
      problems.push(`${label}: its Run panel inputs could not be read and were reset.`);
    } else {
      const out: NonNullable<WorkspaceFunction['run']> = {};
      if (isString(run.export)) out.export = run.export;
      else if (run.export !== undefined) problems.push(`${label}: the selected export could not be read.`);
      if (isStringArray(run.args)) out.args = [...run.args];
      else if (run.args !== undefined) problems.push(`${label}: the Run arguments could not be read.`);
      fn.run = out;
    }
  }

  if (value.wasi !== undefined) {
    const wasi = value.wasi;
    if (!isPlainObject(wasi)) {
      problems.push(`${label}: its WASI inputs could not be read and were reset.`);
    } else {
      const out: NonNullable<WorkspaceFunction['wasi']> = {};
      if (isStringArray(wasi.argv)) out.argv = [...wasi.argv];
      else if (wasi.argv !== undefined) problems.push(`${label}: the WASI arguments could not be read.`);
      const env = readRecord(
        wasi.env,
        (v) => (isString(v) ? v : null),
        `${label}'s environment variables`,
        problems,
      );
      if (env) out.env = env;
      if (isString(wasi.stdin)) out.stdin = wasi.stdin;
      else if (wasi.stdin !== undefined) problems.push(`${label}: the WASI stdin could not be read.`);
      const files = readRecord(wasi.files, asBytes, `${label}'s WASI files`, problems);
      if (files) out.files = files;
      fn.wasi = out;
    }
  }

  if (typeof value.shared === 'boolean') fn.shared = value.shared;
  return fn;
}

/** A whole workspace. Null only when `value` is not an object at all. */
export function readWorkspace(value: unknown, problems: Problems): Workspace | null {
  if (!isPlainObject(value)) {
    problems.push('The saved workspace could not be read.');
    return null;
  }
  const functions: WorkspaceFunction[] = [];
  if (Array.isArray(value.functions)) {
    const seen = new Set<string>();
    value.functions.forEach((raw, i) => {
      const fn = readFunction(raw, i, problems);
      if (!fn) return;
      if (seen.has(fn.name)) {
        problems.push(`A second function named "${fn.name}" was skipped (names must be unique).`);
        return;
      }
      seen.add(fn.name);
      functions.push(fn);
    });
  } else {
    problems.push('The list of functions could not be read.');
  }
  const platform = readPlatformConfig(value.platform, problems);
  const features = readFeatures(value.features, problems);
  let open: string | null = null;
  if (isString(value.open) && functions.some((f) => f.name === value.open)) open = value.open;
  else if (value.open !== null && value.open !== undefined && !isString(value.open))
    problems.push('Which function was open could not be read.');
  return { functions, platform, features, open };
}

// ---- Invocations ------------------------------------------------------------------------------

const TIMING_FIELDS: (keyof Timings)[] = ['queue', 'spawn', 'compile', 'instantiate', 'exec', 'total'];
const isArg = (v: unknown): v is ArgValue =>
  typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string';
const isScalarResult = (v: unknown): v is number | bigint | null =>
  typeof v === 'number' || typeof v === 'bigint' || v === null;
const isNumber = (v: unknown): v is number => typeof v === 'number';

/**
 * One invocation record, or a short reason it is unreadable. Numbers that may legitimately be
 * NaN/Infinity (results) are accepted; bookkeeping numbers must be numbers.
 */
export function readInvocation(value: unknown): Invocation | string {
  if (!isPlainObject(value)) return 'not an object';
  const v = value;
  if (!isString(v.fn)) return 'no function name';
  if (!isNumber(v.id) || !isNumber(v.version)) return 'bad id or version';
  if (!isString(v.export)) return 'bad export';
  if (!Array.isArray(v.args) || !v.args.every(isArg)) return 'bad arguments';
  if (v.start !== 'cold' && v.start !== 'warm') return 'bad start';
  if (v.instance !== 'new' && v.instance !== 'reused') return 'bad instance';
  if (!(OUTCOMES as readonly unknown[]).includes(v.outcome)) return 'bad outcome';
  const result = v.result;
  if (!(
    result === undefined ||
    isScalarResult(result) ||
    (Array.isArray(result) && result.every(isScalarResult))
  ))
    return 'bad result';
  if (!isStringArray(v.logs)) return 'bad logs';
  if (
    !isPlainObject(v.timings) ||
    !TIMING_FIELDS.every((k) => isNumber((v.timings as Record<string, unknown>)[k]))
  )
    return 'bad timings';
  if (!isNumber(v.memoryBytes)) return 'bad memoryBytes';
  if (!(v.worker === null || isNumber(v.worker))) return 'bad worker';
  if (!isNumber(v.enqueuedAt) || !isNumber(v.endedAt)) return 'bad timestamps';
  const t = v.timings as Record<string, number>;
  const inv: Invocation = {
    id: v.id,
    fn: v.fn,
    version: v.version,
    export: v.export,
    args: [...v.args],
    start: v.start,
    instance: v.instance,
    outcome: v.outcome as Invocation['outcome'],
    result: Array.isArray(result) ? [...result] : (result as ResultValue | undefined),
    logs: [...v.logs],
    timings: {
      queue: t.queue,
      spawn: t.spawn,
      compile: t.compile,
      instantiate: t.instantiate,
      exec: t.exec,
      total: t.total,
    },
    memoryBytes: v.memoryBytes,
    worker: v.worker,
    enqueuedAt: v.enqueuedAt,
    endedAt: v.endedAt,
  };
  if (v.error !== undefined) {
    if (!isString(v.error)) return 'bad error';
    inv.error = v.error;
  }
  if (v.exitCode !== undefined) {
    if (!isNumber(v.exitCode)) return 'bad exitCode';
    inv.exitCode = v.exitCode;
  }
  for (const k of ['stdout', 'stderr'] as const) {
    if (v[k] === undefined) continue;
    if (!isString(v[k])) return `bad ${k}`;
    inv[k] = v[k];
  }
  for (const k of ['stdoutBytes', 'stderrBytes'] as const) {
    if (v[k] === undefined) continue;
    const b = asBytes(v[k]);
    if (!b) return `bad ${k}`;
    inv[k] = b;
  }
  if (v.files !== undefined) {
    if (!isPlainObject(v.files)) return 'bad files';
    const entries: [string, Uint8Array][] = [];
    for (const [name, raw] of Object.entries(v.files)) {
      const b = asBytes(raw);
      if (!b) return 'bad files';
      entries.push([name, b]);
    }
    inv.files = Object.fromEntries(entries);
  }
  return inv;
}

/** Reads a list of invocation records; unreadable ones are skipped and summarised in one problem. */
export function readInvocations(values: readonly unknown[], problems: Problems): Invocation[] {
  const out: Invocation[] = [];
  const reasons = new Map<string, number>();
  for (const raw of values) {
    const r = readInvocation(raw);
    if (typeof r === 'string') reasons.set(r, (reasons.get(r) ?? 0) + 1);
    else out.push(r);
  }
  if (reasons.size) {
    const n = [...reasons.values()].reduce((a, b) => a + b, 0);
    const why = [...reasons.entries()].map(([r, c]) => (c > 1 ? `${r} ×${c}` : r)).join(', ');
    problems.push(`${n} invocation record${n === 1 ? ' was' : 's were'} unreadable and skipped (${why}).`);
  }
  return out;
}

// ---- Plain copies -----------------------------------------------------------------------------
// Reactive UI state (e.g. Svelte 5 `$state` proxies) cannot be structured-cloned into IndexedDB.
// These copy the known fields into fresh plain objects; byte arrays are shared, not copied.

export function cloneFunction(fn: WorkspaceFunction): WorkspaceFunction {
  const out: WorkspaceFunction = {
    name: fn.name,
    source:
      fn.source.kind === 'wat'
        ? { kind: 'wat', text: fn.source.text }
        : { kind: 'wasm', bytes: fn.source.bytes },
    config: { ...fn.config },
  };
  if (fn.run) {
    out.run = {};
    if (fn.run.export !== undefined) out.run.export = fn.run.export;
    if (fn.run.args !== undefined) out.run.args = [...fn.run.args];
  }
  if (fn.wasi) {
    const w = fn.wasi;
    out.wasi = {};
    if (w.argv !== undefined) out.wasi.argv = [...w.argv];
    if (w.env !== undefined) out.wasi.env = Object.fromEntries(Object.entries(w.env));
    if (w.stdin !== undefined) out.wasi.stdin = w.stdin;
    if (w.files !== undefined) out.wasi.files = Object.fromEntries(Object.entries(w.files));
  }
  if (fn.shared !== undefined) out.shared = fn.shared;
  return out;
}

export function cloneWorkspace(ws: Workspace): Workspace {
  return {
    functions: ws.functions.map(cloneFunction),
    platform: { ...ws.platform },
    features: Object.fromEntries(Object.entries(ws.features)),
    open: ws.open,
  };
}

export function cloneInvocation(inv: Invocation): Invocation {
  const out: Invocation = {
    ...inv,
    args: [...inv.args],
    result: Array.isArray(inv.result) ? [...inv.result] : inv.result,
    logs: [...inv.logs],
    timings: { ...inv.timings },
  };
  if (inv.files) out.files = Object.fromEntries(Object.entries(inv.files));
  return out;
}
