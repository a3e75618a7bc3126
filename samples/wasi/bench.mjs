// Times each benchmark at its benchArgv: native (gcc -O2, if gcc is installed), Wasm under
// node:wasi (the _start call, plus compile time) and the JS version from js/benchmarks.ts.
// Every run's stdout is checked against benchExpected.
//
// Usage: node samples/wasi/bench.mjs [runs=5]   (prints the median and the best run, in ms)

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { cleanup, here, loadIndex, runNative, runWasi, stage } from './harness.mjs';

const runs = Number(process.argv[2] ?? 5);
const tmp = mkdtempSync(join(tmpdir(), 'nanofaas-bench-'));
const entries = loadIndex().filter((e) => e.kind === 'benchmark' && e.benchArgv);

const hasGcc = spawnSync('gcc', ['--version']).status === 0;
if (hasGcc) {
  for (const e of entries) {
    const r = spawnSync('gcc', [
      '-O2',
      '-std=c11',
      '-D_DEFAULT_SOURCE',
      join(here, e.source),
      '-o',
      join(tmp, e.name),
      '-lm',
    ]);
    if (r.status !== 0) throw new Error(`gcc ${e.source}: ${r.stderr}`);
  }
} else {
  console.log('gcc not found: skipping the native timings');
}

// The JS versions: transpile the TypeScript (types only, no bundling needed).
const tsSource = readFileSync(join(here, 'js', 'benchmarks.ts'), 'utf8');
const js = ts.transpileModule(tsSource, {
  compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
}).outputText;
writeFileSync(join(tmp, 'benchmarks.mjs'), js);
const { jsBenchmarks } = await import(pathToFileURL(join(tmp, 'benchmarks.mjs')).href);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => (xs.length ? `${median(xs).toFixed(1)} (best ${Math.min(...xs).toFixed(1)})` : '—');

function expectOut(e, stdout, what) {
  const expected = readFileSync(join(here, e.benchExpected), 'utf8');
  if (stdout.toString() !== expected)
    throw new Error(`${e.name} ${what}: wrong output ${JSON.stringify(String(stdout))}`);
}

const rows = [];
for (const e of entries) {
  const native = [];
  const wasm = [];
  const compile = [];
  const jsTimes = [];
  const bytes = readFileSync(join(here, e.file));
  for (let i = 0; i < runs; i++) {
    if (hasGcc) {
      const dir = stage(e);
      const r = runNative(join(tmp, e.name), e, e.benchArgv, dir);
      cleanup(dir);
      expectOut(e, r.stdout, 'native');
      native.push(r.ms);
    }
    {
      const dir = stage(e);
      const r = await runWasi(bytes, e, e.benchArgv, dir);
      cleanup(dir);
      if (r.error) throw new Error(r.error);
      expectOut(e, r.stdout, 'wasm');
      wasm.push(r.execMs);
      compile.push(r.compileMs + r.instantiateMs);
    }
    if (jsBenchmarks[e.name]) {
      const t0 = performance.now();
      const r = jsBenchmarks[e.name](e.benchArgv);
      jsTimes.push(performance.now() - t0);
      expectOut(e, r.stdout, 'js');
    }
  }
  rows.push({
    name: `${e.name} ${e.benchArgv.join(' ')}`,
    native: fmt(native),
    wasm: fmt(wasm),
    compile: fmt(compile),
    js: fmt(jsTimes),
  });
}
cleanup(tmp);

console.log(`median of ${runs} runs, ms (native includes process spawn; wasm is the _start call)`);
const cols = ['name', 'native', 'wasm', 'compile', 'js'];
const heads = { name: 'benchmark', native: 'native', wasm: 'node:wasi', compile: 'compile+inst', js: 'JS' };
const width = Object.fromEntries(
  cols.map((c) => [c, Math.max(heads[c].length, ...rows.map((r) => r[c].length))]),
);
const line = (r) =>
  cols
    .map((c) => r[c].padEnd(width[c]))
    .join('  ')
    .trimEnd();
console.log(line(heads));
for (const r of rows) console.log(line(r));
