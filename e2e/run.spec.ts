// The Run panel: typed arguments checked against the signature, results, timeouts and Stop.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { failOnPageErrors } from './support/faas';
import { setSetting } from './support/share';
import {
  addSample,
  expectFits,
  frames,
  growPanels,
  narrowDark,
  openWithSample,
  outcome,
  panel,
  runForm,
  runFromPanel,
  screenshot,
  showPanel,
  startFrameCounter,
} from './support/panels';

function wasiSample(file: string) {
  const path = fileURLToPath(new URL(`../samples/wasi/${file}`, import.meta.url));
  return { name: file, mimeType: 'application/wasm', buffer: readFileSync(path) };
}

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
  // The answer's trip back from the real worker is measured (stamped there when posted).
  await expect(run.getByRole('figure', { name: 'Timing breakdown' })).toContainText('reply');
  const reply = await page.evaluate(() => window.faas.invocations().at(-1)?.timings.reply);
  expect(typeof reply).toBe('number');
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

test('stuck times out and says so', async ({ page }, testInfo) => {
  await openWithSample(page, 'stuck');
  await runFromPanel(page);
  await expect(outcome(page)).toHaveText('timeout');
  await expect(panel(page, 'Run').getByTestId('result-error')).toContainText('Timed out after 1000 ms');
  await screenshot(page, testInfo, 'run-stuck-timeout');
});

test('out-of-memory ends as memory-limit at its 8 MiB cap, and the result shows the cap', async ({
  page,
}, testInfo) => {
  await openWithSample(page, 'out-of-memory');
  await runFromPanel(page);
  await expect(outcome(page)).toHaveText('memory-limit');
  const run = panel(page, 'Run');
  await expect(run.getByTestId('result-error')).toContainText('8 MiB cap');
  await expect(run.getByTestId('memory')).toHaveText('8.00 MiB');
  await expect(run.getByTestId('memory-cap')).toHaveText('8.00 MiB');
  await screenshot(page, testInfo, 'run-memory-limit');

  // The cap is the function's: the same program under 4 MiB stops at 4 MiB.
  await showPanel(page, 'Settings');
  await setSetting(page, 'Memory cap (MiB)', 4);
  await showPanel(page, 'Run');
  await runFromPanel(page);
  await expect(run.getByTestId('memory-cap')).toHaveText('4.00 MiB');
  await expect(run.getByTestId('memory')).toHaveText('4.00 MiB');
  await expect(outcome(page)).toHaveText('memory-limit');
});

test('the page stays responsive while stuck spins in its worker', async ({ page }, testInfo) => {
  await openWithSample(page, 'stuck');
  // A limit far longer than the test needs, so what follows happens while the call runs however
  // slow the machine; Stop ends it. (The timeout itself is the test above.)
  const settings = await showPanel(page, 'Settings');
  const timeout = settings.getByLabel('Timeout (ms)');
  await timeout.fill('600000');
  await timeout.press('Enter');
  // Saved with the function; Run deploys it with this limit (checked below, before relying on it).
  await expect(settings.getByTestId('function-settings-status')).toHaveText(
    /^Timeout saved; it applies when “stuck” is deployed\.$|applied to the deployed “stuck”/,
  );
  await page.getByRole('tab', { name: 'Run' }).click();
  await startFrameCounter(page);
  await runFromPanel(page);
  const run = panel(page, 'Run');
  await expect(run.getByTestId('running')).toBeVisible();
  expect(
    await page.evaluate(() => window.faas.functions().find((f) => f.name === 'stuck')!.config.timeoutMs),
  ).toBe(600_000);
  const elapsed = run.getByTestId('elapsed');
  await expect(elapsed).toHaveText(/^\d+\.\d s$/);
  const firstReading = await elapsed.textContent();
  await screenshot(page, testInfo, 'run-stuck-running');
  // Typing works while the call spins in its worker, and frames keep coming: the counter moves on.
  const before = await frames(page);
  await page.getByRole('tab', { name: 'Settings' }).click();
  const field = panel(page, 'Settings').getByLabel('Max queue');
  await field.fill('12345');
  await expect(field).toHaveValue('12345');
  await page.getByRole('tab', { name: 'Run' }).click();
  await expect.poll(() => frames(page)).toBeGreaterThan(before);
  await expect(elapsed).not.toHaveText(firstReading!);
  // All of it happened while the call was still running.
  await expect(run.getByTestId('running')).toBeVisible();
  await run.getByRole('button', { name: 'Stop' }).click();
  await expect(outcome(page)).toHaveText('error');
  await expect(run.getByTestId('result-error')).toContainText('Stopped by the user');
});

