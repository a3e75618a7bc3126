// A nanoprocess: one Web Worker that instantiates and runs deployed modules.
// It imports nothing of the app's state: a module sees only the imports built here.
import { expose } from 'comlink';
import {
  callStartedAt,
  hasKeys,
  ReplyHold,
  type DoneMessage,
  type DoneHead,
  type DoneTuple,
  type FromWorker,
  type InvTuple,
  type ModuleMeta,
  type ToWorker,
  type WasiInput,
} from '../platform/wire';
import type { Outcome, ResultValue } from '../platform/types';
import { epochNow } from '../platform/clock';
import { DeadlineExceeded, FuelMeter, OutOfFuel } from '../platform/meter';
import { SpareInstance, type Taken } from './spare-instance';
import { createWasi, type WasiFinish, type WasiRun } from './wasi';

const MAX_LOG_LINES = 1000;
const MAX_LOG_BYTES = 64 * 1024;
const PAGE = 65536;
/** WASI output up to this size goes back copied in a tuple; more is transferred in a DoneMessage. */
const COPY_OUTPUT_BYTES = 64 * 1024;

interface Loaded {
  module: WebAssembly.Module;
  meta: ModuleMeta;
  /** Live instance kept for the `reuse` policy. */
  live: Live | null;
  /** A command's WASI state, reset for each call, so a warm call builds no imports. */
  commandWasi: WasiRun | null;
}

interface Live {
  instance: WebAssembly.Instance;
  memory: WebAssembly.Memory | null;
  /** The host imports write into whatever context this holds: one per invocation. */
  holder: { current: CallContext };
  wasi: WasiRun | null;
  /** Host side of metering, for modules rewritten by meter.ts. */
  fuel: FuelMeter | null;
}

/** Per-invocation state the host imports write into. */
interface CallContext {
  memory: WebAssembly.Memory | null;
  logs: string[];
  logBytes: number;
  dropped: number;
}

const modules = new Map<number, Loaded>();
// ignoreBOM: a log line is what the module wrote, a leading U+FEFF included.
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
let port: MessagePort | null = null;
/** The answers of a batch's calls travel together (wire.ReplyHold); `moreInBatch` while a call of it follows. */
const hold = new ReplyHold(
  (m) => port?.postMessage(m),
  () => performance.now(),
);
let moreInBatch = false;
/** When the worker last answered (performance.now()), and how long it had been idle when the call running now came. */
let answeredAt = -Infinity;
let idleMs = Infinity;

function newContext(): CallContext {
  return { memory: null, logs: [], logBytes: 0, dropped: 0 };
}

function log(ctx: CallContext, ptr: number, len: number): void {
  if (ctx.logs.length >= MAX_LOG_LINES || ctx.logBytes >= MAX_LOG_BYTES) {
    ctx.dropped++;
    return;
  }
  const mem = ctx.memory;
  if (!mem) {
    ctx.logs.push('[platform.log called but the module has no memory]');
    return;
  }
  const start = ptr >>> 0;
  const end = start + (len >>> 0);
  if (end > mem.buffer.byteLength)
    throw new WebAssembly.RuntimeError('platform.log: out of bounds memory access');
  const n = Math.min(end - start, MAX_LOG_BYTES - ctx.logBytes);
  ctx.logs.push(decoder.decode(new Uint8Array(mem.buffer, start, n)));
  ctx.logBytes += n;
  if (n < end - start) ctx.dropped++;
}

function buildImports(
  meta: ModuleMeta,
  ctx: { current: CallContext },
  wasi: WasiRun | null,
  fuel: FuelMeter | null,
): { imports: WebAssembly.Imports; memory: WebAssembly.Memory | null } {
  const platform: Record<string, WebAssembly.ImportValue> = {
    now: () => epochNow(),
    log: (ptr: number, len: number) => log(ctx.current, ptr, len),
  };
  const imports: WebAssembly.Imports = { platform };
  let memory: WebAssembly.Memory | null = null;
  const im = meta.importedMemory;
  if (im) {
    // Host-provided memory carries the cap as its maximum, so memory.grow past it returns -1.
    memory = new WebAssembly.Memory({
      initial: im.initialPages,
      maximum: meta.capPages,
      shared: im.shared,
    } as WebAssembly.MemoryDescriptor);
    (imports[im.module] ??= {})[im.name] = memory;
  }
  if (wasi) imports[wasi.moduleName] = wasi.imports;
  if (fuel && meta.meter) (imports[meta.meter.importModule] ??= {})[meta.meter.importName] = fuel.refuel;
  return { imports, memory };
}

