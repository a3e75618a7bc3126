// Load and soak: a mixed load at SOAK_RATE requests/s (default 1000) through the platform — sum,
// fib(13–16), sleep(1–5 ms), trap, and stuck (50 ms timeout) at a low rate — for 5 s in `npm test`
// and SOAK_SECONDS (default 60) in `npm run test:long`. Arrivals are generated in the page on a
// drift-free schedule: every tick issues each arrival whose scheduled time has come. Every
// invocation must settle exactly once with an outcome its function and the platform's limits
// allow (under overload `throttled` is correct for any call; a sum is never a trap); nothing is
// lost or duplicated; afterwards the pool is back within maxWorkers, stuck still times out, sum
// answers, and the JS heap (history cleared, after GC) and the worker count are back near where
// they began. The achieved rate, lateness and latencies are reported, not required.
import { expect, test } from '@playwright/test';
import { deploy, failOnPageErrors, openApp } from './support/faas';
import { sample } from './support/samples';

const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const RATE = Number(process.env.SOAK_RATE ?? 1000);
/** Heap after the run (history cleared, after GC) may exceed the start by at most this. */
const HEAP_BOUND_MIB = 16;

for (const { seconds, details } of [
  { seconds: 5, details: {} },
  { seconds: SOAK_SECONDS, details: { tag: '@long' } },
])
  test(
    `${seconds} s of mixed load at ${RATE}/s: nothing lost, allowed outcomes, the pool recovers`,
    details,
    async ({ page }) => {
      test.setTimeout(seconds * 1000 + 180_000);
      const errors = failOnPageErrors(page);
      let crashed = false;
      page.on('crash', () => (crashed = true));
      await openApp(page);
      await deploy(page, 'sum', sample('sum'));
      await deploy(page, 'fib', sample('fib'));
      await deploy(page, 'sleep', sample('sleep'));
      await deploy(page, 'trap', sample('trap'));
      await deploy(page, 'stuck', sample('stuck'), { timeoutMs: 50 });
      const maxWorkers = await page.evaluate(() => window.faas.config().maxWorkers);
      await page.evaluate(async () => {
        for (const [fn, args] of [
          ['sum', [1, 2]],
          ['fib', [10]],
          ['sleep', [1]],
          ['trap', []],
        ] as const)
          await window.faas.invoke(fn, [...args]);
        window.faas.clearHistory();
      });

      const cdp = await page.context().newCDPSession(page);
      const heapMiB = async () => {
        await cdp.send('HeapProfiler.collectGarbage');
        const { usedSize } = await cdp.send('Runtime.getHeapUsage');
        return usedSize / 2 ** 20;
      };
      const nanoprocesses = () => page.workers().filter((w) => /nanoprocess\.worker/.test(w.url())).length;
      const before = {
        heapMiB: await heapMiB(),
        workers: nanoprocesses(),
        pool: await page.evaluate(() => window.faas.pool().workers.length),
      };

      const run = await page.evaluate(
        async ({ seconds, rate }) => {
          const FIB = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987];
          // Deterministic mix (mulberry32): the same arrivals every run.
          let s = 12345;
          const rand = () => {
            s = (s + 0x6d2b79f5) >>> 0;
            let t = s;
            t = Math.imul(t ^ (t >>> 15), t | 1);
            t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
            return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
          };
          type Kind = 'sum' | 'fib' | 'sleep' | 'trap' | 'stuck';
          // What each call may end as: its own outcome (and result when ok), or `throttled` when the
          // queue is full — the platform's limit, correct under overload for any function.
          const pick = (): { fn: Kind; args: number[]; expect: { outcome: string; result?: unknown } } => {
            const x = rand();
            if (x < 0.001) return { fn: 'stuck', args: [], expect: { outcome: 'timeout' } };
            if (x < 0.551) {
              const a = Math.floor(rand() * 1e6);
              const b = Math.floor(rand() * 1e6);
              return { fn: 'sum', args: [a, b], expect: { outcome: 'ok', result: a + b } };
            }
            if (x < 0.751) {
              const n = 13 + Math.floor(rand() * 4);
              return { fn: 'fib', args: [n], expect: { outcome: 'ok', result: FIB[n] } };
            }
            if (x < 0.851)
              return {
                fn: 'sleep',
                args: [1 + Math.floor(rand() * 5)],
                expect: { outcome: 'ok', result: null },
              };
            return { fn: 'trap', args: [], expect: { outcome: 'trap' } };
          };
          let throttled = 0;

          const total = Math.round(seconds * rate);
          const interval = 1000 / rate;
          let issued = 0;
          let settled = 0;
          const ids = new Set<number>();
          const duplicateIds: number[] = [];
          const wrong: string[] = [];
          const outcomes: Record<string, Record<string, number>> = {};
          const latency: Record<string, number[]> = {};
          let maxLateMs = 0;
          const lateness: number[] = [];
          let maxPool = 0;
          let maxQueue = 0;
          let resolveAll!: () => void;
          const allSettled = new Promise<void>((r) => (resolveAll = r));

          const issue = (scheduledAt: number) => {
            const call = pick();
            const late = performance.now() - scheduledAt;
            lateness.push(late);
            if (late > maxLateMs) maxLateMs = late;
            issued++;
            window.faas.invoke(call.fn, call.args).then(
              (inv) => {
                settled++;
                if (ids.has(inv.id)) duplicateIds.push(inv.id);
                ids.add(inv.id);
                const o = (outcomes[call.fn] ??= {});
                o[inv.outcome] = (o[inv.outcome] ?? 0) + 1;
                (latency[call.fn] ??= []).push(inv.timings.total);
                if (inv.outcome === 'throttled') throttled++;
                const ok =
                  inv.fn === call.fn &&
                  (inv.outcome === 'throttled' ||
                    (inv.outcome === call.expect.outcome &&
                      (call.expect.result === undefined || inv.result === call.expect.result)));
                if (!ok && wrong.length < 20)
                  wrong.push(
                    `${call.fn}(${call.args}) → ${inv.outcome} ${String(inv.result)} ${inv.error ?? ''}`,
                  );
                if (settled === total) resolveAll();
              },
              (err: Error) => {
                settled++;
                if (wrong.length < 20) wrong.push(`${call.fn}(${call.args}) rejected: ${err.message}`);
                if (settled === total) resolveAll();
              },
            );
          };

          const t0 = performance.now();
          await new Promise<void>((done) => {
            const tick = () => {
              const now = performance.now();
              // Every arrival whose time has come, however late the tick: no drift.
              while (issued < total && t0 + issued * interval <= now) issue(t0 + issued * interval);
              const pool = window.faas.pool();
              if (pool.workers.length > maxPool) maxPool = pool.workers.length;
              if (pool.queueLength > maxQueue) maxQueue = pool.queueLength;
              if (issued < total) setTimeout(tick, 1);
              else done();
            };
            tick();
          });
          const issuedAt = performance.now() - t0;
          // Generous: the queue (at most maxQueue calls) drains at the machine's pace.
          const deadline = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 150_000));
          const drained = await Promise.race([allSettled.then(() => 'ok' as const), deadline]);
          const endedAt = performance.now() - t0;

          const pct = (xs: number[], p: number) => {
            if (!xs.length) return 0;
            const sorted = [...xs].sort((a, b) => a - b);
            return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
          };
          const byFn: Record<string, { n: number; p50: number; p99: number; max: number }> = {};
          for (const [fn, xs] of Object.entries(latency))
            byFn[fn] = { n: xs.length, p50: pct(xs, 50), p99: pct(xs, 99), max: Math.max(...xs) };
          const recorded = window.faas.invocations();
          return {
            total,
            issued,
            settled,
            drained,
            uniqueIds: ids.size,
            duplicateIds,
            recorded: recorded.length,
            recordedUnique: new Set(recorded.map((i) => i.id)).size,
            wrong,
            outcomes,
            byFn,
            issueSeconds: issuedAt / 1000,
            achievedRate: issued / (issuedAt / 1000),
            completionSeconds: endedAt / 1000,
            lateP99: pct(lateness, 99),
            maxLateMs,
            maxPool,
            maxQueue,
            throttled,
          };
        },
        { seconds, rate: RATE },
      );

      // Recovery: the pool within bounds, sum fast, the heap and workers back where they began.
      const heapWithHistory = await heapMiB();
      const recovery = await page.evaluate(async () => {
        window.faas.clearHistory();
        const stuck = await window.faas.invoke('stuck');
        const times: number[] = [];
        const results: unknown[] = [];
        for (let i = 0; i < 5; i++) {
          const t = performance.now();
          const inv = await window.faas.invoke('sum', [20, 22]);
          times.push(performance.now() - t);
          results.push(inv.result);
        }
        return {
          stuck: stuck.outcome,
          results,
          sumMs: Math.min(...times),
          pool: window.faas.pool().workers.length,
        };
      });
      await expect.poll(nanoprocesses, { timeout: 15_000 }).toBeLessThanOrEqual(maxWorkers);
      const after = {
        heapMiB: await heapMiB(),
        heapWithHistoryMiB: heapWithHistory,
        workers: nanoprocesses(),
        pool: recovery.pool,
      };

      const figures = {
        rate: `${run.achievedRate.toFixed(0)}/s over ${run.issueSeconds.toFixed(1)} s (target ${RATE}/s); all settled after ${run.completionSeconds.toFixed(1)} s; ${run.throttled} throttled`,
        issue: `arrival lateness p99 ${run.lateP99.toFixed(1)} ms, max ${run.maxLateMs.toFixed(1)} ms; max pool ${run.maxPool}, max queue ${run.maxQueue}`,
        latency: Object.entries(run.byFn)
          .map(
            ([fn, l]) =>
              `${fn} n=${l.n} p50 ${l.p50.toFixed(2)} p99 ${l.p99.toFixed(2)} max ${l.max.toFixed(1)} ms`,
          )
          .join('; '),
        outcomes: JSON.stringify(run.outcomes),
        heap: `before ${before.heapMiB.toFixed(1)} MiB, after with ${run.recorded} records ${after.heapWithHistoryMiB.toFixed(1)} MiB, after clearing history ${after.heapMiB.toFixed(1)} MiB (bound +${HEAP_BOUND_MIB} MiB)`,
        workers: `nanoprocess workers before ${before.workers} (pool ${before.pool}), after ${after.workers} (pool ${after.pool}), maxWorkers ${maxWorkers}; sum after: ${recovery.sumMs.toFixed(2)} ms`,
      };
      for (const [type, description] of Object.entries(figures))
        test.info().annotations.push({ type, description });
      console.log(`[soak] ${JSON.stringify(figures, null, 2)}`);

      expect(crashed).toBe(false);
      expect(errors).toEqual([]);
      // Nothing lost or duplicated.
      expect(run.drained).toBe('ok');
      expect(run.issued).toBe(run.total);
      expect(run.settled).toBe(run.issued);
      expect(run.uniqueIds).toBe(run.issued);
      expect(run.duplicateIds).toEqual([]);
      expect(run.recorded).toBe(run.issued);
      expect(run.recordedUnique).toBe(run.issued);
      // Every outcome is one its function allows (the right sums and fib values, traps, timeouts) or throttled.
      expect(run.wrong).toEqual([]);
      // The pool stayed within bounds and recovered after every timeout: stuck still times out, sum answers.
      expect(run.maxPool).toBeLessThanOrEqual(maxWorkers);
      expect(recovery.stuck).toBe('timeout');
      expect(recovery.results).toEqual([42, 42, 42, 42, 42]);
      expect(after.pool).toBeLessThanOrEqual(maxWorkers);
      expect(after.workers).toBeLessThanOrEqual(Math.max(maxWorkers, before.workers));
      expect(after.heapMiB).toBeLessThan(before.heapMiB + HEAP_BOUND_MIB);
    },
  );
