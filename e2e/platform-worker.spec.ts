// The platform runs in its own worker: a busy page does not hold back its timers, and when the
// platform worker fails, the page says so, settles what was waiting and restarts it on request,
// with the workspace untouched.
import { expect, test } from '@playwright/test';
import { deploy, failOnPageErrors, openApp } from './support/faas';
import { showPanel } from './support/panels';
import { editorText, openPlayground, runButton } from './support/playground';
import { sample } from './support/samples';
import { waitForSaved } from './support/share';

test('a timeout fires while the page’s main thread is blocked', async ({ page }) => {
  const errors = failOnPageErrors(page);
  await openApp(page);
  await deploy(page, 'stuck', sample('stuck'), { timeoutMs: 100 });
  await deploy(page, 'sum', sample('sum'));
  // Warm a worker so the stuck call starts at once.
  await page.evaluate(() => window.faas.invoke('sum', [1, 2]));
  const r = await page.evaluate(async () => {
    const call = window.faas.invoke('stuck');
    // Hand the call to the platform worker, then keep this thread busy for 1.5 s.
    await new Promise((res) => setTimeout(res, 0));
    const blockStart = performance.timeOrigin + performance.now();
    while (performance.timeOrigin + performance.now() - blockStart < 1500) {
      /* a long task on the page, as a heavy redraw would be */
    }
    const blockEnd = performance.timeOrigin + performance.now();
    const inv = await call;
    return { blockStart, blockEnd, outcome: inv.outcome, endedAt: inv.endedAt };
  });
  expect(r.outcome).toBe('timeout');
  // The platform ended the call while the page was still blocked: nothing on the page delays it.
  expect(r.endedAt).toBeLessThan(r.blockEnd);
  expect(errors).toEqual([]);
});

test('a crashed platform worker is reported, settles its calls, and restarts; the workspace is kept', async ({
  page,
}, testInfo) => {
  await openPlayground(page);
  const before = await editorText(page);
  await deploy(page, 'stuck', sample('stuck'), { timeoutMs: 600_000 });
  const pending = page.evaluate(() => window.faas.invoke('stuck'));
  // The call is running when the platform fails.
  await expect.poll(() => page.evaluate(() => window.faas.pool().inFlight)).toBe(1);
  await page.evaluate(() =>
    (window as unknown as { nanofaasPlatform: { crash(): void } }).nanofaasPlatform.crash(),
  );
  const inv = await pending;
  expect(inv.outcome).toBe('error');
  expect(inv.error).toMatch(/The platform stopped \(.*made to crash.*\) before this call finished/);
  const alert = page.getByRole('alert').filter({ hasText: 'The platform stopped' });
  await expect(alert).toContainText('your workspace is safe');
  await page.screenshot({ path: testInfo.outputPath('platform-crashed.png') });
  // Until it is restarted, calls fail at once with a sentence saying what to do.
  await expect(page.evaluate(() => window.faas.invoke('stuck'))).rejects.toThrow(/Restart it/);
  await alert.getByRole('button', { name: 'Restart platform' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The platform restarted' })).toBeVisible();
  // The workspace is untouched and Run deploys it again on the new platform.
  expect(await editorText(page)).toBe(before);
  await runButton(page).click();
  const run = await showPanel(page, 'Run');
  await expect(run.getByTestId('outcome')).toContainText('ok');
  const fns = await page.evaluate(() => window.faas.functions().map((f) => f.name));
  expect(fns).toContain('sum');
});

test('one registry: a function deployed from the console shows in the sidebar and survives a reload', async ({
  page,
}) => {
  await openPlayground(page);
  const sidebar = page.getByRole('navigation', { name: 'Functions' });
  await deploy(page, 'from-console', '(module (func (export "answer") (result i32) i32.const 42))');
  await expect(sidebar.locator('li[data-fn="from-console"]')).toBeVisible();
  // A new version from the console replaces the workspace's copy.
  await deploy(page, 'from-console', '(module (func (export "answer") (result i32) i32.const 43))');
  await sidebar.locator('li[data-fn="from-console"]').getByRole('button').first().click();
  await expect.poll(() => editorText(page)).toContain('i32.const 43');
  // Saved with the workspace: after a reload (a new platform, nothing deployed) it is still there and runs.
  await waitForSaved(page, (w) => w.functions.some((f) => f.name === 'from-console'));
  await page.reload();
  await page.waitForFunction(() => typeof window.faas?.invoke === 'function');
  await expect(sidebar.locator('li[data-fn="from-console"]')).toBeVisible();
  expect(await page.evaluate(() => window.faas.functions().map((f) => f.name))).not.toContain('from-console');
  await sidebar.locator('li[data-fn="from-console"]').getByRole('button').first().click();
  await runButton(page).click();
  const run = await showPanel(page, 'Run');
  await expect(run.getByTestId('outcome')).toContainText('ok');
  await expect(run).toContainText('43');
});
