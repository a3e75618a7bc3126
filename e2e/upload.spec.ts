// User story: I have a .wasm (or .wat) file; I open it, see what is inside, run it, and a wrong
// file never costs me my work.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import wabtInit from 'wabt';
import { bigModule } from '../scripts/big-module.mjs';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
import { frames, narrowDark, startFrameCounter } from './support/panels';
import { sample } from './support/samples';
import {
  clickRun,
  compileStatus,
  editorReadOnly,
  editorText,
  focusEditor,
  functionNames,
  functionRow,
  notices,
  openPlayground,
  pasteInEditor,
  uploadInput,
} from './support/playground';

async function compileSample(name: string): Promise<Buffer> {
  const wabt = await wabtInit();
  const mod = wabt.parseWat(`${name}.wat`, sample(name));
  try {
    return Buffer.from(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

test('an uploaded .wasm opens read-only as disassembly, runs, and "Edit as WAT" makes it editable', async ({
  page,
}, testInfo) => {
  const errors = failOnPageErrors(page);
  await openPlayground(page);
  const answer = await compileSample('answer');
  await uploadInput(page).setInputFiles({
    name: 'answer.wasm',
    mimeType: 'application/wasm',
    buffer: answer,
  });

  await expect(functionRow(page, 'answer')).toHaveClass(/selected/);
  await expect(functionRow(page, 'answer')).toContainText('wasm · plain');
  const banner = page.getByRole('note');
  await expect(banner).toContainText(`Uploaded binary (${answer.length} bytes)`);
  await expect(banner).toContainText('read-only');
  await expect.poll(() => editorText(page)).toContain('i32.const 42');
  expect(await editorReadOnly(page)).toBe(true);
  await expect(compileStatus(page)).toHaveText('Read-only binary');

  // Typing changes nothing.
  const before = await editorText(page);
  await focusEditor(page);
  await page.keyboard.type('junk');
  expect(await editorText(page)).toBe(before);
  await page.screenshot({ path: testInfo.outputPath('uploaded-wasm.png') });

  const inv = await clickRun(page, 'answer');
  expect(inv.result).toBe(42);
  expect((await page.evaluate(() => window.faas.functions()))[0].source).toBe('wasm');

  await page.getByRole('button', { name: 'Edit as WAT' }).click();
  await expect(banner).toBeHidden();
  expect(await editorReadOnly(page)).toBe(false);
  await expect(compileStatus(page)).toHaveText(/Compiles/);
  await expect(functionRow(page, 'answer')).toContainText('WAT');
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+End');
  await pasteInEditor(page, '\n;; edited');
  await expect.poll(() => editorText(page)).toContain(';; edited');
  await page.screenshot({ path: testInfo.outputPath('edit-as-wat.png') });
  await expectNoPageErrors(errors);
});

test('a WASI binary and a .wat file open too; names are made unique', async ({ page }) => {
  await openPlayground(page);
  const nop = readFileSync(new URL('../samples/wasi/nop.wasm', import.meta.url));
  // Under a name no sample has: an uploaded binary. (The same bytes as nop.wasm are recognised as
  // the sample, with its C source, once its bytes have been fetched: see the next test.)
  await uploadInput(page).setInputFiles({ name: 'my-nop.wasm', mimeType: 'application/wasm', buffer: nop });
  await expect(page.getByRole('note')).toContainText(`Uploaded binary (${nop.length} bytes)`);
  await expect.poll(() => editorText(page)).toContain('wasi_snapshot_preview1');
  await expect(functionRow(page, 'my-nop')).toContainText('wasm · WASI');

  await uploadInput(page).setInputFiles({
    name: 'sum.wat',
    mimeType: 'text/plain',
    buffer: Buffer.from(sample('fib')),
  });
  await expect(functionRow(page, 'sum-2')).toHaveClass(/selected/);
  await expect.poll(() => editorText(page)).toContain('Recursive Fibonacci');
  expect(await editorReadOnly(page)).toBe(false);
  expect(await functionNames(page)).toEqual(['sum', 'my-nop', 'sum-2']);
});

test('an upload byte for byte a WASI sample opens as that sample, with its C source', async ({ page }) => {
  await openPlayground(page);
  const nop = readFileSync(new URL('../samples/wasi/nop.wasm', import.meta.url));
  await uploadInput(page).setInputFiles({ name: 'nop.wasm', mimeType: 'application/wasm', buffer: nop });
  await expect(page.getByRole('note')).toContainText(`Sample binary (${nop.length} bytes)`);
  await expect(page.getByRole('note')).toContainText('beside its C source, nop.c');
  await expect(functionRow(page, 'nop')).toContainText('wasm · WASI');
});

test('bad files get a clear message and the workspace stays as it was', async ({ page }, testInfo) => {
  await openPlayground(page);
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+End');
  await pasteInEditor(page, '\n;; unsaved work');
  const text = await editorText(page);

  await uploadInput(page).setInputFiles({
    name: 'notes.wasm',
    mimeType: 'application/wasm',
    buffer: Buffer.from('(module)'),
  });
  await expect(notices(page).filter({ hasText: '"notes.wasm" is not a WebAssembly binary' })).toBeVisible();

  const png = Buffer.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
  ]);
  await uploadInput(page).setInputFiles({ name: 'photo.wat', mimeType: 'text/plain', buffer: png });
  await expect(
    notices(page).filter({ hasText: '"photo.wat" does not contain WebAssembly text' }),
  ).toBeVisible();
  await expect(notices(page).first()).toContainText('Nothing in your workspace was changed');
  await expect(notices(page).first()).toHaveAttribute('role', 'alert');
  await page.screenshot({ path: testInfo.outputPath('bad-files.png') });

  expect(await functionNames(page)).toEqual(['sum']);
  expect(await editorText(page)).toBe(text);
});

test('dropping a file anywhere on the page opens it', async ({ page }, testInfo) => {
  await openPlayground(page);
  const answer = await compileSample('answer');
  const transfer = await page.evaluateHandle(
    (bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'dropped.wasm', { type: 'application/wasm' }));
      return dt;
    },
    [...answer],
  );
  const target = page.getByRole('navigation', { name: 'Functions' });
  await target.dispatchEvent('dragenter', { dataTransfer: transfer });
  await target.dispatchEvent('dragover', { dataTransfer: transfer });
  await expect(page.getByText('Drop a .wat or .wasm file')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('drop-overlay.png') });
  await target.dispatchEvent('drop', { dataTransfer: transfer });
  await expect(page.getByText('Drop a .wat or .wasm file')).toBeHidden();
  await expect(functionRow(page, 'dropped')).toHaveClass(/selected/);
  await expect.poll(() => editorText(page)).toContain('i32.const 42');
});

