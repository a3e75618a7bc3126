// Invocation records as columns for the charts, kept in step with AppState.log incrementally:
// each sync appends only what settled since the last one, so a chart refresh during a load test
// costs O(new invocations), not O(history). Plain TypeScript, no Svelte.
import { billedMs, type PriceModel } from '../../../platform/metrics/billing';
import type { Invocation } from '../../../platform/types';

/** Scatter categories, in drawing order of the Metrics chart's legend. */
export const WARM = 0;
export const COLD = 1;
export const FAILED = 2;

/** Bits of InvocationColumns.kind. */
export const START_COLD = 1;
export const THROTTLED = 2;

const INITIAL = 1024;

/** Follows an append-only list that may be trimmed at the front or replaced. */
export class LogCursor {
  private first: unknown = undefined;
  private seen = 0;

  /** Index of the first item not yet seen, or -1 when everything must be read again. */
  next(items: readonly unknown[]): number {
    const reset = items.length < this.seen || (this.seen > 0 && items[0] !== this.first);
    const from = reset ? -1 : this.seen;
    this.first = items[0];
    this.seen = items.length;
    return from;
  }

  reset(): void {
    this.first = undefined;
    this.seen = 0;
  }
}

/** One function's invocations (or all) as columns, x = seconds since the first one ended. */
export class InvocationColumns {
  n = 0;
  x = new Float64Array(INITIAL);
  total = new Float64Array(INITIAL);
  exec = new Float64Array(INITIAL);
  queue = new Float64Array(INITIAL);
  spawn = new Float64Array(INITIAL);
  compile = new Float64Array(INITIAL);
  instantiate = new Float64Array(INITIAL);
  id = new Float64Array(INITIAL);
  cat = new Uint8Array(INITIAL);
  /** START_COLD and THROTTLED bits, so the histogram reads columns, not records. */
  kind = new Uint8Array(INITIAL);
  refs: Invocation[] = [];
  /** Epoch ms that x = 0 stands for. */
  origin = 0;
  /** Bumps on every change, so views know to redraw. */
  version = 0;
  private cursor = new LogCursor();

  constructor(public fn: string | null = null) {}

  setFilter(fn: string | null): void {
    if (fn === this.fn) return;
    this.fn = fn;
    this.cursor.reset();
  }

  /** Takes in what is new in `items`; returns true when anything changed. */
  sync(items: readonly Invocation[]): boolean {
    let from = this.cursor.next(items);
    if (from < 0 || (from === 0 && this.n > 0)) {
      this.clear();
      from = 0;
    }
    if (from >= items.length) return false;
    if (this.n === 0 && items.length > from) this.origin = items[from].endedAt;
    let unsorted = false;
    for (let i = from; i < items.length; i++) {
      const inv = items[i];
      if (this.fn !== null && inv.fn !== this.fn) continue;
      const x = (inv.endedAt - this.origin) / 1000;
      if (this.n > 0 && x < this.x[this.n - 1]) unsorted = true;
      this.append(inv, x);
    }
    // Restored history can arrive out of order; the charts need x ascending.
    if (unsorted) this.sortByX();
    this.version++;
    return true;
  }

  private clear(): void {
    this.n = 0;
    this.refs = [];
    this.origin = 0;
    this.version++;
  }

  private append(inv: Invocation, x: number): void {
    if (this.n === this.x.length) this.grow();
    const i = this.n++;
    const t = inv.timings;
    this.x[i] = x;
    this.total[i] = t.total;
    this.exec[i] = t.exec;
    this.queue[i] = t.queue;
    this.spawn[i] = t.spawn;
    this.compile[i] = t.compile;
    this.instantiate[i] = t.instantiate;
    this.id[i] = inv.id;
    this.cat[i] = inv.outcome !== 'ok' ? FAILED : inv.start === 'cold' ? COLD : WARM;
    this.kind[i] = (inv.start === 'cold' ? START_COLD : 0) | (inv.outcome === 'throttled' ? THROTTLED : 0);
    this.refs.push(inv);
  }

  private grow(): void {
    const cap = this.x.length * 2;
    const f = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.x = f(this.x);
    this.total = f(this.total);
    this.exec = f(this.exec);
    this.queue = f(this.queue);
    this.spawn = f(this.spawn);
    this.compile = f(this.compile);
    this.instantiate = f(this.instantiate);
    this.id = f(this.id);
    const c = new Uint8Array(cap);
    c.set(this.cat);
    this.cat = c;
    const k = new Uint8Array(cap);
    k.set(this.kind);
    this.kind = k;
  }

  private sortByX(): void {
    const refs = this.refs;
    const xs = this.x;
    const order = Array.from({ length: this.n }, (_, i) => i).sort((a, b) => xs[a] - xs[b]);
    const sorted = order.map((i) => refs[i]);
    const origin = Math.min(...sorted.map((r) => r.endedAt));
    this.n = 0;
    this.refs = [];
    this.origin = origin;
    for (const inv of sorted) this.append(inv, (inv.endedAt - origin) / 1000);
  }
}

