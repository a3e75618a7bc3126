// Keep-alive policies: when an idle function's module is unloaded and when it is loaded again.
// `fixed` is the platform's long-standing rule (keepAliveMs after the last call; the pool applies
// it itself). `none` unloads at once. `histogram` is the hybrid histogram policy of Shahrad et al.,
// "Serverless in the Wild" (USENIX ATC '20): per function, a histogram of idle times (from the
// end of a call that left the function idle to the next arrival) gives a pre-warm window (the
// 5th percentile, less a 10% margin: unload, then load again just before the next call is due)
// and a keep-alive window (the 99th percentile plus 10%, minus the pre-warm). The paper uses
// 1-minute bins over 4 hours; the lab's time scale is 600× shorter: 100 ms bins over 24 s, the
// same 240 bins. Until the histogram is representative (too few idle times, too many beyond its
// range, or bin counts spread out: a low coefficient of variation) the policy keeps functions
// loaded for the whole range, as the paper's fallback does. The paper's ARIMA forecast for idle
// times beyond the range is not modelled. Pure logic: times come in, nothing is scheduled here.
import type { KeepAlivePolicy } from './types';

export interface HistogramParams {
  binMs: number;
  bins: number;
  /** Idle times needed in range before the histogram is trusted. */
  minSamples: number;
  /** Bin counts with a lower coefficient of variation than this are too spread out to predict from. */
  minBinCv: number;
  /** Above this share of idle times beyond the range, the histogram is not used. */
  maxOutOfRange: number;
  headPercentile: number;
  tailPercentile: number;
  /** Pre-warm this much earlier and keep alive this much longer than the percentiles say. */
  margin: number;
}

export const HISTOGRAM_PARAMS: Readonly<HistogramParams> = Object.freeze({
  binMs: 100,
  bins: 240,
  minSamples: 4,
  minBinCv: 2,
  maxOutOfRange: 0.5,
  headPercentile: 5,
  tailPercentile: 99,
  margin: 0.1,
});

/** How an idle function is kept: unload, wait `prewarmMs`, load, keep `keepAliveMs`, unload. */
export interface KeepAliveWindow {
  /** 0: stay loaded from the end of the call. */
  prewarmMs: number;
  /** How long it stays loaded, counted from the pre-warm (or from the call's end). */
  keepAliveMs: number;
  /** Where the window came from; `learning` is the histogram's fallback while it is not representative. */
  basis: 'fixed' | 'none' | 'histogram' | 'learning';
}

/** Counts of idle times in fixed-width bins, and how many fell beyond the last bin. */
export class IdleHistogram {
  readonly counts: Uint32Array;
  outOfRange = 0;
  inRange = 0;

  constructor(readonly params: Readonly<HistogramParams> = HISTOGRAM_PARAMS) {
    this.counts = new Uint32Array(params.bins);
  }

  get rangeMs(): number {
    return this.params.binMs * this.params.bins;
  }

  add(idleMs: number): void {
    const bin = Math.floor(Math.max(0, idleMs) / this.params.binMs);
    if (bin >= this.params.bins) this.outOfRange++;
    else {
      this.counts[bin]++;
      this.inRange++;
    }
  }

  /** Index of the bin holding the p-th percentile of the in-range idle times (-1 when empty). */
  percentileBin(p: number): number {
    if (this.inRange === 0) return -1;
    const rank = Math.max(1, Math.ceil((p / 100) * this.inRange));
    let seen = 0;
    for (let b = 0; b < this.counts.length; b++) {
      seen += this.counts[b];
      if (seen >= rank) return b;
    }
    return this.counts.length - 1;
  }

  /** Coefficient of variation of the bin counts: high for a sharp peak, near 0 for spread-out idle times. */
  binCv(): number {
    const n = this.counts.length;
    const mean = this.inRange / n;
    if (mean === 0) return 0;
    let sq = 0;
    for (const c of this.counts) sq += (c - mean) ** 2;
    return Math.sqrt(sq / n) / mean;
  }

  /** Why the histogram cannot be used yet, or null when it is representative. */
  notRepresentative(): string | null {
    const p = this.params;
    const total = this.inRange + this.outOfRange;
    if (this.inRange < p.minSamples) return `${this.inRange} of ${p.minSamples} idle times seen`;
    if (this.outOfRange / total > p.maxOutOfRange) return 'most idle times are beyond the range';
    if (this.binCv() < p.minBinCv) return 'idle times too spread out';
    return null;
  }
}

