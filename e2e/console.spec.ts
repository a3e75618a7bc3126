// The Console panel: one row per invocation, filters, details, Clear, and a windowed list that
// stays windowed with 100 000 entries (that one runs in npm run test:long).
import { expect, test } from '@playwright/test';
import { deploy, expectNoPageErrors, failOnPageErrors } from './support/faas';
import { sample } from './support/samples';
import {
  expectFits,
  growPanels,
  narrowDark,
  openWithSample,
  outcome,
  panel,
  runForm,
  runFromPanel,
  screenshot,
  showPanel,
} from './support/panels';

test('the console lists invocations and filters them by function and outcome', async ({ page }, testInfo) => {
  const errors = failOnPageErrors(page);
  await openWithSample(page, 'sum');
  await runFromPanel(page); // the sample's arguments 5 and 2
  await expect(outcome(page)).toHaveText('ok');
  await deploy(page, 'answer', sample('answer'));
  await deploy(page, 'trap', sample('trap'));
  await deploy(page, 'hello-log', sample('hello-log'));
  await page.evaluate(async () => {
    for (let i = 0; i < 3; i++) await window.faas.invoke('answer');
    await window.faas.invoke('trap');
    await window.faas.invoke('hello-log');
  });
  const cp = await showPanel(page, 'Console');
  const rows = cp.getByTestId('console-row');
  await expect(rows).toHaveCount(6);
  await expect(cp.getByTestId('console-count')).toHaveText('6 entries');
  // Newest last.
  await expect(rows.last()).toContainText('hello-log');
  await expect(rows.first()).toContainText('_start(5, 2)');
  // The Start column: answer's first call loads its module (cold), the next two find it (warm).
  const answers = rows.filter({ hasText: 'answer' });
  await expect(answers.getByTestId('console-start')).toHaveText(['cold', 'warm', 'warm']);

  await cp.getByLabel('Function').selectOption('answer');
  await expect(rows).toHaveCount(3);
  await expect(cp.getByTestId('console-count')).toHaveText('3 of 6 entries');
  await cp.getByLabel('Function').selectOption('');
  await cp.getByLabel('Outcome').selectOption('trap');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('trap');
  await expect(rows.first()).toContainText(/divi|zero/i);
  await cp.getByLabel('Outcome').selectOption('');

  // Details of a row, chosen with the keyboard: End selects the newest.
  const list = cp.getByRole('listbox', { name: /Invocations/ });
  await list.focus();
  await page.keyboard.press('End');
  const details = cp.getByRole('complementary', { name: 'Invocation details' });
  await expect(details).toContainText('Hello from a nanoprocess!');
  await page.keyboard.press('ArrowUp');
  await expect(details).toContainText('trap');
  await expect(list.getByRole('option', { selected: true })).toContainText('trap');
  await screenshot(page, testInfo, 'console-details');

  await cp.getByRole('button', { name: 'Clear' }).click();
  await expect(rows).toHaveCount(0);
  await expect(cp.getByText('No invocations yet')).toBeVisible();
  expect(await page.evaluate(() => window.faas.invocations().length)).toBe(0);
  expect(errors).toEqual([]);
});

test(
  '100 000 entries stay windowed and the end shows the newest',
  { tag: '@long' },
  async ({ page }, testInfo) => {
    test.setTimeout(300_000);
    await openWithSample(page, 'answer');
    await deploy(page, 'answer', sample('answer'));
    const cp = await showPanel(page, 'Console');
    const total = 100_000;
    const t0 = Date.now();
    await page.evaluate(async (n) => {
      for (let done = 0; done < n; done += 2000) {
        await Promise.all(
          Array.from({ length: Math.min(2000, n - done) }, () => window.faas.invoke('answer')),
        );
      }
    }, total);
    // Newest last means last settled, which is not always the last one started.
    const lastId = await page.evaluate(() => window.faas.invocations().at(-1)!.id);
    testInfo.annotations.push({
      type: 'created',
      description: `${total} invocations in ${Date.now() - t0} ms`,
    });
    await expect(cp.getByTestId('console-count')).toHaveText('100,000 entries', { timeout: 20_000 });
    const rows = cp.getByTestId('console-row');
    // Only the rows in view are in the DOM.
    expect(await rows.count()).toBeLessThan(200);
    // It followed the newest entries as they came.
    await expect(cp.locator(`#console-row-${lastId}`)).toBeVisible();

    // Scrolling through the whole list keeps frames coming (no long tasks), and the DOM small.
    const list = cp.getByRole('listbox', { name: /Invocations/ });
    const stats = await list.evaluate(async (el) => {
      const longTasks: number[] = [];
      const obs = new PerformanceObserver((l) => l.getEntries().forEach((e) => longTasks.push(e.duration)));
      obs.observe({ type: 'longtask' });
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const t0 = performance.now();
      const steps: number[] = [];
      let prev = t0;
      for (let i = 0; i <= 40; i++) {
        el.scrollTop = (el.scrollHeight - el.clientHeight) * (i / 40);
        await frame();
        const now = performance.now();
        steps.push(Math.round(now - prev));
        prev = now;
      }
      obs.disconnect();
      const sorted = [...steps].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      return { median, steps, longTasks, rows: el.querySelectorAll('[role="option"]').length };
    });
    // Virtualised: a few screens of rows in the DOM, never 100,000 (frame times are annotated below).
    expect(stats.rows).toBeLessThan(200);
    await list.focus();
    await page.keyboard.press('Home');
    await expect(list.getByRole('option', { selected: true })).toHaveAttribute('aria-posinset', '1');
    await page.keyboard.press('End');
    await expect(list.getByRole('option', { selected: true })).toHaveAttribute(
      'aria-posinset',
      String(total),
    );
    await expect(cp.locator(`#console-row-${lastId}`)).toBeVisible();
    await screenshot(page, testInfo, 'console-100k');
    testInfo.annotations.push({ type: 'scroll', description: JSON.stringify(stats) });
  },
);

