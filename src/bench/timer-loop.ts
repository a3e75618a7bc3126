// The load generator's schedule (arrivals `1000 / rate` ms apart, ticks ≥ 1 ms apart, a
// MessageChannel hop against timer clamping) driving nothing but itself: how late a bare timer
// loop runs where it runs. `npm run bench` measures it in a plain worker, the baseline for the
// generator's lateness in the platform worker.

export interface LatenessFigures {
  p50: number;
  p99: number;
  max: number;
}

export function timerLoopLateness(rate: number, seconds: number): Promise<LatenessFigures> {
  return new Promise((resolve) => {
    const gap = 1000 / rate;
    const n = rate * seconds;
    const late = new Float64Array(n);
    const ch = new MessageChannel();
    let hop: (() => void) | null = null;
    ch.port1.onmessage = () => hop?.();
    let next = 0;
    let depth = 0;
    const t0 = performance.now();
    const tick = (level: number) => {
      depth = level;
      const el = performance.now() - t0;
      for (; next < n && next * gap <= el + 1e-3; next++) late[next] = performance.now() - t0 - next * gap;
      if (next >= n) {
        ch.port1.close();
        late.sort();
        resolve({ p50: late[Math.floor(n * 0.5)], p99: late[Math.ceil(n * 0.99) - 1], max: late[n - 1] });
        return;
      }
      const wait = Math.max(1, next * gap - (performance.now() - t0));
      if (depth < 4) setTimeout(() => tick(depth + 1), wait);
      else {
        hop = () => setTimeout(() => tick(1), wait);
        ch.port2.postMessage(0);
      }
    };
    tick(0);
  });
}
