// User story: I write WAT, see my mistakes where they are as I type, fix them and run the function.
import { expect, test } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
import {
  clickDeploy,
  clickRun,
  compileStatus,
  editorMarkers,
  editorPosition,
  editorReadOnly,
  editorHasFocus,
  editorHost,
  editorText,
  focusEditor,
  functionNames,
  functionRow,
  openPlayground,
  pasteInEditor,
  outcomeBadge,
  problems,
  replaceEditorText,
  runButton,
  stopButton,
  waitForInvocation,
} from './support/playground';

const BROKEN = `(module
  (func (export "_start") (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $c
    i32.add))`;

test('after non-ASCII text on the line, the marker still sits under the mistake', async ({ page }) => {
  const errors = failOnPageErrors(page);
  await openPlayground(page);
  await expect(compileStatus(page)).toHaveText(/Compiles/);
  // é is 2 UTF-8 bytes and 1 UTF-16 unit, 😀 is 4 bytes and 2 units: wabt counts bytes, Monaco units.
  const line = '  (memory 1) (data (i32.const 0) "é😀") (func (export "_start") (result i32) local.get $c))';
  await replaceEditorText(page, `(module\n${line}`);
  await expect(problems(page)).toHaveCount(1);
  const column = line.indexOf('$c') + 1;
  await expect(problems(page).first()).toContainText(`Line 2, column ${column}`);
  const markers = await editorMarkers(page);
  expect(markers).toHaveLength(1);
  expect(markers[0]).toMatchObject({ startLineNumber: 2, startColumn: column });
  await expectNoPageErrors(errors);
});

test('an error gets a marker at its line and column and a problem entry; fixing it clears both; Run runs it', async ({
  page,
}, testInfo) => {
  const errors = failOnPageErrors(page);
  await openPlayground(page);
  // First visit: the sum sample is open so the page is never empty.
  await expect(functionRow(page, 'sum')).toBeVisible();
  expect(await editorText(page)).toContain('i32.add');
  await expect(compileStatus(page)).toHaveText(/Compiles/);

  await replaceEditorText(page, BROKEN);
  await expect(compileStatus(page)).toHaveText(/1 problem/);
  await expect(problems(page)).toHaveCount(1);
  await expect(problems(page).first()).toContainText('Line 4, column 15');
  await expect(problems(page).first()).toContainText('$c');
  const markers = await editorMarkers(page);
  expect(markers).toHaveLength(1);
  expect(markers[0]).toMatchObject({ startLineNumber: 4, startColumn: 15, severity: 8 });
  await expect(page.locator('[data-testid="editor"] .squiggly-error')).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath('error-marker.png') });

  // The problem is a link to the place.
  await problems(page).first().click();
  expect(await editorPosition(page)).toEqual({ lineNumber: 4, column: 15 });
  await expect.poll(() => editorHasFocus(page)).toBe(true);

  // Fix it by typing: the cursor is on "$c"; replace the c with b.
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('b');
  await expect(compileStatus(page)).toHaveText(/Compiles/);
  await expect(problems(page)).toHaveCount(0);
  expect(await editorMarkers(page)).toEqual([]);
  await expect(page.locator('[data-testid="editor"] .squiggly-error')).toHaveCount(0);

  // Run deploys what is in the editor and invokes it with the sample's default arguments (5, 2).
  const inv = await clickRun(page, 'sum');
  expect(inv.outcome).toBe('ok');
  expect(inv.result).toBe(7);
  await expect(outcomeBadge(page, 'sum')).toHaveText(/ok/);
  await expect(functionRow(page, 'sum')).toContainText('v1');
  await expect(functionRow(page, 'sum')).toContainText('1 call');
  await expect(functionRow(page, 'sum')).toContainText(/cold|warm/);
  const panel = page.getByRole('tabpanel', { name: 'Run' });
  if (await panel.isVisible()) await expect(panel).toContainText('7');
  await page.screenshot({ path: testInfo.outputPath('ran.png') });
  await expectNoPageErrors(errors);
});

test('Enter inserts a newline while suggestions show; it accepts one only after an arrow key picks it', async ({
  page,
}) => {
  await openPlayground(page);
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  await expect.poll(() => editorText(page)).toBe('');
  const widget = editorHost(page).locator('.suggest-widget.visible');
  await page.keyboard.type('(module');
  await expect(widget).toBeVisible();
  await page.keyboard.press('Enter');
  await expect.poll(() => editorText(page)).toMatch(/^\(module\n\s*\)$/);
  await page.keyboard.type('i32.mul');
  await expect(widget).toBeVisible();
  await page.keyboard.press('Enter');
  // Nothing was picked: the text is what was typed, on a new line.
  await expect.poll(() => editorText(page)).toMatch(/^\(module\n\s*i32\.mul\n\s*\)$/);
  await page.keyboard.type('i32.ad');
  await expect(widget).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(widget.locator('.monaco-list-row.focused')).toContainText('i32.add');
  await page.keyboard.press('Enter');
  await expect.poll(() => editorText(page)).toMatch(/\n\s*i32\.add\s*\n?\s*\)$/);
});

