import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICE_MODEL, aggregateCost } from '../../../platform/metrics/billing';
import type { Invocation, Outcome } from '../../../platform/types';
import { breakdownBars, populationHistogram, ratePerSec } from '../../charts/prepare';
import {
  BillingTracker,
  COLD,
  costOf,
  FAILED,
  InvocationColumns,
  LogCursor,
  START_COLD,
  THROTTLED,
  WARM,
} from './store';

let nextId = 1;
function inv(fn: string, endedAt: number, exec: number, extra: Partial<Invocation> = {}): Invocation {
  return {
    id: nextId++,
    fn,
    version: 1,
    export: '_start',
    args: [],
    start: 'warm',
    instance: 'new',
    outcome: 'ok' as Outcome,
    result: 0,
    logs: [],
    timings: { queue: 0.1, spawn: 0, compile: 0, instantiate: 0.05, exec, total: exec + 0.2 },
    memoryBytes: 0,
    worker: 1,
    enqueuedAt: endedAt - exec - 0.2,
    endedAt,
    ...extra,
  };
}

describe('LogCursor', () => {
  it('reports new items, and a reset when the list is trimmed or replaced', () => {
    const c = new LogCursor();
    const items = [1, 2, 3];
    expect(c.next(items)).toBe(0);
    items.push(4, 5);
    expect(c.next(items)).toBe(3);
    expect(c.next(items)).toBe(5);
    items.splice(0, 2);
    expect(c.next(items)).toBe(-1);
    expect(c.next([])).toBe(-1);
    expect(c.next([9])).toBe(0);
  });
});

describe('InvocationColumns', () => {
  it('appends incrementally, filters by function and classifies points', () => {
    const log: Invocation[] = [
      inv('a', 1000, 1, { start: 'cold' }),
      inv('b', 1500, 2),
      inv('a', 2000, 3, { outcome: 'trap' }),
    ];
    const all = new InvocationColumns();
    expect(all.sync(log)).toBe(true);
    expect(all.n).toBe(3);
    expect([...all.x.subarray(0, 3)]).toEqual([0, 0.5, 1]);
    expect([...all.cat.subarray(0, 3)]).toEqual([COLD, WARM, FAILED]);
    expect(all.sync(log)).toBe(false);
    log.push(inv('a', 2500, 4));
    expect(all.sync(log)).toBe(true);
    expect(all.n).toBe(4);
    expect(all.refs[3]).toBe(log[3]);

    const a = new InvocationColumns('a');
    a.sync(log);
    expect(a.n).toBe(3);
    expect([...a.exec.subarray(0, 3)]).toEqual([1, 3, 4]);
    a.setFilter('b');
    a.sync(log);
    expect(a.n).toBe(1);
    expect(a.x[0]).toBe(0.5); // time stays relative to the log's first record, whatever the filter
  });

  it('grows past its initial capacity and rebuilds after a trim', () => {
    const log: Invocation[] = [];
    for (let i = 0; i < 3000; i++) log.push(inv('a', 1000 + i, 1));
    const c = new InvocationColumns();
    c.sync(log);
    expect(c.n).toBe(3000);
    expect(c.x[2999]).toBeCloseTo(2.999, 9);
    log.splice(0, 1000);
    c.sync(log);
    expect(c.n).toBe(2000);
    expect(c.x[0]).toBe(0);
  });

  it('sorts records that arrive out of order (restored history)', () => {
    const log = [inv('a', 3000, 1), inv('a', 1000, 1), inv('a', 2000, 1)];
    const c = new InvocationColumns();
    c.sync(log);
    expect([...c.x.subarray(0, 3)]).toEqual([0, 1, 2]);
    expect(c.refs.map((r) => r.endedAt)).toEqual([1000, 2000, 3000]);
  });

  it("keeps every record's start and throttling as bits, through growth and sorting", () => {
    const log: Invocation[] = [];
    for (let i = 0; i < 2500; i++)
      log.push(
        inv('a', 5000 - i, 1, {
          start: i % 2 ? 'cold' : 'warm',
          outcome: i % 3 === 0 ? 'throttled' : i % 5 === 0 ? 'trap' : 'ok',
        }),
      );
    const c = new InvocationColumns();
    c.sync(log);
    expect(c.n).toBe(2500);
    for (let i = 0; i < c.n; i++) {
      const r = c.refs[i];
      expect(c.kind[i] & START_COLD, `row ${i}`).toBe(r.start === 'cold' ? START_COLD : 0);
      expect(c.kind[i] & THROTTLED, `row ${i}`).toBe(r.outcome === 'throttled' ? THROTTLED : 0);
    }
  });
});

