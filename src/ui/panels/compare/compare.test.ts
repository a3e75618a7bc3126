import { describe, expect, it } from 'vitest';
import type { LoadResult, LoadRun, LoadSpec } from '../../../platform/load';
import type { PlatformClient } from '../../../platform/client';
import {
  DEFAULT_PLATFORM_CONFIG,
  type FunctionConfig,
  type FunctionInfo,
  type PlatformConfig,
} from '../../../platform/types';
import { clientHostFixture } from '../../../platform/testing/client-host';
import { findSample } from '../../samples';
import {
  awaitPrewarm,
  describeDifference,
  emptyPool,
  PRESETS,
  runComparison,
  type CompareConfig,
} from './compare';

/** Just enough platform: config, a pool that drains when keep-alive is 0, function config. */
function fakePlatform() {
  let cfg: PlatformConfig = { ...DEFAULT_PLATFORM_CONFIG, maxWorkers: 3, keepAliveMs: 30_000 };
  let fnCfg: FunctionConfig = { timeoutMs: 5000, memoryMiB: 64, instance: 'fresh' };
  let workers = 2;
  const log: string[] = [];
  const platform = {
    currentConfig: () => ({ ...cfg }),
    config(patch: Partial<PlatformConfig>) {
      cfg = { ...cfg, ...patch };
      if (cfg.keepAliveMs === 0 && cfg.prewarm === 0) workers = 0;
      else workers = Math.max(workers, Math.min(cfg.prewarm, cfg.maxWorkers));
      log.push(`config ${JSON.stringify(patch)}`);
      return { ...cfg };
    },
    syncPool: async () => ({
      workers: Array.from({ length: workers }, (_, i) => ({
        id: i,
        state: 'idle',
        modules: [],
        inFlight: 0,
        idleSinceMs: 0,
      })),
      queueLength: 0,
      inFlight: 0,
      idleWorkerMs: 0,
    }),
    functions: () => [{ name: 'sum', config: { ...fnCfg } } as FunctionInfo],
    async reconfigure(_name: string, patch: Partial<FunctionConfig>) {
      fnCfg = { ...fnCfg, ...patch };
      log.push(`reconfigure ${JSON.stringify(patch)}`);
    },
  };
  return {
    platform: platform as unknown as PlatformClient,
    log,
    get cfg() {
      return cfg;
    },
    get fnCfg() {
      return fnCfg;
    },
    get workers() {
      return workers;
    },
  };
}

const spec = {
  fn: 'sum',
  args: [[1, 2]],
  mode: 'open',
  arrival: 'constant',
  ratePerSec: 10,
  concurrency: 1,
  durationSec: 1,
  seed: 1,
} as LoadSpec;

describe('runComparison', () => {
  it('runs A then B from an empty pool with each config, then restores the user settings', async () => {
    const f = fakePlatform();
    const seen: { label: string; cfg: PlatformConfig; fn: FunctionConfig; workersAtStart: number }[] = [];
    const a: CompareConfig = {
      maxWorkers: 1,
      prewarm: 0,
      keepAliveMs: 1000,
      keepAlivePolicy: 'fixed',
      instance: 'fresh',
      memoryMiB: 64,
      timeoutMs: 5000,
      meter: false,
      provisioned: 0,
    };
    const b: CompareConfig = {
      maxWorkers: 4,
      prewarm: 2,
      keepAliveMs: 60_000,
      keepAlivePolicy: 'fixed',
      instance: 'reuse',
      memoryMiB: 128,
      timeoutMs: 100,
      meter: true,
      provisioned: 0,
    };
    const out = await runComparison(
      {
        platform: f.platform,
        ensureDeployed: async () => true,
        run: async (_s, label) => {
          seen.push({ label, cfg: f.cfg, fn: f.fnCfg, workersAtStart: f.workers });
          return { result: { spec } as LoadResult, gen: {} as LoadRun };
        },
        status: () => {},
        cancelled: () => false,
        sleep: async () => {},
      },
      spec,
      a,
      b,
    );
    expect(out?.a.config).toEqual(a);
    expect(seen.map((s) => s.label)).toEqual([
      'A: max workers 1, prewarm 0, keep-alive 1 s, fresh, 64 MiB, timeout 5000 ms, unmetered',
      'B: max workers 4, prewarm 2, keep-alive 60 s, reuse, 128 MiB, timeout 100 ms, metered',
    ]);
    expect(seen[0].cfg).toMatchObject({ maxWorkers: 1, prewarm: 0, keepAliveMs: 1000 });
    expect(seen[0].workersAtStart).toBe(0);
    expect(seen[1].cfg).toMatchObject({ maxWorkers: 4, prewarm: 2, keepAliveMs: 60_000 });
    expect(seen[1].fn).toMatchObject({ instance: 'reuse', memoryMiB: 128, timeoutMs: 100, meter: true });
    expect(seen[1].workersAtStart).toBe(2);
    // Each side started from an emptied pool.
    expect(
      f.log.filter((l) => l === 'config {"keepAliveMs":0,"prewarm":0,"keepAlivePolicy":"fixed"}'),
    ).toHaveLength(2);
    // Restored.
    expect(f.cfg).toEqual({ ...DEFAULT_PLATFORM_CONFIG, maxWorkers: 3, keepAliveMs: 30_000 });
    expect(f.fnCfg).toMatchObject({ instance: 'fresh', memoryMiB: 64, timeoutMs: 5000, meter: false });
  });

  it('restores the settings when a run fails or is cancelled', async () => {
    const f = fakePlatform();
    const a: CompareConfig = {
      maxWorkers: 2,
      prewarm: 1,
      keepAliveMs: 5,
      keepAlivePolicy: 'fixed',
      instance: 'reuse',
      memoryMiB: 64,
      timeoutMs: 5000,
      meter: false,
      provisioned: 0,
    };
    await expect(
      runComparison(
        {
          platform: f.platform,
          ensureDeployed: async () => true,
          run: async () => {
            throw new Error('boom');
          },
          status: () => {},
          cancelled: () => false,
          sleep: async () => {},
        },
        spec,
        a,
        a,
      ),
    ).rejects.toThrow('boom');
    expect(f.cfg.keepAliveMs).toBe(30_000);
    expect(f.fnCfg.instance).toBe('fresh');
    let n = 0;
    const none = await runComparison(
      {
        platform: f.platform,
        ensureDeployed: async () => true,
        run: async () => null,
        status: () => {},
        cancelled: () => n++ > 0,
        sleep: async () => {},
      },
      spec,
      a,
      a,
    );
    expect(none).toBeNull();
    expect(f.cfg.maxWorkers).toBe(3);
  });
});

