// The seed 002 benchmark method, in the browser: each WASI program runs N times (50 by default)
// in four ways, and each way is summarised by its mean and standard deviation (plus min, median
// and max):
//
//   cold    the first invocation of a freshly deployed version, on a prewarmed pool: the worker is
//           up, but the module is not in it yet, so the time includes posting the compiled module
//           to the worker and a new instance. Compilation happens at deploy and is not included,
//           nor is spawning a worker (the pool keeps one prewarmed).
//   warm    the same deployed function again: the module is already in the worker. A WASI
//           command still gets a new instance every time (wasi-libc's exit ends it).
//   direct  the same bytes instantiated and run in a plain worker without the platform
//           (src/workers/baseline.worker.ts): instantiate + `_start`, timed inside that worker. It
//           runs on the platform's own WASI (same filesystem, output captured, not streamed), so
//           warm against direct measures the platform and not two WASI implementations; nop's
//           direct run uses the upstream shim at its smallest instead, the floor for a call's
//           fixed cost (the suite says which, BenchProgram.directWasi). "The same bytes" are the
//           ones the platform runs: the upload with the function's memory cap written into its
//           memory section (limits.ts capMemory), so both sides run one compiled module.
//           Compiled from different bytes, V8 optimises each copy on its own (speculative
//           inlining from each copy's own feedback), and paired runs of the same program
//           differed by −5 … +5 % from one session to the next (fannkuch, binary-trees); from the
//           same bytes, within ±2.3 %.
//   js      the JavaScript version (samples/wasi/js/benchmarks.ts) doing identical work in that
//           plain worker, timed around the call.
//
// cold and warm are the platform's own record of the call (Invocation.timings.total: enqueued to
// settled, as a caller sees it). The platform's overhead is warm against direct, as a percentage.
// warm, direct and js are interleaved run by run, in an order that rotates each round (warm,
// direct, js; direct, js, warm; …), so that a change in the machine's load, and the work one run
// leaves behind for the next, affect them alike; two untimed rounds come first so that no timed
// run pays for JIT tier-up that later ones do not. The cold runs follow as a block: each compiles a new
// version that V8 goes on optimising in background threads after the run, which would slow
// whichever run came next.
// Framework-free: the platform, the baseline worker and the clock are passed in.
import { releaseProxy, wrap } from 'comlink';
import type { BaselineApi, DirectWasi } from '../workers/baseline.worker';
import { toCsv } from './metrics/csv';
import type { PlatformClient } from './client';
import type { FunctionConfig, Invocation } from './types';
import { capMemory, mibToPages } from './limits';
import { uniqueName } from './rules';

export type BenchMode = 'cold' | 'warm' | 'direct' | 'js';
export const BENCH_MODES: readonly BenchMode[] = ['cold', 'warm', 'direct', 'js'];

export const DEFAULT_BENCH_RUNS = 50;
export const MAX_BENCH_RUNS = 1000;
/** Untimed runs of warm, direct and js before the timed ones. */
const WARMUP_RUNS = 2;

export interface BenchProgram {
  name: string;
  bytes: Uint8Array;
  /** Arguments after argv[0] (the platform passes the function name as argv[0]). */
  argv: string[];
  files: Record<string, Uint8Array>;
  /** When given, every run's stdout must equal it. */
  expectedStdout?: string;
  /** Whether the baseline has a JavaScript version of this program. */
  hasJs: boolean;
  /** Which WASI the direct run uses (see Baseline.runWasm); the platform's own when not given. */
  directWasi?: DirectWasi;
}

/** What the runner needs from the baseline worker; a Comlink Remote<BaselineApi> satisfies it. */
export interface Baseline {
  load(key: string, bytes: Uint8Array): Promise<number>;
  runWasm(
    key: string,
    argv: string[],
    files: Record<string, Uint8Array>,
    wasi?: DirectWasi,
  ): Promise<{ instantiateMs: number; execMs: number; exitCode: number; stdout: string }>;
  runJs(name: string, args: string[]): Promise<{ execMs: number; stdout: string }>;
  jsPrograms(): Promise<string[]>;
  unload(key: string): Promise<void>;
}

/** Starts the baseline worker; `dispose()` ends it (a run in it is cut short and never settles). */
export function connectBaseline(spawn: () => Worker): Baseline & { dispose(): void } {
  const worker = spawn();
  const remote = wrap<BaselineApi>(worker);
  return {
    load: (key, bytes) => remote.load(key, bytes),
    runWasm: (key, argv, files, wasi) => remote.runWasm(key, argv, files, wasi),
    runJs: (name, args) => remote.runJs(name, args),
    jsPrograms: () => remote.jsPrograms(),
    unload: (key) => remote.unload(key),
    dispose: () => {
      remote[releaseProxy]();
      worker.terminate();
    },
  };
}

