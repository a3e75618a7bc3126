// The scheduler: the FIFO queue of calls waiting for a worker, the choice of worker for the call
// at its head (an idle one holding its module, an idle one, a new one, or a pipeline behind a
// running call), dispatch, and the one place every call is settled into its record: an answer, a
// timeout, a stop, a crash, or throttling. The workers are the pool's (pool.ts).
import type { Dispatched, Nanoprocess } from './nanoprocess';
import { isStateless, type WorkerPool } from './pool';
import { Deque } from './queue';
import type { FunctionRecord } from './registry';
import { classifyStart, type RecordStore } from './records';
import { ZERO_TIMINGS } from './rules';
import type { ArgValue, Invocation, Outcome, PlatformConfig, Timings, Trigger } from './types';
import type { Clock } from './clock';
import type { DoneMessage, WasiInput } from './wire';
import type { PlatformEvent } from './platform';

/** How much estimated work may wait inside one worker behind a running call. */
const PIPELINE_BUDGET_MS = 2;
const PIPELINE_MAX_DEPTH = 64;
/** A busy worker is topped up only once its pipeline has drained to this depth, so refills go out in batches. */
const PIPELINE_LOW_WATER = 32;

/** An invocation between invoke() and its record. */
export interface Pending {
  id: number;
  record: FunctionRecord;
  export: string;
  args: ArgValue[];
  trigger: Trigger;
  /** Epoch ms when the HTTP gateway received the request, for HTTP calls. */
  receivedAt: number | undefined;
  wasmArgs: (number | bigint)[];
  wasi: WasiInput | null;
  enqueuedAt: number;
  dispatchedAt: number;
  spawnMs: number;
  spawned: boolean;
  /** The module travelled to the worker with this call (set when dispatched). */
  transferred: boolean;
  stopped: boolean;
  attempts: number;
  /** Why it last went back in line for another worker (Invocation.retried). */
  retried: string | null;
  resolve(inv: Invocation): void;
}

/** What a new call starts from: what invoke() knows of it; the dispatch fields at their start values. */
export type NewCall = Pick<
  Pending,
  | 'id'
  | 'record'
  | 'export'
  | 'args'
  | 'trigger'
  | 'receivedAt'
  | 'wasmArgs'
  | 'wasi'
  | 'enqueuedAt'
  | 'resolve'
>;

/** A call not yet queued (the platform's invoke, and tests of the scheduler alone). */
export function newPending(c: NewCall): Pending {
  return {
    id: c.id,
    record: c.record,
    export: c.export,
    args: c.args,
    trigger: c.trigger,
    receivedAt: c.receivedAt,
    wasmArgs: c.wasmArgs,
    wasi: c.wasi,
    enqueuedAt: c.enqueuedAt,
    dispatchedAt: 0,
    spawnMs: 0,
    spawned: false,
    transferred: false,
    stopped: false,
    attempts: 0,
    retried: null,
    resolve: c.resolve,
  };
}

const utf8 = new TextDecoder();
/** Most runs print nothing on stderr (and nop on stdout): skip the decoder for them. */
const decodeOutput = (bytes: Uint8Array): string => (bytes.byteLength === 0 ? '' : utf8.decode(bytes));

export interface SchedulerOptions {
  clock: Clock;
  /** The platform's current settings, read each time they matter. */
  config: () => PlatformConfig;
  pool: WorkerPool<Pending>;
  records: RecordStore;
  emit(ev: PlatformEvent): void;
  /** Whether anyone listens: per-call events are not even built otherwise. */
  listening(): boolean;
}

export class Scheduler {
  private readonly queue = new Deque<Pending>();
  /** Invocations sent to a worker and not yet settled, by id. */
  private readonly running = new Map<number, { p: Pending; np: Nanoprocess }>();
  private readonly clock: Clock;
  private readonly pool: WorkerPool<Pending>;
  private readonly records: RecordStore;
  /** Calls displaced from a dead worker, put back at the head of the queue in their order. */
  private requeue: Pending[] = [];

  constructor(private readonly opts: SchedulerOptions) {
    this.clock = opts.clock;
    this.pool = opts.pool;
    this.records = opts.records;
  }

  private get cfg(): PlatformConfig {
    return this.opts.config();
  }

  private emit(ev: PlatformEvent): void {
    this.opts.emit(ev);
  }

