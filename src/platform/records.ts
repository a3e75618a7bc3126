// How an invocation's record is classified. Kept in one place so every path that settles a call
// (an answer, a timeout, a stop, a crash) tells cold from warm the same way.
import { StatsAccumulator } from './metrics/stats';
import { RingBuffer } from './ring';
import type { FunctionStats, Invocation } from './types';

export interface StartFacts {
  /** A worker was spawned for this call. */
  spawned: boolean;
  /** The compiled module travelled to the worker with this call: it had never run this version there. */
  transferred: boolean;
  /**
   * The function keeps its instance between calls (`reuse`, or stateless) and this call had to
   * make a new one. Undefined when the call never answered (timeout, stop, crash).
   */
  newReusableInstance?: boolean;
}

/**
 * Cold: the call paid for something a warm call does not — a worker spawn, the module's first
 * arrival on its worker, or a new instance where the function normally keeps one. A `fresh`
 * function's per-call instantiation is its normal price, so it alone does not make a call cold.
 */
export function classifyStart(f: StartFacts): Invocation['start'] {
  return f.spawned || f.transferred || f.newReusableInstance === true ? 'cold' : 'warm';
}

/**
 * The settled records and each function's statistics. The platform keeps one; the page's client
 * keeps a mirror fed by the platform's events, so both answer `invocations()` and `stats()` alike.
 */
export class RecordStore {
  private readonly ring: RingBuffer<Invocation>;
  private readonly statsByFn = new Map<string, StatsAccumulator>();

  constructor(private limit: number) {
    this.ring = new RingBuffer(limit);
  }

  /** Adds a settled record; `memoryMiB` is its function's configured memory (for GB-seconds). */
  add(inv: Invocation, memoryMiB: number): void {
    this.ring.push(inv);
    this.accumulator(inv.fn).add(inv, memoryMiB);
  }

  /** Starts statistics for a function with none yet (so a deployed function has zeros, not an error). */
  track(fn: string): void {
    this.accumulator(fn);
  }

  private accumulator(fn: string): StatsAccumulator {
    let acc = this.statsByFn.get(fn);
    if (!acc) this.statsByFn.set(fn, (acc = new StatsAccumulator({ limit: this.limit })));
    return acc;
  }

  resize(limit: number): void {
    this.limit = limit;
    this.ring.resize(limit);
  }

  clear(): void {
    this.ring.clear();
    for (const s of this.statsByFn.values()) s.reset();
  }

  invocations(fn?: string): Invocation[] {
    const all = this.ring.toArray();
    return fn === undefined ? all : all.filter((i) => i.fn === fn);
  }

  /**
   * The records with these ids, found from the newest back (a batch to persist is what settled
   * last), without copying the ring; ids it does not hold are absent from the map.
   */
  byIds(ids: readonly number[]): Map<number, Invocation> {
    const want = new Set(ids);
    const found = new Map<number, Invocation>();
    for (let i = this.ring.size - 1; i >= 0 && found.size < want.size; i--) {
      const inv = this.ring.at(i)!;
      if (want.has(inv.id) && !found.has(inv.id)) found.set(inv.id, inv);
    }
    return found;
  }

  /** The function's statistics, or null when it has never been tracked. */
  stats(fn: string): FunctionStats | null {
    return this.statsByFn.get(fn)?.snapshot(fn) ?? null;
  }
}

/** Statistics of a function with no calls. */
export function emptyStats(fn: string): FunctionStats {
  return new StatsAccumulator({ limit: 1 }).snapshot(fn);
}
