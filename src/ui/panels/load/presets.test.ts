import { describe, expect, it } from 'vitest';
import { findSample } from '../../samples';
import { LOAD_PRESETS } from './presets';

describe('load-test presets', () => {
  it('each runs a sample that exists, with a workload that validates', () => {
    for (const p of LOAD_PRESETS) {
      expect(findSample(p.sample.name), p.id).toBeDefined();
      expect(p.workload.duration, p.id).toBeGreaterThan(0);
    }
  });

  it('queueing and throttling offer more work than two cores can do; throttling caps the queue', () => {
    const queueing = LOAD_PRESETS.find((p) => p.id === 'queueing')!;
    const throttling = LOAD_PRESETS.find((p) => p.id === 'throttling')!;
    // Recursive fib(n) makes 2·fib(n+1) − 1 calls; even at 1 ns a call the offered work is more
    // than two cores can run in a second, before the platform's own costs.
    const fib = (n: number) => {
      let [a, b] = [0, 1];
      for (let i = 0; i < n; i++) [a, b] = [b, a + b];
      return a;
    };
    for (const p of [queueing, throttling]) {
      const n = Number(p.sample.args);
      expect(p.sample.name).toBe('fib');
      expect(p.workload.rate! * (2 * fib(n + 1) - 1) * 1e-9).toBeGreaterThan(2);
    }
    expect(throttling.platform?.maxQueue).toBeLessThan(throttling.workload.rate!);
    expect(queueing.platform).toBeUndefined();
  });
});