function memoryOf(
  instance: WebAssembly.Instance,
  imported: WebAssembly.Memory | null,
): WebAssembly.Memory | null {
  if (imported) return imported;
  const exports = instance.exports;
  if (exports.memory instanceof WebAssembly.Memory) return exports.memory;
  for (const key in exports) {
    const v = exports[key];
    if (v instanceof WebAssembly.Memory) return v;
  }
  return null;
}

function classify(
  err: unknown,
  memory: WebAssembly.Memory | null,
  meta: ModuleMeta,
): { outcome: Outcome; error: string } {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof OutOfFuel) return { outcome: 'out-of-fuel', error: message };
  if (err instanceof DeadlineExceeded)
    return {
      outcome: 'timeout',
      error: `${message}: the module stopped at its deadline check; the nanoprocess lives on`,
    };
  const atCap = memory !== null && meta.capBinds && memory.buffer.byteLength >= meta.capPages * PAGE;
  if (err instanceof WebAssembly.RuntimeError) {
    return atCap
      ? { outcome: 'memory-limit', error: `${message} (memory is at the ${meta.capPages / 16} MiB cap)` }
      : { outcome: 'trap', error: message };
  }
  if (err instanceof RangeError) {
    if (/call stack/i.test(message)) return { outcome: 'trap', error: `stack overflow: ${message}` };
    if (/memory/i.test(message)) return { outcome: 'memory-limit', error: message };
    return { outcome: atCap ? 'memory-limit' : 'trap', error: message };
  }
  if (err instanceof WebAssembly.LinkError || err instanceof WebAssembly.CompileError) {
    return { outcome: 'error', error: message };
  }
  return { outcome: 'error', error: err instanceof Error ? `${err.name}: ${message}` : message };
}

function convertResult(value: unknown): ResultValue | undefined {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value as ResultValue;
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  return null;
}

/** Id of the invocation running now; streamed output is tagged with it. */
let current = 0;

const spares = new SpareInstance<Loaded, Live>({
  loaded: (mod) => modules.get(mod),
  meta: (entry) => entry.meta,
  instantiate: (entry) => instantiate(entry, null, newContext(), null),
  later: (fn, ms) => setTimeout(fn, ms),
  now: () => performance.now(),
});

/** Takes the prepared instance for this call, when it is of this module. */
function takeSpare(entry: Loaded, input: WasiInput | null, ctx: CallContext): Taken<Live> | null {
  const taken = spares.take(entry);
  if (!taken) return null;
  const { live } = taken;
  live.holder.current = ctx;
  ctx.memory = live.memory;
  live.wasi?.reset(input);
  return taken;
}

function instantiate(
  entry: Loaded,
  wasiInput: WasiInput | null,
  ctx: CallContext,
  budget: Budget | null,
): Live {
  const holder = { current: ctx };
  let wasi: WasiRun | null = null;
  if (entry.meta.kind === 'wasi-command' && entry.commandWasi) {
    // A command never keeps its instance, so its WASI state is free for the next call.
    wasi = entry.commandWasi;
    wasi.reset(wasiInput);
  } else if (entry.meta.kind !== 'plain') {
    wasi = createWasi(wasiInput, (fd, chunk) => post({ t: 'out', id: current, fd, chunk }));
    if (entry.meta.kind === 'wasi-command') entry.commandWasi = wasi;
  }
  const meter = entry.meta.meter;
  const fuel = meter ? new FuelMeter() : null;
  // The start function is charged to the invocation that instantiates.
  if (fuel && budget) fuel.begin(budget.fuelLimit, budget.deadline);
  const { imports, memory: imported } = buildImports(entry.meta, holder, wasi, fuel);
  ctx.memory = imported;
  // The start function runs inside this constructor: a looping start is ended by the platform's timeout.
  const instance = new WebAssembly.Instance(entry.module, imports);
  if (fuel && meter) fuel.attach(instance.exports[meter.fuelExport] as WebAssembly.Global);
  const memory = memoryOf(instance, imported);
  ctx.memory = memory;
  wasi?.attach(instance, memory);
  return { instance, memory, holder, wasi, fuel };
}

/** A metered call's fuel limit and deadline (performance.now() clock). */
interface Budget {
  fuelLimit: number;
  deadline: number;
}

function post(msg: FromWorker, transferList: Transferable[] = []): void {
  hold.flush();
  port?.postMessage(msg, transferList);
}

