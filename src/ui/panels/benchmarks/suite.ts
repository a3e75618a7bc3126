// The seed 002 suite as the Benchmarks panel runs it: the benchmark programs of samples/wasi,
// their bytes and input files, at two workload sizes. The .wasm files are fetched on demand.
import index from '../../../../samples/wasi/index.json';
import type { BenchProgram } from '../../../platform/benchmarks';

interface WasiSample {
  name: string;
  kind: 'benchmark' | 'test';
  file: string;
  description: string;
  argv: string[];
  benchArgv?: string[];
  files?: Record<string, string>;
  expected: string | null;
  benchExpected?: string;
}

export type Workload = 'quick' | 'full' | 'long';

/**
 * Quick sizes: each compute program runs for about 20–50 ms on an idle 2-core machine — long
 * enough that the platform's fixed cost per call (~0.3 ms: messages, instantiation, capture)
 * is ~1 % of a run, short enough that 50 runs of all four ways of the whole suite take well
 * under a minute. Full sizes are index.json's benchArgv (0.2–0.8 s a run; minutes at N = 50).
 */
const QUICK_ARGV: Record<string, string[]> = {
  nop: [],
  'cat-sync': ['input.txt'],
  nbody: ['200000'],
  'fannkuch-redux': ['9'],
  mandelbrot: ['500', 'mandelbrot.pbm'],
  'binary-trees': ['13'],
};

/**
 * Long sizes: each compute program runs for at least ~0.2 s on an idle 2-core machine (0.25–0.4 s
 * in Chromium 156), so the platform's cost per call (two thread hops, ~0.1 ms idle and 1–2 ms at a
 * load average of 10) and the timer stay under 1 % of a run: the sizes to measure the platform's
 * overhead against a plain worker with (bench/scenarios/wasi.mjs). Full sizes run 60–250 ms.
 */
const LONG_ARGV: Record<string, string[]> = {
  nbody: ['4000000'],
  'fannkuch-redux': ['10'],
  mandelbrot: ['2000', 'mandelbrot.pbm'],
  'binary-trees': ['17'],
};

export const SUITE: readonly WasiSample[] = (index as WasiSample[]).filter((s) => s.kind === 'benchmark');

const wasmUrls = import.meta.glob<string>('/samples/wasi/*.wasm', {
  query: '?url&no-inline',
  import: 'default',
  eager: true,
});
const expectedTexts = import.meta.glob<string>('/samples/wasi/expected/*.stdout', {
  query: '?raw',
  import: 'default',
});

/** The bytes of a program in samples/wasi (by its index.json name). */
export async function wasiSampleBytes(name: string, fetchFn: typeof fetch = fetch): Promise<Uint8Array> {
  const s = (index as WasiSample[]).find((x) => x.name === name);
  const url = s && wasmUrls[`/samples/wasi/${s.file}`];
  if (!s || !url) throw new Error(`There is no WASI sample called "${name}"`);
  const res = await fetchFn(url);
  if (!res.ok) throw new Error(`${name}: could not load ${s.file} (${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}

export function argvFor(sample: WasiSample, workload: Workload): string[] {
  if (workload === 'long') return LONG_ARGV[sample.name] ?? sample.benchArgv ?? sample.argv;
  return workload === 'full' ? (sample.benchArgv ?? sample.argv) : (QUICK_ARGV[sample.name] ?? sample.argv);
}

const sameArgs = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Loads the chosen programs' bytes and the stdout expected at that size, when one is checked in. */
export async function loadPrograms(
  names: readonly string[],
  workload: Workload,
  /** Programs the baseline has a JavaScript version of. */
  withJs: readonly string[],
  fetchFn: typeof fetch = fetch,
): Promise<BenchProgram[]> {
  const enc = new TextEncoder();
  return Promise.all(
    SUITE.filter((s) => names.includes(s.name)).map(async (s) => {
      const bytes = await wasiSampleBytes(s.name, fetchFn);
      const argv = argvFor(s, workload);
      const expectedFile = sameArgs(argv, s.argv)
        ? s.expected
        : s.benchArgv && sameArgs(argv, s.benchArgv)
          ? s.benchExpected
          : null;
      const loadExpected = expectedFile ? expectedTexts[`/samples/wasi/${expectedFile}`] : undefined;
      const files: Record<string, Uint8Array> = {};
      for (const [path, text] of Object.entries(s.files ?? {})) files[path] = enc.encode(text);
      const program: BenchProgram = {
        name: s.name,
        bytes,
        argv,
        files,
        hasJs: withJs.includes(s.name),
        // nop measures what a call costs beyond `_start`: its direct run uses the smallest WASI
        // there is (the upstream shim), the strictest floor. The others write output and files,
        // which that shim copies whole on every write past a file's end (mandelbrot ran 35–70 %
        // slower there), so they run on the platform's own WASI in both places.
        directWasi: s.name === 'nop' ? 'shim' : 'platform',
      };
      if (loadExpected) program.expectedStdout = await loadExpected();
      return program;
    }),
  );
}
