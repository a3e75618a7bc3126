// The load generator: a seeded workload against the platform, open loop (arrivals on a schedule)
// or closed loop (clients invoking back to back). Framework-free: the platform, the clock and the
// timers come in from outside, so tests drive it with a fake clock.
//
// Open-loop scheduling never drifts: the whole schedule is computed up front from the seed, and
// each tick issues every arrival whose target time (measured from the start of the run, not
// from the previous tick) has come. How late each call went out is the generator's own error,
// measured and reported, so a slow tab shows up in the numbers instead of silently lowering
// the offered rate.
import type { Clock } from './clock';
import { arrivalTimes } from './metrics/arrivals';
import { aggregateCost, DEFAULT_PRICE_MODEL, type AggregateCost, type PriceModel } from './metrics/billing';
import { percentile, summarize } from './metrics/percentiles';
import {
  OUTCOMES,
  type ArgValue,
  type FunctionInfo,
  type Invocation,
  type InvokeOptions,
  type Outcome,
  type PercentileSummary,
  type PoolSnapshot,
  type Timings,
} from './types';

export type LoadMode = 'open' | 'closed';
export type ArrivalKind = 'constant' | 'poisson' | 'periodic';

export interface LoadSpec {
  fn: string;
  /** Export to call; the function's entry when omitted. */
  export?: string;
  /** Argument lists, cycled through: call i gets args[i % args.length]. One list means fixed arguments. */
  args: ArgValue[][];
  mode: LoadMode;
  /** Open loop: how arrivals are spaced. */
  arrival: ArrivalKind;
  /** Open loop: arrivals per second (bursts come on top). */
  ratePerSec: number;
  /** Periodic arrivals: each moves by up to ± this fraction of the period (0–0.5), from the seed. */
  jitter?: number;
  /** Open loop: `size` extra simultaneous arrivals every `everySec` seconds. */
  bursts?: { size: number; everySec: number };
  /** Closed loop: clients, each invoking again as soon as its previous call settles. */
  concurrency: number;
  /** The run ends at this time or after `count` calls, whichever comes first; give at least one. */
  durationSec?: number;
  count?: number;
  seed: number;
}

export const DEFAULT_LOAD_SPEC: Readonly<LoadSpec> = Object.freeze({
  fn: '',
  args: [[]],
  mode: 'open',
  arrival: 'constant',
  ratePerSec: 100,
  concurrency: 4,
  durationSec: 5,
  seed: 1,
});

/** What the generator needs of the platform (Platform satisfies it). */
export interface LoadPlatform {
  start(name: string, args: ArgValue[], options?: InvokeOptions): { id: number; done: Promise<Invocation> };
  stop(id: number): boolean;
  pool(): PoolSnapshot;
  functions(): FunctionInfo[];
}

/** The generator's clock: monotonic ms and one-shot timers (the platform's Clock interface). */
export type LoadTimers = Clock;

export interface LoadOptions {
  timers?: LoadTimers;
  priceModel?: PriceModel;
  /** How often in-flight, queue length and busy workers are sampled. Default 100 ms. */
  sampleEveryMs?: number;
  /** Longest a tick may spend issuing calls before it yields to the event loop. Default 8 ms. */
  tickBudgetMs?: number;
}

/**
 * Timers for the browser main thread. A setTimeout scheduled from inside a setTimeout callback
 * more than five levels deep is clamped to 4 ms (HTML's timer nesting rule), which would make
 * open-loop arrivals up to 4 ms late. These timers count the nesting of their own chain and,
 * before it reaches the clamp, hop through a MessageChannel (a message task resets the nesting),
 * so a 1 ms wait stays 1 ms at one extra task every few ticks. Falls back to plain setTimeout
 * where MessageChannel does not exist.
 */