function invoke(msg: Extract<ToWorker, { t: 'inv' }>): void {
  const recvAt = epochNow();
  current = msg.id;
  const entry = modules.get(msg.mod);
  if (!entry) {
    post({
      t: 'done',
      id: msg.id,
      outcome: 'error',
      result: undefined,
      error: 'internal: module not loaded in this nanoprocess',
      logs: [],
      instance: 'new',
      recvAt,
      instantiateMs: 0,
      execMs: 0,
      memoryBytes: 0,
    });
    return;
  }
  // A WASI command's instance is spent once _start returns (wasi-libc runs exit and destructors),
  // so commands get a new instance every time, whatever the policy; reactors can be reused.
  const reuse = msg.reuse && entry.meta.kind !== 'wasi-command';
  let live: Live | null = reuse ? entry.live : null;
  const reused = live !== null;
  let instantiateMs = 0;
  let aheadMs: number | null = null;
  let execMs = 0;
  let outcome: Outcome = 'ok';
  let error: string | undefined;
  let result: ResultValue | undefined;
  const ctx = newContext();
  let wasiDone: ReturnType<WasiRun['finish']> | null = null;
  let exhausted = false;
  const budget: Budget | null = entry.meta.meter
    ? {
        fuelLimit: msg.fuelLimit ?? Infinity,
        deadline:
          callStartedAt(msg.sentAt, answeredAt, performance.now(), performance.timeOrigin) +
          (msg.timeoutMs ?? Infinity),
      }
    : null;
  let instructions: number | undefined;
  try {
    const t0 = performance.now();
    if (!live) {
      const prepared = reuse || !msg.ahead ? null : takeSpare(entry, msg.wasi, ctx);
      if (prepared) {
        aheadMs = prepared.ms;
        if (budget) prepared.live.fuel?.begin(budget.fuelLimit, budget.deadline);
      }
      live = prepared?.live ?? instantiate(entry, msg.wasi, ctx, budget);
      if (reuse) entry.live = live;
    } else {
      live.holder.current = ctx;
      ctx.memory = live.memory;
      live.wasi?.reset(msg.wasi);
      if (budget) live.fuel?.begin(budget.fuelLimit, budget.deadline);
    }
    const t1 = performance.now();
    instantiateMs = t1 - t0;
    const fn = live.instance.exports[msg.export];
    if (typeof fn !== 'function') throw new TypeError(`export "${msg.export}" is not a function`);
    try {
      if (live.wasi) result = convertResult(live.wasi.call(fn as (...a: unknown[]) => unknown, msg.args));
      else result = convertResult((fn as (...a: unknown[]) => unknown)(...msg.args));
    } finally {
      execMs = performance.now() - t1;
    }
    live.fuel?.settle();
  } catch (err) {
    ({ outcome, error } = classify(err, ctx.memory, entry.meta));
    // V8 reserves address space per Wasm memory and frees it only on GC; a worker that has made
    // many fresh instances can run out of reservations. The platform retries on a new worker.
    if (!live && outcome === 'memory-limit' && /Cannot allocate Wasm memory/i.test(error)) exhausted = true;
    // A trap leaves a Wasm instance valid (memory grown and globals set before it stay), so a kept
    // instance lives on; one whose memory hit the cap is ended, as a timeout ends its worker.
    if (outcome === 'memory-limit' && entry.live === live) entry.live = null;
  }
  if (live?.fuel) instructions = live.fuel.used();
  if (live?.wasi) {
    wasiDone = live.wasi.finish();
    // A reactor export that called proc_exit has left its libc shut down: start the next call clean.
    if (wasiDone.exited && entry.live === live) entry.live = null;
  }
  if (ctx.dropped > 0)
    ctx.logs.push(
      `[${ctx.dropped} more log lines dropped: the limit is ${MAX_LOG_LINES} lines / ${MAX_LOG_BYTES / 1024} KiB per invocation]`,
    );
  const done: DoneMessage = {
    t: 'done',
    id: msg.id,
    outcome,
    result: outcome === 'ok' ? result : undefined,
    error,
    logs: ctx.logs,
    instance: reused ? 'reused' : 'new',
    recvAt,
    instantiateMs,
    execMs,
    memoryBytes: ctx.memory?.buffer.byteLength ?? 0,
  };
  if (aheadMs !== null) done.aheadMs = aheadMs;
  if (exhausted) done.exhausted = true;
  if (instructions !== undefined) done.instructions = instructions;
  reply(done, wasiDone);
  // After the answer is on its way: the spare is made in a later task anyway.
  if (!exhausted && !reuse) {
    // Pre-instantiation off (PlatformConfig.preinstantiate): no spare, and none kept from before.
    if (msg.ahead) spares.prepare(msg.mod, entry, idleMs);
    else spares.drop(entry);
  }
}

