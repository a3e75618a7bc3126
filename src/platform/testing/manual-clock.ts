// A virtual clock for unit tests: timers fire in time order when the test advances it, and
// promise callbacks and message-port deliveries run between timers, so code that awaits a
// worker's answer behaves as it would on a real event loop, in microseconds of real time.
import type { Clock } from '../clock';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Lets pending promise callbacks run. */
export async function flushMicrotasks(): Promise<void> {
  for (let k = 0; k < 8; k++) await null;
}

/** Node's setImmediate (tests run in Node); a zero timeout elsewhere. */
const nextMacrotask: (fn: () => void) => void =
  (globalThis as { setImmediate?: (fn: () => void) => void }).setImmediate ?? ((fn) => setTimeout(fn, 0));

/** Lets pending promise callbacks and MessagePort deliveries run (a port round trip takes two macrotasks in Node). */
export async function flush(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await flushMicrotasks();
    await new Promise<void>((r) => nextMacrotask(r));
  }
}

export class ManualClock implements Clock {
  t: number;
  private seq = 0;
  private timers: Timer[] = [];
  /** Added to every timer's firing time, to model a busy event loop. */
  lateBy: (at: number) => number = () => 0;

  /** What runs between two timers: microtasks by default; `flush` when worker messages are involved. */
  private readonly settle: () => Promise<void>;

  constructor(options: { start?: number; settle?: () => Promise<void> } = {}) {
    this.t = options.start ?? 1000;
    this.settle = options.settle ?? flushMicrotasks;
  }

  now = (): number => this.t;

  setTimer = (fn: () => void, ms: number): unknown => {
    const h: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    h.at += this.lateBy(h.at);
    this.timers.push(h);
    return h;
  };

  clearTimer = (h: unknown): void => {
    if (h) (h as Timer).cancelled = true;
  };

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.timers.filter((x) => !x.cancelled).length;
  }

  /** Runs every timer due up to now + ms in time order, flushing callbacks and messages after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await this.settle();
      this.timers = this.timers.filter((x) => !x.cancelled);
      let next: Timer | null = null;
      for (const h of this.timers)
        if (h.at <= end && (!next || h.at < next.at || (h.at === next.at && h.seq < next.seq))) next = h;
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
    await this.settle();
  }

  /** Advances in steps until `p` settles; throws if it has not within `limitMs` of virtual time. */
  async until<T>(p: Promise<T>, limitMs = 120_000, stepMs = 10): Promise<T> {
    let done = false;
    let value!: T;
    let error: unknown;
    let failed = false;
    p.then(
      (v) => {
        done = true;
        value = v;
      },
      (e) => {
        done = failed = true;
        error = e;
      },
    );
    for (let spent = 0; !done && spent < limitMs; spent += stepMs) await this.advance(stepMs);
    if (!done) throw new Error(`did not settle within ${limitMs} ms of virtual time`);
    if (failed) throw error;
    return value;
  }
}
