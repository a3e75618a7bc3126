// Metering by instrumentation (issue 14) in real Chromium, through window.faas: exact per-call
// instruction counts, the out-of-fuel outcome, and a metered timeout that keeps its worker (also
// through the Compare panel's timeout preset).
import { expect, test } from '@playwright/test';
import { deploy, failOnPageErrors, openApp } from './support/faas';
import { tallPanels } from './support/load';
import { openWithSample, screenshot, showPanel } from './support/panels';
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

test('the Compare timeout preset: unmetered, every timeout costs the worker; metered, the next call is warm', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const errors = failOnPageErrors(page);
  await openWithSample(page, 'sum');
  const before = await page.evaluate(() => window.faas.config());
  await tallPanels(page);
  const p = await showPanel(page, 'Compare');
  await p.getByRole('button', { name: 'timeout: terminate vs metered' }).click();
  // The preset opens stuck and sets the two sides apart by metering only.
  await expect(p.getByLabel('Function')).toHaveValue('stuck');
  await expect(p.getByLabel('Metered for A')).not.toBeChecked();
  await expect(p.getByLabel('Metered for B')).toBeChecked();
  await expect(p.getByLabel('Timeout (ms) for B')).toHaveValue('100');
  await p.getByRole('button', { name: 'Run comparison' }).click();
  const table = p.getByTestId('compare-table');
  await expect(table).toBeVisible({ timeout: 90_000 });
  await expect(table.getByRole('columnheader', { name: /^A — unmetered/ })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: /^B — metered/ })).toBeVisible();
  const calls = await page.evaluate(() =>
    window.faas.invocations('stuck').map((i) => ({
      outcome: i.outcome,
      by: i.timeoutBy,
      start: i.start,
      worker: i.worker,
      version: i.version,
      retried: i.retried,
      metered: typeof i.instructions === 'number',
      enqueuedAt: i.enqueuedAt,
      endedAt: i.endedAt,
    })),
  );
  expect(calls).toHaveLength(24); // 4/s for 3 s, twice
  const a = calls.slice(0, 12);
  const b = calls.slice(12);
  expect(a.every((c) => c.outcome === 'timeout' && c.by === 'terminate' && !c.metered)).toBe(true);
  // A terminated worker takes its module with it: every call of A starts cold.
  expect(a.map((c) => c.start)).toEqual(Array(12).fill('cold'));
  expect(b.every((c) => c.outcome === 'timeout')).toBe(true);
  // The module stops itself at its deadline check: the worker lives on and the next call is warm
  // on it. (terminate() stays the fallback 100 ms past the timeout, for a worker that got no CPU
  // in time, so a starved machine may see some of those; each costs a cold start as on A.)
  // In the order they arrived (records are kept in the order they settled).
  b.sort((x, y) => x.enqueuedAt - y.enqueuedAt);
  expect(b[0].start).toBe('cold');
  const trapped = b.flatMap((c, i) => (c.by === 'trap' && c.metered && i + 1 < b.length ? [i] : []));
  expect(trapped.length).toBeGreaterThan(0);
  // A trap is the module stopping itself (timeoutBy 'trap'): its worker was not terminated. A call
  // that arrived after the trapped one ended found an idle worker holding the module: warm. (One
  // that arrived while it still ran, on a starved machine, went to another worker, which then holds
  // the module too: later calls may go to either.)
  const freed = trapped.filter((i) => b[i + 1].enqueuedAt >= b[i].endedAt);
  expect(freed.length).toBeGreaterThan(0);
  // On a failure, the whole side in arrival order: start, how each timed out, worker, version, ms
  // from the first call, and why the platform moved it to another worker if it did.
  const t0 = b[0].enqueuedAt;
  const story = b.map(
    (c) =>
      `${c.start}/${c.by}/w${c.worker}/v${c.version} ${Math.round(c.enqueuedAt - t0)}–${Math.round(c.endedAt - t0)}${c.retried ? ` (retried: ${c.retried})` : ''}`,
  );
  for (const i of freed) expect(b[i + 1].start, `call ${i + 1} of B: ${story.join(', ')}`).toBe('warm');
  const bCold = b.filter((c) => c.start === 'cold').length;
  expect(bCold).toBeLessThan(12);
  const cold = table.locator('tr[data-metric="cold starts"] td');
  await expect(cold.nth(0)).toHaveText('12');
  await expect(cold.nth(1)).toHaveText(String(bCold));
  // The user's settings are back, and stuck unmetered as the workspace had it.
  expect(await page.evaluate(() => window.faas.config())).toEqual(before);
  const stuck = await page.evaluate(() => window.faas.functions().find((f) => f.name === 'stuck'));
  expect(stuck?.config.meter).toBeFalsy();
  await screenshot(page, testInfo, 'compare-timeout');
  expect(errors).toEqual([]);
});
