// User story: a lecturer puts one function into a slide. `?embed` shows just the function, its
// Run control, the result and one chart, inside an iframe on another page; nothing runs until the
// Run button is clicked, and "Open in nanofaas" leads to the full app.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type FrameLocator, type Page } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors, openApp } from './support/faas';
import { lessonRegion } from './support/lessons';

/**
 * A slide deck on another site (its own little server on 127.0.0.1) framing the app's embed link
 * at 800×450, as a lecturer's HTML slides would.
 */
async function slide(page: Page, baseURL: string, query: string): Promise<FrameLocator> {
  const src = new URL(`/?embed&${query}`, baseURL).href;
  const deck = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(`<h1>Slide 12</h1><iframe title="nanofaas" src="${src}" width="800" height="450"></iframe>`);
  });
  await new Promise<void>((resolve) => deck.listen(0, '127.0.0.1', resolve));
  decks.push(deck);
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(`http://127.0.0.1:${(deck.address() as AddressInfo).port}/deck.html`);
  const frame = page.frameLocator('iframe[title="nanofaas"]');
  await expect(frame.getByTestId('embed')).toBeVisible();
  return frame;
}

const decks: Server[] = [];
test.afterEach(() => {
  for (const d of decks.splice(0)) d.close();
});

test('an embedded function in an iframe: code, Run, the result and its latency chart, nothing run before the click', async ({
  page,
  baseURL,
}, testInfo) => {
  const errors = failOnPageErrors(page);
  const frame = await slide(page, baseURL!, 'sample=fib');
  const app = page.frames().find((f) => f.url().includes('embed'))!;
  await app.waitForFunction(() => typeof window.faas?.invoke === 'function');

  // Just the function: no menus, no sidebar, no panel tabs.
  await expect(frame.getByRole('button', { name: 'Samples' })).toHaveCount(0);
  await expect(frame.getByRole('tab')).toHaveCount(0);
  await expect(frame.getByRole('region', { name: 'Editor', exact: true })).toBeVisible();
  const chart = frame.getByTestId('chart-latency');
  await expect(chart).toBeVisible();
  await expect(chart).toHaveAttribute('aria-label', 'Latency per invocation of fib');
  expect(await app.evaluate(() => window.faas.invocations().length)).toBe(0);

  const run = frame.getByRole('region', { name: 'Run' });
  await run.getByLabel(/^n \(i32\)/).fill('20');
  await run.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(run.getByTestId('outcome')).toHaveText(/ok/);
  await expect(run.getByTestId('result-value')).toHaveText('6765');
  await run.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(chart.locator('[data-drawn]')).toHaveAttribute('data-drawn', '2');
  await expect(run.getByRole('region', { name: 'Last result' })).toBeInViewport();
  await page.screenshot({ path: testInfo.outputPath('embed-fib.png') });

  // The way out: the same link without ?embed, in a new tab.
  const open = frame.getByRole('link', { name: 'Open in nanofaas ↗' });
  await expect(open).toHaveAttribute('target', '_blank');
  const href = new URL((await open.getAttribute('href'))!);
  expect(href.searchParams.has('embed')).toBe(false);
  expect(href.searchParams.get('sample')).toBe('fib');
  await expectNoPageErrors(errors);
});

test('an embedded lesson: its steps beside the panels that show the effect', async ({
  page,
  baseURL,
}, testInfo) => {
  const errors = failOnPageErrors(page);
  const frame = await slide(page, baseURL!, 'lesson=cold-start');
  const lesson = frame.getByRole('complementary', { name: 'Lesson' });
  await expect(lesson).toHaveAttribute('data-lesson', 'cold-start');
  await expect(frame.getByRole('button', { name: 'Lessons' })).toHaveCount(0);
  await lesson.getByRole('button', { name: 'Run 5 times', exact: true }).click();
  await expect(lesson.locator('.call')).toHaveCount(5);
  await expect(lesson.locator('.call').first()).toHaveAttribute('data-start', 'cold');
  await page.screenshot({ path: testInfo.outputPath('embed-lesson.png') });
  await expectNoPageErrors(errors);
});

test('the app itself still refuses to be framed; only ?embed may be', async ({ page }) => {
  const full = await page.request.get('/');
  expect(full.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  const embed = await page.request.get('/?embed');
  expect(embed.headers()['content-security-policy']).not.toContain('frame-ancestors');
  // The full app opened directly shows its usual shell.
  await openApp(page, '/');
  await expect(page.getByRole('button', { name: 'Samples' })).toBeVisible();
  await expect(lessonRegion(page)).toHaveCount(0);
});
