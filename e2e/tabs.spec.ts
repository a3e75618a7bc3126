// User story: I have nanofaas open in two tabs. Neither silently overwrites what the other saved:
// the older tab tells me and lets me reload or keep its own version.
import { expect, test } from '@playwright/test';
import { screenshot } from './support/panels';
import { editorText, openPlayground, replaceEditorText, waitForEditor } from './support/playground';
import { banner, stored, waitForSaved } from './support/share';

const wat = (n: number) => `(module (func (export "_start") (result i32) i32.const ${n}))`;

test('a tab that another tab saved over says so, stops saving, and lets me reload or keep mine', async ({
  context,
}, testInfo) => {
  const first = await context.newPage();
  await openPlayground(first);
  await replaceEditorText(first, wat(1));
  await waitForSaved(first, (s) => s.functions[0].text === wat(1));

  const second = await context.newPage();
  await openPlayground(second);
  expect(await editorText(second)).toBe(wat(1)); // restored from the first tab's save
  await expect(banner(second, 'Newer changes in another tab')).toBeHidden();

  // The first tab saves again: the second one is now behind.
  await first.bringToFront();
  await replaceEditorText(first, wat(2));
  await waitForSaved(first, (s) => s.functions[0].text === wat(2));
  const conflict = banner(second, 'Newer changes in another tab');
  await expect(conflict).toContainText(/Another tab saved newer changes at \d\d:\d\d\./);
  await expect(conflict.getByRole('button', { name: 'Reload to see them' })).toBeVisible();
  await expect(conflict.getByRole('button', { name: 'Keep mine' })).toBeVisible();
  await expect(banner(first, 'Newer changes in another tab')).toBeHidden();
  await screenshot(second, testInfo, 'tabs-conflict');

  // Edits in the second tab are not written over the first tab's save…
  await second.bringToFront();
  await replaceEditorText(second, wat(3));
  await second.waitForTimeout(1200);
  expect((await stored(second))?.functions[0].text).toBe(wat(2));

  // …until I choose "Keep mine": then they are the newest, and the first tab is told.
  await conflict.getByRole('button', { name: 'Keep mine' }).click();
  await expect(conflict).toBeHidden();
  await waitForSaved(second, (s) => s.functions[0].text === wat(3));
  const firstConflict = banner(first, 'Newer changes in another tab');
  await expect(firstConflict).toBeVisible();

  // "Reload to see them" shows the newest save.
  await firstConflict.getByRole('button', { name: 'Reload to see them' }).click();
  await waitForEditor(first);
  await expect.poll(() => editorText(first)).toBe(wat(3));
  await expect(banner(first, 'Newer changes in another tab')).toBeHidden();
  await screenshot(first, testInfo, 'tabs-reloaded');
});
