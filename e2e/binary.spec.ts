// The Binary panel: the deployed module's size, sections, imports/exports, memory limits, a
// windowed hex dump, and the .wasm download.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { failOnPageErrors } from './support/faas';
import { expectFits, growPanels, narrowDark, openWithSample, screenshot, showPanel } from './support/panels';

test('sum: deploy from the panel, then sections, exports, hex and download', async ({ page }, testInfo) => {
  const errors = failOnPageErrors(page);
  await openWithSample(page, 'sum');
  const bin = await showPanel(page, 'Binary');
  await expect(bin).toContainText('“sum” is not deployed yet');
  await bin.getByRole('button', { name: 'Deploy' }).click();
  // Deploying goes through the compiler and the platform worker: read the bytes once it is done.
  await expect(bin.getByTestId('module-size')).toBeVisible();
  const size = await page.evaluate(() => window.faas.bytes('sum').length);
  await expect(bin.getByTestId('module-size')).toContainText(`(${size} bytes)`);
  const sections = bin.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'offset' }) });
  for (const name of ['type', 'function', 'export', 'code']) {
    await expect(
      sections.getByRole('button', { name: `Show the ${name} section in the hex dump` }),
    ).toBeVisible();
  }
  const exportsTable = bin.getByTestId('exports');
  await expect(exportsTable.getByRole('row', { name: /_start/ })).toContainText('(i32, i32) -> i32');

  const hex = bin.getByRole('region', { name: 'Hex dump of sum.wasm' });
  const firstRow = hex.locator('[data-offset="0"]');
  await expect(firstRow).toContainText('00000000');
  await expect(firstRow).toContainText('00 61 73 6d 01 00 00 00');
  await expect(firstRow).toContainText('.asm');

  // Picking a section marks its bytes.
  await growPanels(page);
  await sections.getByRole('button', { name: 'Show the code section in the hex dump' }).click();
  await expect(hex.locator('mark').first()).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    bin.getByRole('button', { name: 'Download .wasm' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('sum.wasm');
  const saved = [...readFileSync(await download.path())];
  const deployed = await page.evaluate(() => [...window.faas.bytes('sum')]);
  expect(saved).toEqual(deployed);
  await screenshot(page, testInfo, 'binary-sum');
  expect(errors).toEqual([]);
});

/** A valid module of about `mib` MiB: one custom section full of counting bytes. */
function bigModule(mib: number): Buffer {
  const payloadBytes = mib * 1024 * 1024;
  const name = Buffer.from('padding');
  const body = Buffer.alloc(1 + name.length + payloadBytes);
  body[0] = name.length;
  name.copy(body, 1);
  for (let i = 1 + name.length; i < body.length; i++) body[i] = i & 0xff;
  const leb: number[] = [];
  let n = body.length;
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    leb.push(b);
  } while (n);
  const fn = Buffer.from([
    0x01,
    0x05,
    0x01,
    0x60,
    0x00,
    0x01,
    0x7f, // type: () -> i32
    0x03,
    0x02,
    0x01,
    0x00, // function
    0x07,
    0x0a,
    0x01,
    0x06,
    0x5f,
    0x73,
    0x74,
    0x61,
    0x72,
    0x74,
    0x00,
    0x00, // export "_start"
    0x0a,
    0x06,
    0x01,
    0x04,
    0x00,
    0x41,
    0x07,
    0x0b, // code: i32.const 7
  ]);
  return Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), fn, Buffer.from([0, ...leb]), body]);
}

test('a multi-MB module scrolls and jumps to an offset', { tag: '@long' }, async ({ page }, testInfo) => {
  await openWithSample(page, 'answer');
  const bytes = bigModule(12);
  await page
    .getByLabel('Upload', { exact: true })
    .setInputFiles({ name: 'big.wasm', mimeType: 'application/wasm', buffer: bytes });
  const bin = await showPanel(page, 'Binary');
  await expect(bin).toContainText('“big” is not deployed yet');
  await bin.getByRole('button', { name: 'Deploy' }).click();
  await expect(bin.getByTestId('module-size')).toContainText(
    `(${bytes.length.toLocaleString('en-US')} bytes)`,
  );
  const hex = bin.getByRole('region', { name: 'Hex dump of big.wasm' });

  // Scrolling through 12 MiB keeps the DOM small and frames coming.
  const stats = await hex.evaluate(async (el) => {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const steps: number[] = [];
    let prev = performance.now();
    for (let i = 0; i <= 30; i++) {
      el.scrollTop = (el.scrollHeight - el.clientHeight) * (i / 30);
      await frame();
      const now = performance.now();
      steps.push(now - prev);
      prev = now;
    }
    const sorted = [...steps].sort((a, b) => a - b);
    return { median: sorted[15], rows: el.querySelectorAll('[data-offset]').length };
  });
  // Virtualised: only the visible rows are in the DOM (frame times are annotated, not asserted).
  expect(stats.rows).toBeLessThan(100);
  testInfo.annotations.push({ type: 'scroll', description: `median frame ${stats.median.toFixed(0)} ms` });
  // At the bottom, the last row is there.
  const lastRow = Math.floor((bytes.length - 1) / 16) * 16;
  await expect(hex.locator(`[data-offset="${lastRow}"]`)).toBeVisible();

  const goto = bin.getByLabel('Go to offset');
  await goto.fill('0x600010');
  await goto.press('Enter');
  const row = hex.locator(`[data-offset="${0x600010}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText('00600010');
  await expect(row.locator('mark').first()).toHaveText(Buffer.from([bytes[0x600010]]).toString('hex'));
  await growPanels(page);
  await goto.fill('99999999999');
  await goto.press('Enter');
  await expect(bin.getByText(/Enter an offset from 0 to/)).toBeVisible();
  await screenshot(page, testInfo, 'binary-big');
});

test('the Binary panel fits 1024 px in dark mode', async ({ page }, testInfo) => {
  await narrowDark(page);
  await openWithSample(page, 'hello-log');
  const bin = await showPanel(page, 'Binary');
  await bin.getByRole('button', { name: 'Deploy' }).click();
  await expect(bin.getByTestId('memory-limits')).toContainText('effective max');
  await expectFits(page, 'Binary');
  await growPanels(page);
  await screenshot(page, testInfo, 'binary-1024-dark');
});
