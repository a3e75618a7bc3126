#!/usr/bin/env node
// Metering overhead by CPU time, for a machine shared with other work. The `meter` scenario
// compares wall times, which other processes stretch at random once the load passes the CPU count;
// this runs each seed 002 program plain and metered in one headless Chromium page, interleaved
// (ABBA), and reads the CPU time the renderer's main thread spent on each run from
// /proc/<pid>/task/<pid>/schedstat (Linux only), which time slicing does not inflate.
//
//   node bench/meter-cpu.mjs [--rounds 7] [--baseline REF] [nbody binary-trees …]
//
// --baseline REF also meters with src/platform/meter.ts as of git REF (e.g. main), in the same
// page, so a change to the rewriter is compared against the old one run for run.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { launchOptions } from '../scripts/browser.mjs';
import { median } from './lib/stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}bench/results/meter-cpu/`;
const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '7' }, baseline: { type: 'string' } },
});
const rounds = Number(opts.rounds);
const names = positionals.length ? positionals : ['nbody', 'fannkuch-redux', 'mandelbrot', 'binary-trees'];

// Bundle the rewriter and WASI for the page (and the baseline rewriter, importing today's decoder).
mkdirSync(out, { recursive: true });
const bundle = (entry, name) => {
  writeFileSync(`${out}${name}.entry.ts`, entry);
  const r = spawnSync(
    `${root}node_modules/.bin/rolldown`,
    [`${out}${name}.entry.ts`, '-f', 'iife', '-n', name, '-p', 'browser', '-o', `${out}${name}.js`],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`bundling ${name}: ${r.stderr}`);
  return readFileSync(`${out}${name}.js`, 'utf8');
};
const scripts = [
  bundle(
    `export { meterModule, FuelMeter } from '${root}src/platform/meter';\n` +
      `export { createWasi } from '${root}src/workers/wasi';\n`,
    'MeterNow',
  ),
];
if (opts.baseline) {
  const old = execFileSync('git', ['show', `${opts.baseline}:src/platform/meter.ts`], {
    cwd: root,
    encoding: 'utf8',
  })
    .replaceAll("from './inspect'", `from '${root}src/platform/inspect'`)
    .replaceAll("from './types'", `from '${root}src/platform/types'`);
  writeFileSync(`${out}meter-baseline.ts`, old);
  scripts.push(bundle(`export { meterModule, FuelMeter } from '${out}meter-baseline';\n`, 'MeterBase'));
}
const variants = ['plain', ...(opts.baseline ? ['baseline'] : []), 'metered'];

const browser = await chromium.launch(launchOptions());
const page = await browser.newPage();
await page.goto('about:blank');
for (const content of scripts) await page.addScriptTag({ content });

// This browser's renderers (children of this process).
const ps = execFileSync('ps', ['-eo', 'pid,ppid,args', '--no-headers'], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .map((l) => l.trim().split(/\s+/));
const children = new Map();
for (const [pid, ppid] of ps) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
const mine = new Set();
const walk = (p) => (children.get(p) ?? []).forEach((c) => walk(c, mine.add(c)));
walk(String(process.pid));
const renderers = ps
  .filter(([pid, , ...a]) => mine.has(pid) && a.includes('--type=renderer'))
  .map(([pid]) => pid);
const threadMs = (pid) =>
  Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
// Summed over this browser's renderers (the idle ones add nothing): the page's may not be the
// first one found, and which one it is cannot be told apart reliably while others start up.
const cpuMs = () => renderers.reduce((sum, pid) => sum + threadMs(pid), 0);
// A check that the page's main thread is among them: it must gain CPU time while the page spins
// (a little: at a high load the spin may get a fraction of a core).
const before = cpuMs();
await page.evaluate(() => {
  for (const t = performance.now(); performance.now() - t < 300;);
});
if (cpuMs() - before < 10) throw new Error('no renderer main thread of this browser was found in /proc');

const wasiDir = `${root}samples/wasi/`;
const index = JSON.parse(readFileSync(`${wasiDir}index.json`, 'utf8'));
console.log(`renderer main-thread CPU time, median of ${rounds} interleaved rounds (min in brackets)`);
for (const name of names) {
  const e = index.find((x) => x.name === name);
  if (!e) throw new Error(`no seed 002 program ${name}`);
  const ready = await page.evaluate(
    ([name, argv, bytes, variants]) => {
      const wasm = new Uint8Array(bytes);
      const libs = { metered: globalThis.MeterNow, baseline: globalThis.MeterBase };
      const prepared = {};
      for (const v of variants) {
        if (v === 'plain') prepared[v] = { module: new WebAssembly.Module(wasm) };
        else {
          const m = libs[v].meterModule(wasm);
          prepared[v] = { module: new WebAssembly.Module(m.bytes), m, lib: libs[v] };
        }
      }
      globalThis.runOnce = (v) => {
        const { module, m, lib } = prepared[v];
        const wasi = globalThis.MeterNow.createWasi(
          { argv: [name, ...argv], env: {}, stdin: null, files: {} },
          () => {},
        );
        const imports = { [wasi.moduleName]: wasi.imports };
        let fuel = null;
        if (m) {
          fuel = new lib.FuelMeter();
          fuel.begin(Infinity);
          imports[m.importModule] = { [m.importName]: fuel.refuel };
        }
        const instance = new WebAssembly.Instance(module, imports);
        if (fuel) fuel.attach(instance.exports[m.fuelExport]);
        wasi.attach(instance, instance.exports.memory);
        wasi.call(instance.exports._start, []);
        const done = wasi.finish();
        return { instructions: fuel?.used() ?? null, stdout: done.stdout.length };
      };
      return true;
    },
    [name, e.benchArgv, [...readFileSync(`${wasiDir}${e.file}`)], variants],
  );
  if (!ready) throw new Error(name);
  const times = Object.fromEntries(variants.map((v) => [v, []]));
  const counts = {};
  for (let i = 0; i < rounds + 2; i++) {
    for (const v of i % 2 ? [...variants].reverse() : variants) {
      const t0 = cpuMs();
      const r = await page.evaluate((v) => globalThis.runOnce(v), v);
      if (i > 1) times[v].push(cpuMs() - t0); // two rounds warm up (and tier up)
      counts[v] = r.instructions;
    }
  }
  const plain = median(times.plain);
  const cells = variants.map((v) => {
    const t = median(times[v]);
    const pct = v === 'plain' ? '' : ` ${t >= plain ? '+' : ''}${((t / plain - 1) * 100).toFixed(1)} %`;
    return `${v} ${t.toFixed(1)} ms [${Math.min(...times[v]).toFixed(1)}]${pct}`;
  });
  const same =
    !opts.baseline || counts.baseline === counts.metered
      ? ''
      : `  COUNTS DIFFER: ${counts.baseline} vs ${counts.metered}`;
  console.log(`  ${name.padEnd(15)} ${cells.join(' · ')}${same}`);
}
await browser.close();
