// The Benchmarks panel (seed 002's method): choose programs and N, run, read the table and the
// log-scale chart, export CSV.
import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { failOnPageErrors, openApp } from './support/faas';
import { showPanel } from './support/panels';

async function choose(panel: Locator, names: string[]) {
  const boxes = panel.getByRole('group', { name: 'Programs' }).getByRole('checkbox');
  await expect(boxes.first()).toBeVisible(); // the panel loads lazily
  for (const box of await boxes.all()) {
    const name = await box.getAttribute('value');
    if (names.includes(name!)) await box.check();
    else await box.uncheck();
  }
}

/** Opens the panel with these programs and N chosen. */
async function openPanel(page: Page, programs: string[], runs: number): Promise<Locator> {
  await openApp(page);
  const panel = await showPanel(page, 'Benchmarks');
  await choose(panel, programs);
  await panel.getByLabel('Runs (N)').fill(String(runs));
  return panel;
}

/** Clicks Run and waits until the run is done. */
async function runToEnd(panel: Locator): Promise<void> {
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(panel.getByRole('button', { name: 'Stop' })).toBeVisible();
  await expect(panel.getByRole('status')).toContainText(/Done after/, { timeout: 90_000 });
}

/** Counts canvas pixels that are not transparent (uPlot draws on a canvas). */
async function paintedPixels(page: Page, canvas: Locator): Promise<number> {
  return canvas.evaluate((el: HTMLCanvasElement) => {
    const data = el.getContext('2d')!.getImageData(0, 0, el.width, el.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
    return n;
  });
}

// Tall enough for the panel to show the table and the chart together in the screenshots.
test.use({ viewport: { width: 1280, height: 1500 } });

test('run nop and nbody with N = 3: the table fills, the chart draws, CSV has the rows', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const errors = failOnPageErrors(page);
  const panel = await openPanel(page, ['nop', 'nbody'], 3);
  await runToEnd(panel);
  // What the benchmark deployed for a moment never joins the workspace.
  await expect(
    page.getByRole('navigation', { name: 'Functions' }).locator('li[data-fn^="benchmark-"]'),
  ).toHaveCount(0);

  const table = panel.getByRole('table', { name: /Mean ± standard deviation/ });
  await expect(table.getByRole('row')).toHaveCount(3); // header + nop + nbody
  for (const program of ['nop', 'nbody']) {
    const row = table.locator(`tr[data-program="${program}"]`);
    for (const mode of ['cold', 'warm', 'direct'])
      await expect(row.locator(`td[data-mode="${mode}"]`)).toHaveText(/^\d+\.\d+ ± \d+\.\d+$/);
    // nop's direct run can measure 0 ms at the 0.1 ms timer resolution of a page that is not cross-origin
    // isolated; then there is no ratio to show, and the panel says so with a dash.
    // What the platform adds is a time per call first, its share of direct second.
    const overhead =
      program === 'nop'
        ? /^[+−]\d+\.\d+ ms \(([+−]\d+(\.\d)? %|×\d+|—)\)$/
        : /^[+−]\d+\.\d+ ms \(([+−]\d+(\.\d)? %|×\d+)\)$/;
    await expect(row.locator('td[data-mode="overhead"]')).toHaveText(overhead);
  }
  // Wasm ÷ JS compares the same work in the same plain worker; nop has no JavaScript version.
  await expect(table.getByRole('columnheader', { name: 'Wasm ÷ JS' })).toBeVisible();
  await expect(table.locator('tr[data-program="nbody"] td[data-mode="wasm-js"]')).toHaveText(
    /^\d+(\.\d+)?×$/,
  );
  await expect(table.locator('tr[data-program="nop"] td[data-mode="wasm-js"]')).toHaveText('—');
  // nbody has a JavaScript version; nop does not.
  await expect(table.locator('tr[data-program="nbody"] td[data-mode="js"]')).toHaveText(
    /^\d+\.\d+ ± \d+\.\d+$/,
  );
  await expect(table.locator('tr[data-program="nop"] td[data-mode="js"]')).toHaveText('—');
  await expect(panel.getByRole('alert')).toHaveCount(0);

  const canvas = panel.locator('.uplot canvas');
  await expect(canvas).toHaveCount(1);
  expect(await paintedPixels(page, canvas)).toBeGreaterThan(1000);
  await expect(panel.locator('.u-legend')).toContainText('Direct (no platform)');
  // The bar chart is a chart like the others: its card exports a PNG.
  const [png] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: 'Download Mean time per run as PNG' }).click(),
  ]);
  expect(png.suggestedFilename()).toMatch(/^benchmarks-.*\.png$/);
  expect(
    readFileSync((await png.path())!)
      .subarray(1, 4)
      .toString(),
  ).toBe('PNG');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^nanofaas-benchmarks-.*\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8')
    .trim()
    .split('\r\n');
  expect(csv[0]).toBe(
    'program,argv,mode,n,mean_ms,sd_ms,min_ms,median_ms,max_ms,exec_mean_ms,exec_sd_ms,overhead_pct,instructions,error',
  );
  expect(csv.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
    'nop,,cold,3',
    'nop,,warm,3',
    'nop,,direct,3',
    'nbody,200000,cold,3',
    'nbody,200000,warm,3',
    'nbody,200000,direct,3',
    'nbody,200000,js,3',
  ]);
  for (const line of csv.slice(1)) {
    const [program, , mode, , mean] = line.split(',');
    // nop run directly can measure 0 ms at a 0.1 ms timer resolution (see the overhead note above).
    if (program === 'nop' && mode === 'direct') expect(Number(mean)).toBeGreaterThanOrEqual(0);
    else expect(Number(mean), `${program} ${mode}`).toBeGreaterThan(0);
  }

  const [json] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: 'Export JSON' }).click(),
  ]);
  const report = JSON.parse(readFileSync((await json.path())!, 'utf8'));
  expect(report.runs).toBe(3);
  expect(report.programs.map((p: { name: string }) => p.name)).toEqual(['nop', 'nbody']);
  expect(report.programs[1].modes.warm.samples).toHaveLength(3);

  // The benchmark functions were undeployed again.
  expect(await page.evaluate(() => window.faas.functions().map((f) => f.name))).toEqual([]);
  expect(errors).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath('benchmarks.png') });
  await canvas.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: testInfo.outputPath('benchmarks-chart.png') });
});

