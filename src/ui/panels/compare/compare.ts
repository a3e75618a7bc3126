// Comparisons of platform configurations: the same seeded workload run under each (A and B, or the
// keep-alive lab's three policies), one after the other, each from an empty pool, and the user's
// settings put back at the end.
import type { PlatformClient } from '../../../platform/client';
import type { LoadResult, LoadRun, LoadSpec } from '../../../platform/load';
import type {
  FunctionConfig,
  InstancePolicy,
  KeepAlivePolicy,
  PlatformConfig,
} from '../../../platform/types';
import { DEFAULT_FUNCTION_CONFIG } from '../../../platform/types';
import type { WorkloadDraft } from '../load/draft';

/** The settings a side of the comparison may change. */
export interface CompareConfig {
  maxWorkers: number;
  prewarm: number;
  keepAliveMs: number;
  keepAlivePolicy: KeepAlivePolicy;
  instance: InstancePolicy;
  memoryMiB: number;
  timeoutMs: number;
  /** Instrumented at deploy (issue 14): a timeout ends inside the module and the worker lives on. */
  meter: boolean;
  /** Workers that keep the function loaded at all times (provisioned concurrency). */
  provisioned: number;
}

export interface Preset {
  id: string;
  label: string;
  a: Partial<CompareConfig>;
  b: Partial<CompareConfig>;
  /** Workload fields that make the difference visible. */
  workload: Partial<WorkloadDraft>;
  /** The sample the effect shows on, with its arguments (opened when not in the workspace). */
  sample?: { name: string; args: string };
  /** Why it is interesting, in a sentence. */
  about: string;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'keep-alive',
    label: 'keep-alive 1 s vs 60 s',
    a: { keepAliveMs: 1000 },
    b: { keepAliveMs: 60_000 },
    workload: { mode: 'open', arrival: 'poisson', rate: 1, burstsOn: false, duration: 15, count: null },
    about: 'Sparse Poisson traffic: with a 1 s keep-alive, every gap over a second costs a cold start.',
  },
  {
    id: 'prewarm',
    label: 'prewarm 0 vs 2',
    // Calls further apart than the keep-alive: every module has expired, so every call is a cold
    // start on both sides; what prewarming changes is whether a worker must be spawned first.
    a: { prewarm: 0, keepAliveMs: 250 },
    b: { prewarm: 2, keepAliveMs: 250 },
    workload: { mode: 'open', arrival: 'constant', rate: 2, burstsOn: false, duration: 5, count: null },
    about:
      'Calls 0.5 s apart, keep-alive 0.25 s: every call is a cold start on both sides, but without prewarmed workers each one first waits for a nanoprocess to spawn (compare total p50).',
  },
  {
    id: 'timeout',
    label: 'timeout: terminate vs metered',
    a: { meter: false, timeoutMs: 100 },
    b: { meter: true, timeoutMs: 100 },
    workload: { mode: 'open', arrival: 'constant', rate: 4, burstsOn: false, duration: 3, count: null },
    sample: { name: 'stuck', args: '' },
    about:
      'Every call of stuck runs into its 100 ms timeout. Unmetered, the only way to stop it is to terminate its worker, so the next call finds no module and starts cold; metered, the module stops itself at its deadline check and the worker lives on, so the next call is warm (cold starts, workers used).',
  },
  {
    id: 'provisioned',
    label: 'provisioned 0 vs 2',
    // The prewarm preset's calls and keep-alive: every call finds its module expired, unless the
    // function has workers of its own that keep it whatever the keep-alive says.
    a: { provisioned: 0, keepAliveMs: 250 },
    b: { provisioned: 2, keepAliveMs: 250 },
    workload: { mode: 'open', arrival: 'constant', rate: 2, burstsOn: false, duration: 5, count: null },
    about:
      'Calls 0.5 s apart, keep-alive 0.25 s: without provisioned workers every call is a cold start; with two, the function stays loaded past the keep-alive and every call starts warm (cold starts, idle worker-seconds: what provisioned concurrency is billed for).',
  },
  {
    id: 'instance',
    label: 'fresh vs reuse',
    a: { instance: 'fresh' },
    b: { instance: 'reuse' },
    workload: { mode: 'open', arrival: 'constant', rate: 200, burstsOn: false, duration: 3, count: null },
    about: 'A fresh instance per call pays instantiation every time; reuse pays it once per worker.',
  },
  {
    id: 'workers',
    label: 'max workers 1 vs 4',
    a: { maxWorkers: 1 },
    b: { maxWorkers: 4 },
    workload: { mode: 'closed', concurrency: 8, duration: 3, count: null },
    // Work that dwarfs the platform's cost per call, so the cores are what limits throughput.
    sample: { name: 'fib', args: '30' },
    about:
      'Eight clients calling fib(30) back to back: one worker runs them one at a time, four share the machine’s cores (throughput grows up to the number of cores).',
  },
  {
    id: 'queueing',
    label: 'queueing: 1 vs 4 workers',
    a: { maxWorkers: 1 },
    b: { maxWorkers: 4 },
    workload: { mode: 'open', arrival: 'constant', rate: 100, burstsOn: false, duration: 3, count: null },
    sample: { name: 'fib', args: '31' },
    about:
      'fib(31) arriving 100 times a second is more than one worker can run: calls wait in the queue (queue peak, queue time p99). On two or more cores, four workers keep up.',
  },
];

