// Metering by instrumentation (issue 14) in real Chromium, through window.faas: exact per-call
// instruction counts, the out-of-fuel outcome, and a metered timeout that keeps its worker.
import { expect, test } from '@playwright/test';
import { deploy, failOnPageErrors, openApp } from './support/faas';
import { sample } from './support/samples';

test.beforeEach(async ({ page }) => {
  await openApp(page);
});

test('a metered function reports the same instruction count on every call, and none unmetered', async ({
  page,
}) => {
  const errors = failOnPageErrors(page);
  await deploy(page, 'fib', sample('fib'), { meter: true, instance: 'reuse' });
  await deploy(page, 'plain', sample('fib'));
  const r = await page.evaluate(async () => {
    const counts: (number | undefined)[] = [];
    for (let i = 0; i < 3; i++) counts.push((await window.faas.invoke('fib', [15])).instructions);
    const small = (await window.faas.invoke('fib', [10])).instructions;
    const plain = await window.faas.invoke('plain', [15]);
    const info = window.faas.functions().find((f) => f.name === 'fib')!;
    return { counts, small, plain, metered: info.metered, stats: window.faas.stats('fib').instructions };
  });
  expect(r.metered).toBe(true);
  expect(r.counts[0]).toBeGreaterThan(1000);
  expect(new Set(r.counts).size).toBe(1); // per invocation, not cumulative, on a reused instance
  expect(r.small).toBeLessThan(r.counts[0]! / 10);
  expect(r.plain.result).toBe(610);
  expect(r.plain.instructions).toBeUndefined();
  expect(r.stats?.calls).toBe(4);
  expect(r.stats?.max).toBe(r.counts[0]);
  expect(errors).toEqual([]);
});

test('out-of-fuel ends a call exactly at its limit; the next call on the same worker is warm', async ({
  page,
}) => {
  await deploy(page, 'probe', sample('fib'), { meter: true });
  const full = await page.evaluate(() => window.faas.invoke('probe', [18]));
  expect(full.outcome).toBe('ok');
  await deploy(page, 'exact', sample('fib'), { meter: true, fuelLimit: full.instructions });
  await deploy(page, 'short', sample('fib'), { meter: true, fuelLimit: full.instructions! - 1 });
  const r = await page.evaluate(async () => {
    const exact = await window.faas.invoke('exact', [18]);
    const short = await window.faas.invoke('short', [18]);
    const next = await window.faas.invoke('short', [5]);
    return { exact, short, next };
  });
  expect(r.exact.outcome).toBe('ok');
  expect(r.exact.result).toBe(2584);
  expect(r.short.outcome).toBe('out-of-fuel');
  expect(r.short.error).toMatch(/out of fuel/);
  expect(r.next.outcome).toBe('ok');
  expect(r.next.result).toBe(5);
  expect(r.next.start).toBe('warm');
  expect(r.next.worker).toBe(r.short.worker);
  expect(r.next.timings.spawn).toBe(0);
});

test('a metered stuck loop times out from inside the module and the worker stays warm', async ({ page }) => {
  await deploy(page, 'stuck', sample('stuck'), { meter: true, timeoutMs: 200 });
  await deploy(page, 'sum', sample('sum'));
  const r = await page.evaluate(async () => {
    await window.faas.invoke('sum', [1, 1]);
    const stuck = await window.faas.invoke('stuck');
    const again = await window.faas.invoke('stuck');
    return { stuck, again };
  });
  expect(r.stuck.outcome).toBe('timeout');
  expect(r.stuck.timeoutBy).toBe('trap');
  expect(r.stuck.error).toMatch(/deadline/);
  expect(r.stuck.instructions).toBeGreaterThan(0);
  expect(r.again.outcome).toBe('timeout');
  expect(r.again.start).toBe('warm');
  expect(r.again.worker).toBe(r.stuck.worker);
  expect(r.again.timings.spawn).toBe(0);
});