test('a module too big to disassemble whole opens as an outline and one function at a time, and the page keeps answering', async ({
  page,
}, testInfo) => {
  const errors = failOnPageErrors(page);
  await narrowDark(page);
  await openPlayground(page);
  // Above both caps (1 MiB, 5,000 functions), shaped like CRuby's reactor; small enough to upload fast.
  const bytes = Buffer.from(bigModule({ functions: 8_000, dataBytes: 1 << 20 }));
  await startFrameCounter(page);
  await uploadInput(page).setInputFiles({ name: 'ruby.wasm', mimeType: 'application/wasm', buffer: bytes });

  const banner = page.getByRole('note');
  await expect(banner).toContainText(`Uploaded binary (${bytes.length.toLocaleString('en')} bytes`);
  await expect(banner).toContainText('Too big to disassemble whole');
  await expect(page.getByRole('button', { name: 'Edit as WAT' })).toBeDisabled();
  const outline = page.getByRole('complementary', { name: 'Module outline' });
  await expect(outline).toContainText('8,000 functions');
  await outline.getByRole('button', { name: 'Exports' }).click();
  await expect(outline.getByRole('button', { name: 'rb_eval_string_protect' })).toBeVisible();
  await outline.getByRole('button', { name: 'Functions' }).click();
  await expect(outline).toContainText('11 imports');
  // The first exported function opens by itself, read-only.
  await expect.poll(() => editorText(page)).toMatch(/^;; Function 11 \(_initialize\)/);
  expect(await editorText(page)).toContain('(func $_initialize (export "_initialize")');
  expect(await editorReadOnly(page)).toBe(true);
  await expect(functionRow(page, 'ruby')).toContainText('wasm · WASI');

  // Only a window of the 8,000 rows is in the DOM.
  const list = outline.getByRole('listbox', { name: 'Functions' });
  expect(await list.getByRole('option').count()).toBeLessThan(100);

  // Pick one by filtering, then step to the next with the keyboard.
  await outline.getByPlaceholder('Filter by name or index').fill('rb_fn_4321_');
  await expect(outline.getByRole('status')).toHaveText('1 of 8,000 match');
  await list.getByRole('option').first().click();
  await expect.poll(() => editorText(page)).toMatch(/^;; Function 4332 \(rb_fn_4321_\w+\)/);
  const text = await editorText(page);
  expect(text).toMatch(
    /\(func \$rb_fn_4321_\w+ \(type \$t4\) \(param \$p0 i32\) \(param \$p1 i32\) \(result i32\)/,
  );
  await outline.getByPlaceholder('Filter by name or index').fill('');
  await list.focus();
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => editorText(page)).toMatch(/^;; Function 4333 \(rb_fn_4322_/);
  await expect(list.getByRole('option', { selected: true })).toContainText('rb_fn_4322_');

  await expect(page.getByTestId('editor').locator('.view-lines')).toContainText('rb_fn_4322_');
  await page.screenshot({ path: testInfo.outputPath('big-binary-outline-1024.png') });

  // The page kept painting frames and still answers input: the editor scrolls and takes focus.
  expect(await frames(page)).toBeGreaterThan(0);
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+End');
  await expect.poll(() => frames(page)).toBeGreaterThan(await frames(page));

  // It survives a reload (stored as a Blob, read back as the same bytes) and opens the same way.
  await page.reload();
  await expect(outline).toContainText('8,000 functions', { timeout: 20_000 });
  await expect.poll(() => editorText(page)).toMatch(/^;; Function 11 \(_initialize\)/);
  await expect(banner).toContainText(`Uploaded binary (${bytes.length.toLocaleString('en')} bytes`);
  await expectNoPageErrors(errors);
});
