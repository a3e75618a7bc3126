// Metering (issue 14): the seed 002 compute programs metered vs unmetered through the platform,
// paired per round (ABBA order cancels drift in the machine's load); instruction counts over the
// rounds; a metered `stuck` with timeoutMs 100 ending inside the module and the next call warm on
// the same worker; and the deploy-time cost of instrumenting the largest sample against compiling it.
import { readFileSync } from 'node:fs';
import { deploy, sample } from '../lib/faas.mjs';
import { median, ms } from '../lib/stats.mjs';

const ROUNDS = 5;
const COMPUTE = ['nbody', 'fannkuch-redux', 'mandelbrot', 'binary-trees'];
const OVERHEAD_TARGET_PCT = 15;
const TIMEOUT_MS = 100;
const SETTLE_TARGET_MS = 110;
const INSTRUMENT_RATIO_TARGET = 2;

const wasiDir = new URL('../../samples/wasi/', import.meta.url);
const index = JSON.parse(readFileSync(new URL('index.json', wasiDir), 'utf8'));
const bytesOf = (file) => [...readFileSync(new URL(file, wasiDir))];
const pct = (v) => `${v >= 0 ? '+' : ''}${v.toFixed(1)} %`;

async function deployBytes(page, name, bytes, config) {
  return page.evaluate(([n, b, c]) => window.faas.deploy(n, new Uint8Array(b), c), [name, bytes, config]);
}

