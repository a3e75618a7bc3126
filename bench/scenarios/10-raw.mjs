// The floor: a plain worker.postMessage round trip to a plain worker (src/bench/raw.worker.ts)
// that calls an already-instantiated `sum`. Also measured, for diagnosis: the same over a
// MessageChannel port (the platform's invoke path) and with a new instance per call (the
// platform's default `fresh` policy), and additionally with messages shaped like the platform's
// invoke/done messages: together they split the platform's overhead into wire, instantiation
// and platform logic.
import { ensureSample } from '../lib/faas.mjs';
import { ms, summarize } from '../lib/stats.mjs';

const N = 2000;
const WARMUP = 500;

export default {
  name: 'raw',
  description: 'plain postMessage round trip to a plain worker calling an instantiated sum (the floor)',
  async run(page) {
    await ensureSample(page, 'sum');
    const r = await page.evaluate(
      async ([n, warm]) => {
        const b = window.nanofaasBench;
        await b.init(window.faas.bytes('sum'), 1);
        await b.rawRoundTrip(warm);
        const worker = await b.rawRoundTrip(n);
        await b.rawRoundTrip(warm, { via: 'port' });
        const port = await b.rawRoundTrip(n, { via: 'port' });
        await b.rawRoundTrip(warm, { via: 'port', fresh: true });
        const portFresh = await b.rawRoundTrip(n, { via: 'port', fresh: true });
        await b.rawRoundTrip(warm, { via: 'port', fresh: true, shaped: true });
        const shaped = await b.rawRoundTrip(n, { via: 'port', fresh: true, shaped: true });
        b.dispose();
        return { worker, port, portFresh, shaped };
      },
      [N, WARMUP],
    );
    const worker = summarize(r.worker);
    const port = summarize(r.port);
    const portFresh = summarize(r.portFresh);
    const shaped = summarize(r.shaped);
    return {
      metrics: {
        p50: worker.p50,
        p99: worker.p99,
        mean: worker.mean,
        portP50: port.p50,
        portP99: port.p99,
        portFreshP50: portFresh.p50,
        portFreshP99: portFresh.p99,
        shapedP50: shaped.p50,
        shapedP99: shaped.p99,
      },
      lines: [
        [`round trip p50 / p99 (n=${N})`, `${ms(worker.p50)} / ${ms(worker.p99)}`],
        ['  same over a MessagePort', `${ms(port.p50)} / ${ms(port.p99)}  (info)`],
        ['  port + new instance per call', `${ms(portFresh.p50)} / ${ms(portFresh.p99)}  (info)`],
        ['  … + platform-shaped messages', `${ms(shaped.p50)} / ${ms(shaped.p99)}  (info)`],
      ],
      details: { worker, port, portFresh, shaped },
    };
  },
};
