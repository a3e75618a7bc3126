// Runs a lesson button's actions with the app's own machinery: AppState (settings, deploy, run),
// the Load test, Compare and Benchmarks panels (through their request slots) and the price model.
import type { LessonAction } from '../../lessons/types';
import type { ProgramResult } from '../../platform/benchmarks';
import type { LoadResult } from '../../platform/load';
import { OUTCOMES, type Invocation } from '../../platform/types';
import { createGateway } from '../../gateway/gateway';
import { gatewayStatus } from '../gateway/status.svelte';
import { benchRequests } from '../panels/benchmarks/request';
import { awaitPrewarm, emptyPool } from '../panels/compare/compare';
import { describeLab } from '../panels/compare/keepalive-lab';
import { compareRequests, labRequests } from '../panels/compare/request';
import { loadRequests } from '../panels/load/request';
import { ensureDeployed } from '../panels/load/session.svelte';
import { pricing } from '../panels/metrics/pricing.svelte';
import type { AppState } from '../state.svelte';

export interface RunContext {
  /** The workspace name of a lesson function. */
  name: (lessonName: string) => string;
  signal: AbortSignal;
  onCall: (inv: Invocation) => void;
  /** A one-line result of a load test, comparison or benchmark, shown under the button. */
  onNote: (text: string) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runActions(
  app: AppState,
  actions: readonly LessonAction[],
  ctx: RunContext,
): Promise<void> {
  for (const action of actions) {
    if (ctx.signal.aborted) return;
    await runAction(app, action, ctx);
  }
}

async function runAction(app: AppState, a: LessonAction, ctx: RunContext): Promise<void> {
  switch (a.do) {
    case 'platform': {
      app.setPlatformConfig(a.set);
      await awaitPrewarm(app.platform);
      return;
    }
    case 'config': {
      const name = ctx.name(a.fn);
      const fn = app.functions.find((f) => f.name === name);
      const changed = Object.entries(a.set).some(([k, v]) => fn?.config[k as keyof typeof fn.config] !== v);
      // Saved like the Settings panel does; the next run redeploys with it.
      if (changed) app.setConfig(a.set, name);
      return;
    }
    case 'deploy': {
      const name = ctx.name(a.fn);
      if (!(await app.deploy(name))) throw new Error(`"${name}" could not be deployed`);
      // Provisioned workers load it ahead of the calls the next action makes.
      if (app.platform.functions().find((f) => f.name === name)?.config.provisioned)
        await awaitPrewarm(app.platform);
      return;
    }
    case 'empty-pool': {
      const before = app.platform.currentConfig();
      await emptyPool(app.platform);
      app.setPlatformConfig({
        keepAliveMs: before.keepAliveMs,
        keepAlivePolicy: before.keepAlivePolicy,
        prewarm: before.prewarm,
      });
      return;
    }
    case 'run': {
      const name = ctx.name(a.fn);
      prepareRun(app, name, a.args);
      for (let i = 0; i < (a.times ?? 1) && !ctx.signal.aborted; i++) await call(app, name, ctx);
      return;
    }
    case 'burst': {
      const name = ctx.name(a.fn);
      prepareRun(app, name, a.args);
      if (!(await ensureDeployed(app, name))) throw new Error(`"${name}" could not be deployed`);
      await Promise.all(Array.from({ length: a.count }, () => call(app, name, ctx)));
      return;
    }
    case 'wait':
      await sleep(a.ms);
      return;
    case 'load': {
      app.panel = 'load';
      const result = await loadRequests.post({ ...a.workload, fn: ctx.name(a.workload.fn) });
      if (!result) throw new Error('The load test did not run');
      ctx.onNote(describeLoad(result));
      return;
    }
    case 'compare': {
      app.panel = 'compare';
      const result = await compareRequests.post({
        workload: { ...a.workload, fn: ctx.name(a.workload.fn) },
        a: a.a,
        b: a.b,
      });
      if (!result) throw new Error('The comparison did not run');
      ctx.onNote(describeCompare(result.a, result.b));
      return;
    }
    case 'keep-alive-lab': {
      app.panel = 'compare';
      const points = await labRequests.post({
        workload: { ...a.workload, fn: ctx.name(a.workload.fn) },
        seed: a.seed,
      });
      if (!points) throw new Error('The keep-alive lab did not run');
      ctx.onNote(describeLab(points));
      return;
    }
    case 'benchmark': {
      app.panel = 'benchmarks';
      const result = await benchRequests.post({ programs: a.programs, runs: a.runs });
      if (!result) throw new Error('The benchmarks did not run');
      for (const p of result) ctx.onNote(describeProgram(p));
      return;
    }
    case 'price':
      pricing.model = { ...pricing.model, granularityMs: a.granularityMs };
      return;
    case 'http':
      await http(app, a, ctx);
      return;
  }
}

/**
 * One request to the gateway. Through the service worker only when it controls this page and this
 * tab hosts the platform (otherwise the call would run in another tab's platform, out of sight).
 */
async function http(app: AppState, a: Extract<LessonAction, { do: 'http' }>, ctx: RunContext): Promise<void> {
  const name = ctx.name(a.fn);
  if (!(await ensureDeployed(app, name))) throw new Error(`"${name}" could not be deployed`);
  const path = a.path.replaceAll('{fn}', encodeURIComponent(name));
  const method = a.method ?? 'GET';
  const init: RequestInit = { method, body: a.body };
  if (a.contentType) init.headers = { 'Content-Type': a.contentType };
  const viaWorker = typeof navigator !== 'undefined' && !!navigator.serviceWorker?.controller;
  const hosting = gatewayStatus.role === 'host';
  const res =
    viaWorker && hosting
      ? await fetch(path, init)
      : await createGateway(app.platform)(new Request(new URL(path, location.origin), init));
  const text = (await res.text()).trim();
  // Opened in the editor only now: rendering it would otherwise count as the gateway's time.
  app.select(name);
  const id = Number(res.headers.get('X-Nanofaas-Invocation'));
  const inv = app.platform.invocations(name).find((i) => i.id === id);
  if (inv) ctx.onCall(inv);
  const how =
    viaWorker && hosting
      ? ''
      : ` (answered in this tab: ${viaWorker ? 'another tab hosts /api/' : 'no service worker serves this page yet'})`;
  // An error's first line says why (a 404 goes on to list every endpoint).
  const body = res.ok ? text : text.split('\n')[0];
  const shown = body.length > 400 ? `${body.slice(0, 400)}…` : body;
  ctx.onNote(
    `${method} ${path} → ${res.status} ${res.statusText || ''}`.trimEnd() + ` · ${shown || '(empty)'}${how}`,
  );
}

/** Opens the function and puts the step's arguments in its Run panel inputs. */
function prepareRun(app: AppState, name: string, args: string[] | undefined): void {
  app.select(name);
  const fn = app.functions.find((f) => f.name === name);
  if (fn && args) app.setRun({ ...fn.run, args: [...args] }, name);
}

async function call(app: AppState, name: string, ctx: RunContext): Promise<void> {
  const inv = await app.run(name);
  if (!inv) throw new Error(`"${name}" could not run`);
  ctx.onCall(inv);
}

/** "120 calls: 41 ok, 79 throttled · queue peak 10" */
export function describeLoad(r: LoadResult): string {
  const outcomes = OUTCOMES.filter((o) => r.outcomes[o] > 0).map((o) => `${r.outcomes[o]} ${o}`);
  return `${r.settled} calls: ${outcomes.join(', ') || 'none settled'} · queue peak ${r.queuePeak}`;
}

/** "throughput A 18.5/s, B 71.2/s (B ÷ A 3.85)" */
export function describeCompare(a: LoadResult, b: LoadResult): string {
  const ratio = a.achievedPerSec > 0 ? ` (B ÷ A ${(b.achievedPerSec / a.achievedPerSec).toFixed(2)})` : '';
  return `throughput A ${a.achievedPerSec.toFixed(1)}/s, B ${b.achievedPerSec.toFixed(1)}/s${ratio}`;
}

/** "mandelbrot: Wasm 31.2 ms, JavaScript 45.0 ms per run (Wasm ÷ JS 0.69)" */
export function describeProgram(p: ProgramResult): string {
  const wasm = p.modes.direct?.summary.mean;
  const js = p.modes.js?.summary.mean;
  if (wasm === undefined || js === undefined)
    return `${p.name}: ${p.error ?? 'no Wasm and JavaScript times'}`;
  return `${p.name}: Wasm ${wasm.toFixed(1)} ms, JavaScript ${js.toFixed(1)} ms per run (Wasm ÷ JS ${(wasm / js).toFixed(2)})`;
}
