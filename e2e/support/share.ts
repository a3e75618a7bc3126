// Page-object helpers for persistence, share links, tabs, import/export and offline use.
import { expect, type Locator, type Page } from '@playwright/test';

/** What the store holds, read straight from IndexedDB (null before the first save). */
export interface StoredState {
  revision: number;
  tabId: string;
  functions: { name: string; text: string | null; config: Record<string, unknown>; shared?: boolean }[];
  open: string | null;
  platform: Record<string, number>;
  features: Record<string, boolean>;
  history: number;
}

export async function stored(page: Page): Promise<StoredState | null> {
  return page.evaluate(
    () =>
      new Promise<StoredState | null>((resolve) => {
        const request = indexedDB.open('nanofaas');
        // Never create the database from the test: the app's schema migrations must do that.
        request.onupgradeneeded = () => request.transaction?.abort();
        request.onerror = () => resolve(null);
        request.onsuccess = () => {
          const db = request.result;
          const tx = db.transaction(['workspace', 'historyBatches']);
          const current = tx.objectStore('workspace').get('current');
          // The history is stored in batches (a row per append): count the records in them.
          const batches = tx.objectStore('historyBatches').getAll();
          tx.oncomplete = () => {
            db.close();
            const r = current.result;
            if (!r) return resolve(null);
            const ws = r.workspace;
            resolve({
              revision: r.revision,
              tabId: r.tabId,
              functions: ws.functions.map(
                (f: {
                  name: string;
                  source: { kind: string; text?: string };
                  config: Record<string, unknown>;
                  shared?: boolean;
                }) => ({
                  name: f.name,
                  text: f.source.kind === 'wat' ? (f.source.text ?? null) : null,
                  config: f.config,
                  shared: f.shared,
                }),
              ),
              open: ws.open,
              platform: ws.platform,
              features: ws.features,
              history: (batches.result as { records: unknown[] }[]).reduce((n, b) => n + b.records.length, 0),
            });
          };
        };
      }),
  );
}

/** Waits until the stored workspace satisfies `check` (autosave runs ~300 ms after a change). */
export async function waitForSaved(
  page: Page,
  check: (s: StoredState) => boolean,
  message = 'saved state',
): Promise<StoredState> {
  let last: StoredState | null = null;
  await expect
    .poll(
      async () => {
        last = await stored(page);
        return last !== null && check(last);
      },
      { message, timeout: 10_000 },
    )
    .toBe(true);
  return last!;
}

export function banner(
  page: Page,
  name: 'Opened from a share link' | 'Newer changes in another tab' | 'Update available',
): Locator {
  return page.getByRole('region', { name });
}

export function shareDialog(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Share' });
}

/** Opens the Share dialog (optionally for the whole workspace) and returns the link it shows. */
export async function makeShareLink(page: Page, options: { whole?: boolean } = {}): Promise<string> {
  await page.getByRole('banner').getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = shareDialog(page);
  await expect(dialog).toBeVisible();
  if (options.whole) await dialog.getByLabel('Whole workspace').check();
  const field = dialog.getByLabel('Share link');
  await expect(field).toHaveValue(/#v1\//);
  return field.inputValue();
}

export async function closeDialog(page: Page, name: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name });
  await dialog.getByRole('button', { name: /^(Close|Cancel)$/ }).click();
  await expect(dialog).toBeHidden();
}

/** Waits until a service worker controls the page (registers on the first visit, controls after a reload). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) {
    await page.reload();
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  }
}

export function settingsField(page: Page, label: string): Locator {
  return page.getByRole('tabpanel', { name: 'Settings' }).getByLabel(label, { exact: true });
}

/** Types a number into a Settings field and applies it (Enter). */
export async function setSetting(page: Page, label: string, value: number): Promise<void> {
  const field = settingsField(page, label);
  await field.fill(String(value));
  await field.press('Enter');
  await expect(field).toHaveValue(String(value));
}
