// User story: I have a .wasm (or .wat) file; I open it, see what is inside, run it, and a wrong
// file never costs me my work.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import wabtInit from 'wabt';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
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
  await uploadInput(page).setInputFiles({ name: 'nop.wasm', mimeType: 'application/wasm', buffer: nop });
  await expect(page.getByRole('note')).toContainText(`Uploaded binary (${nop.length} bytes)`);
  await expect.poll(() => editorText(page)).toContain('wasi_snapshot_preview1');
  await expect(functionRow(page, 'nop')).toContainText('wasm · WASI');

  await uploadInput(page).setInputFiles({
    name: 'sum.wat',
    mimeType: 'text/plain',
    buffer: Buffer.from(sample('fib')),
  });
  await expect(functionRow(page, 'sum-2')).toHaveClass(/selected/);
  await expect.poll(() => editorText(page)).toContain('Recursive Fibonacci');
  expect(await editorReadOnly(page)).toBe(false);
  expect(await functionNames(page)).toEqual(['sum', 'nop', 'sum-2']);
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
