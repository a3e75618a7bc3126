// Runs a lesson button's actions with the app's own machinery: AppState (settings, deploy, run),
// the Load test, Compare and Benchmarks panels (through their request slots) and the price model.
import type { LessonAction } from '../../lessons/types';
import type { Invocation } from '../../platform/types';
import { benchRequests } from '../panels/benchmarks/request';
import { awaitPrewarm, emptyPool } from '../panels/compare/compare';
import { compareRequests } from '../panels/compare/request';
import { loadRequests } from '../panels/load/request';
import { ensureDeployed } from '../panels/load/session.svelte';
import { pricing } from '../panels/metrics/pricing.svelte';
import type { AppState } from '../state.svelte';

export interface RunContext {
  /** The workspace name of a lesson function. */
  name: (lessonName: string) => string;
  signal: AbortSignal;
  onCall: (inv: Invocation) => void;
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
      if (!(await app.deploy(ctx.name(a.fn)))) throw new Error(`"${ctx.name(a.fn)}" could not be deployed`);
      return;
    }
    case 'empty-pool': {
      const before = app.platform.currentConfig();
      await emptyPool(app.platform);
      app.setPlatformConfig({ keepAliveMs: before.keepAliveMs, prewarm: before.prewarm });
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
    case 'load':
      app.panel = 'load';
      await loadRequests.post({ ...a.workload, fn: ctx.name(a.workload.fn) });
      return;
    case 'compare':
      app.panel = 'compare';
      await compareRequests.post({
        workload: { ...a.workload, fn: ctx.name(a.workload.fn) },
        a: a.a,
        b: a.b,
      });
      return;
    case 'benchmark':
      app.panel = 'benchmarks';
      await benchRequests.post({ programs: a.programs, runs: a.runs });
      return;
    case 'price':
      pricing.model = { ...pricing.model, granularityMs: a.granularityMs };
      return;
  }
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
