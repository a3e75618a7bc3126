// User story: I use the playground with the keyboard only.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { sample } from './support/samples';
import {
  deployedVersion,
  editorHasFocus,
  editorText,
  focusEditor,
  functionRow,
  invocationCount,
  openPlayground,
  samplesButton,
  waitForInvocation,
} from './support/playground';

/** Presses Tab until `target` has focus (at most `max` times). */
async function tabTo(page: Page, target: Locator, max = 20): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${target}`);
}

/** The focused element shows a focus ring (an outline that is actually drawn). */
async function expectVisibleFocus(target: Locator): Promise<void> {
  await expect(target).toBeFocused();
  const ring = await target.evaluate((el) => {
    const s = getComputedStyle(el);
    return {
      style: s.outlineStyle,
      width: parseFloat(s.outlineWidth),
      focusVisible: el.matches(':focus-visible'),
    };
  });
  expect(ring.focusVisible).toBe(true);
  expect(ring.style).not.toBe('none');
  expect(ring.width).toBeGreaterThanOrEqual(2);
}

test('Tab to Samples, choose fib with the arrows and Enter, run it with Ctrl+Enter', async ({
  page,
}, testInfo) => {
  await openPlayground(page);
  const button = samplesButton(page);
  await tabTo(page, button);
  await expectVisibleFocus(button);

  await page.keyboard.press('Enter');
  const menu = page.getByRole('menu', { name: 'Samples' });
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: 'answer' })).toBeFocused();
  // answer → sum → sleep → stuck → fib
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
  const fib = menu.getByRole('menuitem', { name: 'fib' });
  await expectVisibleFocus(fib);
  await page.screenshot({ path: testInfo.outputPath('menu-keyboard.png') });
  await page.keyboard.press('Enter');

  await expect(menu).toBeHidden();
  await expect(functionRow(page, 'fib')).toHaveClass(/selected/);
  await expect.poll(() => editorText(page)).toBe(sample('fib'));
  await expectVisibleFocus(button);

  await page.keyboard.press('ControlOrMeta+Enter');
  const inv = await waitForInvocation(page, 'fib', 1);
  expect(inv.result).toBe(75025);
  await expectVisibleFocus(button);
  await page.screenshot({ path: testInfo.outputPath('ran-keyboard.png') });

  // Escape closes the menu and gives focus back; typing a letter jumps to a sample.
  await page.keyboard.press('ArrowDown');
  await expect(menu).toBeVisible();
  await page.keyboard.press('m');
  await expect(menu.getByRole('menuitem', { name: 'memory-hog' })).toBeFocused();
  await page.keyboard.press('m');
  await expect(menu.getByRole('menuitem', { name: 'multi' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expectVisibleFocus(button);
});

test('Ctrl+Enter and Ctrl+S work while typing in the editor, without changing the text', async ({ page }) => {
  await openPlayground(page);
  await focusEditor(page);
  const text = await editorText(page);

  await page.keyboard.press('ControlOrMeta+S');
  await expect.poll(() => deployedVersion(page, 'sum')).toBe(1);
  await page.keyboard.press('ControlOrMeta+Enter');
  const inv = await waitForInvocation(page, 'sum', 1);
  expect(inv.result).toBe(7);
  expect(await editorText(page)).toBe(text); // no newline inserted by Ctrl+Enter
  expect(await invocationCount(page, 'sum')).toBe(1);
  await expect.poll(() => editorHasFocus(page)).toBe(true);
});

test('every control Tab reaches has a name; Escape then Tab leaves the editor; Enter selects functions', async ({
  page,
}, testInfo) => {
  await openPlayground(page, '/?sample=answer');
  const unnamed: string[] = [];
  let leftEditor = false;
  for (let i = 0; i < 40 && !leftEditor; i++) {
    await page.keyboard.press('Tab');
    if (await editorHasFocus(page)) {
      // Tab indents in the editor; Escape first makes the next Tab move on.
      await page.keyboard.press('Escape');
      await page.keyboard.press('Tab');
      leftEditor = !(await editorHasFocus(page));
      expect(leftEditor, 'Escape then Tab leaves the editor').toBe(true);
    }
    const info = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const named =
        el.getAttribute('aria-label') ||
        el.getAttribute('aria-labelledby') ||
        el.textContent?.trim() ||
        (el as HTMLInputElement).labels?.length ||
        el.getAttribute('title');
      return { named: !!named, desc: el.outerHTML.slice(0, 100) };
    });
    if (info && !info.named) unnamed.push(info.desc);
  }
  expect(leftEditor).toBe(true);
  expect(unnamed).toEqual([]);
  expect(await editorText(page)).toBe(sample('answer')); // no stray tabs typed

  // Select functions with Enter.
  await page.getByRole('button', { name: 'New function' }).focus();
  await page.keyboard.press('Enter');
  await expect(functionRow(page, 'function')).toHaveClass(/selected/);
  const answer = functionRow(page, 'answer').getByRole('button', { name: /^answer/ });
  await answer.focus();
  await page.keyboard.press('Enter');
  await expect(functionRow(page, 'answer')).toHaveClass(/selected/);
  await expect.poll(() => editorText(page)).toBe(sample('answer'));
  await page.screenshot({ path: testInfo.outputPath('sidebar-focus.png') });
});
