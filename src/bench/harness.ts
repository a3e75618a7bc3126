// Page side of `npm run bench`: the plain-worker baseline the platform is measured against.
// Loaded only for benchmarking (src/main.ts imports it when the URL has ?bench); it exposes
// window.nanofaasBench and touches nothing of the app. bench/run.mjs drives it with Playwright.
//
// The baseline workers are built by Vite from a real file (no Blob or data: URL), so the
// benchmark keeps working under a CSP that forbids blob: and eval.

import { timerLoopLateness, type LatenessFigures } from './timer-loop';

export interface RawOptions {
  /**
   * 'worker': worker.postMessage (the default); 'port': a MessageChannel, as the platform's invoke
   * port; 'relay': through a plain worker that only passes messages on to a plain worker it
   * spawned, as the page reaches a nanoprocess through the platform worker (two hops each way).
   */
  via?: 'worker' | 'port' | 'relay';
  /** Instantiate a new instance per call, as the platform's default `fresh` policy does. */
  fresh?: boolean;
  /** Send and answer messages shaped like the platform's invoke and done messages (src/platform/wire.ts). */
  shaped?: boolean;
}

export interface PipelinedResult {
  n: number;
  workers: number;
  ms: number;
  perSec: number;
}

export interface NanofaasBench {
  /** Starts `workers` baseline workers and instantiates the module (e.g. faas.bytes('sum')) in each. */
  init(bytes: Uint8Array, workers?: number): Promise<void>;
  /** `n` sequential round trips to the first baseline worker; each sample in ms. */
  rawRoundTrip(n: number, options?: RawOptions): Promise<number[]>;
  /**
   * `n` round trips from the relay worker to its nested worker, each timed in the relay from the
   * request's arrival to the answer's (as the platform times a call, enqueue to settle): the
   * transport floor under a call's `total`, with no platform work at all. `gapMs` apart.
   */
  relayHops(n: number, gapMs?: number): Promise<number[]>;
  /** `n` calls issued at once, round-robin over `workers` baseline workers, each with its own promise. */
  rawPipelined(n: number, workers?: number, options?: RawOptions): Promise<PipelinedResult>;
  /** How late a bare timer loop on the load generator's schedule runs, in this page or in a plain worker. */
  timerLateness(rate: number, seconds: number, where: 'page' | 'worker'): Promise<LatenessFigures>;
  /** Ends the baseline workers. */
  dispose(): void;
}

interface Reply {
  id: number;
  result: number;
}

interface RawWorker {
  worker: Worker;
  port: MessagePort;
  /** A relay worker in front of a nested baseline worker of its own. */
  relay: Worker;
}

function spawnRaw(): Worker {
  // eslint-disable-next-line no-restricted-syntax -- the baseline is deliberately a plain worker outside the platform
  return new Worker(new URL('./raw.worker.ts', import.meta.url), { type: 'module', name: 'bench-raw' });
}

let pool: RawWorker[] = [];
let nextId = 1;
const waiting = new Map<number, (result: number) => void>();

function onReply(ev: MessageEvent<Reply>): void {
  const resolve = waiting.get(ev.data.id);
  if (resolve) {
    waiting.delete(ev.data.id);
    resolve(ev.data.result);
  }
}

/** A baseline worker that has answered `message` (init or relay) and now answers calls. */
async function ready(message: { t: 'init' | 'relay'; bytes: Uint8Array }): Promise<Worker> {
  const worker = spawnRaw();
  await new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (e) => reject(new Error(`baseline worker failed: ${e.message}`));
    worker.postMessage(message);
  });
  worker.onmessage = onReply;
  return worker;
}

async function start(bytes: Uint8Array): Promise<RawWorker> {
  const worker = await ready({ t: 'init', bytes });
  const channel = new MessageChannel();
  channel.port1.onmessage = onReply;
  worker.postMessage({ t: 'port', port: channel.port2 }, [channel.port2]);
  return { worker, port: channel.port1, relay: await ready({ t: 'relay', bytes }) };
}

function need(count: number): RawWorker[] {
  if (pool.length < count)
    throw new Error(`nanofaasBench: init(bytes, ${count}) first (${pool.length} baseline workers running)`);
  return pool.slice(0, count);
}

function call(w: RawWorker, a: number, b: number, o: RawOptions): Promise<number> {
  const id = nextId++;
  return new Promise<number>((resolve) => {
    waiting.set(id, resolve);
    const msg = o.shaped
      ? {
          t: 'inv',
          id,
          mod: 1,
          export: '_start',
          args: [a, b],
          reuse: o.fresh !== true,
          sentAt: performance.timeOrigin + performance.now(),
          wasi: null,
        }
      : { id, a, b, fresh: o.fresh === true };
    if (o.via === 'port') w.port.postMessage(msg);
    else if (o.via === 'relay') w.relay.postMessage(msg);
    else w.worker.postMessage(msg);
  });
}

const bench: NanofaasBench = {
  async init(bytes, workers = 2) {
    bench.dispose();
    pool = await Promise.all(Array.from({ length: workers }, () => start(bytes)));
    // Both paths answer once before anything is timed.
    for (const w of pool) {
      await call(w, 1, 1, {});
      await call(w, 1, 1, { via: 'port' });
      await call(w, 1, 1, { via: 'relay' });
    }
  },

  async rawRoundTrip(n, options = {}) {
    const [w] = need(1);
    const samples = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const r = await call(w, i, 1, options);
      samples[i] = performance.now() - t0;
      if (r !== i + 1) throw new Error(`baseline sum(${i}, 1) returned ${r}`);
    }
    return samples;
  },

  async relayHops(n, gapMs = 0) {
    const [w] = need(1);
    const samples = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      const id = nextId++;
      samples[i] = await new Promise<number>((resolve) => {
        waiting.set(id, resolve);
        w.relay.postMessage({ t: 'hop', id });
      });
    }
    return samples;
  },

  async rawPipelined(n, workers = 2, options = {}) {
    const ws = need(workers);
    const t0 = performance.now();
    const calls = new Array<Promise<number>>(n);
    for (let i = 0; i < n; i++) calls[i] = call(ws[i % workers], i, 1, options);
    const results = await Promise.all(calls);
    const ms = performance.now() - t0;
    if (results[n - 1] !== n) throw new Error(`baseline sum(${n - 1}, 1) returned ${results[n - 1]}`);
    return { n, workers, ms, perSec: (n / ms) * 1000 };
  },

  async timerLateness(rate, seconds, where) {
    if (where === 'page') return timerLoopLateness(rate, seconds);
    const worker = spawnRaw();
    try {
      return await new Promise<LatenessFigures>((resolve, reject) => {
        worker.onmessage = (ev: MessageEvent<LatenessFigures>) => resolve(ev.data);
        worker.onerror = (e) => reject(new Error(`timer worker failed: ${e.message}`));
        worker.postMessage({ t: 'timers', rate, seconds });
      });
    } finally {
      worker.terminate();
    }
  },

  dispose() {
    for (const w of pool) {
      w.port.close();
      w.worker.terminate();
      w.relay.terminate();
    }
    pool = [];
    waiting.clear();
  },
};

declare global {
  interface Window {
    nanofaasBench: NanofaasBench;
  }
}

window.nanofaasBench = bench;
