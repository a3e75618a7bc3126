// Test helper: timers the test drives by hand (IndexedDB fakes keep their real scheduling).
import type { Timers } from './autosave';

/** Timers driven by the test: `advance(ms)` runs what falls due, in order. */
export function manualTimers() {
  let now = 0;
  let nextId = 1;
  const due = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout(fn, ms) {
      const id = nextId++;
      due.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(handle) {
      due.delete(handle as number);
    },
    now: () => now,
  };
  async function advance(ms: number) {
    const end = now + ms;
    for (;;) {
      const next = [...due.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      due.delete(next[0]);
      now = next[1].at;
      next[1].fn();
      await settle();
    }
    now = end;
    await settle();
  }
  return { timers, advance, pending: () => due.size };
}

export const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
