// The Run panel: typed arguments checked against the signature, results, timeouts and Stop.
import { expect, test } from '@playwright/test';
import { failOnPageErrors } from './support/faas';
import {
  addSample,
  frames,
  openWithSample,
  outcome,
  panel,
  runForm,
  runFromPanel,
  screenshot,
  startFrameCounter,
} from './support/panels';

test('sum runs with typed arguments and shows the result, timings and badge', async ({ page }, testInfo) => {
  const errors = failOnPageErrors(page);
  await openWithSample(page, 'sum');
  const form = runForm(page, 'sum');
  await expect(form.getByLabel('Export')).toHaveValue('_start');
  const a = form.getByLabel('a (i32)');
  const b = form.getByLabel('b (i32)');
  await a.fill('40');
  await b.fill('2');
  await runFromPanel(page);
  await expect(outcome(page)).toHaveText('ok');
  const run = panel(page, 'Run');
  await expect(run.getByTestId('result-value')).toHaveText('42');
  await expect(run.getByTestId('start')).toHaveText(/cold|warm/);
  await expect(run.getByTestId('worker')).toHaveText(/#\d+/);
  await expect(run.getByRole('figure', { name: 'Timing breakdown' })).toContainText('exec');
  await expect(run.getByTestId('timing-total')).toHaveText(/^\d+(\.\d+)? ms$/);
  // The inputs are kept with the function.
  await expect(a).toHaveValue('40');
  await screenshot(page, testInfo, 'run-sum');
  expect(errors).toEqual([]);
});

test('a bad argument is reported beside its field instead of running', async ({ page }, testInfo) => {
  await openWithSample(page, 'sum');
  const form = runForm(page, 'sum');
  const a = form.getByLabel('a (i32)');
  await a.fill('forty');
  await expect(a).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByTestId('arg-error-0')).toContainText('needs an integer');
  await a.fill('99999999999');
  await expect(form.getByTestId('arg-error-0')).toContainText('does not fit in i32');
  await form.getByLabel('b (i32)').fill('');
  await runFromPanel(page);
  await expect(form.getByTestId('run-status')).toContainText('Not run');
  await expect(form.getByTestId('arg-error-1')).toContainText('Enter a whole number');
  // Nothing was invoked.
  expect(await page.evaluate(() => window.faas.invocations().length)).toBe(0);
  await expect(a).toBeFocused();
  await screenshot(page, testInfo, 'run-bad-argument');
});

test('stuck times out while the page stays responsive', async ({ page }, testInfo) => {
  await openWithSample(page, 'stuck');
  // Load the Settings panel first so switching to it later is instant.
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(panel(page, 'Settings').getByLabel('Max queue')).toBeVisible();
  await page.getByRole('tab', { name: 'Run' }).click();
  await startFrameCounter(page);
  await runFromPanel(page);
  const run = panel(page, 'Run');
  await expect(run.getByTestId('running')).toBeVisible();
  await expect(run.getByTestId('elapsed')).toHaveText(/^\d\.\d s$/);
  await screenshot(page, testInfo, 'run-stuck-running');
  // Typing works while the call spins in its worker, and frames keep coming.
  const before = await frames(page);
  await page.getByRole('tab', { name: 'Settings' }).click();
  const field = panel(page, 'Settings').getByLabel('Max queue');
  await field.fill('12345');
  await expect(field).toHaveValue('12345');
  await page.getByRole('tab', { name: 'Run' }).click();
  await page.waitForTimeout(200);
  expect(await frames(page)).toBeGreaterThan(before + 5);
  await expect(outcome(page)).toHaveText('timeout', { timeout: 5000 });
  await expect(run.getByTestId('result-error')).toContainText('Timed out after 1000 ms');
  await screenshot(page, testInfo, 'run-stuck-timeout');
});

test('Stop ends a long sleep within a second', async ({ page }, testInfo) => {
  await openWithSample(page, 'sleep');
  const form = runForm(page, 'sleep');
  await form.getByLabel('ms (i32)').fill('10000');
  await runFromPanel(page);
  const run = panel(page, 'Run');
  await expect(run.getByTestId('running')).toBeVisible();
  await page.waitForTimeout(400);
  const stoppedAt = Date.now();
  await run.getByRole('button', { name: 'Stop' }).click();
  await expect(outcome(page)).toHaveText('error', { timeout: 1000 });
  expect(Date.now() - stoppedAt).toBeLessThan(1000);
  await expect(run.getByTestId('result-error')).toContainText('Stopped by the user');
  await expect(run.getByTestId('running')).toHaveCount(0);
  await screenshot(page, testInfo, 'run-stopped');
});

test('multi-value and float results are shown exactly', async ({ page }, testInfo) => {
  await openWithSample(page, 'multi');
  const form = runForm(page, 'multi');
  // i64 wraps like in wasm and is shown as an exact decimal.
  await form.getByLabel('a (i64)').fill('9223372036854775807');
  await form.getByLabel('b (i64)').fill('2');
  await runFromPanel(page);
  await expect(outcome(page)).toHaveText('ok');
  const run = panel(page, 'Run');
  await expect(run.getByTestId('result-value')).toHaveText('[-9223372036854775807, -2]');
  await form.getByLabel('Export').selectOption('neg32');
  await form.getByLabel('x (f32)').fill('0');
  await runFromPanel(page);
  await expect(run.getByTestId('result-value')).toHaveText('-0');
  await form.getByLabel('Export').selectOption('div64');
  await form.getByLabel('a (f64)').fill('0');
  await form.getByLabel('b (f64)').fill('0');
  await runFromPanel(page);
  await expect(run.getByTestId('result-value')).toHaveText('NaN');
  await form.getByLabel('a (f64)').fill('1');
  await runFromPanel(page);
  await expect(run.getByTestId('result-value')).toHaveText('Infinity');
  await screenshot(page, testInfo, 'run-multi');
});

test('results follow the open function', async ({ page }) => {
  await openWithSample(page, 'sum');
  await runForm(page, 'sum').getByLabel('a (i32)').fill('1');
  await runForm(page, 'sum').getByLabel('b (i32)').fill('1');
  await runFromPanel(page);
  await expect(outcome(page)).toHaveText('ok');
  await addSample(page, 'answer');
  await expect(panel(page, 'Run').getByText('No result yet')).toBeVisible();
  await runFromPanel(page);
  await expect(panel(page, 'Run').getByTestId('result-value')).toHaveText('42');
});