  /** Calls waiting in the queue (not those waiting for a worker spawned for them). */
  get queued(): number {
    return this.queue.length;
  }

  /** Calls accepted and not yet settled (queued, waiting for a worker, or running). */
  get unsettled(): number {
    return this.queue.length + this.pool.reservedCount + this.running.size;
  }

  /** Takes a new call: dispatched at once if a worker can take it, else queued, or refused when the queue is full. */
  submit(p: Pending): void {
    this.queue.push(p);
    this.pump();
    // Still waiting behind a full queue (it is the newest, so the last in line): refuse it now.
    if (this.queue.length > this.cfg.maxQueue) {
      this.queue.pop();
      this.settle(p, 'throttled', { error: `Throttled: the queue is full (${this.cfg.maxQueue} waiting)` });
    }
  }

  /** Ends an invocation: dequeues it, or terminates the nanoprocess running it. */
  stop(id: number): boolean {
    const queued = this.queue.remove((p) => p.id === id);
    if (queued) {
      this.settle(queued, 'error', { error: 'Stopped before it started' });
      return true;
    }
    const waiting = this.pool.unreserve((p) => p.id === id);
    if (waiting) {
      this.settle(waiting, 'error', { error: 'Stopped before it started' });
      return true;
    }
    const run = this.running.get(id);
    if (!run) return false;
    // Settled as stopped when its answer comes back (it waits inside the worker behind another
    // call), or at once by ending the worker when it may be the one running; the others of the
    // worker's line go back in the queue (Nanoprocess.end).
    run.p.stopped = true;
    if (run.np.mayBeRunning(id)) run.np.end('stopped', 'stopped by the user');
    return true;
  }

  /** Stops every invocation of a function (or all), queued or running. */
  stopAll(name?: string): number {
    let n = 0;
    for (const p of this.queue.drain()) {
      if (name === undefined || p.record.info.name === name) {
        this.settle(p, 'error', { error: 'Stopped before it started' });
        n++;
      } else this.queue.push(p);
    }
    // Waiting for a worker spawned for them, or running: stop() ends each the way it would one by one.
    const started = [...this.pool.reservedCalls, ...[...this.running.values()].map((r) => r.p)];
    for (const p of started)
      if (name === undefined || p.record.info.name === name) n += this.stop(p.id) ? 1 : 0;
    return n;
  }

  /** Dispatches from the head of the queue while a worker can take it. FIFO: never skips the head. */
  pump(): void {
    if (this.pool.disposed) return;
    while (this.queue.length > 0) {
      const p = this.queue.peek()!;
      const np = this.pick(p);
      if (np === 'spawn') {
        this.queue.shift();
        this.spawnFor(p);
        continue;
      }
      if (!np) break;
      this.queue.shift();
      if (np.busy) np.refilling = true;
      this.send(np, p);
    }
    for (const w of this.pool.workers) w.refilling = false;
    this.pool.topUp();
  }

  private pick(p: Pending): Nanoprocess | 'spawn' | null {
    const mod = p.record.mod;
    let idleHolding: Nanoprocess | null = null;
    let idle: Nanoprocess | null = null;
    let pipe: Nanoprocess | null = null;
    const est = p.record.estimateMs;
    const pool = this.pool;
    const workers = pool.workers;
    for (const np of workers) {
      if (np.state !== 'ready' || pool.isReserved(np)) continue;
      if (!np.busy) {
        if (np.holds(mod)) {
          idleHolding = np;
          break;
        }
        if (!idle || np.modules.size < idle.modules.size) idle = np;
      } else if (
        np.holds(mod) &&
        np.inFlight.length < (np.refilling ? PIPELINE_MAX_DEPTH : PIPELINE_LOW_WATER) &&
        np.backlogMs + est <= PIPELINE_BUDGET_MS &&
        (!pipe || np.backlogMs < pipe.backlogMs)
      ) {
        pipe = np;
      }
    }
    if (idleHolding) return idleHolding;
    if (idle) return idle;
    if (workers.length < this.cfg.maxWorkers) {
      // A worker already starting for nobody in particular (prewarm) will take it when ready.
      const unreservedSpawning = workers.some((w) => w.state === 'spawning' && !pool.isReserved(w));
      if (!unreservedSpawning) return 'spawn';
    }
    return pipe;
  }

