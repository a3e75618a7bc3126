// User story: I send a classmate a link to my function; it opens in their browser with the same
// code and settings, clearly marked as shared, and runs nothing until they press Run. They keep it
// or throw it away. A broken link says so and changes nothing.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
import { outcome, runForm, runFromPanel, screenshot, showPanel } from './support/panels';
import {
  editorText,
  functionNames,
  functionRow,
  notices,
  openPlayground,
  pickSample,
  replaceEditorText,
  waitForEditor,
} from './support/playground';
import {
  banner,
  closeDialog,
  makeShareLink,
  setSetting,
  settingsField,
  shareDialog,
  stored,
  waitForSaved,
} from './support/share';

/** Opens `link` in a brand-new browser profile (no saved workspace, no service worker). */
async function openInFreshBrowser(page: Page, link: string): Promise<Page> {
  const context = await page.context().browser()!.newContext();
  const other = await context.newPage();
  await other.goto(link);
  await other.waitForFunction(() => typeof window.faas?.invoke === 'function');
  await waitForEditor(other);
  return other;
}

async function nothingRan(page: Page): Promise<void> {
  // Give a would-be auto-deploy time to happen.
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => window.faas.invocations())).toEqual([]);
  expect(await page.evaluate(() => window.faas.functions())).toEqual([]);
}