export function currentCompareConfig(
  platform: PlatformConfig,
  fn: FunctionConfig | undefined,
): CompareConfig {
  return {
    maxWorkers: platform.maxWorkers,
    prewarm: platform.prewarm,
    keepAliveMs: platform.keepAliveMs,
    keepAlivePolicy: platform.keepAlivePolicy,
    instance: fn?.instance ?? DEFAULT_FUNCTION_CONFIG.instance,
    memoryMiB: fn?.memoryMiB ?? DEFAULT_FUNCTION_CONFIG.memoryMiB,
    timeoutMs: fn?.timeoutMs ?? DEFAULT_FUNCTION_CONFIG.timeoutMs,
    meter: fn?.meter ?? false,
    provisioned: fn?.provisioned ?? 0,
  };
}

/** "keep-alive 1 s, prewarm 2": how a side differs from the other. */
export function describeDifference(mine: CompareConfig, other: CompareConfig): string {
  const parts: string[] = [];
  if (mine.maxWorkers !== other.maxWorkers) parts.push(`max workers ${mine.maxWorkers}`);
  if (mine.prewarm !== other.prewarm) parts.push(`prewarm ${mine.prewarm}`);
  if (mine.keepAlivePolicy !== other.keepAlivePolicy) parts.push(`${mine.keepAlivePolicy} keep-alive`);
  if (mine.keepAliveMs !== other.keepAliveMs) parts.push(`keep-alive ${mine.keepAliveMs / 1000} s`);
  if (mine.instance !== other.instance) parts.push(mine.instance);
  if (mine.memoryMiB !== other.memoryMiB) parts.push(`${mine.memoryMiB} MiB`);
  if (mine.timeoutMs !== other.timeoutMs) parts.push(`timeout ${mine.timeoutMs} ms`);
  if (mine.meter !== other.meter) parts.push(mine.meter ? 'metered' : 'unmetered');
  if (mine.provisioned !== other.provisioned) parts.push(`provisioned ${mine.provisioned}`);
  return parts.join(', ') || 'same settings';
}

export interface DiffRow {
  metric: string;
  a: number;
  b: number;
  /** How to show values. */
  unit: 'ms' | 'count' | 'rate' | 'usd' | 'seconds';
  /** Whether a smaller value is the better one (colours the delta). */
  lowerIsBetter: boolean;
}

