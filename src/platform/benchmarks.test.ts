import { describe, expect, it } from 'vitest';
import {
  BENCH_CSV_HEADER,
  benchmarksToCsv,
  benchmarksToJson,
  overhead,
  ratio,
  difference,
  runBenchmarks,
  summarize,
  type Baseline,
  type BenchPlatform,
  type BenchProgram,
} from './benchmarks';
import { inspectModule } from './inspect';
import { parseCsv } from './metrics/csv';
import type { FunctionInfo, Invocation } from './types';

describe('summarize', () => {
  it('gives mean, sample standard deviation, min, median and max', () => {
    const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.n).toBe(8);
    expect(s.mean).toBe(5);
    expect(s.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(s.min).toBe(2);
    expect(s.median).toBe(4.5);
    expect(s.max).toBe(9);
    expect(summarize([3]).sd).toBe(0);
    expect(summarize([1, 3, 2]).median).toBe(2);
    expect(Number.isNaN(summarize([]).mean)).toBe(true);
  });

  it('computes overhead as a percentage of the direct time', () => {
    expect(overhead(103, 100)).toBeCloseTo(3, 12);
    expect(overhead(99, 100)).toBeCloseTo(-1, 12);
    expect(overhead(undefined, 100)).toBeNull();
    expect(overhead(1, 0)).toBeNull();
    expect(ratio(2, 4)).toBe(0.5);
    expect(ratio(2, 0)).toBeNull();
    expect(ratio(undefined, 4)).toBeNull();
    expect(difference(3, 1)).toBe(2);
    expect(difference(3, undefined)).toBeNull();
  });
});

/** A fake platform and baseline that log what the runner asked for, in order. */
function fakes(
  opts: { failWarmAt?: number; wrongOutputAt?: number; countAt?: (call: number) => number } = {},
) {
  const log: string[] = [];
  const configs: unknown[] = [];
  const loaded: Uint8Array[] = [];
  const deployed = new Map<string, number>();
  const calls = new Map<string, number>();
  let warmCalls = 0;
  let t = 0;
  const platform: BenchPlatform = {
    functions: () => [{ name: 'benchmark-nbody' } as FunctionInfo],
    deploy: async (name, _code, config) => {
      configs.push(config);
      const version = (deployed.get(name) ?? 0) + 1;
      deployed.set(name, version);
      log.push(`deploy ${name}`);
      return { name, version, config: { memoryMiB: 4 } } as FunctionInfo;
    },
    undeploy: async (name) => {
      deployed.delete(name);
      log.push(`undeploy ${name}`);
    },
    invoke: async (name, _args, o) => {
      const cold = name.endsWith('-cold');
      const first = !calls.has(name);
      calls.set(name, (calls.get(name) ?? 0) + 1);
      if (!cold) warmCalls++;
      log.push(`invoke ${name}`);
      const inv = {
        outcome: 'ok',
        start: cold || first ? 'cold' : 'warm',
        exitCode: 0,
        stdout: `out ${o?.argv?.join(' ')}`,
        timings: { total: cold ? 5 : 2 + (t++ % 2), exec: 1 },
      } as unknown as Invocation;
      if (opts.failWarmAt !== undefined && !cold && warmCalls === opts.failWarmAt) {
        inv.outcome = 'trap';
        inv.error = 'unreachable';
      }
      if (opts.wrongOutputAt !== undefined && !cold && warmCalls === opts.wrongOutputAt) inv.stdout = 'nope';
      const meter = (configs.at(-1) as { meter?: boolean } | undefined)?.meter;
      if (meter) inv.instructions = opts.countAt?.(warmCalls) ?? 1234;
      return inv;
    },
  };
  const baseline: Baseline = {
    load: async (key, bytes) => {
      loaded.push(bytes);
      log.push(`load ${key.split('#')[0]}`);
      return 1;
    },
    runWasm: async (_key, argv) => {
      log.push('direct');
      return { instantiateMs: 0.5, execMs: 1.5, exitCode: 0, stdout: `out ${argv.slice(1).join(' ')}` };
    },
    runJs: async (_name, args) => {
      log.push('js');
      return { execMs: 3, stdout: `out ${args.join(' ')}` };
    },
    jsPrograms: async () => ['nbody'],
    unload: async () => {},
  };
  return { platform, baseline, log, configs, loaded };
}