export function browserTimers(): LoadTimers {
  const now = () => performance.now();
  if (typeof MessageChannel === 'undefined') {
    return {
      now,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    };
  }
  const channel = new MessageChannel();
  const hops = new Map<number, () => void>();
  let nextHop = 1;
  /** Timer nesting level of the callback running now (0 in a message task or outside). */
  let depth = 0;
  channel.port1.onmessage = (ev: MessageEvent<number>) => {
    const run = hops.get(ev.data);
    hops.delete(ev.data);
    run?.();
  };
  interface Handle {
    hop: number;
    timeout: ReturnType<typeof setTimeout> | null;
    cancelled: boolean;
  }
  const runAt = (level: number, fn: () => void) => () => {
    const outer = depth;
    depth = level;
    try {
      fn();
    } finally {
      depth = outer;
    }
  };
  return {
    now,
    setTimer(fn, ms) {
      const h: Handle = { hop: 0, timeout: null, cancelled: false };
      if (ms >= 4 || depth < 4) {
        h.timeout = setTimeout(runAt(depth + 1, fn), ms);
        return h;
      }
      h.hop = nextHop++;
      hops.set(h.hop, () => {
        if (h.cancelled) return;
        if (ms >= 1) h.timeout = setTimeout(runAt(1, fn), ms);
        else runAt(0, fn)();
      });
      channel.port2.postMessage(h.hop);
      return h;
    },
    clearTimer(handle) {
      const h = handle as Handle;
      h.cancelled = true;
      if (h.hop) hops.delete(h.hop);
      if (h.timeout !== null) clearTimeout(h.timeout);
    },
  };
}

/** Float64 columns that grow by doubling; `length` rows are valid. */
export class Columns<K extends string> {
  length = 0;
  private cols: Record<K, Float64Array>;

  constructor(
    readonly keys: readonly K[],
    capacity = 256,
  ) {
    this.cols = {} as Record<K, Float64Array>;
    for (const k of keys) this.cols[k] = new Float64Array(Math.max(1, capacity));
  }

  /** The valid part of a column (a view: do not keep it across pushes). */
  get(key: K): Float64Array {
    return this.cols[key].subarray(0, this.length);
  }

  push(row: Record<K, number>): void {
    if (this.length === this.cols[this.keys[0]].length) this.grow();
    const i = this.length++;
    for (const k of this.keys) this.cols[k][i] = row[k];
  }

  /** Rows from `from` to the end, one array per key (copies, for sending elsewhere). */
  rows(from: number): Record<K, Float64Array> {
    const out = {} as Record<K, Float64Array>;
    for (const k of this.keys) out[k] = this.cols[k].slice(from, this.length);
    return out;
  }

  /** Appends rows given as one array per key (what rows() returned on the other side). */
  append(rows: Partial<Record<K, Float64Array>>): void {
    const n = rows[this.keys[0]]?.length ?? 0;
    while (this.length + n > this.cols[this.keys[0]].length) this.grow();
    for (const k of this.keys) {
      const col = rows[k];
      if (col) this.cols[k].set(col, this.length);
    }
    this.length += n;
  }

  private grow(): void {
    for (const k of this.keys) {
      const bigger = new Float64Array(this.cols[k].length * 2);
      bigger.set(this.cols[k]);
      this.cols[k] = bigger;
    }
  }
}

/** `completed` counts calls that ran (throttled ones left out); `throttled` those refused at once. Both cumulative. */
export const SAMPLE_KEYS = [
  't',
  'issued',
  'completed',
  'throttled',
  'inFlight',
  'queue',
  'busy',
  'workers',
] as const;
export type SampleKey = (typeof SAMPLE_KEYS)[number];

/** Per settled call, in settle order. Times in ms from the start of the run; outcome is an index into OUTCOMES. */
export const COMPLETION_KEYS = [
  'endMs',
  'issueMs',
  'total',
  'exec',
  'queue',
  'spawn',
  'compile',
  'instantiate',
  'cold',
  'outcome',
  'late',
] as const;
export type CompletionKey = (typeof COMPLETION_KEYS)[number];