export type BenchPlatform = Pick<PlatformClient, 'deploy' | 'invoke' | 'undeploy' | 'functions'>;

export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single run. */
  sd: number;
  min: number;
  median: number;
  max: number;
}

export interface ModeResult {
  /** Milliseconds per run, in run order. */
  samples: number[];
  summary: Summary;
  /** The execution part alone (cold and warm: the worker's exec time; direct: `_start`). */
  exec?: Summary;
}

export interface ProgramResult {
  name: string;
  argv: string[];
  modes: Partial<Record<BenchMode, ModeResult>>;
  /** (warm mean − direct mean) / direct mean × 100: what the platform adds to a run. */
  overheadPct: number | null;
  /** The same for the execution part alone (warm exec vs direct `_start`). */
  execOverheadPct: number | null;
  /** With `meter`: the instructions one run executes (the same on every cold and warm run). */
  instructions?: number;
  /** warm mean − direct mean (ms): the platform's cost per call, which the percentage hides for tiny programs. */
  overheadMs: number | null;
  /** direct mean ÷ js mean: the same work in Wasm against JavaScript, both in a plain worker (< 1: Wasm is faster). */
  wasmPerJs: number | null;
  error?: string;
}

export interface BenchReport {
  /** ISO date of the start. */
  startedAt: string;
  durationMs: number;
  runs: number;
  stopped: boolean;
  method: string;
  environment: Record<string, string | number | boolean>;
  programs: ProgramResult[];
}

export interface BenchProgress {
  program: string;
  mode: BenchMode | 'setup';
  run: number;
  runs: number;
  /** Runs done so far and in all, over every program and mode. */
  done: number;
  total: number;
}

export interface BenchOptions {
  runs?: number;
  signal?: AbortSignal;
  onProgress?: (p: BenchProgress) => void;
  /** Called as each program finishes, so a table can fill in while the rest runs. */
  onProgram?: (r: ProgramResult) => void;
  /** Extra facts about the machine, recorded in the report (user agent, cores, …). */
  environment?: Record<string, string | number | boolean>;
  /** Deploy the programs metered (meter.ts), so each result carries its instruction count. */
  meter?: boolean;
  now?: () => number;
  /**
   * Awaited before every timed run, so work queued by the previous one (the UI reacting to a
   * settled invocation, say) runs before the clock starts rather than inside the next run.
   * Default: one macrotask.
   */
  pause?: () => Promise<void>;
  /** Awaited before each program, so background work from the previous one is over. Default: 100 ms. */
  settle?: () => Promise<void>;
}

/** Resolves after one macrotask, without setTimeout's clamping and background throttling. */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

export const BENCH_METHOD =
  'Per program: two untimed rounds, then N rounds of warm, direct and js interleaved (order rotating each ' +
  'round), then N cold runs. ' +
  'cold: first invocation of a fresh deploy on a prewarmed pool (module posted to the worker + new instance + run; ' +
  'compile at deploy excluded). warm: the same function again (module in the worker; commands still get a new ' +
  "instance). direct: the bytes the platform runs (the upload with its memory cap) instantiated and run in a plain worker on the platform's WASI (nop: the " +
  'smallest upstream shim), timed in that worker. js: the JavaScript version in that worker. cold and warm are Invocation.timings.total (enqueue to ' +
  'settle). Mean and sample standard deviation (n − 1).';

/** Mean, sample standard deviation, min, median and max. */
export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) return { n: 0, mean: NaN, sd: NaN, min: NaN, median: NaN, max: NaN };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return {
    n,
    mean,
    sd: n > 1 ? Math.sqrt(sq / (n - 1)) : 0,
    min: sorted[0],
    median: n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
    max: sorted[n - 1],
  };
}

/** a − b, or null when either is missing. */
export function difference(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined || !Number.isFinite(a - b) ? null : a - b;
}

/** a ÷ b, or null when either is missing or b is not positive (a 0 ms run at a coarse timer). */
export function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || !(b > 0) || !Number.isFinite(a)) return null;
  return a / b;
}

export function overhead(platformMs: number | undefined, directMs: number | undefined): number | null {
  if (platformMs === undefined || directMs === undefined || !(directMs > 0) || !Number.isFinite(platformMs))
    return null;
  return ((platformMs - directMs) / directMs) * 100;
}

class Stopped extends Error {}

const BENCH_CONFIG: Partial<FunctionConfig> = { timeoutMs: 120_000, instance: 'fresh' };

