// A pay-as-you-go cost model: memory × billed duration, plus a per-request fee.
//
// Throttled invocations are never billed: they were rejected before running,
// and the common platforms do not charge for throttled requests. Every other
// outcome (including traps and timeouts) ran and is billed for the time it used.

import type { Outcome } from '../types';

export interface PriceModel {
  /** USD per GB-second of configured memory × billed duration (GB = 1024 MiB). */
  pricePerGBSecond: number;
  /** USD per million requests. */
  pricePerMillionRequests: number;
  /** USD per million instructions, for metered functions (billed beside GB-seconds). */
  pricePerMillionInstructions?: number;
  /** Billed duration is rounded up to a multiple of this many ms. */
  granularityMs: number;
  /** Billed duration is never less than this (after rounding). Default: one granularity unit. */
  minimumBilledMs?: number;
}

/** Modelled on the common x86 pay-as-you-go FaaS list prices, with 1 ms billing. */
export const DEFAULT_PRICE_MODEL: Readonly<PriceModel> = Object.freeze({
  pricePerGBSecond: 0.0000166667,
  pricePerMillionRequests: 0.2,
  granularityMs: 1,
  // About what one GB-second buys, spread over the ~10^9 instructions a core runs in that second.
  pricePerMillionInstructions: 0.00002,
});

/** The instruction charge: `instructions` at the model's price per million. */
export function instructionCost(instructions: number, model: PriceModel = DEFAULT_PRICE_MODEL): number {
  return (instructions / 1e6) * (model.pricePerMillionInstructions ?? 0);
}

export interface BillableItem {
  execMs: number;
  memoryMiB: number;
  /** When given, 'throttled' items are skipped (not billed). */
  outcome?: Outcome;
}

export interface InvocationCost {
  billedMs: number;
  gbSeconds: number;
  computeCost: number;
  requestCost: number;
  total: number;
}

export interface AggregateCost extends InvocationCost {
  invocations: number;
  /** total / invocations × 1e6; 0 when there are no invocations. */
  costPerMillion: number;
}

export interface GranularityRow extends AggregateCost {
  granularityMs: number;
  /** Sum of the actual (unrounded) execution times. */
  actualMs: number;
  /** billedMs / actualMs: how many times the measured compute is billed (Infinity if actualMs is 0 but something was billed, 1 if nothing was). */
  overbilling: number;
}

function checkModel(model: PriceModel): void {
  if (!(model.granularityMs > 0 && Number.isFinite(model.granularityMs))) {
    throw new RangeError(
      `billing: granularityMs must be a positive finite number, got ${model.granularityMs}`,
    );
  }
}

/**
 * Execution time rounded up to the model's granularity. Any invocation that
 * ran bills at least one unit, even when the (coarsened) browser timer read 0,
 * so 0.01 ms at 1 ms granularity bills 1 ms, and 1.2 ms bills 2 ms.
 */
export function billedMs(execMs: number, model: PriceModel = DEFAULT_PRICE_MODEL): number {
  checkModel(model);
  if (!(execMs >= 0 && Number.isFinite(execMs))) {
    throw new RangeError(`billing: execMs must be a finite non-negative number, got ${execMs}`);
  }
  const g = model.granularityMs;
  // The epsilon keeps exact multiples (e.g. 0.3 / 0.1 = 3.0000000000000004) from rounding up a unit.
  const units = Math.max(1, Math.ceil(execMs / g - 1e-9));
  return Math.max(units * g, model.minimumBilledMs ?? 0);
}

export function invocationCost(
  execMs: number,
  memoryMiB: number,
  model: PriceModel = DEFAULT_PRICE_MODEL,
): InvocationCost {
  const billed = billedMs(execMs, model);
  const gbSeconds = (memoryMiB / 1024) * (billed / 1000);
  const computeCost = gbSeconds * model.pricePerGBSecond;
  const requestCost = model.pricePerMillionRequests / 1e6;
  return { billedMs: billed, gbSeconds, computeCost, requestCost, total: computeCost + requestCost };
}

export function aggregateCost(
  items: Iterable<BillableItem>,
  model: PriceModel = DEFAULT_PRICE_MODEL,
): AggregateCost {
  let invocations = 0;
  let billed = 0;
  let gbSeconds = 0;
  let computeCost = 0;
  let requestCost = 0;
  for (const item of items) {
    if (item.outcome === 'throttled') continue;
    const c = invocationCost(item.execMs, item.memoryMiB, model);
    invocations++;
    billed += c.billedMs;
    gbSeconds += c.gbSeconds;
    computeCost += c.computeCost;
    requestCost += c.requestCost;
  }
  const total = computeCost + requestCost;
  return {
    invocations,
    billedMs: billed,
    gbSeconds,
    computeCost,
    requestCost,
    total,
    costPerMillion: invocations === 0 ? 0 : (total / invocations) * 1e6,
  };
}

/**
 * The same workload billed at several granularities. For short functions the
 * rounding dominates: a 0.05 ms function billed per 100 ms pays for 2000× the
 * compute it used (overbilling 2000), per 1 ms still 20×.
 */
export function granularityComparison(
  items: Iterable<BillableItem>,
  model: PriceModel = DEFAULT_PRICE_MODEL,
  granularities: readonly number[] = [1, 100],
): GranularityRow[] {
  // Materialize: the items are walked once per granularity and may be a one-shot iterator.
  const list = Array.from(items).filter((i) => i.outcome !== 'throttled');
  let actualMs = 0;
  for (const i of list) actualMs += i.execMs;
  return granularities.map((granularityMs) => {
    const agg = aggregateCost(list, { ...model, granularityMs });
    return {
      granularityMs,
      actualMs,
      overbilling: actualMs === 0 ? (agg.billedMs === 0 ? 1 : Infinity) : agg.billedMs / actualMs,
      ...agg,
    };
  });
}