test('a deploy of broken WAT reports it without losing the text', async ({ page }) => {
  await openPlayground(page);
  await replaceEditorText(page, '(module (func (export "_start") (result i32) i32.const))');
  await expect(compileStatus(page)).toHaveText(/problem/);
  await runButton(page).click();
  await expect(page.locator('.notices')).toContainText('Could not deploy "sum"');
  expect(await editorText(page)).toBe('(module (func (export "_start") (result i32) i32.const))');
  expect(await page.evaluate(() => window.faas.functions().length)).toBe(0);
});

test('each function keeps its own text and undo history; new and deleted functions', async ({
  page,
}, testInfo) => {
  await openPlayground(page);
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+End');
  await pasteInEditor(page, '\n;; my note');
  await expect.poll(() => editorText(page)).toContain(';; my note');

  await page.getByRole('button', { name: 'New function' }).click();
  await expect(functionRow(page, 'function')).toHaveClass(/selected/);
  await expect.poll(() => editorText(page)).toContain('A new function');
  await expect(compileStatus(page)).toHaveText(/Compiles/);

  // Back to sum: the note is there, and undo removes it (history survived the switch).
  await functionRow(page, 'sum').getByRole('button', { name: /^sum/ }).click();
  await expect.poll(() => editorText(page)).toContain(';; my note');
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+Z');
  await expect.poll(() => editorText(page)).not.toContain(';; my note');

  // The marker for undeployed changes, then deploy clears it.
  await expect(functionRow(page, 'sum')).toContainText('not deployed');
  const version = await clickDeploy(page, 'sum');
  expect(version).toBe(1);
  await expect(functionRow(page, 'sum')).toContainText('v1');
  await expect(functionRow(page, 'sum').locator('.dirty')).toHaveCount(0);
  await focusEditor(page);
  await pasteInEditor(page, ' ');
  await expect(functionRow(page, 'sum').locator('.dirty')).toHaveCount(1);

  // Delete asks first; Escape cancels, the dialog's Delete deletes.
  await page.getByRole('button', { name: 'Delete function' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete "function"?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.screenshot({ path: testInfo.outputPath('delete-dialog.png') });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect(await functionNames(page)).toEqual(['sum', 'function']);
  await expect(page.getByRole('button', { name: 'Delete function' })).toBeFocused();

  await page.getByRole('button', { name: 'Delete function' }).click();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(dialog).toBeHidden();
  expect(await functionNames(page)).toEqual(['sum']);
  expect(await editorReadOnly(page)).toBe(false);
});

test('the theme toggle cycles system, light and dark, and the editor follows', async ({ page }, testInfo) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openPlayground(page);
  const toggle = page.getByRole('button', { name: /^Theme:/ });
  await expect(toggle).toHaveAccessibleName('Theme: system');
  await toggle.click();
  await expect(toggle).toHaveAccessibleName('Theme: light');
  await toggle.click();
  await expect(toggle).toHaveAccessibleName('Theme: dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('.monaco-editor')).toHaveClass(/vs-dark/);
  await replaceEditorText(page, '(module (func (export "_start") (result i32) i32.const))');
  await expect(compileStatus(page)).toHaveText(/problem/);
  await page.screenshot({ path: testInfo.outputPath('dark.png') });
  // Remembered across reloads.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Theme: dark' })).toBeVisible();
  await toggle.click();
  await expect(toggle).toHaveAccessibleName('Theme: system');
});

test('works at 1024 px wide', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await openPlayground(page, '/?sample=multi');
  await clickRun(page, 'multi');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  for (const name of ['Samples', 'Deploy', 'Run', 'Stop', 'Theme: system'])
    await expect(page.getByRole('banner').getByRole('button', { name, exact: true })).toBeInViewport();
  await page.screenshot({ path: testInfo.outputPath('narrow.png') });
});

test('Run shows that it is busy and Stop ends the invocation', async ({ page }, testInfo) => {
  await openPlayground(page);
  // Takes sum's two default arguments and loops until stopped (or the default 5 s timeout).
  await replaceEditorText(page, '(module (func (export "_start") (param i32 i32) (loop $spin (br $spin))))');
  await expect(compileStatus(page)).toHaveText(/Compiles/);
  await expect(stopButton(page)).toBeDisabled();
  await runButton(page).click();
  await expect(stopButton(page)).toBeEnabled();
  await expect(runButton(page)).toHaveAttribute('aria-busy', 'true');
  await expect(page.getByRole('banner').getByRole('status')).toHaveText('Running…');
  await page.screenshot({ path: testInfo.outputPath('running.png') });
  await stopButton(page).click();
  const inv = await waitForInvocation(page, 'sum', 1);
  expect(inv.outcome).toBe('error');
  // Stopped, not timed out (its 5 s limit): the message says which.
  expect(inv.error).toMatch(/^Stopped by the user/);
  await expect(stopButton(page)).toBeDisabled();
  await expect(runButton(page)).toHaveAttribute('aria-busy', 'false');
  await expect(outcomeBadge(page, 'sum')).toHaveText(/error/);
});

test('the page paints before Monaco arrives, and nothing shifts as things update', async ({
  page,
}, testInfo) => {
  await page.addInitScript(() => {
    const w = window as unknown as { layoutShift: number; shifts: string[] };
    w.layoutShift = 0;
    w.shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & {
        value: number;
        hadRecentInput: boolean;
        sources?: { node?: Node }[];
      })[]) {
        if (e.hadRecentInput) continue;
        w.layoutShift += e.value;
        w.shifts.push(
          `${e.value.toFixed(4)} ${(e.sources ?? []).map((s) => (s.node as Element | undefined)?.className ?? s.node?.nodeName).join(',')}`,
        );
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  // Hold Monaco back: the header, sidebar and the sample's code, highlighted, show first.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/assets\/monaco-[^/]*\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Samples' })).toBeVisible();
  await expect(functionRow(page, 'sum')).toBeVisible();
  const placeholder = page.getByRole('region', { name: /^Code of sum \(the editor is loading\)$/ });
  await expect(placeholder).toBeVisible();
  await expect(placeholder).toHaveAttribute('data-testid', 'editor-placeholder');
  await expect(placeholder).toContainText('i32.add');
  await expect(page.locator('[data-testid="editor"] .monaco-editor')).toHaveCount(0);
  // Highlighted as Monaco will show it: an instruction, a type and a comment in their theme colours.
  const token = (text: string) =>
    placeholder
      .locator('.token')
      .filter({ hasText: new RegExp(`^${text}$`) })
      .first();
  await expect(token('i32.add')).toHaveAttribute('data-token', 'instruction');
  await expect(token('i32.add')).toHaveCSS('color', 'rgb(0, 0, 255)');
  await expect(token('i32')).toHaveCSS('color', 'rgb(26, 114, 135)');
  await expect(token(';; Adds two integers.')).toHaveCSS('font-style', 'italic');
  // Read-only text, not a second editor: nothing in it takes focus or input.
  await expect(placeholder.locator('[tabindex], [contenteditable], textarea, input')).toHaveCount(0);
  const placeholderTop = await placeholder.locator('.line').nth(1).boundingBox();
  await page.screenshot({ path: testInfo.outputPath('before-monaco.png') });
  release();
  await expect(page.locator('[data-testid="editor"] .monaco-editor')).toBeVisible();
  await expect(page.getByTestId('editor-placeholder')).toHaveCount(0);
  // Monaco draws the same line in the same place and colour.
  const monacoLine = page.locator('[data-testid="editor"] .view-line').filter({ hasText: /^\(module$/ });
  // (Polled: Monaco redraws its lines once its fonts are measured, and a line being replaced has no box.)
  await expect.poll(async () => (await monacoLine.boundingBox())?.y).toBe(placeholderTop?.y);
  await expect(
    page.locator('[data-testid="editor"] .view-line span span').filter({ hasText: /^i32\.add$/ }),
  ).toHaveCSS('color', 'rgb(0, 0, 255)');
  await expect(compileStatus(page)).toHaveText(/Compiles/);

  // Compile errors, runs and deploys update text in reserved space.
  await replaceEditorText(page, '(module (func (export "_start") (param i32 i32) (result i32) i32.const))');
  await expect(compileStatus(page)).toHaveText(/problem/);
  await replaceEditorText(page, '(module (func (export "_start") (param i32 i32) (result i32) i32.const 1))');
  await expect(compileStatus(page)).toHaveText(/Compiles/);
  await clickRun(page, 'sum');
  await expect(outcomeBadge(page, 'sum')).toHaveText(/ok/);
  const { layoutShift, shifts } = await page.evaluate(() => {
    const w = window as unknown as { layoutShift: number; shifts: string[] };
    return { layoutShift: w.layoutShift, shifts: w.shifts };
  });
  expect(layoutShift, shifts.join('\n')).toBeLessThan(0.02);
});
