#!/usr/bin/env node
// `npm run fuzz`: throws random and mutated modules and WAT at deploy and invoke in the production
// build, in headless Chromium, and fails (exit 1) on anything that is not a clean outcome:
//   • an uncaught exception or unhandled rejection in the page (pageerror)
//   • a deploy or invoke that does not settle within --deadline ms
//   • a page crash, or a page that stops answering
//   • a worker leak: more pool workers than maxWorkers, or more live workers at the end than the
//     pool's maximum plus the app's own (wabt compiler, Monaco) — counted by Playwright and by CDP
//   • (with --strict) anomalies: a deploy that throws something other than DeployError, WatError
//     or MemoryCapError, an invoke that throws something other than ArgumentError, or an
//     invocation that ends in a JavaScript TypeError/ReferenceError
//
//   node bench/fuzz.mjs [--count 10000] [--seed 1] [--from 0] [--chunk 200] [--slots 4] [--deadline 15000]
//                       [--timeout 100] [--memory 16] [--no-build] [--url URL] [--strict]
//                       [--out bench/results/fuzz.json] [--headed]
//
//   --from N     start at case N (reproduce case 4711 of seed 7: --seed 7 --from 4711 --count 1)
//   --no-build   serve the last fuzz build (bench/results/fuzz-dist) as it is
//   --url URL    fuzz an app already served at URL instead (e.g. http://localhost:4173)
//   --timeout    the fuzzed functions' timeoutMs;  --memory  their memoryMiB
//
// Cases are generated from the seed (bench/fuzz-core.mjs), so a failure reproduces with the same
// --seed; the JSON report lists every anomaly with its case number.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import wabtInit from 'wabt';
import { launchOptions } from '../scripts/browser.mjs';
import {
  compileSeeds,
  generateCases,
  runChunk,
  seedWasiBinaries,
  seedWats,
  summarize,
} from './fuzz-core.mjs';
import { serve } from './lib/server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const DIST = 'bench/results/fuzz-dist';

