// The lab's workload through the real platform (fake workers, manual clock) under each policy.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LoadGenerator, loadSchedule } from '../../../platform/load';
import { Platform } from '../../../platform/platform';
import { FakeWorkers } from '../../../platform/testing/fake-worker';
import { flush, ManualClock } from '../../../platform/testing/manual-clock';
import { watCompiler } from '../../../platform/testing/wat';
import type { PlatformClient } from '../../../platform/client';
import { currentCompareConfig, runSides } from './compare';
import { describeLab, LAB_SIDES, LAB_WORKLOAD, labPoint, labSpec, type LabPoint } from './keepalive-lab';

let wat: (source: string) => Uint8Array;
beforeAll(async () => {
  wat = await watCompiler();
});

let platform: Platform | null = null;
afterEach(() => {
  platform?.dispose();
  platform = null;
});

const SUM = '(module (func (export "sum") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))';

describe('the lab workload', () => {
  it('is periodic with jitter plus bursts, the same for the same seed', () => {
    const spec = labSpec({ fn: 'sum', args: [[5, 2]] });
    const t = loadSchedule(spec);
    expect([...t]).toEqual([...loadSchedule(labSpec({ fn: 'sum', args: [[5, 2]] }))]);
    expect([...t]).not.toEqual([...loadSchedule(labSpec({ fn: 'sum', args: [[5, 2]] }, 16))]);
    // 10 periodic arrivals, the ones near 4 s and 8 s with 2 more at the same instant.
    expect(t.length).toBe(10 + 2 * 2);
    const periodic = [...new Set(t)];
    expect(periodic).toHaveLength(10);
    periodic.forEach((x, i) =>
      expect(Math.abs(x - i * 1000)).toBeLessThanOrEqual(LAB_WORKLOAD.jitter * 1000),
    );
    expect([...t].filter((x) => x === periodic[4])).toHaveLength(3);
    expect([...t].filter((x) => x === periodic[8])).toHaveLength(3);
  });
});

describe('the lab under each policy', () => {
  it('histogram: fewer cold starts than no keep-alive, fewer idle worker-seconds than fixed 10 s', async () => {
    // One platform for all three sides, run by runSides as the Compare panel runs them.
    const clock = new ManualClock({ settle: () => flush(2) });
    const fakes = new FakeWorkers(clock);
    const p = new Platform({ spawnWorker: fakes.spawn, clock });
    platform = p;
    await p.deploy('sum', wat(SUM));
    const base = currentCompareConfig(p.currentConfig(), p.functions()[0].config);
    const sides = await runSides(
      {
        // The client's syncPool is a round trip to this platform; here the pool is at hand.
        platform: Object.assign(p, { syncPool: async () => p.pool() }) as unknown as PlatformClient,
        run: async (spec) => {
          const gen = new LoadGenerator(p, spec, { timers: clock });
          return { result: await clock.until(gen.start(), 30_000, 5), gen };
        },
        ensureDeployed: async () => true,
        status: () => {},
        cancelled: () => false,
        sleep: (ms) => clock.advance(ms),
      },
      labSpec({ fn: 'sum', args: [[5, 2]] }),
      LAB_SIDES.map((side) => ({ name: side.label, label: side.label, config: { ...base, ...side.set } })),
    );
    const points: LabPoint[] = sides!.map((side, i) => labPoint(LAB_SIDES[i], side.result));
    // The user's settings are back.
    expect(p.currentConfig().keepAlivePolicy).toBe('fixed');
    const [none, fixed, hist] = points;
    expect(none.calls).toBe(14);
    expect(none.coldPct).toBe(100);
    expect(none.idleWorkerSec).toBe(0);
    expect(hist.cold).toBeLessThan(none.cold);
    expect(fixed.cold).toBeLessThanOrEqual(hist.cold);
    expect(hist.idleWorkerSec).toBeLessThan(fixed.idleWorkerSec / 2);
    // Exactly, on this seed: the first call; the bursts' two extra workers (fixed 10 s keeps them
    // from the first burst to the second); and one call that came 0.75 s after the last, before
    // the histogram's pre-warm at 0.9 × its 5th percentile (0.81 s).
    expect(points.map((p) => p.cold)).toEqual([14, 3, 6]);
    expect(describeLab(points)).toBe(
      `cold starts: no keep-alive 14/14, fixed 10 s ${fixed.cold}/14, histogram ${hist.cold}/14`,
    );
  });
});