export function diffRows(a: LoadResult, b: LoadResult): DiffRow[] {
  return [
    { metric: 'total p50', a: a.total.p50, b: b.total.p50, unit: 'ms', lowerIsBetter: true },
    { metric: 'total p95', a: a.total.p95, b: b.total.p95, unit: 'ms', lowerIsBetter: true },
    { metric: 'total p99', a: a.total.p99, b: b.total.p99, unit: 'ms', lowerIsBetter: true },
    { metric: 'exec p50', a: a.exec.p50, b: b.exec.p50, unit: 'ms', lowerIsBetter: true },
    { metric: 'queue time p99', a: a.queueMs.p99, b: b.queueMs.p99, unit: 'ms', lowerIsBetter: true },
    { metric: 'cold starts', a: a.cold, b: b.cold, unit: 'count', lowerIsBetter: true },
    { metric: 'throughput', a: a.achievedPerSec, b: b.achievedPerSec, unit: 'rate', lowerIsBetter: false },
    { metric: 'queue peak', a: a.queuePeak, b: b.queuePeak, unit: 'count', lowerIsBetter: true },
    { metric: 'workers used', a: a.workersUsed, b: b.workersUsed, unit: 'count', lowerIsBetter: true },
    {
      metric: 'idle worker-seconds',
      a: a.idleWorkerMs / 1000,
      b: b.idleWorkerMs / 1000,
      unit: 'seconds',
      lowerIsBetter: true,
    },
    {
      metric: 'failed calls',
      a: a.settled - a.outcomes.ok,
      b: b.settled - b.outcomes.ok,
      unit: 'count',
      lowerIsBetter: true,
    },
    { metric: 'cost of the run', a: a.cost.total, b: b.cost.total, unit: 'usd', lowerIsBetter: true },
    {
      metric: 'cost per million',
      a: a.cost.costPerMillion,
      b: b.cost.costPerMillion,
      unit: 'usd',
      lowerIsBetter: true,
    },
  ];
}

export interface SideResult {
  config: CompareConfig;
  result: LoadResult;
  gen: LoadRun;
}

