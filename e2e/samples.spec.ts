// User story: a teacher links to a sample (?sample=fib) or a student picks one from the menu.
import { expect, test } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
import { readFileSync } from 'node:fs';
import { sample } from './support/samples';
import {
  clickRun,
  editorText,
  focusEditor,
  functionNames,
  functionRow,
  notices,
  openPlayground,
  pasteInEditor,
  pickSample,
  samplesButton,
} from './support/playground';

test('?sample=fib opens fib with its default arguments', async ({ page }, testInfo) => {
  const errors = failOnPageErrors(page);
  await openPlayground(page, '/?sample=fib');
  expect(await functionNames(page)).toEqual(['fib']);
  await expect(functionRow(page, 'fib')).toHaveClass(/selected/);
  expect(await editorText(page)).toBe(sample('fib'));
  const inv = await clickRun(page, 'fib');
  expect(inv.args).toEqual(['25']); // the Run panel's inputs, converted by the platform
  expect(inv.result).toBe(75025);
  await page.screenshot({ path: testInfo.outputPath('fib.png') });
  await expectNoPageErrors(errors);
});

test('an unknown ?sample= says which samples exist', async ({ page }) => {
  await openPlayground(page, '/?sample=nope');
  await expect(notices(page).filter({ hasText: 'There is no sample called "nope"' })).toContainText('fib');
  expect(await functionNames(page)).toEqual(['sum']);
});

test('the Samples menu lists every sample and switches between them', async ({ page }, testInfo) => {
  await openPlayground(page);
  await samplesButton(page).click();
  const menu = page.getByRole('menu', { name: 'Samples' });
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('menuitem')).toHaveCount(24); // 11 WAT samples and 13 WASI programs
  await expect(menu.getByRole('menuitem', { name: 'counter' })).toHaveAccessibleDescription(/fresh vs reuse/);
  await page.screenshot({ path: testInfo.outputPath('menu.png') });
  await menu.getByRole('menuitem', { name: 'counter', exact: true }).click();
  await expect(menu).toBeHidden();
  await expect(functionRow(page, 'counter')).toHaveClass(/selected/);
  expect(await editorText(page)).toBe(sample('counter'));

  // An unchanged sample is simply reopened…
  await pickSample(page, 'sum');
  expect(await functionNames(page)).toEqual(['sum', 'counter']);
  await expect(functionRow(page, 'sum')).toHaveClass(/selected/);
  expect(await editorText(page)).toBe(sample('sum'));

  // …a changed one is kept, and the sample opens beside it.
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+End');
  await pasteInEditor(page, '\n;; mine');
  await pickSample(page, 'sum');
  // (pickSample returns once a row named sum is there, which it already was: wait for sum-2.)
  await expect.poll(() => functionNames(page)).toEqual(['sum', 'counter', 'sum-2']);
  await expect(functionRow(page, 'sum-2')).toHaveClass(/selected/);
  expect(await editorText(page)).toBe(sample('sum'));
  await functionRow(page, 'sum').getByRole('button', { name: /^sum/ }).click();
  await expect.poll(() => editorText(page)).toContain(';; mine');

  // Clicking outside closes the menu.
  await samplesButton(page).click();
  await expect(menu).toBeVisible();
  await page.getByRole('navigation', { name: 'Functions' }).click({ position: { x: 10, y: 300 } });
  await expect(menu).toBeHidden();
});

test('a WASI sample opens as its binary beside its C source and runs in one click with its argv, env and stdin', async ({
  page,
}, testInfo) => {
  const errors = failOnPageErrors(page);
  await openPlayground(page);
  await pickSample(page, 'env-echo');
  await expect(functionRow(page, 'env-echo')).toHaveClass(/selected/);
  const c = page.getByLabel('C source, env-echo.c (read-only)');
  await expect(c).toContainText('getenv("GREETING")');
  await expect.poll(() => editorText(page)).toContain('(import "wasi_snapshot_preview1"');
  await page.screenshot({ path: testInfo.outputPath('env-echo.png') });

  const inv = await clickRun(page, 'env-echo');
  expect(inv.outcome).toBe('ok');
  expect(inv.exitCode).toBe(0);
  expect(inv.stdout).toBe(
    readFileSync(new URL('../samples/wasi/expected/env-echo.stdout', import.meta.url), 'utf8'),
  );

  // The C source can be put away; the disassembly stays.
  await page.getByRole('button', { name: 'C source' }).click();
  await expect(c).toBeHidden();
  await expectNoPageErrors(errors);
});
