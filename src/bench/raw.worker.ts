// The benchmark baseline: a plain dedicated worker that calls an already-instantiated `sum`.
// No Comlink, no platform, no per-call bookkeeping: one postMessage in, one out. It is what
// `npm run bench` measures the platform against (see src/bench/harness.ts and bench/run.mjs).
//
// Messages in:  { t: 'init', bytes }          compile + instantiate once, answer { t: 'ready' }
//               { t: 'port', port }           also serve calls arriving on a MessagePort
//               { id, a, b, fresh? }          call sum(a, b) (on a new instance when `fresh`)
//               { t: 'inv', id, args, … }     the same, but shaped like the platform's invoke message
//               { t: 'timers', rate, seconds } a bare timer loop on the load generator's schedule
//               { t: 'relay', bytes }         become a relay: spawn a nested baseline worker, init it
//                                             with `bytes`, answer { t: 'ready' }, and from then on
//                                             pass every message on to it and every answer back
//               { t: 'hop', id }              (a relay) time one round trip to its nested worker
//                                             itself, over a MessageChannel as the platform
//                                             reaches a nanoprocess, and as the platform times a
//                                             call (enqueue to settle); answer { id, result: ms }
// Messages out: { id, result }, or a platform-shaped `done` message for `inv`

import { timerLoopLateness } from './timer-loop';

type Sum = (a: number, b: number) => number;

interface Call {
  t?: undefined;
  id: number;
  a: number;
  b: number;
  fresh?: boolean;
}

/** Shaped like ToWorker 'inv' in src/platform/wire.ts, to measure what the message shape costs. */
interface ShapedCall {
  t: 'inv';
  id: number;
  mod: number;
  export: string;
  args: number[];
  reuse: boolean;
  sentAt: number;
  wasi: null;
}

type In =
  | { t: 'init'; bytes: Uint8Array<ArrayBuffer> }
  | { t: 'port'; port: MessagePort }
  | { t: 'timers'; rate: number; seconds: number }
  | { t: 'relay'; bytes: Uint8Array<ArrayBuffer> }
  | ShapedCall
  | Call;

let module: WebAssembly.Module | null = null;
let sum: Sum | null = null;
/** Set when this worker is a relay: the nested worker every message goes on to. */
let inner: Worker | null = null;
/** A relay's MessageChannel to its nested worker, for the timed round trips ('hop'). */
let innerPort: MessagePort | null = null;
/** A relay's timed round trips to its nested worker: id → when the relay got the request. */
const hops = new Map<number, number>();

function exportOf(instance: WebAssembly.Instance): Sum {
  const exports = instance.exports;
  const fn = exports._start ?? exports.sum ?? Object.values(exports).find((v) => typeof v === 'function');
  if (typeof fn !== 'function') throw new Error('the baseline module exports no function');
  return fn as Sum;
}

function handle(msg: In, reply: (m: unknown) => void): void {
  if (msg.t === undefined) {
    const fn = msg.fresh ? exportOf(new WebAssembly.Instance(module!, {})) : sum!;
    reply({ id: msg.id, result: fn(msg.a, msg.b) });
  } else if (msg.t === 'inv') {
    const recvAt = performance.timeOrigin + performance.now();
    const t0 = performance.now();
    const fn = msg.reuse ? sum! : exportOf(new WebAssembly.Instance(module!, {}));
    const t1 = performance.now();
    const result = fn(msg.args[0], msg.args[1]);
    const execMs = performance.now() - t1;
    // Same fields as DoneMessage in src/platform/wire.ts.
    reply({
      t: 'done',
      id: msg.id,
      outcome: 'ok',
      result,
      error: undefined,
      logs: [],
      instance: msg.reuse ? 'reused' : 'new',
      recvAt,
      instantiateMs: t1 - t0,
      execMs,
      memoryBytes: 0,
    });
  } else if (msg.t === 'timers') {
    void timerLoopLateness(msg.rate, msg.seconds).then((r) => reply({ t: 'timers', ...r }));
  } else if (msg.t === 'relay') {
    // eslint-disable-next-line no-restricted-syntax -- the baseline is deliberately a plain worker outside the platform
    const w = new Worker(new URL('./raw.worker.ts', import.meta.url), {
      type: 'module',
      name: 'bench-raw-inner',
    });
    w.onmessage = () => {
      const back = (ev: MessageEvent<{ id: number }>) => {
        const t0 = hops.get(ev.data.id);
        if (t0 === undefined) return self.postMessage(ev.data);
        hops.delete(ev.data.id);
        self.postMessage({ id: ev.data.id, result: performance.now() - t0 });
      };
      w.onmessage = back;
      const ch = new MessageChannel();
      w.postMessage({ t: 'port', port: ch.port2 }, [ch.port2]);
      ch.port1.onmessage = back;
      innerPort = ch.port1;
      inner = w;
      reply({ t: 'ready' });
    };
    w.postMessage({ t: 'init', bytes: msg.bytes });
  } else if (msg.t === 'init') {
    module = new WebAssembly.Module(msg.bytes);
    sum = exportOf(new WebAssembly.Instance(module, {}));
    reply({ t: 'ready' });
  } else {
    const port = msg.port;
    port.onmessage = (ev: MessageEvent<In>) => handle(ev.data, (m) => port.postMessage(m));
  }
}

self.onmessage = (ev: MessageEvent<In | { t: 'hop'; id: number }>) => {
  const msg = ev.data;
  if (inner && msg.t === 'hop') {
    hops.set(msg.id, performance.now());
    innerPort!.postMessage({ id: msg.id, a: 0, b: 0 });
  } else if (inner) inner.postMessage(msg);
  else handle(msg as In, (m) => self.postMessage(m));
};