export default {
  name: 'meter',
  description: `metered vs unmetered seed 002 programs (${ROUNDS} paired rounds), metered stuck timeout, instrumentation cost`,
  async run(page) {
    const metrics = {};
    const lines = [];
    const details = {};
    let worstOverhead = -Infinity;
    let countsStable = true;
    for (const name of COMPUTE) {
      const e = index.find((x) => x.name === name);
      const bytes = bytesOf(e.file);
      await deployBytes(page, `${name}-plain`, bytes, {});
      await deployBytes(page, `${name}-meter`, bytes, { meter: true });
      const rounds = await page.evaluate(
        async ([n, argv, rounds]) => {
          const f = window.faas;
          const run = async (fn) => {
            const inv = await f.invoke(fn, [], { argv });
            if (inv.outcome !== 'ok') throw new Error(`${fn}: ${inv.outcome} ${inv.error ?? ''}`);
            return inv;
          };
          await run(`${n}-plain`); // warm both up: the compared runs are warm
          await run(`${n}-meter`);
          const out = [];
          for (let i = 0; i < rounds; i++) {
            const order = i % 2 ? ['meter', 'plain'] : ['plain', 'meter'];
            const r = {};
            for (const k of order) r[k] = await run(`${n}-${k}`);
            out.push({
              plain: r.plain.timings.exec,
              meter: r.meter.timings.exec,
              instructions: r.meter.instructions,
              same: r.meter.stdout === r.plain.stdout,
            });
          }
          return out;
        },
        [name, e.benchArgv, ROUNDS],
      );
      const over = median(rounds.map((r) => r.meter / r.plain - 1)) * 100;
      const counts = [...new Set(rounds.map((r) => r.instructions))];
      const stable = counts.length === 1 && typeof counts[0] === 'number' && rounds.every((r) => r.same);
      countsStable &&= stable;
      worstOverhead = Math.max(worstOverhead, over);
      metrics[`${name}.overheadPct`] = over;
      metrics[`${name}.instructions`] = counts[0];
      lines.push([
        `${name}: metered vs plain, paired median`,
        `${pct(over)}  (plain p50 ${ms(median(rounds.map((r) => r.plain)))}, metered p50 ${ms(median(rounds.map((r) => r.meter)))}); ` +
          `${stable ? `${counts[0].toLocaleString('en-US')} instructions every run` : `counts differ: ${counts.join(', ')}`}`,
      ]);
      details[name] = rounds;
    }
    metrics.worstOverheadPct = worstOverhead;
    metrics.countsStable = countsStable ? 1 : 0;

    await deploy(page, 'mstuck', sample('stuck'), { meter: true, timeoutMs: TIMEOUT_MS });
    const stuck = await page.evaluate(async (n) => {
      const f = window.faas;
      await f.invoke('mstuck'); // the first call transfers the module: cold
      const out = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const s = await f.invoke('mstuck');
        const settle = performance.now() - t0;
        const next = await f.invoke('mstuck');
        out.push({
          settle,
          outcome: s.outcome,
          by: s.timeoutBy,
          worker: s.worker,
          nextWorker: next.worker,
          nextStart: next.start,
          nextSpawn: next.timings.spawn,
        });
      }
      return out;
    }, ROUNDS);
    metrics.stuckSettleWorst = Math.max(...stuck.map((r) => r.settle));
    metrics.stuckSettleMedian = median(stuck.map((r) => r.settle));
    metrics.stuckByTrap = stuck.every((r) => r.outcome === 'timeout' && r.by === 'trap') ? 1 : 0;
    metrics.nextWarm = stuck.every(
      (r) => r.nextStart === 'warm' && r.nextSpawn === 0 && r.nextWorker === r.worker,
    )
      ? 1
      : 0;
    lines.push([
      `metered stuck (timeoutMs ${TIMEOUT_MS}) settles, median / worst`,
      `${ms(metrics.stuckSettleMedian)} / ${ms(metrics.stuckSettleWorst)}  (ended by ${[...new Set(stuck.map((r) => r.by))].join(', ')}; next call ${[...new Set(stuck.map((r) => r.nextStart))].join(', ')}, same worker: ${metrics.nextWarm ? 'yes' : 'no'})`,
    ]);
    details.stuck = stuck;

    // The largest sample, by bytes.
    const largest = [...index].sort(
      (a, b) => readFileSync(new URL(b.file, wasiDir)).length - readFileSync(new URL(a.file, wasiDir)).length,
    )[0];
    const bytes = bytesOf(largest.file);
    const costs = [];
    for (let i = 0; i < ROUNDS; i++)
      costs.push((await deployBytes(page, 'mlargest', bytes, { meter: true })).meterCost);
    const instrumentMs = median(costs.map((c) => c.instrumentMs));
    const compileMs = median(costs.map((c) => c.compileMs));
    metrics.instrumentMs = instrumentMs;
    metrics.compileMs = compileMs;
    metrics.instrumentRatio = instrumentMs / compileMs;
    lines.push([
      `instrumenting ${largest.file} (${bytes.length.toLocaleString('en-US')} B), median of ${ROUNDS}`,
      `${ms(instrumentMs)} vs compile ${ms(compileMs)} = ${metrics.instrumentRatio.toFixed(2)} ×`,
    ]);
    details.costs = costs;
    await page.evaluate(async () => {
      for (const f of window.faas.functions()) await window.faas.undeploy(f.name);
    });
    return { metrics, lines, details };
  },
  targets: [
    {
      label: `metered vs unmetered paired median overhead ≤ ${OVERHEAD_TARGET_PCT} % on each compute program`,
      check: (r) => ({
        pass: r.metrics.worstOverheadPct <= OVERHEAD_TARGET_PCT,
        actual: COMPUTE.map((n) => `${n} ${pct(r.metrics[`${n}.overheadPct`])}`).join(', '),
      }),
    },
    {
      label: `instruction counts identical over ${ROUNDS} runs of each program (and same output)`,
      check: (r) => ({
        pass: r.metrics.countsStable === 1,
        actual: r.metrics.countsStable ? 'identical' : 'differ',
      }),
    },
    {
      label: `metered stuck timeoutMs ${TIMEOUT_MS} settles ≤ ${SETTLE_TARGET_MS} ms by trap, next call warm with no spawn`,
      check: (r) => ({
        pass:
          r.metrics.stuckSettleWorst <= SETTLE_TARGET_MS &&
          r.metrics.stuckByTrap === 1 &&
          r.metrics.nextWarm === 1,
        actual: `${ms(r.metrics.stuckSettleWorst)} worst${r.metrics.stuckByTrap ? '' : ', not all by trap'}${r.metrics.nextWarm ? ', next warm' : ', next not warm'}`,
      }),
    },
    {
      label: `instrumenting the largest sample ≤ ${INSTRUMENT_RATIO_TARGET} × its compile time`,
      check: (r) => ({
        pass: r.metrics.instrumentRatio <= INSTRUMENT_RATIO_TARGET,
        actual: `${r.metrics.instrumentRatio.toFixed(2)} ×`,
      }),
    },
  ],
};
