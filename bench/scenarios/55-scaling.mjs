// Scaling: a closed loop of CPU-bound calls (fib(27)) with maxWorkers 1, then 2, for a few
// seconds each; calls/s should rise with the workers up to the cores the browser may use beside
// the page and the platform (navigator.hardwareConcurrency − 1). On a 2-core machine that is 1,
// so the figure is reported with the core count and the target only applies with ≥ 3 cores.
import { configure, ensureSample, settlePool } from '../lib/faas.mjs';

const SECONDS = 4;
const CLIENTS = 4;
const ARG = 27;

async function closedLoop(page, workers) {
  await configure(page, { maxWorkers: workers, prewarm: workers });
  await settlePool(page, workers);
  return page.evaluate(
    async ([seconds, clients, arg]) => {
      const f = window.faas;
      for (let i = 0; i < clients; i++) await f.invoke('fib', [arg]); // warm
      let done = 0;
      const end = performance.now() + seconds * 1000;
      const t0 = performance.now();
      const client = async () => {
        while (performance.now() < end) {
          const inv = await f.invoke('fib', [arg]);
          if (inv.outcome !== 'ok') throw new Error(`fib: ${inv.outcome} ${inv.error ?? ''}`);
          done++;
        }
      };
      await Promise.all(Array.from({ length: clients }, client));
      return { perSec: (done / (performance.now() - t0)) * 1000, cores: navigator.hardwareConcurrency };
    },
    [SECONDS, CLIENTS, ARG],
  );
}

export default {
  name: 'scaling',
  description: `closed loop, ${CLIENTS} clients, fib(${ARG}) for ${SECONDS} s: maxWorkers 1 vs 2`,
  async run(page) {
    await ensureSample(page, 'fib', 'fib', { timeoutMs: 60_000 });
    const one = await closedLoop(page, 1);
    const two = await closedLoop(page, 2);
    const ratio = two.perSec / one.perSec;
    return {
      metrics: { oneWorker: one.perSec, twoWorkers: two.perSec, ratio, cores: one.cores },
      lines: [
        ['maxWorkers 1', `${one.perSec.toFixed(1)} calls/s`],
        ['maxWorkers 2', `${two.perSec.toFixed(1)} calls/s (${ratio.toFixed(2)}×)`],
        [
          'navigator.hardwareConcurrency',
          `${one.cores} (so up to ${Math.max(1, one.cores - 1)} worker(s) can scale)`,
        ],
      ],
    };
  },
  target: {
    label: '2 workers ≥ 1.5 × 1 worker (with ≥ 3 cores)',
    check: (r) =>
      r.metrics.cores >= 3
        ? { pass: r.metrics.ratio >= 1.5, actual: `${r.metrics.ratio.toFixed(2)}×` }
        : {
            pass: null,
            actual: `${r.metrics.ratio.toFixed(2)}× (does not apply with ${r.metrics.cores} cores)`,
          },
  },
};
