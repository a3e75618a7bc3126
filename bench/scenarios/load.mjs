// Load generator: a 10-second open-loop test on `sum` at 2,000 req/s, started from the Load test
// panel like a user would (its live charts drawing all along). Reads the run's summary, the
// generator's own lateness, and the page's JS heap before and after (both after a forced GC).
import { ensureSample } from '../lib/faas.mjs';

const RATE = 2000;
const SECONDS = 10;
const MiB = 1024 * 1024;

/** The page's JS heap in use after a full GC (CDP; the workers' heaps are not included). */
async function heapAfterGc(cdp) {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
}

async function fill(panel, label, value) {
  await panel.getByLabel(label, { exact: true }).fill(String(value));
}

export default {
  name: 'load',
  description: `Load test panel: open loop, constant ${RATE.toLocaleString('en-US')} req/s on sum for ${SECONDS} s`,
  async run(page, ctx) {
    await ensureSample(page, 'sum');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.enable');

    await page.getByRole('tab', { name: 'Load test', exact: true }).click();
    const panel = page.getByRole('tabpanel', { name: 'Load test', exact: true });
    await panel.getByLabel('Function', { exact: true }).selectOption('sum');
    await panel.getByLabel('Arguments').fill('5, 2');
    await panel.getByLabel('Open loop').check();
    await panel.getByLabel('Arrivals').selectOption('constant');
    await fill(panel, 'Rate', RATE);
    await fill(panel, 'Duration', SECONDS);
    await fill(panel, 'Count', '');
    await fill(panel, 'Seed', 1);

    // The baseline: the generator's schedule driving nothing but itself, in a plain worker (the
    // generator runs in the platform worker), and for context in this page.
    const baseline = await page.evaluate(
      ([r, s]) => window.nanofaasBench.timerLateness(r, s, 'worker'),
      [RATE, 2],
    );
    const inPage = await page.evaluate(
      ([r, s]) => window.nanofaasBench.timerLateness(r, s, 'page'),
      [RATE, 2],
    );
    const before = await heapAfterGc(cdp);
    ctx.log('running…');
    await panel.getByRole('button', { name: 'Start', exact: true }).click();
    // Poll rarely: a DOM query every few ms would itself load the main thread being measured.
    await page.waitForFunction(() => !!document.querySelector('[data-testid="load-summary"]'), null, {
      timeout: (SECONDS + 60) * 1000,
      polling: 1000,
    });
    const value = (name) =>
      panel
        .locator(`[data-testid="load-summary"] [data-metric="${name}"]`)
        .first()
        .getAttribute('data-value')
        .then(Number);
    const m = {
      settled: await value('settled'),
      offered: await value('offered'),
      achieved: await value('achieved'),
      totalP99: await value('total-p99'),
      latenessP99: await value('lateness-p99'),
      queuePeak: await value('queue-peak'),
      ok: await value('ok'),
    };
    const lateness = await panel.locator('[data-metric="lateness-p99"]').innerText();
    // Let the Load test panel's last redraw and the platform's pool upkeep finish.
    await page.waitForTimeout(500);
    const after = await heapAfterGc(cdp);
    await cdp.detach();

    const ratio = m.achieved / m.offered;
    const heapDeltaMiB = (after - before) / MiB;
    return {
      metrics: {
        ...m,
        ratio,
        heapBeforeMiB: before / MiB,
        heapAfterMiB: after / MiB,
        heapDeltaMiB,
        bareTimerLatenessP50: baseline.p50,
        bareTimerLatenessP99: baseline.p99,
        pageTimerLatenessP99: inPage.p99,
      },
      lines: [
        ['invocations', `${m.settled.toLocaleString('en-US')} (${m.ok.toLocaleString('en-US')} ok)`],
        [
          'offered → achieved',
          `${m.offered.toFixed(0)}/s → ${m.achieved.toFixed(1)}/s (${(ratio * 100).toFixed(2)} %)`,
        ],
        ['generator lateness', lateness.replace(/\s+/g, ' ')],
        [
          '  baseline: a bare timer loop in a worker, same schedule',
          `p50 ${baseline.p50.toFixed(2)} ms · p99 ${baseline.p99.toFixed(2)} ms · max ${baseline.max.toFixed(2)} ms`,
        ],
        [
          '  context: the same loop in the page',
          `p50 ${inPage.p50.toFixed(2)} ms · p99 ${inPage.p99.toFixed(2)} ms · max ${inPage.max.toFixed(2)} ms`,
        ],
        ['total latency p99', `${m.totalP99.toFixed(2)} ms · queue peak ${m.queuePeak}`],
        [
          'page JS heap after GC',
          `${(before / MiB).toFixed(1)} → ${(after / MiB).toFixed(1)} MiB (${heapDeltaMiB >= 0 ? '+' : ''}${heapDeltaMiB.toFixed(1)} MiB, ` +
            `with ${m.settled.toLocaleString('en-US')} records kept in history)`,
        ],
      ],
    };
  },
  targets: [
    {
      label: 'achieved ≥ 99 % of offered',
      check: (r) => ({ pass: r.metrics.ratio >= 0.99, actual: `${(r.metrics.ratio * 100).toFixed(2)} %` }),
    },
    {
      label: 'generator lateness p99 ≤ 2× a bare timer loop in a worker',
      check: (r) => ({
        pass: r.metrics.latenessP99 <= 2 * r.metrics.bareTimerLatenessP99,
        actual: `${r.metrics.latenessP99.toFixed(2)} ms vs ≤ ${(2 * r.metrics.bareTimerLatenessP99).toFixed(2)} ms (${(r.metrics.latenessP99 / r.metrics.bareTimerLatenessP99).toFixed(2)}×)`,
      }),
    },
    {
      label: 'page heap after the run within 20 MB of before',
      check: (r) => ({
        pass: Math.abs(r.metrics.heapDeltaMiB) * MiB <= 20e6,
        actual: `${r.metrics.heapDeltaMiB >= 0 ? '+' : ''}${r.metrics.heapDeltaMiB.toFixed(1)} MiB`,
      }),
    },
  ],
};