test('Stop ends a long sleep', async ({ page }, testInfo) => {
  await openWithSample(page, 'sleep');
  // Ten minutes of sleep under a ten-minute limit: only Stop can end it within the test.
  const settings = await showPanel(page, 'Settings');
  await settings.getByLabel('Timeout (ms)').fill('600000');
  await settings.getByLabel('Timeout (ms)').press('Enter');
  // Saved with the function; Run deploys it with this limit (checked below, before relying on it).
  await expect(settings.getByTestId('function-settings-status')).toHaveText(
    /^Timeout saved; it applies when “sleep” is deployed\.$|applied to the deployed “sleep”/,
  );
  await page.getByRole('tab', { name: 'Run' }).click();
  const form = runForm(page, 'sleep');
  await form.getByLabel('ms (i32)').fill('600000');
  await runFromPanel(page);
  const run = panel(page, 'Run');
  await expect(run.getByTestId('running')).toBeVisible();
  expect(
    await page.evaluate(() => window.faas.functions().find((f) => f.name === 'sleep')!.config.timeoutMs),
  ).toBe(600_000);
  await run.getByRole('button', { name: 'Stop' }).click();
  await expect(outcome(page)).toHaveText('error');
  await expect(run.getByTestId('result-error')).toContainText('Stopped by the user');
  await expect(run.getByTestId('running')).toHaveCount(0);
  const last = await page.evaluate(() => window.faas.invocations('sleep').at(-1)!);
  expect(last.error).toMatch(/^Stopped by the user after \d+ ms; the nanoprocess was terminated$/);
  expect(last.timings.exec).toBeLessThan(600_000);
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

test('a WASI program gets argv, env, stdin and files, and shows what it wrote', async ({
  page,
}, testInfo) => {
  const errors = failOnPageErrors(page);
  await openWithSample(page, 'answer');
  await page.getByLabel('Upload', { exact: true }).setInputFiles(wasiSample('env-echo.wasm'));
  const form = runForm(page, 'env-echo');
  await expect(form).toBeVisible();
  await form.getByLabel('Arguments (argv)').fill('hello "two words" ünïcödé');
  await form.getByLabel('Environment (NAME=value, one per line)').fill('GREETING=hi from nanofaas');
  await form
    .getByLabel('Standard input (stdin)')
    .fill('first line of stdin\nsecond line, no newline at the end');
  await runFromPanel(page);
  await expect(outcome(page)).toHaveText('ok', { timeout: 15_000 });
  const run = panel(page, 'Run');
  await expect(run.getByTestId('exit-code')).toHaveText('0');
  await expect(run.getByTestId('stdout')).toContainText('two words');
  await expect(run.getByTestId('stdout')).toContainText('hi from nanofaas');
  await expect(run.getByTestId('stdout')).toContainText('second line, no newline at the end');
  await growPanels(page);
  await screenshot(page, testInfo, 'run-wasi-env-echo');

  // A bad env line is reported and stops the run.
  await form.getByLabel('Environment (NAME=value, one per line)').fill('GREETING');
  await expect(form.getByText('Line 1: write NAME=value')).toBeVisible();
  await runFromPanel(page);
  await expect(form.getByTestId('run-status')).toContainText('Not run');

  await page.getByLabel('Upload', { exact: true }).setInputFiles(wasiSample('write-file.wasm'));
  const wf = runForm(page, 'write-file');
  await wf.getByLabel('File name').fill('input.txt');
  await wf.getByLabel('File content').fill('Hello, nanofaas!\nThis text comes back in upper case.\n');
  await wf.getByRole('button', { name: 'Add file' }).click();
  await expect(wf.getByRole('button', { name: 'Remove input.txt' })).toBeVisible();
  await runFromPanel(page);
  await expect(outcome(page)).toHaveText('ok', { timeout: 15_000 });
  const result = run.getByRole('region', { name: 'Last result' });
  await expect(result).toContainText('out/result.txt');
  await expect(result.getByLabel('out/result.txt')).toContainText('HELLO, NANOFAAS!');
  // data.bin holds bytes 0..255: not UTF-8, so it offers hex.
  await result.getByRole('button', { name: 'Show hex of data.bin' }).click();
  await expect(result.getByRole('region', { name: 'data.bin as hex' })).toContainText('00 01 02 03');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    result.getByRole('button', { name: 'Download data.bin' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('data.bin');
  await screenshot(page, testInfo, 'run-wasi-files');
  expect(errors).toEqual([]);
});

test('the Run panel shows the exit code of every WASI run: n from exit(n), none for a trap', async ({
  page,
}) => {
  const errors = failOnPageErrors(page);
  await openWithSample(page, 'answer');
  const run = panel(page, 'Run');
  await page.getByLabel('Upload', { exact: true }).setInputFiles(wasiSample('exit3.wasm'));
  await expect(runForm(page, 'exit3')).toBeVisible();
  await runFromPanel(page);
  await expect(outcome(page)).toHaveText('ok', { timeout: 15_000 });
  await expect(run.getByTestId('exit-code')).toHaveText('3');
  // (module (import "wasi_snapshot_preview1" "proc_exit" …) (memory (export "memory") 1)
  //   (func (export "_start") unreachable))
  const trapping =
    'AGFzbQEAAAABCAJgAX8AYAAAAiQBFndhc2lfc25hcHNob3RfcHJldmlldzEJcHJvY19leGl0AAADAgEBBQMBAAEHEwIGbWVtb3J5AgAGX3N0YXJ0AAEKBQEDAAAL';
  await page.getByLabel('Upload', { exact: true }).setInputFiles({
    name: 'wasi-trap.wasm',
    mimeType: 'application/wasm',
    buffer: Buffer.from(trapping, 'base64'),
  });
  await expect(runForm(page, 'wasi-trap')).toBeVisible();
  await runFromPanel(page);
  await expect(outcome(page)).toHaveText('trap', { timeout: 15_000 });
  await expect(run.getByTestId('exit-code')).toHaveText('—');
  expect(errors).toEqual([]);
});

test('the Run panel fits 1024 px in dark mode', async ({ page }, testInfo) => {
  await narrowDark(page);
  await openWithSample(page, 'sum');
  await runFromPanel(page);
  await expect(outcome(page)).toHaveText('ok');
  await runForm(page, 'sum').getByLabel('a (i32)').fill('x');
  await expectFits(page, 'Run');
  await growPanels(page);
  await screenshot(page, testInfo, 'run-1024-dark');
});