export interface LatenessSummary {
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  spec: LoadSpec;
  /** Stopped by stop() before the schedule or the duration ran out. */
  stoppedEarly: boolean;
  /** Why issuing ended early, when a call could not be started (unknown export, bad arguments…). */
  error?: string;
  /** Calls the plan called for (open loop or a count), else null. */
  planned: number | null;
  issued: number;
  settled: number;
  /** From the first call to the last settle, in ms. */
  durationMs: number;
  /** The plan's rate (open loop), bursts included; null for a closed loop. */
  offeredPerSec: number | null;
  /** Calls issued per second of issuing. */
  issuedPerSec: number;
  /** Settled calls (not throttled) per second over the run. */
  achievedPerSec: number;
  total: PercentileSummary;
  exec: PercentileSummary;
  queueMs: PercentileSummary;
  /** Mean of each part of the latency over the calls that ran (throttled ones left out). */
  meanTimings: Timings;
  cold: number;
  warm: number;
  outcomes: Record<Outcome, number>;
  /** Highest sampled platform queue length. */
  queuePeak: number;
  inFlightPeak: number;
  busyPeak: number;
  workersPeak: number;
  /** Distinct workers that ran a call of this run. */
  workersUsed: number;
  /**
   * Idle worker-ms from the start of the run to its last settle, as the platform reports it: time
   * workers spent ready and idle holding a module (what keeping functions warm costs).
   */
  idleWorkerMs: number;
  /** How late the generator issued calls (actual − scheduled), in ms. */
  lateness: LatenessSummary;
  memoryMiB: number;
  priceModel: PriceModel;
  cost: AggregateCost;
}

type Phase = 'idle' | 'running' | 'stopping' | 'done';

const NO_LATENESS: LatenessSummary = { mean: 0, p50: 0, p99: 0, max: 0 };

export function validateLoadSpec(spec: LoadSpec): string | null {
  if (!spec.fn) return 'Choose a function';
  if (!Array.isArray(spec.args) || spec.args.length === 0) return 'Give at least one argument list';
  const { durationSec, count } = spec;
  if (durationSec === undefined && count === undefined) return 'Give a duration, a count or both';
  if (durationSec !== undefined && !(durationSec > 0 && Number.isFinite(durationSec)))
    return 'Duration must be a positive number of seconds';
  if (count !== undefined && !(Number.isInteger(count) && count > 0))
    return 'Count must be a positive whole number';
  if (!Number.isInteger(spec.seed)) return 'Seed must be a whole number';
  if (spec.mode === 'open') {
    if (!(spec.ratePerSec >= 0 && Number.isFinite(spec.ratePerSec))) return 'Rate must be a number ≥ 0';
    const b = spec.bursts;
    if (b && !(Number.isInteger(b.size) && b.size >= 0 && b.everySec > 0))
      return 'Bursts need a size ≥ 0 and a period > 0 s';
    if (spec.ratePerSec === 0 && !(b && b.size > 0)) return 'Rate must be above 0 (or add bursts)';
    if (spec.jitter !== undefined && !(spec.jitter >= 0 && spec.jitter <= 0.5))
      return 'Jitter must be from 0 to 0.5 of the period';
  } else if (!(Number.isInteger(spec.concurrency) && spec.concurrency >= 1 && spec.concurrency <= 10_000)) {
    return 'Concurrency must be a whole number from 1 to 10000';
  }
  return null;
}

/** The open-loop schedule of a spec: arrival offsets in ms from the start. */
export function loadSchedule(spec: LoadSpec): Float64Array {
  const bursts = spec.bursts && spec.bursts.size > 0 ? spec.bursts : undefined;
  return arrivalTimes(
    {
      kind: spec.arrival,
      ratePerSec: spec.ratePerSec,
      jitter: spec.jitter,
      bursts,
      durationSec: spec.durationSec,
      count: spec.count,
    },
    spec.seed,
  );
}

/** What the UI reads of a load run, wherever the generator runs (LoadGenerator, or the client's mirror of one). */
export interface LoadRun {
  readonly spec: LoadSpec;
  readonly samples: Columns<SampleKey>;
  readonly completions: Columns<CompletionKey>;
  readonly planned: number | null;
  readonly plannedDurationMs: number | null;
  readonly elapsedMs: number;
  readonly issued: number;
  readonly settled: number;
  readonly inFlight: number;
  start(): Promise<LoadResult>;
  /** No new calls; resolves when the calls in flight have settled. */
  stop(): Promise<LoadResult>;
  /** Ends the calls still queued or running (they settle as errors). */
  cancelInFlight(): void;
}