/** Runs the suite; resolves with whatever finished when stopped through the signal. */
export async function runBenchmarks(
  programs: readonly BenchProgram[],
  platform: BenchPlatform,
  baseline: Baseline,
  options: BenchOptions = {},
): Promise<BenchReport> {
  const runs = Math.trunc(options.runs ?? DEFAULT_BENCH_RUNS);
  if (!(runs >= 1 && runs <= MAX_BENCH_RUNS))
    throw new RangeError(`runs must be from 1 to ${MAX_BENCH_RUNS} (got ${options.runs})`);
  const now = options.now ?? (() => performance.now());
  const pause = options.pause ?? nextMacrotask;
  const settle = options.settle ?? (() => new Promise<void>((r) => setTimeout(r, 100)));
  const config: Partial<FunctionConfig> = options.meter ? { ...BENCH_CONFIG, meter: true } : BENCH_CONFIG;
  const started = now();
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    durationMs: 0,
    runs,
    stopped: false,
    method: BENCH_METHOD,
    environment: { ...(options.environment ?? {}), ...(options.meter ? { metered: true } : {}) },
    programs: [],
  };
  const modesOf = (p: BenchProgram) => BENCH_MODES.filter((m) => m !== 'js' || p.hasJs);
  const total = programs.reduce((n, p) => n + runs * modesOf(p).length, 0);
  let done = 0;
  const taken = new Set(platform.functions().map((f) => f.name));
  const check = () => {
    if (options.signal?.aborted) throw new Stopped();
  };

  for (const program of programs) {
    if (options.signal?.aborted) {
      report.stopped = true;
      break;
    }
    const result: ProgramResult = {
      name: program.name,
      argv: [...program.argv],
      modes: {},
      overheadPct: null,
      execOverheadPct: null,
      overheadMs: null,
      wasmPerJs: null,
    };
    const modes = modesOf(program);
    const samples: Record<BenchMode, number[]> = { cold: [], warm: [], direct: [], js: [] };
    const execs: Record<BenchMode, number[]> = { cold: [], warm: [], direct: [], js: [] };
    const warmName = uniqueName(taken, `benchmark-${program.name}`);
    const coldName = uniqueName(taken, `benchmark-${program.name}-cold`);
    const key = `${program.name}#${done}`;
    const deployed: string[] = [];
    const progress = (mode: BenchProgress['mode'], run: number) =>
      options.onProgress?.({ program: program.name, mode, run, runs, done, total });
    let expected = program.expectedStdout;
    const countInstructions = (what: string, n: number | undefined) => {
      if (n === undefined) throw new Error(`${what} was not metered`);
      if (result.instructions === undefined) result.instructions = n;
      else if (n !== result.instructions)
        throw new Error(`${what} ran ${n} instructions, an earlier run ${result.instructions}`);
    };
    const verify = (what: string, stdout: string | undefined, exitCode: number | undefined) => {
      if (exitCode !== 0) throw new Error(`${what} exited with ${exitCode ?? 'no exit code'}`);
      if (expected === undefined) expected = stdout;
      else if (stdout !== expected)
        throw new Error(`${what} printed different output: ${JSON.stringify((stdout ?? '').slice(0, 120))}`);
    };
    const invoke = async (name: string, what: string): Promise<Invocation> => {
      const inv = await platform.invoke(name, [], {
        argv: program.argv,
        files: program.files,
        trigger: 'ui',
      });
      if (inv.outcome !== 'ok')
        throw new Error(`${what}: ${inv.outcome}${inv.error ? ` (${inv.error})` : ''}`);
      verify(what, inv.stdout, inv.exitCode);
      if (options.meter) countInstructions(what, inv.instructions);
      return inv;
    };
    const runs1 = {
      cold: async () => {
        await platform.deploy(coldName, program.bytes, config);
        if (!deployed.includes(coldName)) deployed.push(coldName);
        const inv = await invoke(coldName, 'cold run');
        if (inv.start !== 'cold') throw new Error('cold run: the platform reported a warm start');
        return { ms: inv.timings.total, exec: inv.timings.exec };
      },
      warm: async () => {
        const inv = await invoke(warmName, 'warm run');
        if (inv.start !== 'warm')
          throw new Error(
            'warm run: the module was no longer in a worker (is keep-alive shorter than one round?)',
          );
        return { ms: inv.timings.total, exec: inv.timings.exec };
      },
      direct: async () => {
        const r = await baseline.runWasm(
          key,
          [program.name, ...program.argv],
          program.files,
          program.directWasi ?? 'platform',
        );
        verify('direct run', r.stdout, r.exitCode);
        return { ms: r.instantiateMs + r.execMs, exec: r.execMs };
      },
      js: async () => {
        const r = await baseline.runJs(program.name, program.argv);
        verify('JavaScript version', r.stdout, 0);
        return { ms: r.execMs, exec: r.execMs };
      },
    } satisfies Record<BenchMode, () => Promise<{ ms: number; exec: number }>>;

    try {
      progress('setup', 0);
      const info = await platform.deploy(warmName, program.bytes, config);
      deployed.push(warmName);
      // What the platform runs (metering aside): the upload with the function's memory cap.
      const capped = capMemory(program.bytes, mibToPages(info.config.memoryMiB));
      await baseline.load(key, capped?.bytes ?? program.bytes);
      // Untimed first runs: the warm function's first call is cold, and both JITs tier up hot code.
      await settle();
      for (let k = 0; k < WARMUP_RUNS; k++) {
        await invoke(warmName, 'first run');
        for (const mode of modes) if (mode === 'direct' || mode === 'js') await runs1[mode]();
      }
      const timed = async (mode: BenchMode, i: number) => {
        check();
        progress(mode, i + 1);
        await pause();
        const r = await runs1[mode]();
        samples[mode].push(r.ms);
        execs[mode].push(r.exec);
        done++;
      };
      const paired = modes.filter((m) => m !== 'cold');
      // The order rotates each round (warm, direct, js; direct, js, warm; …) so that each mode
      // follows each other equally often: a run leaves work behind (garbage, JIT jobs) that lands
      // on the next one, and JavaScript leaves more than Wasm.
      for (let i = 0; i < runs; i++) {
        for (let k = 0; k < paired.length; k++) await timed(paired[(i + k) % paired.length], i);
      }
      // Cold runs come last, as a block: each compiles a new version, and V8 keeps optimising it
      // on background threads after the run, which would slow whichever run came next.
      if (modes.includes('cold')) for (let i = 0; i < runs; i++) await timed('cold', i);
    } catch (err) {
      if (err instanceof Stopped) report.stopped = true;
      else result.error = err instanceof Error ? err.message : String(err);
      done += runs * modes.length - modes.reduce((n, m) => n + samples[m].length, 0);
    } finally {
      for (const name of deployed) await platform.undeploy(name).catch(() => {});
      await baseline.unload(key).catch(() => {});
    }
    for (const mode of modes) {
      if (samples[mode].length === 0) continue;
      const r: ModeResult = { samples: samples[mode], summary: summarize(samples[mode]) };
      if (mode !== 'js') r.exec = summarize(execs[mode]);
      result.modes[mode] = r;
    }
    result.overheadPct = overhead(result.modes.warm?.summary.mean, result.modes.direct?.summary.mean);
    result.execOverheadPct = overhead(result.modes.warm?.exec?.mean, result.modes.direct?.exec?.mean);
    result.overheadMs = difference(result.modes.warm?.summary.mean, result.modes.direct?.summary.mean);
    result.wasmPerJs = ratio(result.modes.direct?.summary.mean, result.modes.js?.summary.mean);
    report.programs.push(result);
    options.onProgram?.(result);
    if (report.stopped) break;
  }
  report.durationMs = now() - started;
  return report;
}