const program = (name: string, hasJs: boolean): BenchProgram => ({
  name,
  bytes: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]),
  argv: ['10'],
  files: {},
  hasJs,
});

describe('runBenchmarks', () => {
  it('with meter, deploys metered and reports the instruction count of each program in the table and the CSV', async () => {
    const { platform, baseline, configs } = fakes();
    const report = await runBenchmarks([program('nbody', false)], platform, baseline, {
      runs: 2,
      meter: true,
      settle: async () => {},
    });
    expect(configs.every((c) => (c as { meter?: boolean }).meter === true)).toBe(true);
    expect(report.programs[0].instructions).toBe(1234);
    expect(report.environment.metered).toBe(true);
    const rows = parseCsv(benchmarksToCsv(report));
    const col = rows[0].indexOf('instructions');
    expect(rows.find((r) => r[2] === 'warm')?.[col]).toBe('1234');
    const plain = await runBenchmarks([program('nbody', false)], fakes().platform, baseline, {
      runs: 1,
      settle: async () => {},
    });
    expect(plain.programs[0].instructions).toBeUndefined();
  });

  it('with meter, a count that changes between runs is an error', async () => {
    const { platform, baseline } = fakes({ countAt: (n) => (n === 3 ? 999 : 1234) });
    const report = await runBenchmarks([program('nbody', false)], platform, baseline, {
      runs: 3,
      meter: true,
      settle: async () => {},
    });
    expect(report.programs[0].error).toMatch(/ran 999 instructions, an earlier run 1234/);
  });

  it("runs direct on the bytes the platform runs: the upload with the function's memory cap", async () => {
    const { platform, baseline, loaded } = fakes();
    // A module with one memory of 1 page and no maximum; the function's cap is 4 MiB (64 pages).
    const withMemory = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 3, 1, 0, 1]);
    await runBenchmarks([{ ...program('nbody', false), bytes: withMemory }], platform, baseline, { runs: 1 });
    expect(loaded).toHaveLength(1);
    const info = inspectModule(loaded[0]);
    expect(info.memories[0]).toMatchObject({ initialPages: 1, maximumPages: 64 });
    // Without a memory there is nothing to cap: the upload as it is.
    const { platform: p2, baseline: b2, loaded: l2 } = fakes();
    const plain = program('nbody', false);
    await runBenchmarks([plain], p2, b2, { runs: 1 });
    expect(l2[0]).toBe(plain.bytes);
  });

  it('interleaves warm, direct and js in rotating order after two untimed rounds, then cold as a block', async () => {
    const { platform, baseline, log } = fakes();
    const progress: string[] = [];
    const report = await runBenchmarks([program('nbody', true)], platform, baseline, {
      runs: 2,
      settle: async () => {},
      onProgress: (p) => progress.push(`${p.mode}:${p.run}:${p.done}/${p.total}`),
    });
    // "benchmark-nbody" is taken by the user: the runner picks another name.
    expect(log).toEqual([
      'deploy benchmark-nbody-2',
      'load nbody',
      ...['invoke benchmark-nbody-2', 'direct', 'js', 'invoke benchmark-nbody-2', 'direct', 'js'], // untimed
      ...['invoke benchmark-nbody-2', 'direct', 'js', 'direct', 'js', 'invoke benchmark-nbody-2'], // rotating
      ...[
        'deploy benchmark-nbody-cold',
        'invoke benchmark-nbody-cold',
        'deploy benchmark-nbody-cold',
        'invoke benchmark-nbody-cold',
      ],
      'undeploy benchmark-nbody-2',
      'undeploy benchmark-nbody-cold',
    ]);
    expect(progress.at(-1)).toBe('cold:2:7/8');
    const r = report.programs[0];
    expect(r.error).toBeUndefined();
    expect(r.modes.cold?.samples).toEqual([5, 5]);
    expect(r.modes.warm?.summary.mean).toBe(2.5);
    expect(r.modes.direct?.summary.mean).toBe(2);
    expect(r.modes.direct?.exec?.mean).toBe(1.5);
    expect(r.modes.js?.summary.mean).toBe(3);
    expect(r.overheadPct).toBeCloseTo(25, 12);
    expect(r.overheadMs).toBeCloseTo(0.5, 12);
    // Wasm ÷ JS: direct (2 ms) against the JavaScript version (3 ms) in the same plain worker.
    expect(r.wasmPerJs).toBeCloseTo(2 / 3, 12);
    expect(report.stopped).toBe(false);
  });

  it('skips the JavaScript mode for programs without a JS version', async () => {
    const { platform, baseline, log } = fakes();
    const report = await runBenchmarks([program('nop', false)], platform, baseline, { runs: 1 });
    expect(log).not.toContain('js');
    expect(report.programs[0].modes.js).toBeUndefined();
    expect(report.programs[0].wasmPerJs).toBeNull();
  });

  it('reports a failing or wrong run as the program’s error and goes on with the next program', async () => {
    for (const [opts, want] of [
      [{ failWarmAt: 3 }, /warm run: trap \(unreachable\)/],
      [{ wrongOutputAt: 4 }, /warm run printed different output: "nope"/],
    ] as const) {
      const { platform, baseline, log } = fakes(opts);
      const report = await runBenchmarks(
        [program('nbody', true), program('nop', false)],
        platform,
        baseline,
        { runs: 3 },
      );
      expect(report.programs[0].error).toMatch(want);
      expect(report.programs[1].error).toBeUndefined();
      // nbody failed before its cold runs, so only its warm function was deployed.
      expect(log.filter((l) => l.startsWith('undeploy'))).toHaveLength(3);
    }
  });

  it('stops between runs and keeps what finished', async () => {
    const { platform, baseline } = fakes();
    const ctrl = new AbortController();
    const report = await runBenchmarks([program('nbody', true), program('nop', false)], platform, baseline, {
      runs: 10,
      signal: ctrl.signal,
      onProgress: (p) => {
        if (p.done === 6) ctrl.abort();
      },
    });
    expect(report.stopped).toBe(true);
    expect(report.programs).toHaveLength(1);
    // Aborted as the third round began with js: that run finishes, nothing after it starts.
    expect(report.programs[0].modes.warm?.samples.length).toBe(2);
    expect(report.programs[0].modes.direct?.samples.length).toBe(2);
    expect(report.programs[0].modes.js?.samples.length).toBe(3);
    expect(report.programs[0].modes.cold).toBeUndefined();
  });

  it('exports one CSV row per program and mode, and JSON without NaN', async () => {
    const { platform, baseline } = fakes();
    const report = await runBenchmarks([program('nbody', true), program('nop', false)], platform, baseline, {
      runs: 2,
    });
    const rows = parseCsv(benchmarksToCsv(report));
    expect(rows[0]).toEqual([...BENCH_CSV_HEADER]);
    expect(rows.slice(1).map((r) => `${r[0]}/${r[2]}`)).toEqual([
      'nbody/cold',
      'nbody/warm',
      'nbody/direct',
      'nbody/js',
      'nop/cold',
      'nop/warm',
      'nop/direct',
    ]);
    const warm = rows[2];
    expect(warm[3]).toBe('2');
    expect(Number(warm[4])).toBe(2.5);
    expect(Number(warm[11])).toBeCloseTo(25, 6);
    const json = JSON.parse(benchmarksToJson(report));
    expect(json.programs[0].modes.warm.samples).toEqual([2, 3]);
    expect(json.runs).toBe(2);
  });

  it('refuses a run count out of range', async () => {
    const { platform, baseline } = fakes();
    await expect(runBenchmarks([], platform, baseline, { runs: 0 })).rejects.toThrow(RangeError);
  });
});