export class LoadGenerator implements LoadRun {
  readonly spec: LoadSpec;
  /** Sampled every sampleEveryMs: t (ms from start), cumulative issued/completed, in-flight, queue, busy/all workers. */
  readonly samples = new Columns<SampleKey>(SAMPLE_KEYS);
  readonly completions = new Columns<CompletionKey>(COMPLETION_KEYS, 1024);
  /** The settled invocations, in the same order as `completions`. */
  readonly invocations: Invocation[] = [];
  /** Resolves with the result when the run has ended and every call has settled. */
  readonly done: Promise<LoadResult>;

  private readonly timers: LoadTimers;
  private readonly priceModel: PriceModel;
  private readonly sampleEveryMs: number;
  private readonly tickBudgetMs: number;
  private readonly schedule: Float64Array | null;
  private readonly options: InvokeOptions;
  private lateness: Float64Array;
  private latenessCount = 0;

  private phase: Phase = 'idle';
  private t0 = 0;
  private next = 0;
  private issuedCount = 0;
  private settledCount = 0;
  private throttledCount = 0;
  private outstanding = new Set<number>();
  private issuingDone = false;
  private issueEndMs = 0;
  private lastSettleMs = 0;
  private stoppedEarly = false;
  private error: string | undefined;
  private tickTimer: unknown = null;
  private sampleTimer: unknown = null;
  private endTimer: unknown = null;
  private sampleIndex = 0;
  private memoryMiB = 64;
  /** The platform's idle worker-ms when the run started and when it ended. */
  private idleAtStart = 0;
  private idleAtEnd = 0;
  private resolveDone!: (r: LoadResult) => void;
  private result: LoadResult | null = null;