  /** A worker came up: a call it was spawned for goes to it first, then the queue moves on. */
  onReady(np: Nanoprocess): void {
    const p = this.pool.claim(np);
    if (p) {
      p.spawnMs = np.spawnMs;
      this.send(np, p);
    }
    this.pump();
  }

  private spawnFor(p: Pending): void {
    p.spawned = true;
    const np = this.pool.spawn();
    this.pool.reserve(np, p);
  }

  private send(np: Nanoprocess, p: Pending): void {
    const rec = p.record;
    let transferred = false;
    if (!np.holds(rec.mod)) {
      np.preload(rec.mod, rec.module, rec.meta);
      transferred = true;
    }
    p.dispatchedAt = this.clock.now();
    p.transferred = transferred;
    const reuse = rec.info.config.instance === 'reuse' || isStateless(rec.info.module);
    const call: Dispatched = {
      id: p.id,
      mod: rec.mod,
      export: p.export,
      args: p.wasmArgs,
      reuse,
      ahead: !reuse && this.cfg.preinstantiate,
      wasi: p.wasi,
      timeoutMs: rec.info.config.timeoutMs,
      metered: rec.meta.meter ? { fuelLimit: rec.info.config.fuelLimit ?? Infinity } : null,
      sentAt: p.dispatchedAt,
      transferred,
      estimateMs: Number.isFinite(rec.estimateMs) ? rec.estimateMs : PIPELINE_BUDGET_MS,
      alone: p.attempts > 0,
      onDone: (msg) => this.done(np, p, call, msg),
      onOutput: (fd, chunk) => this.emit({ type: 'output', id: p.id, fn: rec.info.name, fd, chunk }),
      onGone: (why, started, detail) => this.gone(np, p, why, started, detail),
    };
    this.running.set(p.id, { p, np });
    np.dispatch(call);
    if (this.opts.listening()) this.emit({ type: 'dispatched', id: p.id, fn: rec.info.name, worker: np.id });
  }

  private done(np: Nanoprocess, p: Pending, call: Dispatched, msg: DoneMessage): void {
    this.running.delete(p.id);
    if (msg.exhausted && p.attempts < 2 && !p.stopped) {
      // The worker, not the function, is out of Wasm memory reservations: replace it and try again first in line.
      p.attempts++;
      p.retried = 'its worker ran out of address space for Wasm memories';
      this.queue.unshift(p);
      // Nothing else had started on it: the calls queued behind go back in line too.
      np.end('crashed', 'the worker ran out of address space for Wasm memories', false);
      return;
    }
    const rec = p.record;
    const workMs = msg.instantiateMs + msg.execMs + 0.01;
    rec.estimateMs = Number.isFinite(rec.estimateMs) ? rec.estimateMs * 0.8 + workMs * 0.2 : workMs;
    const transit = Math.max(0, msg.recvAt - call.sentAt);
    // A WASI command gets a new instance every time (its libc has exited), so only reusable kinds count that as cold.
    const reusable = call.reuse && rec.info.kind !== 'wasi-command';
    const start = classifyStart({
      spawned: p.spawned,
      transferred: call.transferred,
      newReusableInstance: reusable && msg.instance === 'new',
    });
    const timings: Timings = {
      queue: 0,
      spawn: p.spawnMs,
      compile: call.transferred ? transit : 0,
      instantiate: msg.instantiateMs,
      exec: msg.execMs,
      total: 0,
    };
    if (msg.postedAt !== undefined) timings.reply = Math.max(0, this.clock.now() - msg.postedAt);
    if (msg.aheadMs !== undefined) timings.ahead = msg.aheadMs;
    // Waiting inside the worker behind a pipelined call is queueing too.
    timings.queue = Math.max(0, p.dispatchedAt - p.enqueuedAt - p.spawnMs) + (call.transferred ? 0 : transit);
    const stopped = p.stopped;
    this.settle(p, stopped ? 'error' : msg.outcome, {
      error: stopped ? 'Stopped by the user' : msg.error,
      result: stopped ? undefined : msg.result,
      logs: msg.logs,
      start,
      instance: msg.instance,
      timings,
      memoryBytes: msg.memoryBytes,
      worker: np.id,
      instructions: msg.instructions,
      timeoutBy: msg.outcome === 'timeout' ? 'trap' : undefined,
      exitCode: msg.exitCode,
      stdout: msg.stdout ? decodeOutput(msg.stdout) : undefined,
      stderr: msg.stderr ? decodeOutput(msg.stderr) : undefined,
      stdoutBytes: msg.stdout,
      stderrBytes: msg.stderr,
      files: msg.files,
    });
  }