test('Stop ends a run early and keeps what finished', async ({ page }, testInfo) => {
  const panel = await openPanel(page, ['nop', 'cat-sync'], 1000);
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(panel.getByRole('status')).toContainText(/nop: .+ run \d+ of 1000 — \d{2,} of 6000 runs/, {
    timeout: 30_000,
  });
  await panel.getByRole('button', { name: 'Stop' }).click();
  await expect(panel.getByRole('status')).toContainText(/Stopped after/);
  await expect(panel.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
  await expect(panel.locator('tr[data-program="nop"] td[data-mode="warm"]')).toHaveText(/±/);
  await expect(panel.locator('tr[data-program="cat-sync"]')).toHaveCount(0);
  expect(await page.evaluate(() => window.faas.functions().map((f) => f.name))).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath('benchmarks-stopped.png') });
});

test('Count instructions runs the suite metered and shows each program’s instruction count', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const errors = failOnPageErrors(page);
  const panel = await openPanel(page, ['nop', 'fannkuch-redux'], 2);
  const table = panel.getByRole('table', { name: /Mean ± standard deviation/ });

  // Unmetered: no Instructions column.
  await runToEnd(panel);
  await expect(table.getByRole('columnheader', { name: 'Instructions' })).toHaveCount(0);

  await panel.getByRole('checkbox', { name: 'Count instructions (metered)' }).check();
  await runToEnd(panel);
  await expect(table.getByRole('columnheader', { name: 'Instructions' })).toBeVisible();
  const count = async (program: string) =>
    Number(
      (await table.locator(`tr[data-program="${program}"] td[data-mode="instructions"]`).innerText()).replace(
        /,/g,
        '',
      ),
    );
  expect(await count('nop')).toBeGreaterThan(0);
  // fannkuch-redux 9 does far more work than starting and exiting.
  expect(await count('fannkuch-redux')).toBeGreaterThan(1000 * (await count('nop')));
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('benchmarks-metered.png') });
  expect(errors).toEqual([]);
});
