// The Metrics panel: latency chart (shapes, hover, zoom, filter, PNG), breakdown and histogram,
// per-function statistics, billing, and CSV/JSON export that matches faas.invocations().
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { parseCsv } from '../src/platform/metrics/csv';
import { deploy, failOnPageErrors } from './support/faas';
import { paintedPixels, pixelsOfColor, tallPanels } from './support/load';
import { openWithSample, screenshot, showPanel } from './support/panels';
import { sample } from './support/samples';

test.describe.configure({ timeout: 90_000 });

/** sum (warm after the first), a few cold starts of fib, and traps. */
async function someHistory(page: Page): Promise<void> {
  await deploy(page, 'sum', sample('sum'));
  await deploy(page, 'trap', sample('trap'));
  await deploy(page, 'fib', sample('fib'));
  await page.evaluate(async () => {
    const f = window.faas;
    for (let i = 0; i < 150; i++) await f.invoke('sum', [i, 1]);
    for (let i = 0; i < 20; i++) await f.invoke('trap');
    for (let i = 0; i < 10; i++) await f.invoke('fib', [18]);
  });
}

test('the latency chart draws cold, warm and failed invocations; hover, zoom, filter and PNG work', async ({
  page,
}, testInfo) => {
  const errors = failOnPageErrors(page);
  await openWithSample(page, 'sum');
  await someHistory(page);
  await tallPanels(page);
  const m = await showPanel(page, 'Metrics');
  await expect(m.getByTestId('metrics-count')).toHaveAttribute('data-value', '180');

  const chart = m.getByTestId('chart-latency');
  const plot = chart.locator('[data-drawn]');
  await expect.poll(async () => Number(await plot.getAttribute('data-drawn'))).toBeGreaterThan(20);
  // Marks per category (warm circles, cold triangles, failed crosses); nearby points of a kind share a mark.
  const [warm, cold, failed] = (await plot.getAttribute('data-drawn-by-category'))!.split(',').map(Number);
  expect(warm).toBeGreaterThan(5);
  expect(cold).toBeGreaterThanOrEqual(2); // the first sum, trap and fib calls
  expect(failed).toBeGreaterThanOrEqual(1);
  expect(await pixelsOfColor(chart, '--warm')).toBeGreaterThan(50);
  expect(await pixelsOfColor(chart, '--danger')).toBeGreaterThan(10);

  // Hover: sweep across the plot until the readout names an invocation.
  const over = chart.locator('.u-over');
  const box = (await over.boundingBox())!;
  const readout = m.getByTestId('invocation-readout');
  for (let fx = 0.02; fx < 1 && !(await readout.textContent())?.includes('#'); fx += 0.02) {
    for (const fy of [0.97, 0.9, 0.8]) {
      await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
      if ((await readout.textContent())?.includes('#')) break;
    }
  }
  await expect(readout).toContainText(/#\d+/);
  await expect(readout).toContainText(/\b(sum|trap|fib)\._start\(/);
  await expect(readout.getByRole('figure', { name: /Timing of invocation/ })).toBeVisible();

  // Drag to zoom into the first half; Reset zoom brings everything back.
  await page.mouse.move(box.x + 5, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(plot).toHaveAttribute('data-zoomed', 'true');
  await expect(m.getByTestId('chart-breakdown')).toContainText('zoomed');
  await screenshot(page, testInfo, 'metrics-zoomed');
  await chart.getByRole('button', { name: 'Reset zoom' }).click();
  await expect(plot).toHaveAttribute('data-zoomed', 'false');

  // Filter by function.
  await m.getByLabel('Filter by function').selectOption('trap');
  await expect(m.getByTestId('metrics-count')).toHaveAttribute('data-value', '20');
  await expect(m.getByTestId('metrics-count')).toContainText('of trap');
  await m.getByLabel('Filter by function').selectOption('');

  // Every chart exports a PNG.
  for (const id of ['chart-latency', 'chart-breakdown', 'chart-histogram']) {
    const c = m.getByTestId(id);
    expect(await paintedPixels(c), id).toBeGreaterThan(500);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      c.getByRole('button', { name: /as PNG$/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.png$/);
    const bytes = readFileSync(await download.path());
    expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(bytes.length).toBeGreaterThan(2000);
  }
  await screenshot(page, testInfo, 'metrics-charts');
  expect(errors).toEqual([]);
});

test('the stats table and the billing views follow the invocations and the price model', async ({
  page,
}, testInfo) => {
  await openWithSample(page, 'sum');
  await someHistory(page);
  await tallPanels(page);
  const m = await showPanel(page, 'Metrics');
  const table = m.getByTestId('stats-table');
  const row = (fn: string) => table.locator(`tr[data-fn="${fn}"]`);
  await expect(row('sum').locator('[data-col="invocations"]')).toHaveText('150');
  await expect(row('trap').locator('[data-col="invocations"]')).toHaveText('20');
  await expect(row('trap')).toContainText('20'); // traps
  const stats = await page.evaluate(
    () => window.faas.invocations('fib').filter((i) => i.start === 'cold').length,
  );
  expect(stats).toBeGreaterThanOrEqual(1);

  const gran = m.getByTestId('granularity-table');
  await expect(gran.locator('tbody tr')).toHaveCount(3);
  await expect(gran).toContainText('1 ms (model)');
  const costBefore = await row('sum').locator('[data-col="cost"]').innerText();
  await m.getByLabel('billed per').fill('100');
  await m.getByLabel('billed per').press('Enter');
  await expect(gran).toContainText('100 ms (model)');
  await expect(row('sum').locator('[data-col="cost"]')).not.toHaveText(costBefore);
  await m.locator('[data-testid="stats-table"]').scrollIntoViewIfNeeded();
  await screenshot(page, testInfo, 'metrics-stats-billing');
});

test('Export CSV and JSON hold exactly what faas.invocations() holds', async ({ page }) => {
  await openWithSample(page, 'sum');
  await someHistory(page);
  const m = await showPanel(page, 'Metrics');
  const [csvDownload] = await Promise.all([
    page.waitForEvent('download'),
    m.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(csvDownload.suggestedFilename()).toMatch(/^invocations-all-.*\.csv$/);
  const rows = parseCsv(readFileSync(await csvDownload.path(), 'utf8'));
  const header = rows[0];
  const want = await page.evaluate(() =>
    window.faas.invocations().map((i) => [String(i.id), i.outcome, i.fn]),
  );
  const got = rows
    .slice(1)
    .map((r) => [r[header.indexOf('id')], r[header.indexOf('outcome')], r[header.indexOf('fn')]]);
  expect(got).toEqual(want);
  expect(got.length).toBe(180);

  const [jsonDownload] = await Promise.all([
    page.waitForEvent('download'),
    m.getByRole('button', { name: 'Export JSON' }).click(),
  ]);
  const json = JSON.parse(readFileSync(await jsonDownload.path(), 'utf8')) as {
    id: number;
    outcome: string;
  }[];
  expect(json.map((i) => [String(i.id), i.outcome])).toEqual(want.map(([id, outcome]) => [id, outcome]));

  // Filtered export.
  await m.getByLabel('Filter by function').selectOption('trap');
  const [trapDownload] = await Promise.all([
    page.waitForEvent('download'),
    m.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  const trapRows = parseCsv(readFileSync(await trapDownload.path(), 'utf8')).slice(1);
  expect(trapRows).toHaveLength(20);
  expect(new Set(trapRows.map((r) => r[header.indexOf('outcome')]))).toEqual(new Set(['trap']));
});

test('the latency chart draws and zooms 20 000 invocations', async ({ page }) => {
  await openWithSample(page, 'sum');
  await deploy(page, 'sum', sample('sum'));
  await page.evaluate(async () => {
    const calls = [];
    for (let i = 0; i < 20_000; i++) calls.push(window.faas.invoke('sum', [i, 1]));
    await Promise.all(calls);
  });
  const m = await showPanel(page, 'Metrics');
  await expect(m.getByTestId('metrics-count')).toHaveAttribute('data-value', '20000');
  const plot = m.getByTestId('chart-latency').locator('[data-drawn]');
  await expect.poll(async () => Number(await plot.getAttribute('data-drawn'))).toBeGreaterThan(100);
  // Zooming redraws from the same typed arrays (how fast is for npm run bench, not a test).
  const box = (await m.getByTestId('chart-latency').locator('.u-over').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -200);
  await expect(plot).toHaveAttribute('data-zoomed', 'true');
  test
    .info()
    .annotations.push({ type: 'redraw', description: `${await plot.getAttribute('data-draw-ms')} ms` });
});
