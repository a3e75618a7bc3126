// User story: I export my workspace to a file (with the invocation history if I like) and import
// it elsewhere, choosing merge or replace after seeing what would change.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { runFromPanel, screenshot, showPanel } from './support/panels';
import {
  editorText,
  functionNames,
  notices,
  openPlayground,
  pickSample,
  replaceEditorText,
  waitForEditor,
  waitForInvocation,
} from './support/playground';
import { waitForSaved } from './support/share';

// One parameter, like the fib sample it replaces (whose Run inputs hold one argument).
const EDITED = '(module (func (export "_start") (param i32) (result i32) i32.const 99))';

test('export with history, then import with a preview: merge or replace', async ({
  page,
  browser,
}, testInfo) => {
  await openPlayground(page);
  await showPanel(page, 'Run');
  await runFromPanel(page);
  await waitForInvocation(page, 'sum', 1);
  await pickSample(page, 'fib');
  await replaceEditorText(page, EDITED);
  await showPanel(page, 'Run');
  await runFromPanel(page);
  await waitForInvocation(page, 'fib', 1);

  await page.getByRole('banner').getByRole('button', { name: 'Export', exact: true }).click();
  const exportDialog = page.getByRole('dialog', { name: 'Export workspace' });
  await expect(exportDialog).toContainText('2 functions');
  await exportDialog.getByLabel(/Include the invocation history \(2 records\)/).check();
  await screenshot(page, testInfo, 'export-dialog');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    exportDialog.getByRole('button', { name: 'Download', exact: true }).click(),
  ]);
  await expect(exportDialog).toBeHidden();
  expect(download.suggestedFilename()).toMatch(/^nanofaas-workspace-\d{4}-\d\d-\d\d\.nanofaas\.json$/);
  const file = testInfo.outputPath('workspace.nanofaas.json');
  await download.saveAs(file);
  const json = JSON.parse(readFileSync(file, 'utf8'));
  expect(json.format).toBe('nanofaas-workspace');
  expect(json.workspace.functions.map((f: { name: string }) => f.name)).toEqual(['sum', 'fib']);
  expect(json.history).toHaveLength(2);

  // Somewhere else: a workspace with its own "sum" (edited) and "answer".
  const context = await browser.newContext();
  const other = await context.newPage();
  await openPlayground(other);
  await replaceEditorText(other, '(module (func (export "_start") (result i32) i32.const 5))');
  await pickSample(other, 'answer');
  await waitForSaved(other, (s) => s.functions.length === 2);

  const importInput = other.getByRole('banner').getByLabel('Import', { exact: true });
  await importInput.setInputFiles(file);
  const dialog = other.getByRole('dialog', { name: 'Import workspace' });
  await expect(dialog).toContainText('2 functions, 2 invocation records');
  await expect(dialog.getByTestId('import-added')).toContainText('fib');
  await expect(dialog.getByTestId('import-replaced')).toContainText('sum');
  await expect(dialog.getByTestId('import-kept')).toContainText('answer');
  await expect(dialog.getByTestId('import-removed')).toHaveCount(0);
  await screenshot(other, testInfo, 'import-merge-preview');

  await dialog.getByLabel(/Replace/).check();
  await expect(dialog.getByTestId('import-removed')).toContainText('answer');
  await expect(dialog.getByTestId('import-kept')).toHaveCount(0);
  await screenshot(other, testInfo, 'import-replace-preview');

  // Cancel changes nothing.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect(await functionNames(other)).toEqual(['sum', 'answer']);

  // Merge, with the history.
  await importInput.setInputFiles(file);
  await expect(dialog.getByLabel(/Merge/)).toBeChecked();
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(notices(other).filter({ hasText: 'Imported 2 functions' })).toBeVisible();
  expect(await functionNames(other)).toEqual(['sum', 'answer', 'fib']);
  expect(await editorText(other)).toBe(EDITED); // the file's open function
  expect(await other.evaluate(() => window.faas.invocations().length)).toBe(2);
  expect(await other.evaluate(() => window.faas.functions())).toEqual([]); // imported, not deployed
  await waitForSaved(other, (s) => s.functions.length === 3 && s.history === 2);
  await other.reload();
  await waitForEditor(other);
  expect(await functionNames(other)).toEqual(['sum', 'answer', 'fib']);
  expect(await other.evaluate(() => window.faas.invocations().length)).toBe(2);
  await context.close();
});

test('a file that is not a workspace export is refused with a clear message', async ({ page }, testInfo) => {
  await openPlayground(page);
  const bad = testInfo.outputPath('notes.json');
  writeFileSync(bad, '{"hello": "world"}');
  await page.getByRole('banner').getByLabel('Import', { exact: true }).setInputFiles(bad);
  const notice = notices(page).filter({ hasText: 'notes.json' });
  await expect(notice).toContainText('not a nanofaas workspace export');
  await expect(notice).toHaveAttribute('role', 'alert');
  await expect(page.getByRole('dialog', { name: 'Import workspace' })).toBeHidden();
  expect(await functionNames(page)).toEqual(['sum']);
  await screenshot(page, testInfo, 'import-refused');
});