describe('emptyPool and awaitPrewarm over the real client and platform host', () => {
  const ADD = '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))';
  const { wat, connect } = clientHostFixture();

  it('wait for the pool in the platform worker, not the mirror a frame behind', async () => {
    // Just after the page loaded: the platform is spawning its prewarmed worker, and nothing of it
    // has reached the page's mirror yet (the race that left a lesson's "empty" pool with a worker).
    const { clock, client } = connect({ config: { prewarm: 1, keepAliveMs: 60_000 } });
    expect(client.pool().workers).toHaveLength(0);
    const sleep = (ms: number) => clock.advance(ms);
    await emptyPool(client, sleep);
    // The lesson puts the keep-alive back at once: a worker that was only starting would now stay.
    client.config({ keepAliveMs: 60_000, keepAlivePolicy: 'fixed', prewarm: 0 });
    await clock.advance(1000);
    expect((await clock.until(client.syncPool())).workers).toHaveLength(0);
    // And the mirror took what syncPool saw.
    expect(client.pool().workers).toHaveLength(0);

    client.config({ prewarm: 2, maxWorkers: 4 });
    await awaitPrewarm(client, sleep);
    expect(client.pool().workers.map((w) => w.state)).toEqual(['idle', 'idle']);
  });

  it('say so when the pool does not get there in time', async () => {
    const { clock, client, fakes } = connect({ config: { prewarm: 0 } });
    await clock.until(client.deploy('add', wat(ADD), { timeoutMs: 60_000 }));
    fakes.script = () => 'hang';
    const call = client.start('add', [1, 2]);
    await clock.until(call.id);
    await clock.advance(100); // spawned and running: a busy worker is never reaped
    await expect(emptyPool(client, (ms) => clock.advance(ms))).rejects.toThrow(
      /The worker pool did not empty within 5 s/,
    );
  });
});

describe('presets', () => {
  it('each changes exactly the setting it is named after', () => {
    const base: CompareConfig = {
      maxWorkers: 4,
      prewarm: 1,
      keepAliveMs: 60_000,
      keepAlivePolicy: 'fixed',
      instance: 'fresh',
      memoryMiB: 64,
      timeoutMs: 5000,
      meter: false,
      provisioned: 0,
    };
    const diffs = PRESETS.map((p) => describeDifference({ ...base, ...p.a }, { ...base, ...p.b }));
    expect(diffs).toEqual([
      'keep-alive 1 s',
      'prewarm 0',
      'unmetered',
      'provisioned 0',
      'fresh',
      'max workers 1',
      'max workers 1',
    ]);
  });

  it('prewarm 0 vs 2 spaces its calls beyond the keep-alive, so every call finds its module gone', () => {
    const p = PRESETS.find((x) => x.id === 'prewarm')!;
    const gapMs = 1000 / p.workload.rate!;
    expect(p.workload.arrival).toBe('constant');
    // The keep-alive sweep runs every keepAliveMs / 4: expired with room to spare before the next call.
    for (const side of [p.a, p.b]) expect(side.keepAliveMs! * 1.25).toBeLessThan(gapMs);
    expect(p.a.keepAliveMs).toBe(p.b.keepAliveMs);
  });

  it('the timeout preset times out every call, unmetered on A and metered on B', () => {
    const p = PRESETS.find((x) => x.id === 'timeout')!;
    expect(findSample(p.sample!.name)).toBeDefined();
    expect(p.sample!.name).toBe('stuck');
    expect([p.a.meter, p.b.meter]).toEqual([false, true]);
    // Calls further apart than the timeout, so each one starts after the last has ended.
    expect(p.a.timeoutMs).toBe(p.b.timeoutMs);
    expect(1000 / p.workload.rate!).toBeGreaterThan(2 * p.a.timeoutMs!);
  });

  it('the worker presets run a sample whose work dwarfs the cost of a call, and queueing is open-loop', () => {
    for (const id of ['workers', 'queueing']) {
      const p = PRESETS.find((x) => x.id === id)!;
      expect(findSample(p.sample!.name), id).toBeDefined();
      // fib(n) does ~1.6^n calls: n ≥ 30 is milliseconds per call, far above the ~0.1 ms a call costs.
      expect(Number(p.sample!.args)).toBeGreaterThanOrEqual(30);
    }
    const q = PRESETS.find((x) => x.id === 'queueing')!;
    expect(q.workload.mode).toBe('open');
    expect(q.a.maxWorkers).toBe(1);
  });
});