const { values: opts } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    from: { type: 'string', default: '0' },
    chunk: { type: 'string', default: '200' },
    slots: { type: 'string', default: '4' },
    deadline: { type: 'string', default: '15000' },
    timeout: { type: 'string', default: '100' },
    memory: { type: 'string', default: '16' },
    'no-build': { type: 'boolean', default: false },
    url: { type: 'string' },
    strict: { type: 'boolean', default: false },
    out: { type: 'string', default: resolve(root, 'bench/results/fuzz.json') },
    headed: { type: 'boolean', default: false },
  },
});
const num = (k) => {
  const v = Number(opts[k]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${k} must be a number (got ${opts[k]})`);
  return v;
};
const count = num('count');
const first = num('from');
const seed = num('seed');
const chunk = Math.max(1, num('chunk'));
const slots = Math.max(1, num('slots'));
const deadlineMs = num('deadline');

const log = (msg) => console.log(`[fuzz] ${msg}`);

function build() {
  const t0 = Date.now();
  const r = spawnSync('npx', ['vite', 'build', '--outDir', DIST, '--emptyOutDir'], {
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

const isNanoprocess = (url) => /nanoprocess\.worker/.test(url);

/** Live dedicated workers by kind: nanoprocesses (the pool) and the app's own (wabt, Monaco, …). */
function countWorkers(urls) {
  const own = urls.filter((u) => !isNanoprocess(u));
  return { nanoprocesses: urls.length - own.length, own: own.length, ownDistinct: new Set(own).size };
}

/** As Playwright tracks them. */
const playwrightWorkers = (page) => countWorkers(page.workers().map((w) => w.url()));

/** As CDP reports them, independently of Playwright's bookkeeping. */
async function cdpWorkers(cdp) {
  const { targetInfos } = await cdp.send('Target.getTargets');
  return countWorkers(targetInfos.filter((t) => t.type === 'worker').map((t) => t.url));
}

async function heapMiB(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize / 2 ** 20;
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

async function main() {
  let server = null;
  let url = opts.url;
  if (!url) {
    if (!opts['no-build']) log(`built ${DIST} in ${(build() / 1000).toFixed(1)} s`);
    server = await serve(resolve(root, DIST));
    url = server.url;
  }
  const wabt = await wabtInit();
  const wats = seedWats();
  const seedBinaries = [...compileSeeds(wabt, wats), ...seedWasiBinaries()];
  log(
    `seed ${seed}, ${count} cases in chunks of ${chunk}, ${slots} at once; ${seedBinaries.length} seed binaries, ${wats.length} seed WAT texts`,
  );

  const browser = await chromium.launch({ ...launchOptions(), headless: !opts.headed });
  const page = await browser.newPage();
  const pageErrors = [];
  let crashed = false;
  page.on('pageerror', (e) => pageErrors.push(String(e.stack ?? e).slice(0, 2000)));
  page.on('crash', () => (crashed = true));
  await page.goto(url);
  await page.waitForFunction(() => typeof window.faas?.invoke === 'function', null, { timeout: 30_000 });
  const cdp = await page.context().newCDPSession(page);
  const maxWorkers = await page.evaluate(() => window.faas.config().maxWorkers);
  // Let the app start its own workers (wabt compiler, Monaco) before counting.
  await page.evaluate(() =>
    window.faas
      .deploy('fz-warm', '(module (func (export "_start")))')
      .then(() => window.faas.invoke('fz-warm')),
  );
  await page.waitForTimeout(1500);
  const before = {
    heapMiB: await heapMiB(cdp),
    workers: playwrightWorkers(page),
    cdpWorkers: await cdpWorkers(cdp),
  };
  log(
    `start: ${before.workers.nanoprocesses} nanoprocess workers, ${before.workers.own} of the app's own, ` +
      `heap ${before.heapMiB.toFixed(1)} MiB`,
  );

  const results = [];
  const failures = [];
  const t0 = Date.now();
  for (let from = first; from < first + count && !crashed; from += chunk) {
    const cases = generateCases({
      seed,
      count: Math.min(chunk, first + count - from),
      from,
      seedBinaries,
      seedWats: wats,
    });
    try {
      const got = await withTimeout(
        page.evaluate(runChunk, {
          cases,
          deadlineMs,
          slots,
          timeoutMs: num('timeout'),
          memoryMiB: num('memory'),
        }),
        deadlineMs * 4 + cases.length * 2000,
        `chunk ${from}–${from + cases.length - 1}`,
      );
      results.push(...got);
    } catch (err) {
      failures.push(
        crashed
          ? `the page crashed during cases ${from}–${from + cases.length - 1}`
          : String(err.message ?? err),
      );
      break;
    }
    const secs = (Date.now() - t0) / 1000;
    const pool = await page.evaluate(() => window.faas.pool().workers.length);
    if (pool > maxWorkers)
      failures.push(`after case ${from + cases.length - 1}: ${pool} pool workers > maxWorkers ${maxWorkers}`);
    log(
      `${results.length}/${count} cases, ${(results.length / secs).toFixed(0)} cases/s, ` +
        `${playwrightWorkers(page).nanoprocesses} nanoprocess workers, ${pageErrors.length} page errors`,
    );
  }
  const elapsed = (Date.now() - t0) / 1000;

  let after = null;
  if (!crashed) {
    // Let the pool settle to its idle size, then count what is alive.
    await page.evaluate(() => window.faas.clearHistory());
    await page
      .waitForFunction(
        (max) => window.faas.pool().workers.length <= max && window.faas.pool().inFlight === 0,
        maxWorkers,
        {
          timeout: 10_000,
        },
      )
      .catch(() => {});
    // A terminated worker's thread takes a moment to wind down: wait (bounded) for the count to drop.
    const settleBy = Date.now() + 15_000;
    while (Date.now() < settleBy && (await cdpWorkers(cdp)).nanoprocesses > maxWorkers)
      await page.waitForTimeout(250);
    await page.waitForTimeout(500);
    const sane = await page.evaluate(async () => {
      await window.faas.deploy(
        'fz-sum',
        '(module (func (export "_start") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))',
      );
      const t = performance.now();
      const inv = await window.faas.invoke('fz-sum', [40, 2]);
      return { result: inv.result, ms: performance.now() - t, pool: window.faas.pool().workers.length };
    });
    after = {
      heapMiB: await heapMiB(cdp),
      workers: playwrightWorkers(page),
      cdpWorkers: await cdpWorkers(cdp),
      pool: sane.pool,
      sumResult: sane.result,
      sumMs: sane.ms,
    };
    if (sane.result !== 42) failures.push(`sum answered ${sane.result} after the run`);
    if (sane.pool > maxWorkers)
      failures.push(`${sane.pool} pool workers at the end > maxWorkers ${maxWorkers}`);
    // The pool never holds more than maxWorkers; the app's own workers are singletons (one wabt
    // compiler, one Monaco helper, …), so a second one of a kind is a leak too.
    for (const [how, w] of [
      ['Playwright', after.workers],
      ['CDP', after.cdpWorkers],
    ]) {
      if (w.nanoprocesses > maxWorkers)
        failures.push(`${w.nanoprocesses} live nanoprocess workers (${how}) > maxWorkers ${maxWorkers}`);
      if (w.own !== w.ownDistinct)
        failures.push(`${w.own} app workers of ${w.ownDistinct} kinds are alive (${how}): one leaked`);
    }
    if (after.heapMiB > before.heapMiB + 64)
      failures.push(`heap grew from ${before.heapMiB.toFixed(1)} to ${after.heapMiB.toFixed(1)} MiB`);
  }
  if (crashed && !failures.some((f) => f.includes('crash'))) failures.push('the page crashed');
  for (const e of pageErrors) failures.push(`pageerror: ${e}`);

  const summary = summarize(results);
  const unsettled = summary.anomalies.filter((a) => /did not settle/.test(a.anomaly));
  for (const u of unsettled) failures.push(`case ${u.case} (${u.kind}): ${u.anomaly}`);
  const others = summary.anomalies.filter((a) => !/did not settle/.test(a.anomaly));
  if (opts.strict) for (const a of others) failures.push(`case ${a.case} (${a.kind}): ${a.anomaly}`);

  const report = {
    date: new Date().toISOString(),
    seed,
    count,
    completed: results.length,
    elapsedSeconds: Number(elapsed.toFixed(1)),
    casesPerSecond: Number((results.length / elapsed).toFixed(1)),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, chromium: browser.version() },
    options: { chunk, slots, deadlineMs, timeoutMs: num('timeout'), memoryMiB: num('memory') },
    before,
    after,
    deploy: summary.deploy,
    invoke: summary.invoke,
    byKind: summary.byKind,
    anomalies: summary.anomalies,
    pageErrors,
    failures,
  };
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, JSON.stringify(report, null, 2));

  await browser.close();
  await server?.close();

  log(`${results.length} cases in ${elapsed.toFixed(1)} s: ${report.casesPerSecond} cases/s`);
  log(`deploy: ${JSON.stringify(summary.deploy)}`);
  log(`invoke: ${JSON.stringify(summary.invoke)}`);
  if (after)
    log(
      `end: ${after.workers.nanoprocesses} nanoprocess workers (CDP ${after.cdpWorkers.nanoprocesses}), ` +
        `${after.workers.own} of the app's own, pool ${after.pool}/${maxWorkers}, ` +
        `heap ${before.heapMiB.toFixed(1)} → ${after.heapMiB.toFixed(1)} MiB, sum ${after.sumResult} in ${after.sumMs.toFixed(1)} ms`,
    );
  if (others.length)
    log(
      `${others.length} anomalies${opts.strict ? '' : ' (reported, not failing; --strict fails on them)'}, e.g. ${JSON.stringify(others.slice(0, 5))}`,
    );
  log(`report: ${opts.out}`);
  if (failures.length) {
    console.error(
      `[fuzz] FAILED:\n  ${failures.slice(0, 30).join('\n  ')}${failures.length > 30 ? `\n  … ${failures.length - 30} more` : ''}`,
    );
    process.exit(1);
  }
  log('PASS: no page errors, crashes, unsettled calls or leaked workers');
}

main().catch((err) => {
  console.error('[fuzz]', err);
  process.exit(1);
});
