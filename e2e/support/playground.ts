// Page-object helpers for the playground UI: what a user does (open the app, pick a sample, type,
// click Run or Deploy) and what they see (editor text, problems, outcome badges).
import { expect, type Locator, type Page } from '@playwright/test';

/** What EditorPane exposes on its `data-testid="editor"` host for tests. */
interface EditorHook {
  getValue(): string;
  getPosition(): { lineNumber: number; column: number } | null;
  getMarkers(): { startLineNumber: number; startColumn: number; message: string; severity: number }[];
  isReadOnly(): boolean;
}
type HookName = keyof EditorHook;

/** Opens the app (optionally at a path such as `/?sample=fib`) and waits until Monaco shows a function. */
export async function openPlayground(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await page.waitForFunction(() => typeof window.faas?.invoke === 'function');
  await waitForEditor(page);
}

export function editorHost(page: Page): Locator {
  return page.getByTestId('editor');
}

/** Waits until Monaco has loaded and holds the open function's text. */
export async function waitForEditor(page: Page): Promise<void> {
  await expect(editorHost(page).locator('.monaco-editor')).toBeVisible({ timeout: 20_000 });
  await expect.poll(() => editorText(page)).not.toBe('');
}

async function callHook<K extends HookName>(page: Page, name: K): Promise<ReturnType<EditorHook[K]>> {
  return editorHost(page).evaluate((el, n) => {
    const hook = (el as unknown as { nanofaasEditor?: Record<string, () => unknown> }).nanofaasEditor;
    return hook ? hook[n]() : null;
  }, name) as Promise<ReturnType<EditorHook[K]>>;
}

/** The full text of the open model (the DOM only renders the visible lines). */
export async function editorText(page: Page): Promise<string> {
  return (await callHook(page, 'getValue')) ?? '';
}

export const editorPosition = (page: Page) => callHook(page, 'getPosition');
export const editorMarkers = (page: Page) => callHook(page, 'getMarkers');
export const editorReadOnly = (page: Page) => callHook(page, 'isReadOnly');

/** True while the keyboard focus is inside Monaco (an EditContext div or its textarea, by version). */
export async function editorHasFocus(page: Page): Promise<boolean> {
  return editorHost(page).evaluate((el) => el.contains(document.activeElement));
}

/** Puts the keyboard focus in the editor. */
export async function focusEditor(page: Page): Promise<void> {
  await editorHost(page).locator('.view-lines').click();
  await expect.poll(() => editorHasFocus(page)).toBe(true);
}

/**
 * Pastes text at the cursor of the focused editor, as Ctrl+V would (typing goes through auto-closing
 * brackets and auto-indent, which would change the text).
 */
export async function pasteInEditor(page: Page, text: string): Promise<void> {
  expect(await editorHasFocus(page)).toBe(true);
  await page.evaluate((t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    const ev = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
    document.activeElement?.dispatchEvent(ev);
  }, text);
}

/** Replaces the editor's whole text, as select-all and paste would. */
export async function replaceEditorText(page: Page, text: string): Promise<void> {
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+A');
  await pasteInEditor(page, text);
  await expect.poll(() => editorText(page)).toBe(text);
}

export function samplesButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Samples' });
}

/** Opens the Samples menu and chooses a sample by name. */
export async function pickSample(page: Page, name: string): Promise<void> {
  await samplesButton(page).click();
  await page.getByRole('menuitem', { name, exact: true }).click();
  await expect(
    functionRow(page, name)
      .or(functionRow(page, `${name}-2`))
      .first(),
  ).toBeVisible();
}

/** The header's file input (a real <input type=file> named "Upload"); use setInputFiles on it. */
export function uploadInput(page: Page): Locator {
  return page.getByRole('banner').getByLabel('Upload', { exact: true });
}

/** The header's Run button (the Run panel has its own). */
export function runButton(page: Page): Locator {
  return page.getByRole('banner').getByRole('button', { name: 'Run', exact: true });
}

export function deployButton(page: Page): Locator {
  return page.getByRole('banner').getByRole('button', { name: 'Deploy', exact: true });
}

export function stopButton(page: Page): Locator {
  return page.getByRole('banner').getByRole('button', { name: 'Stop', exact: true });
}

/** Clicks Run and waits for the invocation of `fn` it starts to settle; returns it. */
export async function clickRun(page: Page, fn: string) {
  const before = await invocationCount(page, fn);
  await runButton(page).click();
  return waitForInvocation(page, fn, before + 1);
}

/** Clicks Deploy and waits until `fn` is deployed at a newer version; returns that version. */
export async function clickDeploy(page: Page, fn: string): Promise<number> {
  const before = await deployedVersion(page, fn);
  await deployButton(page).click();
  await expect.poll(() => deployedVersion(page, fn)).toBeGreaterThan(before);
  return deployedVersion(page, fn);
}

export async function deployedVersion(page: Page, fn: string): Promise<number> {
  return page.evaluate((n) => window.faas.functions().find((f) => f.name === n)?.version ?? 0, fn);
}

export async function invocationCount(page: Page, fn: string): Promise<number> {
  return page.evaluate((n) => window.faas.invocations(n).length, fn);
}

/** Waits until `fn` has `count` invocation records and returns the newest. */
export async function waitForInvocation(page: Page, fn: string, count: number) {
  await expect.poll(() => invocationCount(page, fn), { timeout: 20_000 }).toBeGreaterThanOrEqual(count);
  return page.evaluate((n) => {
    const all = window.faas.invocations(n);
    return all[all.length - 1];
  }, fn);
}

/** The sidebar row of a function. */
export function functionRow(page: Page, fn: string): Locator {
  return page
    .getByRole('navigation', { name: 'Functions' })
    .locator(`li[data-fn="${fn.replace(/"/g, '\\"')}"]`);
}

/** The last-outcome badge of a function in the sidebar (the shared OutcomeBadge: an icon and "ok", "trap", …). */
export function outcomeBadge(page: Page, fn: string): Locator {
  return functionRow(page, fn).getByTestId('outcome');
}

/** Names of the functions in the sidebar, in order. */
export async function functionNames(page: Page): Promise<string[]> {
  return page
    .getByRole('navigation', { name: 'Functions' })
    .locator('li[data-fn]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-fn') ?? ''));
}

/** The compile status under the editor ("✓ Compiles", "2 problems", …). */
export function compileStatus(page: Page): Locator {
  return page.getByTestId('compile-status');
}

export function problems(page: Page): Locator {
  return page.getByRole('region', { name: 'Problems' }).getByRole('button');
}

/** The notice (toast) area's messages. */
export function notices(page: Page): Locator {
  return page.locator('.notices .notice');
}