/** Posts a call's answer: as a DoneTuple when it is the common kind, else as the DoneMessage. */
function reply(done: DoneMessage, wasiDone: WasiFinish | null): void {
  // The common answer (ok, no logs, unmetered, small WASI output and no changed files) as a short
  // list instead of an object: less to clone on the way back (see DoneTuple).
  const small =
    !wasiDone ||
    (wasiDone.stdout.byteLength + wasiDone.stderr.byteLength <= COPY_OUTPUT_BYTES &&
      !hasKeys(wasiDone.files));
  if (small && done.outcome === 'ok' && done.logs.length === 0 && done.instructions === undefined) {
    const reused = done.instance === 'reused' ? 1 : 0;
    const aheadMs = done.aheadMs ?? null;
    const tuple: DoneHead = [
      done.id,
      done.result,
      done.recvAt,
      done.instantiateMs,
      done.execMs,
      done.memoryBytes,
      reused,
      aheadMs,
      epochNow(),
    ];
    // A WASI answer is the head and three more, pushed onto it (not spread into a second array).
    if (wasiDone)
      (tuple as unknown[]).push(
        wasiDone.exitCode ?? null,
        wasiDone.stdout.byteLength > 0 ? wasiDone.stdout : null,
        wasiDone.stderr.byteLength > 0 ? wasiDone.stderr : null,
      );
    hold.answer(tuple as DoneTuple, moreInBatch, done.instantiateMs + done.execMs);
    return;
  }
  const transferList: Transferable[] = [];
  if (wasiDone) {
    // An empty stream is a shared empty array (wasi.ts): it is copied, never transferred.
    for (const b of [wasiDone.stdout, wasiDone.stderr, ...Object.values(wasiDone.files)])
      if (b.byteLength > 0) transferList.push(b.buffer);
    done.exitCode = wasiDone.exitCode;
    done.stdout = wasiDone.stdout;
    done.stderr = wasiDone.stderr;
    done.files = wasiDone.files as Record<string, Uint8Array>;
  }
  done.postedAt = epochNow();
  post(done, transferList);
}

/** The last WASI input that arrived whole; a call marked 0 runs with it again (wire.sameWasiInput). */
let lastInput: WasiInput | null = null;

function invokeTuple(c: InvTuple): void {
  const given = c[6];
  let wasi: WasiInput | null = null;
  if (given === 0) wasi = lastInput;
  else if (given !== undefined) wasi = lastInput = given;
  invoke({
    t: 'inv',
    id: c[0],
    mod: c[1],
    export: c[2],
    reuse: c[3] === 1,
    ahead: c[3] === 2,
    sentAt: c[4],
    args: c[5],
    wasi,
  });
}

type CallMessage = InvTuple | InvTuple[] | Extract<ToWorker, { t: 'inv' }>;

function onMessage(ev: MessageEvent<ToWorker | InvTuple | InvTuple[]>): void {
  const msg = ev.data;
  if (Array.isArray(msg) || msg.t === 'inv') {
    idleMs = performance.now() - answeredAt;
    try {
      onCalls(msg);
    } finally {
      answeredAt = performance.now();
    }
    return;
  }
  switch (msg.t) {
    case 'load': {
      const entry: Loaded = {
        module: msg.module,
        meta: msg.meta,
        live: null,
        commandWasi: null,
      };
      modules.set(msg.mod, entry);
      if (msg.warm) {
        try {
          entry.live = instantiate(entry, null, newContext(), null);
        } catch {
          // The first call instantiates instead, and reports what went wrong.
        }
      }
      break;
    }
    case 'evict':
      spares.drop(modules.get(msg.mod));
      modules.delete(msg.mod);
      break;
  }
}

/** One call (a tuple, or a metered call's message) or a batch of them. */
function onCalls(msg: CallMessage): void {
  if (!Array.isArray(msg)) {
    if (msg.wasi) lastInput = msg.wasi;
    invoke(msg);
  } else if (Array.isArray(msg[0])) {
    const batch = msg as InvTuple[];
    try {
      for (let i = 0; i < batch.length; i++) {
        moreInBatch = i < batch.length - 1;
        invokeTuple(batch[i]);
      }
    } finally {
      moreInBatch = false;
      hold.flush();
    }
  } else invokeTuple(msg as InvTuple);
}

const api = {
  /** Hands the worker its invoke port; resolving it proves the worker is up. */
  attach(p: MessagePort): number {
    port = p;
    port.onmessage = onMessage;
    return performance.now();
  },
  /** Which modules this nanoprocess holds, for the live pool view. */
  describe(): { modules: string[]; live: string[] } {
    const all = [...modules.values()];
    return {
      modules: all.map((m) => m.meta.label),
      live: all.filter((m) => m.live).map((m) => m.meta.label),
    };
  },
};

export type NanoprocessApi = typeof api;

// The platform's control channel (Comlink) is a port: the platform's spawner hands this worker its
// end in the first message it gets (src/workers/spawner.worker.ts, src/platform/spawner.ts).
self.addEventListener('message', (ev: MessageEvent) => expose(api, ev.ports[0]), { once: true });