export interface CompareDeps {
  platform: PlatformClient;
  /** Runs the spec to the end (deploying if needed); null when it could not run. */
  run(spec: LoadSpec, label: string): Promise<{ result: LoadResult; gen: LoadRun } | null>;
  /** Makes sure the function is deployed as the workspace has it. */
  ensureDeployed(fn: string): Promise<boolean>;
  status(text: string): void;
  /** Checked between steps; true to give up. */
  cancelled(): boolean;
  sleep?(ms: number): Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `test` every 25 ms until it holds; throws `what` once it has slept `timeoutMs` in vain. */
async function waitFor(
  test: () => Promise<boolean>,
  timeoutMs: number,
  sleep: (ms: number) => Promise<void>,
  what: string,
): Promise<void> {
  for (let slept = 0; !(await test()); slept += 25) {
    if (slept >= timeoutMs) throw new Error(what);
    await sleep(25);
  }
}

/**
 * Ends every idle worker (a fixed keep-alive of 0 and prewarm 0 until none is left); the caller sets
 * the config after. Reads the pool from the platform worker (syncPool), never the mirror, which may
 * still show the pool from before the config change, or none at all just after the page loaded.
 */
export async function emptyPool(
  platform: PlatformClient,
  sleep: (ms: number) => Promise<void> = defaultSleep,
): Promise<void> {
  platform.config({ keepAliveMs: 0, prewarm: 0, keepAlivePolicy: 'fixed' });
  await waitFor(
    async () => (await platform.syncPool()).workers.length === 0,
    5000,
    sleep,
    'The worker pool did not empty within 5 s (a call still running?)',
  );
}

/** Waits until the prewarmed workers the config asks for, and each function's provisioned ones, are up and idle. */
export async function awaitPrewarm(
  platform: PlatformClient,
  sleep: (ms: number) => Promise<void> = defaultSleep,
): Promise<void> {
  const cfg = platform.currentConfig();
  const want = Math.min(cfg.prewarm, cfg.maxWorkers);
  const provisioned = platform
    .functions()
    .filter((f) => f.config.provisioned)
    .map((f) => ({ label: `${f.name}@${f.version}`, want: Math.min(f.config.provisioned!, cfg.maxWorkers) }));
  await waitFor(
    async () => {
      const p = await platform.syncPool();
      return (
        p.workers.length >= want &&
        p.workers.every((w) => w.state === 'idle') &&
        provisioned.every((f) => p.workers.filter((w) => w.modules.includes(f.label)).length >= f.want)
      );
    },
    10_000,
    sleep,
    'The prewarmed and provisioned workers did not come up within 10 s',
  );
}

/**
 * Runs `spec` under each side in turn. Before each run the pool is emptied (a fixed keep-alive of 0
 * and prewarm 0 until every idle worker is reaped), then the side's config is applied and
 * prewarmed workers are given time to come up, so no run inherits warm workers or modules from
 * the one before. The platform and function settings found at the start are restored whatever
 * happens.
 */
export async function runSides(
  deps: CompareDeps,
  spec: LoadSpec,
  sides: readonly { name: string; label: string; config: CompareConfig }[],
): Promise<SideResult[] | null> {
  const { platform } = deps;
  const sleep = deps.sleep ?? defaultSleep;
  if (!(await deps.ensureDeployed(spec.fn))) return null;
  const originalPlatform = platform.currentConfig();
  const info = platform.functions().find((f) => f.name === spec.fn);
  if (!info) return null;
  const fnFields = (c: FunctionConfig | CompareConfig) => ({
    instance: c.instance,
    memoryMiB: c.memoryMiB,
    timeoutMs: c.timeoutMs,
    meter: !!c.meter,
    provisioned: c.provisioned ?? 0,
  });
  const originalFn = fnFields(info.config);
  let fnChanged = false;
  const out: SideResult[] = [];
  try {
    for (const { name: side, label, config: cfg } of sides) {
      if (deps.cancelled()) return null;
      deps.status(`${side}: emptying the pool…`);
      // Provisioned workers outlive any keep-alive: let them go first.
      if (platform.functions().find((f) => f.name === spec.fn)?.config.provisioned) {
        await platform.reconfigure(spec.fn, { provisioned: 0 });
        fnChanged = true;
      }
      await emptyPool(platform, sleep);
      deps.status(`${side}: applying its settings…`);
      const fnNow = platform.functions().find((f) => f.name === spec.fn)?.config;
      const want = fnFields(cfg);
      if (fnNow && JSON.stringify(fnFields(fnNow)) !== JSON.stringify(want)) {
        await platform.reconfigure(spec.fn, want);
        fnChanged = true;
      }
      platform.config({
        ...originalPlatform,
        maxWorkers: cfg.maxWorkers,
        prewarm: cfg.prewarm,
        keepAliveMs: cfg.keepAliveMs,
        keepAlivePolicy: cfg.keepAlivePolicy,
      });
      await awaitPrewarm(platform, sleep);
      if (deps.cancelled()) return null;
      deps.status(`${side}: running…`);
      const ran = await deps.run(spec, `${side}: ${label}`);
      if (!ran) return null;
      out.push({ config: cfg, ...ran });
    }
    return out;
  } finally {
    deps.status('Restoring your settings…');
    try {
      platform.config(originalPlatform);
      if (fnChanged && platform.functions().some((f) => f.name === spec.fn))
        await platform.reconfigure(spec.fn, originalFn);
    } finally {
      deps.status('');
    }
  }
}

/** Runs `spec` under A then B (runSides with two sides, each labelled by how it differs). */
export async function runComparison(
  deps: CompareDeps,
  spec: LoadSpec,
  a: CompareConfig,
  b: CompareConfig,
): Promise<{ a: SideResult; b: SideResult } | null> {
  const out = await runSides(deps, spec, [
    { name: 'A', label: describeDifference(a, b), config: a },
    { name: 'B', label: describeDifference(b, a), config: b },
  ]);
  return out && { a: out[0], b: out[1] };
}