  constructor(
    private readonly platform: LoadPlatform,
    spec: LoadSpec,
    options: LoadOptions = {},
  ) {
    const problem = validateLoadSpec(spec);
    if (problem) throw new RangeError(problem);
    this.spec = structuredClone(spec);
    this.timers = options.timers ?? browserTimers();
    this.priceModel = { ...(options.priceModel ?? DEFAULT_PRICE_MODEL) };
    this.sampleEveryMs = options.sampleEveryMs ?? 100;
    this.tickBudgetMs = options.tickBudgetMs ?? 8;
    this.options = spec.export ? { export: spec.export, trigger: 'load' } : { trigger: 'load' };
    this.schedule = spec.mode === 'open' ? loadSchedule(spec) : null;
    this.lateness = new Float64Array(this.schedule ? Math.max(1, this.schedule.length) : 1024);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  // ---- live view ------------------------------------------------------------------------

  get state(): Phase {
    return this.phase;
  }

  /** Calls the plan makes, when known in advance (open loop, or a count). */
  get planned(): number | null {
    if (this.schedule) return this.schedule.length;
    return this.spec.count ?? null;
  }

  /** How long issuing is planned to last, in ms, when known. */
  get plannedDurationMs(): number | null {
    const { durationSec, count, ratePerSec } = this.spec;
    const s = this.schedule;
    if (s && (durationSec === undefined || (count !== undefined && s.length === count))) {
      // Ended by its count: the last arrival plus one mean gap.
      return s.length ? s[s.length - 1] + (ratePerSec > 0 ? 1000 / ratePerSec : 0) : 0;
    }
    return durationSec !== undefined ? durationSec * 1000 : null;
  }

  get elapsedMs(): number {
    if (this.phase === 'idle') return 0;
    if (this.result) return this.result.durationMs;
    return this.timers.now() - this.t0;
  }

  get issued(): number {
    return this.issuedCount;
  }

  get settled(): number {
    return this.settledCount;
  }

  get inFlight(): number {
    return this.outstanding.size;
  }

  /** True while calls are still being issued (false once the plan ran out or stop() was called). */
  get issuing(): boolean {
    return this.phase === 'running' && !this.issuingDone;
  }

  // ---- control ------------------------------------------------------------------------------

  start(): Promise<LoadResult> {
    if (this.phase !== 'idle') return this.done;
    const info = this.platform.functions().find((f) => f.name === this.spec.fn);
    this.memoryMiB = info?.config.memoryMiB ?? 64;
    this.phase = 'running';
    this.t0 = this.timers.now();
    this.idleAtStart = this.idleWorkerMs();
    if (this.schedule) this.tick();
    else {
      if (this.spec.durationSec !== undefined)
        this.endTimer = this.timers.setTimer(() => this.endIssuing(), this.spec.durationSec * 1000);
      for (let c = 0; c < this.spec.concurrency && this.canIssueClosed(); c++) this.issueClosed(0);
      if (this.issuedCount === 0) this.endIssuing();
    }
    // The first sample shows what the first tick (or the clients) put in flight.
    if (!this.result) {
      this.takeSample(this.timers.now() - this.t0);
      this.scheduleSample();
    }
    return this.done;
  }

  /** No new calls; resolves when every call already issued has settled. */
  stop(): Promise<LoadResult> {
    if (this.phase === 'idle') {
      this.phase = 'running';
      this.t0 = this.timers.now();
    }
    if (this.phase === 'running') {
      if (!this.issuingDone) this.stoppedEarly = true;
      this.phase = 'stopping';
      this.endIssuing();
    }
    return this.done;
  }

  /** Ends the calls still queued or running (they settle as errors); returns how many. */
  cancelInFlight(): number {
    let n = 0;
    for (const id of [...this.outstanding]) if (this.platform.stop(id)) n++;
    return n;
  }

  // ---- open loop --------------------------------------------------------------------------

  private tick(): void {
    this.tickTimer = null;
    if (this.issuingDone) return;
    const schedule = this.schedule!;
    const tickStart = this.timers.now();
    let now = tickStart;
    while (this.next < schedule.length) {
      const due = schedule[this.next];
      // A microsecond of slack: a timer that fired on time must not find its arrival a rounding error early.
      if (due > now - this.t0 + 1e-3) break;
      if (!this.issue(this.next, now - this.t0 - due)) return;
      this.next++;
      now = this.timers.now();
      // Yield before a tick starts to hold up rendering and message handling; the backlog goes next tick.
      if (now - tickStart >= this.tickBudgetMs) break;
    }
    if (this.next >= schedule.length) {
      this.endIssuing();
      return;
    }
    // Behind schedule (the budget ran out): yield and carry on at once. Otherwise at least 1 ms
    // between ticks: an arrival a fraction of a ms away goes out with the next tick (≤ 1 ms late)
    // instead of the loop spinning on zero-length waits.
    const ahead = schedule[this.next] - (this.timers.now() - this.t0);
    const wait = ahead <= 0 ? 0 : Math.max(1, ahead);
    this.tickTimer = this.timers.setTimer(() => this.tick(), wait);
  }

  // ---- closed loop ------------------------------------------------------------------------

  private canIssueClosed(): boolean {
    if (this.issuingDone) return false;
    if (this.spec.count !== undefined && this.issuedCount >= this.spec.count) return false;
    if (this.spec.durationSec !== undefined && this.timers.now() - this.t0 >= this.spec.durationSec * 1000)
      return false;
    return true;
  }

  /** Issues one client's next call; `readyAtMs` is when the client became free (its lateness base). */
  private issueClosed(readyAtMs: number): void {
    const now = this.timers.now() - this.t0;
    this.issue(this.issuedCount, now - readyAtMs, (_inv) => {
      if (this.canIssueClosed()) this.issueClosed(this.timers.now() - this.t0);
      else if (!this.issuingDone && (this.spec.count === undefined || this.issuedCount >= this.spec.count))
        this.endIssuing();
    });
  }

  // ---- shared ----------------------------------------------------------------------------

  /** Starts call number `i`; false when the platform refused it (issuing then ends). */
  private issue(i: number, latenessMs: number, then?: (inv: Invocation) => void): boolean {
    const args = this.spec.args[i % this.spec.args.length];
    let call: { id: number; done: Promise<Invocation> };
    try {
      call = this.platform.start(this.spec.fn, args, this.options);
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      this.stoppedEarly = true;
      this.endIssuing();
      return false;
    }
    if (this.latenessCount === this.lateness.length) {
      const bigger = new Float64Array(this.lateness.length * 2);
      bigger.set(this.lateness);
      this.lateness = bigger;
    }
    const late = Math.max(0, latenessMs);
    this.lateness[this.latenessCount++] = late;
    const issueMs = this.timers.now() - this.t0;
    this.issuedCount++;
    this.outstanding.add(call.id);
    call.done.then(
      (inv) => {
        this.onSettled(call.id, inv, issueMs, late);
        then?.(inv);
        this.maybeFinish();
      },
      () => {
        // Platform calls never reject; if one did, do not let the run hang on it.
        this.outstanding.delete(call.id);
        this.maybeFinish();
      },
    );
    return true;
  }

  /**
   * `late`: how far behind its intended send time the call went out. Latency counts from the
   * intended time (open loop), so a generator that fell behind cannot hide the wait it caused
   * (coordinated omission); `late` is kept beside it.
   */
  private onSettled(id: number, inv: Invocation, issueMs: number, late: number): void {
    this.outstanding.delete(id);
    this.settledCount++;
    if (inv.outcome === 'throttled') this.throttledCount++;
    const endMs = this.timers.now() - this.t0;
    this.lastSettleMs = Math.max(this.lastSettleMs, endMs);
    const t = inv.timings;
    this.completions.push({
      endMs,
      issueMs,
      total: t.total + late,
      exec: t.exec,
      queue: t.queue,
      spawn: t.spawn,
      compile: t.compile,
      instantiate: t.instantiate,
      cold: inv.start === 'cold' ? 1 : 0,
      outcome: OUTCOMES.indexOf(inv.outcome),
      late,
    });
    this.invocations.push(inv);
  }

  private endIssuing(): void {
    if (this.issuingDone) {
      this.maybeFinish();
      return;
    }
    this.issuingDone = true;
    const now = this.timers.now() - this.t0;
    // A schedule that ran out ends at its planned end (one gap after its last arrival), not at that arrival.
    this.issueEndMs = this.schedule && !this.stoppedEarly ? Math.max(now, this.plannedDurationMs ?? 0) : now;
    if (this.tickTimer !== null) this.timers.clearTimer(this.tickTimer);
    if (this.endTimer !== null) this.timers.clearTimer(this.endTimer);
    this.tickTimer = this.endTimer = null;
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (!this.issuingDone || this.outstanding.size > 0 || this.result) return;
    if (this.sampleTimer !== null) this.timers.clearTimer(this.sampleTimer);
    this.sampleTimer = null;
    this.takeSample(this.timers.now() - this.t0);
    this.idleAtEnd = this.idleWorkerMs();
    this.phase = 'done';
    this.result = this.summarize();
    this.resolveDone(this.result);
  }

  private scheduleSample(): void {
    this.sampleIndex++;
    const target = this.t0 + this.sampleIndex * this.sampleEveryMs;
    this.sampleTimer = this.timers.setTimer(
      () => {
        this.sampleTimer = null;
        if (this.result) return;
        this.takeSample(this.timers.now() - this.t0);
        this.scheduleSample();
      },
      Math.max(0, target - this.timers.now()),
    );
  }

  private idleWorkerMs(): number {
    try {
      return this.platform.pool().idleWorkerMs ?? 0;
    } catch {
      return 0;
    }
  }

  private takeSample(tMs: number): void {
    let queue = 0;
    let busy = 0;
    let workers = 0;
    try {
      const pool = this.platform.pool();
      queue = pool.queueLength;
      workers = pool.workers.length;
      for (const w of pool.workers) if (w.state === 'busy') busy++;
    } catch {
      // A platform that cannot report its pool still gets the generator's own counts.
    }
    this.samples.push({
      t: tMs,
      issued: this.issuedCount,
      completed: this.settledCount - this.throttledCount,
      throttled: this.throttledCount,
      inFlight: this.outstanding.size,
      queue,
      busy,
      workers,
    });
  }

  private summarize(): LoadResult {
    const c = this.completions;
    const n = c.length;
    const outcomes = {} as Record<Outcome, number>;
    for (const o of OUTCOMES) outcomes[o] = 0;
    const throttledIndex = OUTCOMES.indexOf('throttled');
    const total = new Float64Array(n);
    const exec = new Float64Array(n);
    const queue = new Float64Array(n);
    let ran = 0;
    let cold = 0;
    const outcomeCol = c.get('outcome');
    const coldCol = c.get('cold');
    const totalCol = c.get('total');
    const execCol = c.get('exec');
    const queueCol = c.get('queue');
    const meanTimings: Timings = { queue: 0, spawn: 0, compile: 0, instantiate: 0, exec: 0, total: 0 };
    const parts = ['queue', 'spawn', 'compile', 'instantiate', 'exec', 'total'] as const;
    const partCols = parts.map((k) => c.get(k));
    for (let i = 0; i < n; i++) {
      outcomes[OUTCOMES[outcomeCol[i]]]++;
      if (outcomeCol[i] === throttledIndex) continue;
      for (let k = 0; k < parts.length; k++) meanTimings[parts[k]] += partCols[k][i];
      total[ran] = totalCol[i];
      exec[ran] = execCol[i];
      queue[ran] = queueCol[i];
      ran++;
      if (coldCol[i]) cold++;
    }
    if (ran > 0) for (const k of parts) meanTimings[k] /= ran;
    const workers = new Set<number>();
    for (const inv of this.invocations) if (inv.worker !== null) workers.add(inv.worker);
    const s = this.samples;
    const max = (k: SampleKey) => s.get(k).reduce((m, v) => Math.max(m, v), 0);
    const windowMs = Math.max(this.issueEndMs, this.lastSettleMs);
    const issueSpanMs = this.issueEndMs;
    const spec = this.spec;
    const offered =
      spec.mode === 'open'
        ? spec.ratePerSec +
          (spec.bursts && spec.bursts.size > 0 ? spec.bursts.size / spec.bursts.everySec : 0)
        : null;
    const memoryMiB = this.memoryMiB;
    const cost = aggregateCost(
      (function* () {
        for (let i = 0; i < n; i++)
          yield { execMs: Math.max(0, execCol[i]), memoryMiB, outcome: OUTCOMES[outcomeCol[i]] };
      })(),
      this.priceModel,
    );
    return {
      spec: structuredClone(spec),
      stoppedEarly: this.stoppedEarly,
      ...(this.error !== undefined ? { error: this.error } : {}),
      planned: this.planned,
      issued: this.issuedCount,
      settled: this.settledCount,
      durationMs: windowMs,
      offeredPerSec: offered,
      issuedPerSec: issueSpanMs > 0 ? (this.issuedCount / issueSpanMs) * 1000 : 0,
      achievedPerSec: windowMs > 0 ? (ran / windowMs) * 1000 : 0,
      total: summarize(total.subarray(0, ran)),
      exec: summarize(exec.subarray(0, ran)),
      queueMs: summarize(queue.subarray(0, ran)),
      meanTimings,
      cold,
      warm: ran - cold,
      outcomes,
      queuePeak: max('queue'),
      inFlightPeak: max('inFlight'),
      busyPeak: max('busy'),
      workersPeak: max('workers'),
      workersUsed: workers.size,
      idleWorkerMs: Math.max(0, this.idleAtEnd - this.idleAtStart),
      lateness: this.latenessSummary(),
      memoryMiB,
      priceModel: { ...this.priceModel },
      cost,
    };
  }

  private latenessSummary(): LatenessSummary {
    const n = this.latenessCount;
    if (n === 0) return { ...NO_LATENESS };
    const sorted = this.lateness.slice(0, n).sort();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sorted[i];
    return { mean: sum / n, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[n - 1] };
  }
}
