// Timeouts: `stuck` (an endless loop) with timeoutMs 100 must settle within 115 ms of invoke,
// and the next `sum` must answer within 30 ms. Five rounds from a settled pool.
import { deploy, ensureSample, sample } from '../lib/faas.mjs';
import { median, ms } from '../lib/stats.mjs';

const ROUNDS = 5;
const TIMEOUT_MS = 100;

export default {
  name: 'timeout',
  description: `stuck with timeoutMs ${TIMEOUT_MS}, then sum; ${ROUNDS} rounds`,
  async run(page) {
    await deploy(page, 'stuck', sample('stuck'), { timeoutMs: TIMEOUT_MS });
    await ensureSample(page, 'sum');
    const rounds = await page.evaluate(async (n) => {
      const f = window.faas;
      const sleep = (t) => new Promise((r) => setTimeout(r, t));
      const settled = async () => {
        const deadline = performance.now() + 5000;
        for (;;) {
          const p = f.pool();
          if (p.workers.length > 0 && p.workers.every((w) => w.state === 'idle')) break;
          if (performance.now() > deadline) throw new Error('pool did not settle');
          await sleep(5);
        }
        await sleep(20);
      };
      await f.invoke('sum', [1, 1]);
      const out = [];
      for (let i = 0; i < n; i++) {
        await settled();
        const t0 = performance.now();
        const s = await f.invoke('stuck');
        const settle = performance.now() - t0;
        const t1 = performance.now();
        const next = await f.invoke('sum', [i, 1]);
        const nextMs = performance.now() - t1;
        out.push({
          settle,
          platformTotal: s.timings.total,
          outcome: s.outcome,
          error: s.error,
          nextMs,
          nextOutcome: next.outcome,
          nextResult: next.result,
          nextStart: next.start,
          nextTimings: next.timings,
        });
      }
      return out;
    }, ROUNDS);
    const settle = rounds.map((r) => r.settle);
    const next = rounds.map((r) => r.nextMs);
    const outcomes = [...new Set(rounds.map((r) => r.outcome))];
    const allTimeout = outcomes.length === 1 && outcomes[0] === 'timeout';
    const nextOk = rounds.every((r, i) => r.nextOutcome === 'ok' && r.nextResult === i + 1);
    return {
      metrics: {
        settleWorst: Math.max(...settle),
        settleMedian: median(settle),
        platformTotalWorst: Math.max(...rounds.map((r) => r.platformTotal)),
        nextWorst: Math.max(...next),
        nextMedian: median(next),
        allTimeout: allTimeout ? 1 : 0,
        nextOk: nextOk ? 1 : 0,
      },
      lines: [
        [
          'stuck settles, median / worst',
          `${ms(median(settle))} / ${ms(Math.max(...settle))}  (outcome: ${outcomes.join(', ')})`,
        ],
        [
          'next sum, median / worst',
          `${ms(median(next))} / ${ms(Math.max(...next))}  (${rounds.map((r) => r.nextStart).join(', ')})`,
        ],
        [
          "  the platform's own total (enqueue → settle), each round",
          rounds.map((r) => ms(r.platformTotal)).join(', '),
        ],
        ['  error message', rounds[0].error ?? '(none)'],
      ],
      details: { rounds },
    };
  },
  targets: [
    {
      label: `stuck settles as timeout ≤ ${TIMEOUT_MS + 15} ms (worst of ${ROUNDS})`,
      check: (r) => ({
        pass: r.metrics.allTimeout === 1 && r.metrics.settleWorst <= TIMEOUT_MS + 15,
        actual: `${ms(r.metrics.settleWorst)}${r.metrics.allTimeout ? '' : ' (not all ended as timeout)'}`,
      }),
    },
    {
      label: `next sum answers ≤ 30 ms (worst of ${ROUNDS})`,
      check: (r) => ({
        pass: r.metrics.nextOk === 1 && r.metrics.nextWorst <= 30,
        actual: `${ms(r.metrics.nextWorst)}${r.metrics.nextOk ? '' : ' (a sum failed)'}`,
      }),
    },
  ],
};