  private gone(
    np: Nanoprocess,
    p: Pending,
    why: 'timeout' | 'stopped' | 'crashed',
    started: boolean,
    detail: string,
  ): void {
    this.running.delete(p.id);
    if (!started && p.attempts < 3 && !p.stopped) {
      // It was waiting inside the worker behind the call that ended it: it never ran, so it goes back first in line.
      p.attempts++;
      p.retried = `the worker it waited in ended before it ran (${detail})`;
      this.requeue.push(p);
      return;
    }
    const ran = this.clock.now() - p.dispatchedAt;
    const outcome: Outcome = why === 'timeout' ? 'timeout' : 'error';
    const error =
      why === 'timeout'
        ? `Timed out after ${p.record.info.config.timeoutMs} ms; the nanoprocess was terminated`
        : why === 'stopped'
          ? `Stopped by the user after ${ran.toFixed(0)} ms; the nanoprocess was terminated`
          : `The nanoprocess crashed (${detail})`;
    this.settle(p, outcome, {
      error,
      timeoutBy: why === 'timeout' ? 'terminate' : undefined,
      start: classifyStart({ spawned: p.spawned, transferred: p.transferred }),
      worker: np.id,
      timings: {
        ...ZERO_TIMINGS,
        queue: Math.max(0, p.dispatchedAt - p.enqueuedAt - p.spawnMs),
        spawn: p.spawnMs,
        exec: ran,
      },
    });
  }

  /** A worker ended (the pool has already dropped it): its displaced calls go back in line. */
  onEnded(np: Nanoprocess): void {
    const waiting = this.pool.claim(np);
    if (waiting) {
      // The worker it was spawned for never came up: try again at the head of the line.
      if (waiting.attempts++ < 2) {
        waiting.retried = `the worker spawned for it did not start (${np.reason ?? 'unknown'})`;
        this.requeue.push(waiting);
      } else
        this.settle(waiting, 'error', { error: `Could not start a nanoprocess (${np.reason ?? 'unknown'})` });
    }
    for (let k = this.requeue.length - 1; k >= 0; k--) this.queue.unshift(this.requeue[k]);
    this.requeue = [];
    if (this.queue.length === 0) this.pool.replace(np);
    this.pump();
    this.emit({ type: 'pool' });
  }

  private settle(p: Pending, outcome: Outcome, extra: Partial<Invocation>): void {
    const endedAt = this.clock.now();
    const timings: Timings = { ...(extra.timings ?? ZERO_TIMINGS), total: endedAt - p.enqueuedAt };
    if (p.receivedAt !== undefined) timings.gateway = Math.max(0, p.enqueuedAt - p.receivedAt);
    const inv: Invocation = {
      id: p.id,
      fn: p.record.info.name,
      version: p.record.info.version,
      export: p.export,
      args: p.args,
      trigger: p.trigger,
      start: extra.start ?? 'warm',
      instance: extra.instance ?? 'new',
      outcome,
      result: outcome === 'ok' ? (extra.result ?? null) : undefined,
      logs: extra.logs ?? [],
      timings,
      memoryBytes: extra.memoryBytes ?? 0,
      worker: extra.worker ?? null,
      enqueuedAt: p.enqueuedAt,
      endedAt,
    };
    if (extra.error !== undefined) inv.error = extra.error;
    if (extra.instructions !== undefined) inv.instructions = extra.instructions;
    if (extra.timeoutBy !== undefined) inv.timeoutBy = extra.timeoutBy;
    if (p.retried !== null) inv.retried = p.retried;
    if (p.record.info.kind !== 'plain' && outcome !== 'throttled') {
      inv.exitCode = extra.exitCode;
      inv.stdout = extra.stdout ?? '';
      inv.stderr = extra.stderr ?? '';
      if (extra.stdoutBytes) inv.stdoutBytes = extra.stdoutBytes;
      if (extra.stderrBytes) inv.stderrBytes = extra.stderrBytes;
      inv.files = extra.files ?? {};
    }
    const memoryMiB = p.record.info.config.memoryMiB;
    this.pool.idle(p.record, endedAt);
    this.records.add(inv, memoryMiB);
    p.resolve(inv);
    if (this.opts.listening()) this.emit({ type: 'invocation', invocation: inv, memoryMiB });
  }
}
