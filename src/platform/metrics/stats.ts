// Incremental per-function statistics.

import {
  OUTCOMES,
  type FunctionStats,
  type Invocation,
  type Outcome,
  type PercentileSummary,
} from '../types';
import { summarizeSorted } from './percentiles';

export const DEFAULT_STATS_LIMIT = 100_000;
const INITIAL_CAPACITY = 1024;

export interface StatsAccumulatorOptions {
  /** How many latency samples are kept per column (newest win). Default 100 000; Infinity keeps all. */
  limit?: number;
}

function zeroOutcomes(): Record<Outcome, number> {
  const o = {} as Record<Outcome, number>;
  for (const k of OUTCOMES) o[k] = 0;
  return o;
}

/**
 * Accumulates one function's statistics an invocation at a time.
 *
 * `add` is O(1) amortized. Counters (invocations, outcomes, cold/warm, max
 * memory, GB-seconds) cover everything ever added since the last reset. The
 * latency summaries cover the newest `limit` invocations that ran: the two
 * latency columns are Float64Arrays that grow by doubling up to `limit` and
 * then wrap around as a ring buffer, so memory stays bounded on long runs.
 *
 * Throttled invocations are counted in `invocations` and `outcomes.throttled`
 * only. They were rejected before reaching a worker, so they have no cold or
 * warm start, no execution time and no memory; their (near-zero) timings would
 * drag the latency percentiles down exactly when the system is overloaded.
 * Hence `cold + warm === invocations − outcomes.throttled`.
 *
 * Every other outcome (trap, timeout, memory-limit, error) did run and counts
 * everywhere, like a real platform bills and graphs failed runs too.
 */
export class StatsAccumulator {
  readonly limit: number;

  private invocations = 0;
  private outcomes = zeroOutcomes();
  private cold = 0;
  private warm = 0;
  private maxMemoryBytes = 0;
  private gbSeconds = 0;

  private totalCol = new Float64Array(0);
  private execCol = new Float64Array(0);
  /** Samples held in the columns (≤ limit). */
  private size = 0;
  /** Next slot to write once the ring is full. */
  private head = 0;

  private cached: FunctionStats | null = null;
  /** Instructions per metered call: newest `limit` samples (a ring once full), their sum and count over all calls. */
  private instr: number[] = [];
  private instrHead = 0;
  private instrTotal = 0;
  private instrCalls = 0;

  constructor(options: StatsAccumulatorOptions = {}) {
    const limit = options.limit ?? DEFAULT_STATS_LIMIT;
    if (!(limit === Infinity || (Number.isInteger(limit) && limit >= 1))) {
      throw new RangeError(`StatsAccumulator: limit must be a positive integer or Infinity, got ${limit}`);
    }
    this.limit = limit;
  }

  /** Latency samples currently held (≤ limit). */
  get sampleCount(): number {
    return this.size;
  }

  /** Feeds one settled invocation; `memoryMiB` is the function's configured memory, used for GB-seconds. */
  add(inv: Invocation, memoryMiB: number): void {
    this.cached = null;
    this.invocations++;
    this.outcomes[inv.outcome]++;
    if (inv.outcome === 'throttled') return;

    if (inv.start === 'cold') this.cold++;
    else this.warm++;
    if (inv.memoryBytes > this.maxMemoryBytes) this.maxMemoryBytes = inv.memoryBytes;
    if (inv.instructions !== undefined) this.addInstructions(inv.instructions);
    this.gbSeconds += (memoryMiB / 1024) * (inv.timings.exec / 1000);
    this.push(inv.timings.total, inv.timings.exec);
  }

  private addInstructions(n: number): void {
    this.instrTotal += n;
    this.instrCalls++;
    if (this.instr.length < this.limit) this.instr.push(n);
    else {
      this.instr[this.instrHead] = n;
      this.instrHead = (this.instrHead + 1) % this.limit;
    }
  }

  private push(total: number, exec: number): void {
    if (this.size < this.limit) {
      if (this.size === this.totalCol.length) this.grow();
      this.totalCol[this.size] = total;
      this.execCol[this.size] = exec;
      this.size++;
      return;
    }
    // Full: overwrite the oldest sample. Order within a column is irrelevant to
    // percentiles, only which samples are present.
    this.totalCol[this.head] = total;
    this.execCol[this.head] = exec;
    this.head = (this.head + 1) % this.limit;
  }

  private grow(): void {
    const capacity = Math.min(this.limit, Math.max(INITIAL_CAPACITY, this.totalCol.length * 2));
    const total = new Float64Array(capacity);
    const exec = new Float64Array(capacity);
    total.set(this.totalCol);
    exec.set(this.execCol);
    this.totalCol = total;
    this.execCol = exec;
  }

  /**
   * The current statistics. Percentiles are computed on demand (a copy and a
   * sort of each column) and cached until the next `add` or `reset`, so polling
   * from a UI is cheap. Treat the returned object as read-only.
   */
  snapshot(fn: string): FunctionStats {
    if (this.cached?.fn === fn) return this.cached;
    if (this.cached) return (this.cached = { ...this.cached, fn });
    this.cached = {
      fn,
      invocations: this.invocations,
      outcomes: { ...this.outcomes },
      cold: this.cold,
      warm: this.warm,
      total: this.summary(this.totalCol),
      exec: this.summary(this.execCol),
      maxMemoryBytes: this.maxMemoryBytes,
      gbSeconds: this.gbSeconds,
    };
    if (this.instrCalls > 0)
      this.cached.instructions = {
        ...summarizeSorted(Float64Array.from(this.instr).sort()),
        total: this.instrTotal,
        calls: this.instrCalls,
      };
    return this.cached;
  }

  private summary(col: Float64Array): PercentileSummary {
    // slice copies once; the sort happens in the copy. A NaN timing (which a
    // sane platform never produces) sorts last and is trimmed off.
    const sorted = col.slice(0, this.size).sort();
    let n = sorted.length;
    while (n > 0 && Number.isNaN(sorted[n - 1])) n--;
    return summarizeSorted(sorted.subarray(0, n));
  }

  reset(): void {
    this.invocations = 0;
    this.outcomes = zeroOutcomes();
    this.cold = 0;
    this.warm = 0;
    this.maxMemoryBytes = 0;
    this.gbSeconds = 0;
    this.totalCol = new Float64Array(0);
    this.execCol = new Float64Array(0);
    this.size = 0;
    this.head = 0;
    this.cached = null;
    this.instr = [];
    this.instrHead = 0;
    this.instrTotal = 0;
    this.instrCalls = 0;
  }
}

/**
 * One-shot statistics over a finished set of invocations (no sample limit).
 * Invocations of other functions (inv.fn !== fn) are ignored, so a whole
 * history can be passed as is.
 */
export function computeStats(
  fn: string,
  invocations: Iterable<Invocation>,
  memoryMiBOf: (inv: Invocation) => number,
): FunctionStats {
  const acc = new StatsAccumulator({ limit: Infinity });
  for (const inv of invocations) if (inv.fn === fn) acc.add(inv, memoryMiBOf(inv));
  return acc.snapshot(fn);
}
