#!/usr/bin/env node
// Where does the main thread's time go during warm or pipelined invocations?
// Builds the app unminified (bench/results/dist-profile), runs a workload in the page under
// the V8 CPU profiler (CDP Profiler domain, 50 µs sampling) and prints the functions with the
// most self time and the most total time, with file:line into the unminified bundle.
//
//   node bench/profile.mjs [warm|burst] [--n 4000] [--no-build] [--top 30] [--save FILE.cpuprofile]
//   node bench/profile.mjs burst --trace [--save FILE.json]
//   node bench/profile.mjs burst --metrics   # with the Metrics panel open, as npm run bench measures
//
// A saved .cpuprofile opens in Chrome DevTools (Performance → Load profile).
// --trace records a Chrome trace instead (devtools.timeline and friends) and prints the self time
// of each trace event on the page's main thread: it shows the native work the CPU profile lumps
// into "(program)" (style, layout, paint, IndexedDB, message dispatch …). The saved JSON opens in
// DevTools or https://ui.perfetto.dev.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { launchOptions } from '../scripts/browser.mjs';
import { configure, ensureSample, settlePool } from './lib/faas.mjs';
import { serve } from './lib/server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUT = 'bench/results/dist-profile';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    n: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    top: { type: 'string', default: '30' },
    save: { type: 'string' },
    trace: { type: 'boolean', default: false },
    metrics: { type: 'boolean', default: false },
  },
});
const workload = positionals[0] ?? 'warm';
if (!['warm', 'burst'].includes(workload)) throw new Error('workload: warm or burst');
const n = Number(opts.n ?? (workload === 'warm' ? 4000 : 20000));

