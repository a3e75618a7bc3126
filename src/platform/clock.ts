// Time for the framework-free core. The platform, its nanoprocesses and the load generator read
// the time and set timers only through a Clock passed in, so unit tests drive them with a manual
// clock (src/platform/testing/manual-clock.ts) and run in milliseconds.

/** A clock in ms and one-shot timers. */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** The realm's time origin never changes; read once, not on every call of epochNow. */
const TIME_ORIGIN = performance.timeOrigin;

/** Epoch milliseconds with sub-millisecond precision, comparable across realms (workers share it). */
export function epochNow(): number {
  return TIME_ORIGIN + performance.now();
}

/** The platform's clock in a browser realm: epoch ms and plain timers. */
export const systemClock: Clock = {
  now: epochNow,
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Calls `fn` every `ms` on `clock` until the returned function is called. */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
  let handle: unknown = null;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    handle = clock.setTimer(tick, ms);
    fn();
  };
  handle = clock.setTimer(tick, ms);
  return () => {
    stopped = true;
    clock.clearTimer(handle);
  };
}
