// Cold starts: the first invocation of 50 freshly deployed small functions (distinct modules:
// sum plus an unused global with a different value each), once with a prewarmed pool and once
// with an empty pool that must spawn a worker per call.
import { configure, timingLine, TIMING_KEYS, waitForPool } from '../lib/faas.mjs';
import { ms, summarize } from '../lib/stats.mjs';

const N = 50;
let runs = 0;

const variant = (k) => `;; sum, variant ${k}: a distinct module per cold start
(module
  (global i32 (i32.const ${k}))
  (func (export "_start") (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $b
    i32.add))`;

async function deployVariants(page, prefix) {
  const names = Array.from({ length: N }, (_, k) => `${prefix}-${k}`);
  await page.evaluate(
    async ([list, wats]) => {
      for (let i = 0; i < list.length; i++) await window.faas.deploy(list[i], wats[i]);
    },
    [names, names.map((_, k) => variant(k + 1000 * runs))],
  );
  return names;
}

async function undeploy(page, names) {
  await page.evaluate(async (list) => {
    for (const n of list) await window.faas.undeploy(n);
  }, names);
}

/**
 * Invokes each function once, in order, measuring in the page. Before each call it waits
 * until `ready(pool)` holds (checked every 2 ms) and then 5 ms more, so calls do not overlap
 * pool upkeep from the previous one.
 */
async function firstCalls(page, names, mode) {
  return page.evaluate(
    async ([list, keys, mode]) => {
      const f = window.faas;
      const sleep = (t) => new Promise((r) => setTimeout(r, t));
      const ready = () => {
        const p = f.pool();
        if (mode === 'spawn') return p.workers.length === 0;
        return p.workers.length > 0 && p.workers.every((w) => w.state === 'idle');
      };
      const out = [];
      for (let i = 0; i < list.length; i++) {
        const deadline = performance.now() + 5000;
        while (!ready()) {
          if (performance.now() > deadline)
            throw new Error(`pool did not settle (${JSON.stringify(f.pool())})`);
          await sleep(2);
        }
        await sleep(5);
        const t0 = performance.now();
        const inv = await f.invoke(list[i], [i, 1]);
        const dt = performance.now() - t0;
        if (inv.outcome !== 'ok' || inv.result !== i + 1)
          throw new Error(`${list[i]}: ${inv.outcome} ${inv.error ?? inv.result}`);
        out.push({
          ms: dt,
          start: inv.start,
          timings: Object.fromEntries(keys.map((k) => [k, inv.timings[k]])),
        });
      }
      return out;
    },
    [names, TIMING_KEYS, mode],
  );
}

function report(calls) {
  const s = summarize(calls.map((c) => c.ms));
  const means = {};
  for (const k of TIMING_KEYS) means[k] = calls.reduce((a, c) => a + c.timings[k], 0) / calls.length;
  const cold = calls.filter((c) => c.start === 'cold').length;
  return { s, means, cold };
}

const prewarmed = {
  name: 'cold-prewarmed',
  description: `first invocation of ${N} freshly deployed functions, prewarm 1, settled pool`,
  async run(page) {
    const names = await deployVariants(page, `coldp${++runs}`);
    await configure(page, { prewarm: 1 });
    const calls = await firstCalls(page, names, 'prewarmed');
    await undeploy(page, names);
    const { s, means, cold } = report(calls);
    return {
      metrics: { p50: s.p50, p90: s.p90, max: s.max, mean: s.mean, coldStarts: cold, ...prefixed(means) },
      lines: [
        [
          `first call p50 / p90 / max (n=${N})`,
          `${ms(s.p50)} / ${ms(s.p90)} / ${ms(s.max)}  (${cold}/${N} cold)`,
        ],
        ['  timings mean', timingLine(means)],
      ],
      details: { latency: s, timingsMean: means, calls },
    };
  },
  target: {
    label: 'p50 ≤ 2 ms',
    check: (r) => ({ pass: r.metrics.p50 <= 2, actual: `${ms(r.metrics.p50)} vs ≤ 2 ms` }),
  },
};

const spawn = {
  name: 'cold-spawn',
  description: `the same on an empty pool (prewarm 0): every first call spawns a worker`,
  async run(page) {
    const names = await deployVariants(page, `colds${++runs}`);
    // A short keep-alive empties the pool between calls; the reaper then runs every 50 ms.
    await configure(page, { prewarm: 0, keepAliveMs: 30 });
    await waitForPool(page, () => window.faas.pool().workers.length === 0);
    const calls = await firstCalls(page, names, 'spawn');
    await undeploy(page, names);
    const { s, means, cold } = report(calls);
    return {
      metrics: { p50: s.p50, p90: s.p90, max: s.max, mean: s.mean, coldStarts: cold, ...prefixed(means) },
      lines: [
        [
          `first call p50 / p90 / max (n=${N})`,
          `${ms(s.p50)} / ${ms(s.p90)} / ${ms(s.max)}  (${cold}/${N} cold)`,
        ],
        ['  spawn mean', ms(means.spawn)],
        ['  timings mean', timingLine(means)],
      ],
      details: { latency: s, timingsMean: means, calls },
    };
  },
};

function prefixed(means) {
  return Object.fromEntries(Object.entries(means).map(([k, v]) => [`timings.${k}`, v]));
}

export default [prewarmed, spawn];
