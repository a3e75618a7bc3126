// User story: after one visit, nanofaas opens and works with the network off (on a train, in an
// exam room): edit, compile, deploy, run, charts and share links, with a visible offline notice.
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
