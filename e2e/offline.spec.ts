// User story: after one visit, nanofaas opens and works with the network off (on a train, in an
// exam room): edit, compile, deploy, run, charts and share links, with a visible offline notice.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
import { outcome, runForm, runFromPanel, screenshot, showPanel } from './support/panels';
import {
  compileStatus,
  editorText,
  functionNames,
  openPlayground,
  pickSample,
  replaceEditorText,
  waitForEditor,
} from './support/playground';
import { banner, closeDialog, makeShareLink, waitForServiceWorker } from './support/share';

// The other specs block service workers to save the precache in every context; these are about it.
test.use({ serviceWorkers: 'allow' });

test('after one visit the playground loads, compiles, deploys and runs offline', async ({
  page,
  context,
}, testInfo) => {
  const errors = failOnPageErrors(page);
  await openPlayground(page);
  await waitForServiceWorker(page);
  const registration = await page.evaluate(async () => {
    const r = await navigator.serviceWorker.getRegistration();
    return { scope: r?.scope, script: r?.active?.scriptURL };
  });
  const origin = new URL(page.url()).origin;
  expect(registration).toEqual({ scope: `${origin}/`, script: `${origin}/sw.js` });
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/manifest.webmanifest');

  await context.setOffline(true);
  const connection = page.getByTestId('connection');
  await expect(connection).toHaveText('Offline');
  await page.reload();
  await waitForEditor(page);
  await expect(connection).toHaveText('Offline');
  await expect(connection).toHaveAttribute('title', /keeps working/);

  // Edit and compile (wabt in its worker), then deploy and run in a nanoprocess worker.
  await replaceEditorText(
    page,
    `(module
  (func (export "_start") (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $b
    i32.mul))`,
  );
  await expect(compileStatus(page)).toHaveText(/Compiles/);
  await showPanel(page, 'Run');
  await runForm(page, 'sum').getByLabel('a (i32)').fill('6');
  await runForm(page, 'sum').getByLabel('b (i32)').fill('7');
  await runFromPanel(page);
  await expect(outcome(page)).toHaveText('ok');
  await expect(page.getByRole('tabpanel', { name: 'Run' }).getByTestId('result-value')).toHaveText('42');

  // A sample loaded on demand, and the lazily loaded panels, come from the cache too.
  await pickSample(page, 'fib');
  await showPanel(page, 'Run');
  await runFromPanel(page);
  await expect(outcome(page)).toHaveText('ok');
  await showPanel(page, 'Console');
  await showPanel(page, 'Binary');
  await screenshot(page, testInfo, 'offline-running');

  // Share links are made and opened without a server.
  const link = await makeShareLink(page);
  await closeDialog(page, 'Share');
  await page.goto('about:blank');
  await page.goto(link);
  await waitForEditor(page);
  await expect(banner(page, 'Opened from a share link')).toContainText('fib (shared)');
  expect(await functionNames(page)).toEqual(['sum', 'fib', 'fib (shared)']);
  expect(await editorText(page)).toContain('Fibonacci');
  await screenshot(page, testInfo, 'offline-share-link');

  await context.setOffline(false);
  await expect(connection).toHaveText('');
  await expectNoPageErrors(errors);
});

/**
 * Serves a production build (`E2E_DIST_DIR`, default dist/) from a server of the test's own, whose
 * sw.js can be changed, so a "new version" can be published without touching the build.
 */
async function ownServer(root: string) {
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.wasm': 'application/wasm',
    '.json': 'application/json',
    '.webmanifest': 'application/manifest+json',
    '.png': 'image/png',
    '.svg': 'image/svg+xml',
    '.ttf': 'font/ttf',
  };
  const state = { swSuffix: '' };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = join(root, path === '/' ? 'index.html' : path);
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    let body = readFileSync(file);
    if (path === '/sw.js') body = Buffer.concat([body, Buffer.from(state.swSuffix)]);
    res.writeHead(200, {
      'Content-Type': types[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, state, close: () => new Promise((r) => server.close(r)) };
}

test('a new version waits until I choose "Reload"', async ({ page }, testInfo) => {
  const root = resolve(process.env.E2E_DIST_DIR ?? 'dist');
  // The suite always runs against a fresh production build (playwright.config.ts builds it first).
  expect(existsSync(join(root, 'sw.js')), `a production build with a service worker in ${root}`).toBe(true);
  const server = await ownServer(root);
  try {
    await openPlayground(page, server.url);
    await waitForServiceWorker(page);
    await expect(banner(page, 'Update available')).toBeHidden();

    server.state.swSuffix = '\n// a newer build\n';
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    const update = banner(page, 'Update available');
    await expect(update).toContainText('a new version of nanofaas is ready');
    // It waits: the old version keeps serving this page until I choose.
    expect(
      await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())?.waiting),
    ).toBe(true);
    await screenshot(page, testInfo, 'offline-update-available');

    await page.evaluate(() => ((window as unknown as { beforeUpdate: boolean }).beforeUpdate = true));
    await update.getByRole('button', { name: 'Reload' }).click();
    await page.waitForFunction(() => !(window as unknown as { beforeUpdate?: boolean }).beforeUpdate);
    await waitForEditor(page);
    await expect(banner(page, 'Update available')).toBeHidden();
    expect(
      await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())?.waiting),
    ).toBe(false);
  } finally {
    await server.close();
  }
});
