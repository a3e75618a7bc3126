import { expect, type Page } from '@playwright/test';

/** Opens the app and waits until the console API is there. */
export async function openApp(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await page.waitForFunction(() => typeof window.faas?.invoke === 'function');
}

/** Fails the test on any uncaught page error. */
export function failOnPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

export async function deploy(page: Page, name: string, wat: string, config: Record<string, unknown> = {}) {
  return page.evaluate(([n, w, c]) => window.faas.deploy(n as string, w as string, c as object), [
    name,
    wat,
    config,
  ] as const);
}

export async function expectNoPageErrors(errors: string[]): Promise<void> {
  expect(errors, 'uncaught errors in the page').toEqual([]);
}