export const BENCH_CSV_HEADER = [
  'program',
  'argv',
  'mode',
  'n',
  'mean_ms',
  'sd_ms',
  'min_ms',
  'median_ms',
  'max_ms',
  'exec_mean_ms',
  'exec_sd_ms',
  'overhead_pct',
  'instructions',
  'error',
] as const;

const num = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? '' : String(Number(v.toFixed(6)));

/** One row per program and mode, with the program's platform overhead on its warm row. */
export function benchmarksToCsv(report: BenchReport): string {
  const rows: string[][] = [[...BENCH_CSV_HEADER]];
  for (const p of report.programs) {
    const modes = BENCH_MODES.filter((m) => p.modes[m]);
    if (modes.length === 0)
      rows.push([p.name, p.argv.join(' '), '', '0', '', '', '', '', '', '', '', '', '', p.error ?? '']);
    for (const m of modes) {
      const r = p.modes[m]!;
      const s = r.summary;
      rows.push([
        p.name,
        p.argv.join(' '),
        m,
        String(s.n),
        num(s.mean),
        num(s.sd),
        num(s.min),
        num(s.median),
        num(s.max),
        num(r.exec?.mean),
        num(r.exec?.sd),
        m === 'warm' ? num(p.overheadPct) : '',
        m === 'warm' ? num(p.instructions) : '',
        p.error ?? '',
      ]);
    }
  }
  return toCsv(rows);
}

export function benchmarksToJson(report: BenchReport): string {
  return JSON.stringify(
    report,
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    2,
  );
}