describe('BillingTracker', () => {
  it('matches aggregateCost at every granularity and skips throttled calls', () => {
    const log = [
      inv('a', 1000, 0.05),
      inv('a', 1001, 1.2),
      inv('a', 1002, 0, { outcome: 'throttled' }),
      inv('a', 1003, 130),
    ];
    const t = new BillingTracker();
    t.sync(log, DEFAULT_PRICE_MODEL);
    const b = t.perFn.get('a')!;
    expect(b.count).toBe(3);
    for (const g of [1, 10, 100]) {
      const model = { ...DEFAULT_PRICE_MODEL, granularityMs: g };
      const want = aggregateCost(
        log.map((i) => ({ execMs: i.timings.exec, memoryMiB: 128, outcome: i.outcome })),
        model,
      );
      const got = costOf(b, 128, model);
      expect(got.billedMs).toBeCloseTo(want.billedMs, 9);
      expect(got.total).toBeCloseTo(want.total, 15);
      expect(got.costPerMillion).toBeCloseTo(want.costPerMillion, 9);
    }
    expect(costOf(b, 128, DEFAULT_PRICE_MODEL, 100).billedMs).toBe(100 + 100 + 200);
  });

  it('recounts when the granularity changes and follows new records incrementally', () => {
    const log = [inv('a', 1000, 2.5)];
    const t = new BillingTracker();
    t.sync(log, DEFAULT_PRICE_MODEL);
    log.push(inv('a', 1001, 2.5));
    t.sync(log, DEFAULT_PRICE_MODEL);
    expect(t.perFn.get('a')!.billed.get(1)).toBe(6);
    t.sync(log, { ...DEFAULT_PRICE_MODEL, granularityMs: 5 });
    expect(t.perFn.get('a')!.billed.get(5)).toBe(10);
    expect(t.perFn.get('a')!.count).toBe(2);
  });
});

describe('chart preparation', () => {
  const cols = {
    x: [0, 1, 2, 3],
    id: [10, 11, 12, 13],
    queue: [1, 0, 0, 0],
    spawn: [5, 0, 0, 0],
    compile: [2, 0, 0, 0],
    instantiate: [1, 1, 1, 1],
    exec: [1, 2, 3, 4],
  };

  it('gives one bar per invocation when few', () => {
    const s = breakdownBars(cols, 1, 4);
    expect(s.labels).toEqual(['#11', '#12', '#13']);
    expect([...s.parts[4]]).toEqual([2, 3, 4]);
  });

  it('averages into time buckets when many', () => {
    const s = breakdownBars(cols, 0, 4, 2);
    expect(s.labels).toEqual(['0.0 s', '1.5 s']);
    expect([...s.counts]).toEqual([2, 2]);
    expect([...s.parts[4]]).toEqual([1.5, 3.5]);
    expect([...s.parts[1]]).toEqual([2.5, 0]);
  });

  it('bins populations on shared log edges with percentile markers', () => {
    const warm = Float64Array.from({ length: 100 }, (_, i) => 0.1 + i * 0.01);
    const cold = Float64Array.from([20, 30, 40]);
    const { data, summaries } = populationHistogram([
      { label: 'warm', color: 'warm', values: warm },
      { label: 'cold', color: 'cold', values: cold },
    ]);
    expect(data.series[0].counts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(data.series[1].counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(data.edges[0]).toBeLessThanOrEqual(0.1);
    expect(data.edges[data.edges.length - 1]).toBeGreaterThanOrEqual(40);
    expect(data.series[1].markers.map((m) => m.value)).toEqual([30, 40, 40]);
    expect(summaries[0].n).toBe(100);
  });

  it('turns cumulative counts into a per-second rate', () => {
    const t = [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100];
    const c = t.map((x) => x * 2); // 2 per ms = 2000/s
    const r = ratePerSec(t, c, t.length);
    expect(r[0]).toBe(0);
    expect(r[5]).toBeCloseTo(2000, 9);
    expect(r[11]).toBeCloseTo(2000, 9);
  });
});