if (!opts['no-build']) {
  const r = spawnSync(
    'npx',
    ['vite', 'build', '--config', 'bench/vite.config.mjs', '--minify', 'false', '--outDir', OUT],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const server = await serve(resolve(root, OUT), {
  headers: { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' },
});
const browser = await chromium.launch(launchOptions());
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.url}/?bench`);
  await page.waitForFunction(() => typeof window.faas?.invoke === 'function');
  await ensureSample(page, 'sum');
  // As bench/run.mjs does: the service worker's install precaches the app (~2 s of CPU on its
  // thread); profile once it is active, or it lands beside the workload.
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        if (!('serviceWorker' in navigator)) return resolve();
        setTimeout(resolve, 60_000);
        navigator.serviceWorker.ready.then(() => resolve());
      }),
  );
  if (opts.metrics) await page.getByRole('tab', { name: 'Metrics', exact: true }).click();
  if (workload === 'burst') {
    await configure(page, { maxWorkers: 2, prewarm: 2, maxQueue: 1_000_000 });
    await settlePool(page, 2);
  }
  const run = (count) =>
    page.evaluate(
      async ([count, mode]) => {
        const f = window.faas;
        const t0 = performance.now();
        if (mode === 'warm') for (let i = 0; i < count; i++) await f.invoke('sum', [i, 1]);
        else await Promise.all(Array.from({ length: count }, (_, i) => f.invoke('sum', [i, 1])));
        return performance.now() - t0;
      },
      [count, workload],
    );
  await run(Math.min(n, 2000));
  if (opts.trace) {
    const categories = [
      'devtools.timeline',
      'disabled-by-default-devtools.timeline',
      'v8',
      'blink',
      'toplevel',
      'IndexedDB',
      // CPU samples of every thread (the page, the platform worker, the nanoprocesses, the history writer).
      'disabled-by-default-v8.cpu_profiler',
    ];
    await browser.startTracing(page, { categories });
    const ms = await run(n);
    const buf = await browser.stopTracing();
    if (opts.save) writeFileSync(opts.save, buf);
    console.log(
      `${workload}: ${n} invocations in ${ms.toFixed(0)} ms (${((ms / n) * 1000).toFixed(1)} µs each, traced)\n`,
    );
    const trace = JSON.parse(buf.toString());
    traceReport(trace, Number(opts.top), ms);
    threadReport(trace);
  } else {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
    await cdp.send('Profiler.start');
    const ms = await run(n);
    const { profile } = await cdp.send('Profiler.stop');
    if (opts.save) writeFileSync(opts.save, JSON.stringify(profile));
    console.log(
      `${workload}: ${n} invocations in ${ms.toFixed(0)} ms (${((ms / n) * 1000).toFixed(1)} µs each, profiled)\n`,
    );
    report(profile, Number(opts.top));
  }
} finally {
  await browser.close();
  await server.close();
}

function report(profile, top) {
  const byId = new Map(profile.nodes.map((nd) => [nd.id, nd]));
  const parent = new Map();
  for (const nd of profile.nodes) for (const c of nd.children ?? []) parent.set(c, nd.id);
  const dt = profile.timeDeltas;
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++)
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0));
  const key = (nd) => {
    const f = nd.callFrame;
    const file = f.url ? f.url.replace(/^.*\/assets\//, '') : '';
    return `${f.functionName || '(anonymous)'}${file ? `  ${file}:${f.lineNumber + 1}` : ''}`;
  };
  const self = new Map();
  const total = new Map();
  let all = 0;
  for (const [id, us] of selfUs) {
    all += us;
    const nd = byId.get(id);
    self.set(key(nd), (self.get(key(nd)) ?? 0) + us);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + us);
    }
  }
  const print = (title, m) => {
    console.log(title);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(
        `  ${(us / 1000).toFixed(1).padStart(8)} ms ${((us / all) * 100).toFixed(1).padStart(5)}%  ${k}`,
      );
    console.log('');
  };
  print('self time', self);
  print('total time (inclusive)', total);
}

/** Self time per trace event name on the renderer main thread (nested complete events subtracted). */
function traceReport(trace, top, wallMs) {
  const events = trace.traceEvents ?? trace;
  const names = new Map();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name);
  // The renderer main thread that ran the most JS.
  const js = new Map();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (names.get(key) === 'CrRendererMain' && e.ph === 'X') js.set(key, (js.get(key) ?? 0) + (e.dur ?? 0));
  }
  const main = [...js].sort((a, b) => b[1] - a[1])[0]?.[0];
  const spans = events
    .filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const stack = [];
  let busy = 0;
  for (const e of spans) {
    while (stack.length && stack[stack.length - 1].end <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) parent.self -= e.dur;
    else busy += e.dur;
    const rec = { name: e.name, end: e.ts + e.dur, self: e.dur };
    stack.push(rec);
    e._rec = rec;
  }
  for (const e of spans) self.set(e.name, (self.get(e.name) ?? 0) + e._rec.self);
  console.log(
    `renderer main thread: busy ${(busy / 1000).toFixed(0)} ms of ${wallMs.toFixed(0)} ms; self time by trace event:`,
  );
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(
      `  ${(us / 1000).toFixed(1).padStart(8)} ms ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${k}`,
    );
}

/**
 * CPU time per JS thread from the trace's V8 CPU samples (not idle), named by the script most of
 * its samples ran: on a 2-core machine every thread's work comes out of the same two cores.
 */
function threadReport(trace) {
  const events = trace.traceEvents ?? trace;
  const profiles = new Map();
  for (const e of events)
    if (e.name === 'Profile') profiles.set(`${e.pid}:${e.id}`, { nodes: new Map(), samples: [], deltas: [] });
  for (const e of events) {
    if (e.name !== 'ProfileChunk') continue;
    const p = profiles.get(`${e.pid}:${e.id}`);
    if (!p) continue;
    const cpu = e.args.data.cpuProfile ?? {};
    for (const nd of cpu.nodes ?? []) p.nodes.set(nd.id, nd);
    p.samples.push(...(cpu.samples ?? []));
    p.deltas.push(...(e.args.data.timeDeltas ?? []));
  }
  const rows = [];
  for (const p of profiles.values()) {
    let busy = 0;
    let gc = 0;
    const scripts = new Map();
    for (let i = 0; i < p.samples.length; i++) {
      const nd = p.nodes.get(p.samples[i]);
      const dt = p.deltas[i + 1] ?? 0;
      if (!nd || nd.callFrame.functionName === '(idle)') continue;
      busy += dt;
      if (nd.callFrame.functionName === '(garbage collector)') gc += dt;
      const script = (nd.callFrame.url ?? '').replace(/^.*\//, '').replace(/-[\w-]{8}\.js$/, '');
      if (script) scripts.set(script, (scripts.get(script) ?? 0) + dt);
    }
    const name = [...scripts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '?';
    if (busy >= 20_000) rows.push({ name, busy, gc });
  }
  rows.sort((a, b) => b.busy - a.busy);
  console.log('\nCPU per JS thread (V8 samples, not idle; the page includes its native work):');
  for (const r of rows)
    console.log(
      `  ${(r.busy / 1000).toFixed(0).padStart(8)} ms  ${r.name}  (GC ${(r.gc / 1000).toFixed(0)} ms)`,
    );
  console.log(`  ${(rows.reduce((n, r) => n + r.busy, 0) / 1000).toFixed(0).padStart(8)} ms  all`);
}
