// Page-object helpers for the HTTP gateway: real fetch() calls made inside a page, so they go
// through the app's real service worker to the tab hosting the platform.
import { expect, type Page } from '@playwright/test';
import { openPlayground } from './playground';
import { waitForServiceWorker } from './share';

export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface ApiInit {
  method?: string;
  headers?: Record<string, string>;
  /** A string body, or bytes given as base64 (they cross into the page as JSON). */
  body?: string;
  base64?: string;
  /** A body of this many zero bytes, made in the page (a Blob: Chromium hands an ArrayBuffer body
   * to a service worker chunk by chunk, ten times slower). */
  zeroBytes?: number;
}

/** fetch(path) from inside `page`; the answer as status, headers and text. */
export function api(page: Page, path: string, init: ApiInit = {}): Promise<ApiAnswer> {
  return page.evaluate(
    async ([p, i]) => {
      let body: BodyInit | undefined = i.body;
      if (i.base64 !== undefined) body = Uint8Array.from(atob(i.base64), (c) => c.charCodeAt(0));
      if (i.zeroBytes !== undefined) body = new Blob([new Uint8Array(i.zeroBytes)]);
      const res = await fetch(p, { method: i.method, headers: i.headers, body });
      return { status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() };
    },
    [path, init] as const,
  );
}

/** The header badge saying which tab answers /api/. */
export function gatewayRole(page: Page) {
  return page.getByTestId('gateway-role');
}

/** Opens the app with its service worker controlling the page, hosting or standing by for /api/. */
export async function openHostingApp(page: Page, role: 'host' | 'standby' = 'host'): Promise<string> {
  await openPlayground(page);
  await waitForServiceWorker(page);
  await expect(gatewayRole(page)).toHaveText(role === 'host' ? /API: this tab/ : 'API: another tab');
  return (await gatewayRole(page).getAttribute('data-tab')) ?? '';
}