test('a function link opens elsewhere as a shared copy, runs nothing, and is saved only when kept', async ({
  page,
  context,
}, testInfo) => {
  test.setTimeout(120_000); // two browsers, each with a reload
  const errors = failOnPageErrors(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openPlayground(page);
  const source = await editorText(page);
  await showPanel(page, 'Settings');
  await setSetting(page, 'Timeout (ms)', 1500);
  await setSetting(page, 'Memory cap (MiB)', 32);
  await showPanel(page, 'Run');
  await runForm(page, 'sum').getByLabel('a (i32)').fill('40');

  const link = await makeShareLink(page);
  expect(link.startsWith(`${new URL(page.url()).origin}/#v1/`)).toBe(true);
  const dialog = shareDialog(page);
  await expect(dialog.getByTestId('share-too-long')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(dialog.getByTestId('share-status')).toContainText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await screenshot(page, testInfo, 'share-dialog');
  await closeDialog(page, 'Share');

  const other = await openInFreshBrowser(page, link);
  const otherErrors = failOnPageErrors(other);
  expect(await functionNames(other)).toEqual(['sum (shared)']);
  await expect(functionRow(other, 'sum (shared)').getByText('shared', { exact: true })).toBeVisible();
  expect(await editorText(other)).toBe(source);
  await showPanel(other, 'Run');
  await expect(runForm(other, 'sum (shared)').getByLabel('Export')).toHaveValue('_start');
  await expect(runForm(other, 'sum (shared)').getByLabel('a (i32)')).toHaveValue('40');
  await expect(runForm(other, 'sum (shared)').getByLabel('b (i32)')).toHaveValue('2');
  await showPanel(other, 'Settings');
  await expect(settingsField(other, 'Timeout (ms)')).toHaveValue('1500');
  await expect(settingsField(other, 'Memory cap (MiB)')).toHaveValue('32');
  // The link stays in the address until Keep or Discard: a student who reloads gets the code back.
  expect(new URL(other.url()).hash).toBe(new URL(link).hash);
  await other.reload();
  await waitForEditor(other);
  expect(await functionNames(other)).toEqual(['sum (shared)']);
  expect(await editorText(other)).toBe(source);
  const shared = banner(other, 'Opened from a share link');
  await expect(shared).toContainText('sum (shared)');
  await expect(shared).toContainText('nothing was deployed or run');
  await nothingRan(other);
  // Not saved while undecided.
  expect(await stored(other)).toBeNull();
  await screenshot(other, testInfo, 'share-opened');

  // Run is the user's choice, and it works.
  await showPanel(other, 'Run');
  await runFromPanel(other);
  await expect(outcome(other)).toHaveText('ok');

  await shared.getByRole('button', { name: 'Keep in my workspace' }).click();
  await expect(shared).toBeHidden();
  await expect(functionRow(other, 'sum (shared)').getByText('shared', { exact: true })).toBeHidden();
  // Kept, it is saved; the link leaves the address so a reload does not add it a second time.
  expect(new URL(other.url()).hash).toBe('');
  const kept = await waitForSaved(other, (s) => s.functions.some((f) => f.name === 'sum (shared)'));
  expect(kept.functions[0].shared).toBeUndefined();
  expect(kept.functions[0].config.timeoutMs).toBe(1500);
  await other.reload();
  await waitForEditor(other);
  expect(await functionNames(other)).toEqual(['sum (shared)']);
  await expect(banner(other, 'Opened from a share link')).toBeHidden();
  await screenshot(other, testInfo, 'share-kept');
  await expectNoPageErrors(errors);
  await expectNoPageErrors(otherErrors);
  await other.context().close();
});

test('a whole-workspace link carries every function and the platform settings; Discard undoes it', async ({
  page,
}, testInfo) => {
  await openPlayground(page);
  await pickSample(page, 'fib');
  await showPanel(page, 'Settings');
  await setSetting(page, 'Max workers', 3);
  const link = await makeShareLink(page, { whole: true });
  await expect(shareDialog(page)).toContainText('All 2 functions');
  await closeDialog(page, 'Share');

  // The receiver already has work of their own, which the link must not touch.
  const context = await page.context().browser()!.newContext();
  const other = await context.newPage();
  await openPlayground(other);
  await replaceEditorText(other, '(module (func (export "_start") (result i32) i32.const 7))');
  await waitForSaved(other, (s) => s.functions[0]?.text?.includes('i32.const 7') ?? false);
  await other.goto(link);
  await waitForEditor(other);
  expect(await functionNames(other)).toEqual(['sum', 'sum (shared)', 'fib (shared)']);
  expect(await editorText(other)).toContain('Fibonacci');
  expect(await other.evaluate(() => window.faas.config().maxWorkers)).toBe(3);
  await nothingRan(other);
  await screenshot(other, testInfo, 'share-workspace-opened');
  // The saved workspace is still only the receiver's own.
  const saved = await stored(other);
  expect(saved?.functions.map((f) => f.name)).toEqual(['sum']);
  expect(saved?.platform.maxWorkers).not.toBe(3);

  await banner(other, 'Opened from a share link').getByRole('button', { name: 'Discard' }).click();
  await expect(banner(other, 'Opened from a share link')).toBeHidden();
  expect(new URL(other.url()).hash).toBe('');
  expect(await functionNames(other)).toEqual(['sum']);
  expect(await editorText(other)).toContain('i32.const 7');
  expect(await other.evaluate(() => window.faas.config().maxWorkers)).not.toBe(3);
  await context.close();
});

test('a tampered or truncated link shows a clear message and loads nothing', async ({ page }, testInfo) => {
  test.setTimeout(120_000); // three full page loads, two in fresh browser contexts
  await openPlayground(page);
  const link = await makeShareLink(page);
  await closeDialog(page, 'Share');
  const at = link.indexOf('#v1/') + 12;
  const tampered = link.slice(0, at) + (link[at] === 'x' ? 'y' : 'x') + link.slice(at + 1);
  const truncated = link.slice(0, link.length - 6);

  for (const [bad, name] of [
    [tampered, 'tampered'],
    [truncated, 'truncated'],
  ] as const) {
    const context = await page.context().browser()!.newContext();
    const other = await context.newPage();
    await other.goto(bad);
    await waitForEditor(other);
    const error = notices(other).filter({ hasText: 'share link' });
    await expect(error).toContainText('Nothing was loaded');
    await expect(error).toHaveAttribute('role', 'alert');
    // Only the usual first-visit sample: nothing from the link, nothing shared, nothing ran.
    expect(await functionNames(other)).toEqual(['sum']);
    await expect(banner(other, 'Opened from a share link')).toBeHidden();
    expect(new URL(other.url()).hash).toBe('');
    expect(await other.evaluate(() => window.faas.functions())).toEqual([]);
    await screenshot(other, testInfo, `share-${name}`);
    await context.close();
  }
});

test('a link pasted into the address bar of an open tab opens too', async ({ page }) => {
  await openPlayground(page);
  const link = await makeShareLink(page);
  await closeDialog(page, 'Share');
  await page.goto(link); // same document: only the fragment changes
  await expect(banner(page, 'Opened from a share link')).toContainText('sum (shared)');
  expect(await functionNames(page)).toEqual(['sum', 'sum (shared)']);
  expect(new URL(page.url()).hash).toBe(new URL(link).hash);
});

test('a link longer than 8 KB says so and downloads as a file that Import opens', async ({
  page,
}, testInfo) => {
  await openPlayground(page);
  // Random bytes do not compress: 8 KB of them as a data segment make a long link.
  let x = 2463534242;
  const line = () =>
    Array.from({ length: 64 }, () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return `\\${((x >>> 0) & 0xff).toString(16).padStart(2, '0')}`;
    }).join('');
  const rows = Array.from({ length: 128 }, () => `    "${line()}"`).join('\n');
  const big = `(module\n  (memory 1)\n  (data (i32.const 0)\n${rows})\n  (func (export "_start") (result i32) i32.const 1))`;
  await replaceEditorText(page, big);
  await makeShareLink(page);
  const dialog = shareDialog(page);
  await expect(dialog.getByTestId('share-too-long')).toContainText('longer than 8 KB');
  await screenshot(page, testInfo, 'share-too-long');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Download as file' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('sum.nanofaas.json');
  const path = testInfo.outputPath('sum.nanofaas.json');
  await download.saveAs(path);
  expect(JSON.parse(readFileSync(path, 'utf8')).format).toBe('nanofaas-workspace');
  await closeDialog(page, 'Share');

  const context = await page.context().browser()!.newContext();
  const other = await context.newPage();
  await openPlayground(other);
  await other.getByRole('banner').getByLabel('Import', { exact: true }).setInputFiles(path);
  const importDialog = other.getByRole('dialog', { name: 'Import workspace' });
  await expect(importDialog.getByTestId('import-replaced')).toContainText('sum');
  await importDialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(importDialog).toBeHidden();
  expect(await editorText(other)).toBe(big);
  await context.close();
});
