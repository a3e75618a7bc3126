// How an invocation's record is classified. Kept in one place so every path that settles a call
// (an answer, a timeout, a stop, a crash) tells cold from warm the same way.
import type { Invocation } from './types';

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
