// Warm invocations: 2000 sequential faas.invoke('sum', [i, 1]) on a warm pool.
//
// The machine this runs on is shared, so the comparison with raw is paired: the 2000 invocations
// run in chunks of 200, each right after a chunk of 200 raw round trips (same baseline worker
// as the `raw` scenario), and the target compares against the raw p50 of those interleaved
// chunks. The `raw` scenario's own p50 is shown beside it. Also interleaved: the same round trip
// through a bare relay (a plain worker that only passes messages on to a plain worker it spawned,
// as the page reaches a nanoprocess through the platform worker): the floor of any platform that
// runs in a worker of its own, which issue 11 asks for, with no platform work at all.
import { ensureSample, timingLine, TIMING_KEYS } from '../lib/faas.mjs';
import { ms, summarize } from '../lib/stats.mjs';

const N = 2000;
const CHUNK = 200;
const WARMUP = 500;

export default {
  name: 'warm',
  description: `${N} sequential faas.invoke('sum', [i, 1]), interleaved with raw round trips`,
  needs: ['raw'],
  async run(page) {
    await ensureSample(page, 'sum');
    const r = await page.evaluate(
      async ([n, chunk, warm, keys]) => {
        const f = window.faas;
        const b = window.nanofaasBench;
        await b.init(f.bytes('sum'), 1);
        for (let i = 0; i < warm; i++) await f.invoke('sum', [i, 1]);
        await b.rawRoundTrip(warm);
        await b.rawRoundTrip(warm, { via: 'relay' });
        const samples = [];
        const raw = [];
        const relay = [];
        const sync = [];
        const sums = Object.fromEntries(keys.map((k) => [k, 0]));
        let cold = 0;
        for (let i = 0; i < n;) {
          raw.push(...(await b.rawRoundTrip(chunk)));
          relay.push(...(await b.rawRoundTrip(chunk, { via: 'relay' })));
          for (const end = Math.min(n, i + chunk); i < end; i++) {
            const t0 = performance.now();
            const p = f.invoke('sum', [i, 1]);
            const t1 = performance.now();
            const inv = await p;
            samples.push(performance.now() - t0);
            sync.push(t1 - t0);
            if (inv.outcome !== 'ok' || inv.result !== i + 1)
              throw new Error(`sum(${i}, 1): ${inv.outcome} ${inv.result} ${inv.error ?? ''}`);
            if (inv.start === 'cold') cold++;
            for (const k of keys) sums[k] += inv.timings[k];
          }
        }
        b.dispose();
        const means = Object.fromEntries(keys.map((k) => [k, sums[k] / n]));
        return { samples, raw, relay, sync, means, cold, workers: f.pool().workers.length };
      },
      [N, CHUNK, WARMUP, TIMING_KEYS],
    );
    const s = summarize(r.samples);
    const raw = summarize(r.raw);
    const relay = summarize(r.relay);
    const sync = summarize(r.sync);
    return {
      metrics: {
        p50: s.p50,
        p99: s.p99,
        mean: s.mean,
        rawP50: raw.p50,
        rawP99: raw.p99,
        rawMean: raw.mean,
        ratio: s.p50 / raw.p50,
        relayP50: relay.p50,
        relayMean: relay.mean,
        relayRatio: relay.p50 / raw.p50,
        relayMeanRatio: relay.mean / raw.mean,
        syncMean: sync.mean,
        cold: r.cold,
        ...Object.fromEntries(Object.entries(r.means).map(([k, v]) => [`timings.${k}`, v])),
      },
      lines: [
        [`invoke p50 / p99 / mean (n=${N})`, `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.mean)}`],
        ['  interleaved raw p50 / p99 / mean', `${ms(raw.p50)} / ${ms(raw.p99)} / ${ms(raw.mean)}`],
        [
          '  interleaved bare relay (the floor) p50 / p99 / mean',
          `${ms(relay.p50)} / ${ms(relay.p99)} / ${ms(relay.mean)}  (p50 × ${(relay.p50 / raw.p50).toFixed(2)}, mean × ${(relay.mean / raw.mean).toFixed(2)} raw)`,
        ],
        ['  invoke() synchronous part, mean', ms(sync.mean)],
        ['  timings mean', timingLine(r.means)],
      ],
      details: {
        latency: s,
        interleavedRaw: raw,
        interleavedRelay: relay,
        sync,
        timingsMean: r.means,
        coldStarts: r.cold,
        workers: r.workers,
      },
    };
  },
  targets: [
    {
      label: 'p50 ≤ 1.2 × raw p50',
      check(result, results) {
        const { p50, rawP50 } = result.metrics;
        return {
          pass: p50 <= 1.2 * rawP50,
          actual: `${ms(p50)} vs ≤ ${ms(1.2 * rawP50)} (${(p50 / rawP50).toFixed(2)}×; raw scenario p50 ${ms(results.raw.metrics.p50)})`,
          ratio: p50 / rawP50,
        };
      },
    },
    {
      label: 'mean ≤ 1.5 × raw mean',
      check(result) {
        const { mean, rawMean } = result.metrics;
        return {
          pass: mean <= 1.5 * rawMean,
          actual: `${ms(mean)} vs ≤ ${ms(1.5 * rawMean)} (${(mean / rawMean).toFixed(2)}×)`,
          ratio: mean / rawMean,
        };
      },
    },
  ],
};
