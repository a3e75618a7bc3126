#!/usr/bin/env node
// `npm run bench`: builds the app, serves it, opens it in headless Chromium and runs the
// scenarios in bench/scenarios/*.mjs in ONE page, so every ratio compares numbers measured
// in the same run. Prints a table and writes bench/results/latest.json.
//
//   node bench/run.mjs [--no-build] [--only raw,warm] [--strict] [--no-isolation] [--list]
//                      [--dist DIR] [--out FILE] [--headed]
//
//   --no-build      serve the last bench build (bench/results/dist) as it is
//   --only a,b      run these scenarios (plus the ones their targets need, e.g. warm needs raw)
//   --strict        exit 1 when a target is missed or a scenario fails (default: report only)
//   --no-metrics    do not open the Metrics panel before each scenario (it is open by default)
//   --no-isolation  serve without COOP/COEP. By default the server sends them: the app does not
//                   need them, but a cross-origin-isolated page gets performance.now() at 5 µs
//                   instead of 100 µs, and the round trips measured here are ~0.1 ms.
//   --dist DIR      serve another build (e.g. dist/ from `npm run build`; it must load the harness)
//   --out FILE      where to write the JSON (default bench/results/latest.json)
//   --list          print the scenarios and exit
//
// Adding a scenario: drop a file in bench/scenarios/ (they run in file-name order) that
// default-exports one scenario or an array of them:
//
//   export default {
//     name: 'editor-ready',                        // for --only and the JSON
//     description: 'time until Monaco accepts input',
//     needs: [],                                   // scenarios whose results the targets read
//     timeoutMs: 120_000,                          // optional: how long run() may take (default 2 min)
//     async run(page, ctx) {                       // page: the Playwright Page, app open at /?bench
//       const t = await page.evaluate(() => ...);  // measure in the page
//       return {
//         metrics: { p50: t },                     // numbers, all written to the JSON
//         lines: [['ready p50', `${t} ms`]],       // what the table shows
//         details: {},                             // anything else for the JSON (optional)
//       };
//     },
//     target: {                                    // optional; or an array of them
//       label: 'p50 ≤ 500 ms',
//       check: (result, results) => ({ pass: result.metrics.p50 <= 500, actual: `${result.metrics.p50} ms` }),
//     },
//   };
//
// ctx: { results (earlier scenarios' results by name), log(msg), reload() (fresh page),
// options }. Before each scenario the platform is reset to its default config and the pool
// settles; a scenario that needs a pristine page can call ctx.reload().
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { findChromium, launchOptions } from '../scripts/browser.mjs';
import { resetPlatform } from './lib/faas.mjs';
import { serve } from './lib/server.mjs';
import { harnessWired, OUT_DIR } from './vite.config.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const SCENARIO_TIMEOUT_MS = 120_000;
const SEED_NOTE =
  'seed 003 Node server: warm exec/sum p50 0.60 ms (HTTP floor 0.21 ms), 3,200 inv/s pipelined, ' +
  'stuck call answered HTTP 200 with body undefined';

const { values: opts } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    only: { type: 'string' },
    strict: { type: 'boolean', default: false },
    'no-isolation': { type: 'boolean', default: false },
    dist: { type: 'string' },
    out: { type: 'string', default: resolve(root, 'bench/results/latest.json') },
    list: { type: 'boolean', default: false },
    headed: { type: 'boolean', default: false },
    'no-metrics': { type: 'boolean', default: false },
  },
});
opts.build = !opts['no-build'];

// ---- scenarios ------------------------------------------------------------------------

async function loadScenarios() {
  const dir = resolve(root, 'bench/scenarios');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.mjs'))
    .sort();
  const all = [];
  for (const f of files) {
    const mod = await import(pathToFileURL(resolve(dir, f)).href);
    for (const s of [mod.default].flat()) {
      if (!s || typeof s.name !== 'string' || typeof s.run !== 'function')
        throw new Error(
          `bench/scenarios/${f}: the default export must be { name, run(page, ctx), target? } or an array of them`,
        );
      if (all.some((o) => o.name === s.name))
        throw new Error(`bench/scenarios/${f}: duplicate scenario "${s.name}"`);
      all.push({ ...s, file: f, targets: [s.target ?? [], s.targets ?? []].flat() });
    }
  }
  return all;
}

function select(all, only) {
  if (!only) return all;
  const wanted = new Set();
  const add = (name) => {
    const s = all.find((x) => x.name === name);
    if (!s) throw new Error(`--only: no scenario "${name}" (have: ${all.map((x) => x.name).join(', ')})`);
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const dep of s.needs ?? []) add(dep);
  };
  for (const name of only
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean))
    add(name);
  return all.filter((s) => wanted.has(s.name));
}

// ---- build, serve, browse ------------------------------------------------------------------