/** Rounding granularities the billing comparison shows, in ms. */
export const COMPARED_GRANULARITIES = [1, 10, 100] as const;

export interface FnBilling {
  /** Billed invocations (everything but throttled). */
  count: number;
  /** Sum of measured exec time, ms. */
  actualMs: number;
  /** Sum of billed time per granularity, ms. */
  billed: Map<number, number>;
  /** Instructions run by metered invocations, and how many of those there were. */
  instructions: number;
  metered: number;
}

/**
 * Billed time per function at the model's granularity and the compared ones, kept incrementally.
 * Prices only scale these sums, so editing a price needs no recount; a new granularity or
 * minimum does.
 */
export class BillingTracker {
  readonly perFn = new Map<string, FnBilling>();
  private cursor = new LogCursor();
  private key = '';
  private granularities: number[] = [];
  private minimum = 0;

  /** Returns true when anything changed. */
  sync(items: readonly Invocation[], model: PriceModel): boolean {
    const key = `${model.granularityMs}/${model.minimumBilledMs ?? 0}`;
    if (key !== this.key) {
      this.key = key;
      this.granularities = [...new Set([model.granularityMs, ...COMPARED_GRANULARITIES])];
      this.minimum = model.minimumBilledMs ?? 0;
      this.cursor.reset();
    }
    let from = this.cursor.next(items);
    if (from <= 0) {
      this.perFn.clear();
      from = 0;
    }
    if (from >= items.length) return from === 0;
    // One model per granularity, and the billed sums kept in a plain array per function until the
    // end: this runs over every record a burst settles.
    const gs = this.granularities;
    const models = gs.map((g) => ({
      pricePerGBSecond: 0,
      pricePerMillionRequests: 0,
      granularityMs: g,
      minimumBilledMs: this.minimum,
    }));
    const sums = new Map<FnBilling, Float64Array>();
    for (let i = from; i < items.length; i++) {
      const inv = items[i];
      if (inv.outcome === 'throttled') continue;
      let b = this.perFn.get(inv.fn);
      if (!b)
        this.perFn.set(
          inv.fn,
          (b = { count: 0, actualMs: 0, billed: new Map(), instructions: 0, metered: 0 }),
        );
      let sum = sums.get(b);
      if (!sum) sums.set(b, (sum = new Float64Array(gs.length)));
      const exec = Math.max(0, Number.isFinite(inv.timings.exec) ? inv.timings.exec : 0);
      b.count++;
      b.actualMs += exec;
      if (inv.instructions !== undefined) {
        b.instructions += inv.instructions;
        b.metered++;
      }
      for (let j = 0; j < gs.length; j++) sum[j] += billedMs(exec, models[j]);
    }
    for (const [b, sum] of sums)
      for (let j = 0; j < gs.length; j++) b.billed.set(gs[j], (b.billed.get(gs[j]) ?? 0) + sum[j]);
    return true;
  }
}

export interface CostLine {
  invocations: number;
  actualMs: number;
  billedMs: number;
  gbSeconds: number;
  computeCost: number;
  requestCost: number;
  total: number;
  costPerMillion: number;
}

/** The bill for one function's sums at granularity `g` (the model's own when omitted). */
export function costOf(
  b: FnBilling | undefined,
  memoryMiB: number,
  model: PriceModel,
  g = model.granularityMs,
): CostLine {
  const count = b?.count ?? 0;
  const billed = b?.billed.get(g) ?? 0;
  const gbSeconds = (memoryMiB / 1024) * (billed / 1000);
  const computeCost = gbSeconds * model.pricePerGBSecond;
  const requestCost = (count * model.pricePerMillionRequests) / 1e6;
  const total = computeCost + requestCost;
  return {
    invocations: count,
    actualMs: b?.actualMs ?? 0,
    billedMs: billed,
    gbSeconds,
    computeCost,
    requestCost,
    total,
    costPerMillion: count ? (total / count) * 1e6 : 0,
  };
}

/** Sums cost lines (several functions with different memory sizes). */
export function sumCosts(lines: CostLine[]): CostLine {
  const s: CostLine = {
    invocations: 0,
    actualMs: 0,
    billedMs: 0,
    gbSeconds: 0,
    computeCost: 0,
    requestCost: 0,
    total: 0,
    costPerMillion: 0,
  };
  for (const l of lines) {
    s.invocations += l.invocations;
    s.actualMs += l.actualMs;
    s.billedMs += l.billedMs;
    s.gbSeconds += l.gbSeconds;
    s.computeCost += l.computeCost;
    s.requestCost += l.requestCost;
    s.total += l.total;
  }
  s.costPerMillion = s.invocations ? (s.total / s.invocations) * 1e6 : 0;
  return s;
}