/** The window the hybrid histogram policy picks from what it has seen. */
export function histogramWindow(h: IdleHistogram): KeepAliveWindow {
  const p = h.params;
  if (h.notRepresentative() !== null) return { prewarmMs: 0, keepAliveMs: h.rangeMs, basis: 'learning' };
  // Head: the start of its bin (the earliest the next call came); tail: the end of its bin.
  const head = h.percentileBin(p.headPercentile) * p.binMs;
  const tail = (h.percentileBin(p.tailPercentile) + 1) * p.binMs;
  const prewarmMs = head * (1 - p.margin);
  return { prewarmMs, keepAliveMs: tail * (1 + p.margin) - prewarmMs, basis: 'histogram' };
}

interface FnState {
  histogram: IdleHistogram;
  /** Calls arrived and not yet settled. */
  running: number;
  /** When the function last became idle (its last call settled), or null before its first call. */
  idleSince: number | null;
  /** The window chosen when it became idle, kept for that whole idle period. */
  window: KeepAliveWindow | null;
}

/** Per-function idle-time learning and the window each idle period gets. */
export class KeepAlivePlanner {
  private readonly fns = new Map<string, FnState>();

  constructor(private readonly params: Readonly<HistogramParams> = HISTOGRAM_PARAMS) {}

  private state(fn: string): FnState {
    let s = this.fns.get(fn);
    if (!s)
      this.fns.set(
        fn,
        (s = { histogram: new IdleHistogram(this.params), running: 0, idleSince: null, window: null }),
      );
    return s;
  }

  /** A call arrived; an idle function's idle time goes into its histogram (whatever the policy, so switching has data). */
  arrive(fn: string, now: number): void {
    const s = this.state(fn);
    if (s.running === 0 && s.idleSince !== null) s.histogram.add(now - s.idleSince);
    s.running++;
    s.window = null;
  }

  /** A call settled. Returns the window of the idle period it starts, or null while others still run. */
  finish(fn: string, now: number, policy: KeepAlivePolicy, fixedKeepAliveMs: number): KeepAliveWindow | null {
    const s = this.state(fn);
    s.running = Math.max(0, s.running - 1);
    if (s.running > 0) return null;
    s.idleSince = now;
    s.window =
      policy === 'none'
        ? { prewarmMs: 0, keepAliveMs: 0, basis: 'none' }
        : policy === 'histogram'
          ? histogramWindow(s.histogram)
          : { prewarmMs: 0, keepAliveMs: fixedKeepAliveMs, basis: 'fixed' };
    return { ...s.window };
  }

  /** Whether the function's module should be loaded at `now` (always while it runs or before its first call). */
  loaded(fn: string, now: number): boolean {
    const s = this.fns.get(fn);
    if (!s || s.running > 0 || s.idleSince === null || !s.window) return true;
    const t = now - s.idleSince;
    return t >= s.window.prewarmMs && t < s.window.prewarmMs + s.window.keepAliveMs;
  }

  /** When the current idle period's pre-warm and unload are due (epoch ms), or null while it runs. */
  schedule(fn: string): { prewarmAt: number | null; unloadAt: number } | null {
    const s = this.fns.get(fn);
    if (!s || s.running > 0 || s.idleSince === null || !s.window) return null;
    const w = s.window;
    return {
      prewarmAt: w.prewarmMs > 0 ? s.idleSince + w.prewarmMs : null,
      unloadAt: s.idleSince + w.prewarmMs + w.keepAliveMs,
    };
  }

  /** The function's current window and histogram, for display. */
  describe(fn: string): { window: KeepAliveWindow | null; histogram: IdleHistogram } | null {
    const s = this.fns.get(fn);
    return s ? { window: s.window && { ...s.window }, histogram: s.histogram } : null;
  }

  forget(fn: string): void {
    this.fns.delete(fn);
  }

  /** Forgets every idle time learned so far (calls still running stay counted). */
  relearn(): void {
    for (const s of this.fns.values()) {
      s.histogram = new IdleHistogram(this.params);
      if (s.running === 0) s.idleSince = null;
      s.window = null;
    }
  }
}
