// The load test in progress (or the last one), shared by the Load test, Compare and Metrics
// panels. It owns the generator and turns its typed-array columns into chart data at most four
// times a second; nothing here runs per invocation.
import type { LoadResult, LoadRun, LoadSpec } from '../../../platform/load';
import { OUTCOMES } from '../../../platform/types';
import { ratePerSec } from '../../charts/prepare';
import type { PointCategory, ScatterData, TimeSeriesData } from '../../charts/types';
import type { AppState } from '../../state.svelte';
import { currentPriceModel } from '../metrics/pricing.svelte';

export const REFRESH_MS = 250;

/** Scatter categories for latency charts: warm circles, cold triangles, failures as red crosses. */
export const LATENCY_CATEGORIES: PointCategory[] = [
  { label: 'warm', color: 'warm', shape: 'circle' },
  { label: 'cold', color: 'cold', shape: 'triangle' },
  { label: 'failed', color: 'danger', shape: 'cross' },
];

export interface LiveView {
  elapsedMs: number;
  /** Planned issuing time, when known. */
  plannedMs: number | null;
  planned: number | null;
  issued: number;
  settled: number;
  inFlight: number;
  /** x in seconds; ys: completed/s, issued/s, in-flight, queue, busy, workers. */
  timeline: TimeSeriesData;
  scatter: ScatterData;
}

const EMPTY_SCATTER: ScatterData = {
  x: new Float64Array(0),
  y: new Float64Array(0),
  cat: new Uint8Array(0),
  n: 0,
};
const EMPTY_TIMELINE: TimeSeriesData = {
  x: new Float64Array(0),
  ys: Array.from({ length: 6 }, () => new Float64Array(0)),
  n: 0,
};

export type SessionPhase = 'idle' | 'deploying' | 'running' | 'stopping' | 'done';

/** Makes sure `fn` is deployed as the workspace has it; false (after telling the user) if not possible. */
export async function ensureDeployed(app: AppState, fn: string): Promise<boolean> {
  const ws = app.functions.find((f) => f.name === fn);
  if (app.deployed[fn] && (!ws || !app.needsDeploy(ws))) return true;
  if (!ws) {
    app.notify('error', `"${fn}" is not deployed`);
    return false;
  }
  return (await app.deploy(fn)) !== null;
}

export class LoadSession {
  phase = $state<SessionPhase>('idle');
  /** What the current or last run is: "Load test", "A: keep-alive 1 s", … */
  label = $state('');
  gen = $state.raw<LoadRun | null>(null);
  result = $state.raw<LoadResult | null>(null);
  live = $state.raw<LiveView | null>(null);
  error = $state<string | null>(null);
  /** Set when the run's stop phase has waited a while (offer to cancel in-flight calls). */
  slowStop = $state(false);

  private timer: ReturnType<typeof setInterval> | null = null;
  private cat = new Uint8Array(1024);
  private catN = 0;
  private stopTimer: ReturnType<typeof setTimeout> | null = null;

  get busy(): boolean {
    return this.phase === 'deploying' || this.phase === 'running' || this.phase === 'stopping';
  }

  /** Deploys if needed, runs the spec to the end (or stop()), and returns the result. */
  async run(app: AppState, spec: LoadSpec, label = 'Load test'): Promise<LoadResult | null> {
    if (this.busy) throw new Error('A load test is already running');
    this.error = null;
    this.result = null;
    this.live = null;
    this.label = label;
    this.phase = 'deploying';
    try {
      if (!(await ensureDeployed(app, spec.fn))) {
        this.phase = 'idle';
        return null;
      }
      const gen = app.platform.load(spec, { priceModel: currentPriceModel() });
      this.gen = gen;
      this.catN = 0;
      this.phase = 'running';
      const done = gen.start();
      this.timer = setInterval(() => this.refresh(), REFRESH_MS);
      this.refresh();
      const result = await done;
      this.refresh();
      this.result = result;
      if (result.error) this.error = result.error;
      return result;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      app.notify('error', `The load test could not run: ${this.error}`);
      return null;
    } finally {
      if (this.timer !== null) clearInterval(this.timer);
      if (this.stopTimer !== null) clearTimeout(this.stopTimer);
      this.timer = this.stopTimer = null;
      this.slowStop = false;
      this.phase = this.result ? 'done' : 'idle';
    }
  }

  /** No new calls; the run ends when the ones in flight settle. */
  stop(): void {
    if (!this.gen || this.phase !== 'running') return;
    this.phase = 'stopping';
    void this.gen.stop();
    this.stopTimer = setTimeout(() => (this.slowStop = this.phase === 'stopping'), 1500);
  }

  /** Ends the calls still queued or running (they settle as errors). */
  cancelInFlight(): void {
    this.gen?.cancelInFlight();
  }

  /** Rebuilds the live view from the generator's columns. */
  refresh(): void {
    const gen = this.gen;
    if (!gen) return;
    const s = gen.samples;
    const n = s.length;
    const t = s.get('t');
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = t[i] / 1000;
    const timeline: TimeSeriesData = {
      x,
      ys: [
        ratePerSec(t, s.get('completed'), n),
        ratePerSec(t, s.get('issued'), n),
        ratePerSec(t, s.get('throttled'), n),
        s.get('inFlight').slice(),
        s.get('queue').slice(),
        s.get('busy').slice(),
        s.get('workers').slice(),
      ],
      n,
    };
    this.live = {
      elapsedMs: gen.elapsedMs,
      plannedMs: gen.plannedDurationMs,
      planned: gen.planned,
      issued: gen.issued,
      settled: gen.settled,
      inFlight: gen.inFlight,
      timeline,
      scatter: this.scatterOf(gen),
    };
  }

  private scatterOf(gen: LoadRun): ScatterData {
    const c = gen.completions;
    const n = c.length;
    if (n === 0) return EMPTY_SCATTER;
    if (this.cat.length < n) {
      const bigger = new Uint8Array(Math.max(n, this.cat.length * 2));
      bigger.set(this.cat.subarray(0, this.catN));
      this.cat = bigger;
    }
    const cold = c.get('cold');
    const outcome = c.get('outcome');
    const ok = OUTCOMES.indexOf('ok');
    for (let i = this.catN; i < n; i++) this.cat[i] = outcome[i] !== ok ? 2 : cold[i] ? 1 : 0;
    this.catN = n;
    const end = c.get('endMs');
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = end[i] / 1000;
    return { x, y: c.get('total'), cat: this.cat.subarray(0, n), n };
  }
}

/** Chart data for a finished generator (Compare keeps two of them). */
export function generatorScatter(gen: LoadRun): ScatterData {
  const c = gen.completions;
  const n = c.length;
  const x = new Float64Array(n);
  const cat = new Uint8Array(n);
  const end = c.get('endMs');
  const cold = c.get('cold');
  const outcome = c.get('outcome');
  const ok = OUTCOMES.indexOf('ok');
  for (let i = 0; i < n; i++) {
    x[i] = end[i] / 1000;
    cat[i] = outcome[i] !== ok ? 2 : cold[i] ? 1 : 0;
  }
  return { x, y: c.get('total').slice(), cat, n };
}

export { EMPTY_SCATTER, EMPTY_TIMELINE };

export const session = new LoadSession();