test('the console does not jump when the user scrolled up', async ({ page }) => {
  await openWithSample(page, 'answer');
  await deploy(page, 'answer', sample('answer'));
  await page.evaluate(() => Promise.all(Array.from({ length: 300 }, () => window.faas.invoke('answer'))));
  const cp = await showPanel(page, 'Console');
  await expect(cp.getByTestId('console-count')).toHaveText('300 entries');
  const list = cp.getByRole('listbox', { name: /Invocations/ });
  await list.evaluate((el) => (el.scrollTop = 0));
  await page.evaluate(() => Promise.all(Array.from({ length: 50 }, () => window.faas.invoke('answer'))));
  await expect(cp.getByTestId('console-count')).toHaveText('350 entries');
  expect(await list.evaluate((el) => el.scrollTop)).toBe(0);
  await cp.getByRole('button', { name: /Jump to newest/ }).click();
  await expect(list.getByRole('option').last()).toHaveAttribute('aria-posinset', '350');
});

test('a running call shows as a live row until it ends', async ({ page }) => {
  await openWithSample(page, 'sleep');
  // A long timeout, so a slow machine cannot end the call before the checks.
  const settings = await showPanel(page, 'Settings');
  await settings.getByLabel('Timeout (ms)').fill('60000');
  await settings.getByLabel('Timeout (ms)').press('Enter');
  await showPanel(page, 'Run');
  await runForm(page, 'sleep').getByLabel('ms (i32)').fill('30000');
  await runFromPanel(page);
  const cp = await showPanel(page, 'Console');
  const live = cp.getByTestId('console-live');
  await expect(live).toContainText('sleep');
  await expect(live).toContainText(/\d\.\d s/);
  await showPanel(page, 'Run');
  await panel(page, 'Run').getByRole('button', { name: 'Stop' }).click();
  await showPanel(page, 'Console');
  await expect(live).toHaveCount(0);
  await expect(cp.getByTestId('console-row')).toContainText('Stopped by the user');
});

test('the Console fits 1024 px in dark mode, details open', async ({ page }, testInfo) => {
  await narrowDark(page);
  await openWithSample(page, 'answer');
  await deploy(page, 'trap', sample('trap'));
  await deploy(page, 'hello-log', sample('hello-log'));
  await page.evaluate(async () => {
    for (let i = 0; i < 5; i++) {
      await window.faas.invoke('hello-log');
      await window.faas.invoke('trap', [], { export: i % 2 ? 'oob' : 'unreachable' });
    }
  });
  const cp = await showPanel(page, 'Console');
  await cp.getByTestId('console-row').nth(3).click();
  await expect(cp.getByRole('complementary', { name: 'Invocation details' })).toBeVisible();
  await expectFits(page, 'Console');
  await growPanels(page);
  await screenshot(page, testInfo, 'console-1024-dark');
});

test('calls sent back in line when a timeout ends the worker they waited in say so in their details', async ({
  page,
}, testInfo) => {
  const errors = failOnPageErrors(page);
  await openWithSample(page, 'answer');
  // `spin 1` never ends (its 500 ms timeout terminates the worker); `spin 0` answers 7 at once.
  await deploy(
    page,
    'spin',
    `(module (func (export "_start") (param i32) (result i32)
       (block (loop (br_if 1 (i32.eqz (local.get 0))) (br 0))) (i32.const 7)))`,
    { timeoutMs: 500 },
  );
  const calls = await page.evaluate(async () => {
    const f = window.faas;
    f.config({ maxWorkers: 1 });
    // The platform learns that spin is quick, so it sends the next calls into the busy worker.
    for (let i = 0; i < 5; i++) await f.invoke('spin', [0]);
    const all = await Promise.all([f.invoke('spin', [1]), f.invoke('spin', [0]), f.invoke('spin', [0])]);
    return all.map((i) => ({
      id: i.id,
      outcome: i.outcome,
      result: i.result,
      start: i.start,
      retried: i.retried,
    }));
  });
  const why = 'the worker it waited in ended before it ran (timed out after 500 ms)';
  expect(calls.map((c) => [c.outcome, c.result ?? null, c.retried ?? null])).toEqual([
    ['timeout', null, null],
    ['ok', 7, why],
    ['ok', 7, why],
  ]);
  // On the worker that replaced the terminated one: the module travelled again.
  expect(calls[1].start).toBe('cold');
  const cp = await showPanel(page, 'Console');
  // The newest row is the last: one of the two that ran again.
  await cp.getByTestId('console-row').last().click();
  const details = cp.getByRole('complementary', { name: 'Invocation details' });
  await expect(details).toContainText(`#${calls[2].id}`);
  await expect(details).toContainText(`Ran on another worker: ${why}.`);
  await screenshot(page, testInfo, 'console-retried');
  await expectNoPageErrors(errors);
});