function build() {
  const t0 = Date.now();
  const r = spawnSync('npx', ['vite', 'build', '--config', 'bench/vite.config.mjs'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error(`vite build failed (exit ${r.status})`);
  }
  return Date.now() - t0;
}

async function openApp(page, url) {
  await page.goto(`${url}/?bench`);
  await page.waitForFunction(() => typeof window.faas?.invoke === 'function', null, { timeout: 30_000 });
  try {
    await page.waitForFunction(() => typeof window.nanofaasBench?.init === 'function', null, {
      timeout: 10_000,
    });
  } catch {
    throw new Error(
      'window.nanofaasBench is missing: the page did not load src/bench/harness.ts. ' +
        'Build with bench/vite.config.mjs (the default) or wire it in src/main.ts (see bench/README.md).',
    );
  }
  // The service worker precaches the app (Monaco, wabt, the workers, the samples) when it installs:
  // ~1.9 s of CPU on its thread, which a trace found overlapping the first scenarios (raw,
  // warm, throughput) on this 2-core machine. Measure once it is active.
  const active = await page.evaluate(
    () =>
      new Promise((resolve) => {
        if (!('serviceWorker' in navigator)) return resolve('unsupported');
        setTimeout(() => resolve('not active after 60 s'), 60_000);
        navigator.serviceWorker.ready.then(() => resolve('active'));
      }),
  );
  if (active !== 'active') console.log(`  note: service worker ${active}; measuring anyway`);
}

async function machineInfo(browser, page) {
  const cpus = os.cpus();
  const git = (args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout?.trim() ?? '';
  const pageInfo = await page.evaluate(() => {
    // Smallest observable step of performance.now(): 0.1 ms unless cross-origin isolated.
    let step = Infinity;
    let last = performance.now();
    for (let i = 0; i < 200_000 && step > 0.001; i++) {
      const t = performance.now();
      if (t !== last) {
        step = Math.min(step, t - last);
        last = t;
      }
    }
    return {
      userAgent: navigator.userAgent,
      hardwareConcurrency: navigator.hardwareConcurrency,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      timerResolutionMs: Number(step.toFixed(4)),
    };
  });
  return {
    date: new Date().toISOString(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    loadAvg: os.loadavg().map((x) => Number(x.toFixed(2))),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    chromium: browser.version(),
    chromiumPath: findChromium().path ?? 'playwright',
    harness: harnessWired() ? 'src/main.ts (?bench)' : 'injected by bench/vite.config.mjs',
    git: { commit: git(['rev-parse', '--short', 'HEAD']), dirty: git(['status', '--porcelain']).length > 0 },
    ...pageInfo,
  };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise(
      (_, reject) =>
        (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}

// ---- output ---------------------------------------------------------------------------

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
/** pass: true, false, or null when the target does not apply on this machine (said in `actual`). */
const verdict = (pass) => (pass === null ? paint(2, 'N/A') : pass ? paint(32, 'PASS') : paint(31, 'MISS'));

function printTable(records) {
  const rows = [];
  for (const r of records) {
    rows.push({ head: r.name, text: r.description ?? '' });
    if (r.error) rows.push({ label: 'ERROR', value: r.error });
    for (const [label, value] of r.result?.lines ?? []) rows.push({ label, value });
    for (const t of r.targets)
      rows.push({ label: `target: ${t.label}`, value: t.actual ?? '', verdict: t.pass });
  }
  const w = Math.max(...rows.filter((x) => x.label).map((x) => x.label.length), 10);
  const lines = [];
  for (const row of rows) {
    if (row.head) lines.push('', paint(1, `${row.head}`) + (row.text ? paint(2, `  — ${row.text}`) : ''));
    else {
      const v = row.verdict === undefined ? '' : `  ${verdict(row.verdict)}`;
      lines.push(`  ${row.label.padEnd(w)}  ${row.value}${v}`);
    }
  }
  console.log(lines.join('\n'));
}

function printSummary(records, machine) {
  const targets = records.flatMap((r) => r.targets.map((t) => ({ scenario: r.name, ...t })));
  const failed = records.filter((r) => r.error);
  console.log('\n' + paint(1, 'summary'));
  const w = Math.max(...targets.map((t) => `${t.scenario}: ${t.label}`.length), 20);
  for (const t of targets)
    console.log(
      `  ${`${t.scenario}: ${t.label}`.padEnd(w)}  ${(t.actual ?? '').padEnd(34)} ${verdict(t.pass)}`,
    );
  for (const r of failed) console.log(`  ${r.name.padEnd(w)}  ${paint(31, 'ERROR')} ${r.error}`);
  console.log(paint(2, `\n  note: ${SEED_NOTE}`));
  const load = Math.max(machine.loadAvg[0], machine.loadAvgEnd?.[0] ?? 0);
  if (load > machine.cpus)
    console.log(
      paint(
        33,
        `  warning: load average ${load.toFixed(1)} on ${machine.cpus} CPUs — other processes competed for the CPU; ` +
          'ratios are paired within this run, absolute numbers and timeouts are not representative',
      ),
    );
  console.log(
    paint(
      2,
      `  machine: ${machine.cpus} × ${machine.cpuModel}, Chromium ${machine.chromium}, ` +
        `timer ${machine.timerResolutionMs} ms${machine.crossOriginIsolated ? ' (cross-origin isolated)' : ''}, ${machine.date}`,
    ),
  );
}

// ---- main -------------------------------------------------------------------------------

async function main() {
  const all = await loadScenarios();
  if (opts.list) {
    for (const s of all) console.log(`${s.name.padEnd(18)} ${s.description ?? ''}  (${s.file})`);
    return 0;
  }
  const scenarios = select(all, opts.only);
  const started = Date.now();
  let buildMs = 0;
  if (opts.build && !opts.dist) {
    console.log('building the app (vite build → bench/results/dist) …');
    buildMs = build();
  }
  const dist = resolve(root, opts.dist ?? OUT_DIR);
  const isolation = !opts['no-isolation'];
  const server = await serve(dist, {
    headers: isolation
      ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
      : {},
  });
  const browser = await chromium.launch({ ...launchOptions(), headless: !opts.headed });
  const pageErrors = [];
  let page;
  const newPage = async () => {
    if (page) await page.close();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()}`);
    });
    await openApp(page, server.url);
    return page;
  };
  const records = [];
  let machine;
  try {
    await newPage();
    machine = await machineInfo(browser, page);
    console.log(
      `Chromium ${machine.chromium} · ${machine.cpus} CPUs · timer ${machine.timerResolutionMs} ms · ` +
        `harness: ${machine.harness} · ${scenarios.length} scenarios`,
    );
    const results = {};
    for (const s of scenarios) {
      const rec = { name: s.name, description: s.description, file: s.file, targets: [] };
      records.push(rec);
      const t0 = Date.now();
      process.stdout.write(paint(2, `  running ${s.name} …`));
      try {
        await resetPlatform(page);
        // As a teacher runs it: the Metrics panel open, charting every record (scenarios that
        // drive another panel switch to it themselves).
        if (!opts['no-metrics']) await page.getByRole('tab', { name: 'Metrics', exact: true }).click();
        const ctx = {
          results,
          options: opts,
          log: (msg) => process.stdout.write(paint(2, ` ${msg}`)),
          reload: newPage,
          get page() {
            return page;
          },
        };
        rec.result = await withTimeout(
          Promise.resolve(s.run(page, ctx)),
          s.timeoutMs ?? SCENARIO_TIMEOUT_MS,
          s.name,
        );
        results[s.name] = rec.result;
      } catch (err) {
        rec.error = err instanceof Error ? err.message.split('\n')[0] : String(err);
        // A scenario that wedged the page must not take the next ones with it.
        await newPage().catch(() => {});
      }
      rec.durationMs = Date.now() - t0;
      process.stdout.write(paint(2, ` ${(rec.durationMs / 1000).toFixed(1)} s\n`));
    }
    // Targets are judged after everything ran: they may compare against other scenarios.
    for (const rec of records) {
      const s = scenarios.find((x) => x.name === rec.name);
      for (const t of s.targets) {
        if (!rec.result) {
          rec.targets.push({ label: t.label, pass: false, actual: 'not measured' });
          continue;
        }
        try {
          const { pass, actual, ...rest } = t.check(rec.result, results);
          rec.targets.push({ label: t.label, pass: pass === null ? null : !!pass, actual, ...rest });
        } catch (err) {
          rec.targets.push({ label: t.label, pass: false, actual: `check failed: ${err.message}` });
        }
      }
    }
  } finally {
    await browser.close().catch(() => {});
    await server.close();
  }

  if (machine) machine.loadAvgEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
  printTable(records);
  printSummary(records, machine);
  if (pageErrors.length) {
    console.log(paint(33, `\n  ${pageErrors.length} page error(s):`));
    for (const e of [...new Set(pageErrors)].slice(0, 10)) console.log(`    ${e}`);
  }

  const misses = records.reduce((n, r) => n + r.targets.filter((t) => t.pass === false).length, 0);
  const errors = records.filter((r) => r.error).length;
  const report = {
    note: SEED_NOTE,
    machine,
    options: { only: opts.only ?? null, strict: opts.strict, isolation, build: opts.build, dist },
    buildMs,
    totalMs: Date.now() - started,
    summary: { targets: records.reduce((n, r) => n + r.targets.length, 0), misses, errors },
    scenarios: Object.fromEntries(
      records.map((r) => [
        r.name,
        {
          description: r.description,
          durationMs: r.durationMs,
          error: r.error ?? null,
          metrics: r.result?.metrics ?? {},
          targets: r.targets,
          details: r.result?.details ?? null,
        },
      ]),
    ),
    pageErrors,
  };
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, JSON.stringify(report, null, 2) + '\n');
  console.log(
    paint(
      2,
      `\n  ${misses} missed, ${errors} failed · ${(report.totalMs / 1000).toFixed(0)} s · wrote ${opts.out}`,
    ),
  );
  return opts.strict && (misses > 0 || errors > 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(2);
  },
);
