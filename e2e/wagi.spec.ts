// User story: a lecturer shows the request/response cycle of an HTTP function. A WASI command
// (samples/wasi/http-echo.c, http-router.c) answers /api/http/<name>/<path> in WAGI's CGI style:
// the request arrives as CGI variables and stdin, the response is parsed from stdout.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { deploy, expectNoPageErrors, failOnPageErrors } from './support/faas';
import { api, openHostingApp } from './support/gateway';
import { screenshot, showPanel } from './support/panels';
import { functionRow, openPlayground, uploadInput } from './support/playground';
import { sample } from './support/samples';
import { deployWasm } from './support/wasi';

test.use({ serviceWorkers: 'allow' });

const SAMPLES = new URL('../samples/wasi/', import.meta.url).pathname;

test('the echo and router samples answer HTTP requests through the gateway', async ({ page }) => {
  const errors = failOnPageErrors(page);
  await openHostingApp(page);
  await deployWasm(page, 'http-echo', 'http-echo.wasm');
  await deployWasm(page, 'http-router', 'http-router.wasm');

  const echo = await api(page, '/api/http/http-echo/items/a%20b?x=1&y=two', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'r-42' },
    body: '{"n": 1, "s": "é\\n"}',
  });
  expect(echo.status).toBe(200);
  expect(echo.headers['content-type']).toBe('application/json');
  const seen = JSON.parse(echo.text);
  expect(seen).toMatchObject({
    method: 'POST',
    path: '/items/a b',
    query: 'x=1&y=two',
    body: '{"n": 1, "s": "é\\n"}',
    bodyBytes: 21,
  });
  expect(seen.headers['x-request-id']).toBe('r-42');
  expect(seen.headers['content-type']).toBe('application/json');

  expect(await api(page, '/api/http/http-router/hello/Ada')).toMatchObject({
    status: 200,
    text: 'Hello, Ada!\n',
  });
  const sum = await api(page, '/api/http/http-router/add?a=40&b=2');
  expect(JSON.parse(sum.text)).toEqual({ a: 40, b: 2, sum: 42 });
  const missing = await api(page, '/api/http/http-router/add?a=1');
  expect(missing).toMatchObject({ status: 400, text: 'add needs ?a=<number>&b=<number>\n' });
  const echoed = await api(page, '/api/http/http-router/echo', {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv' },
    body: 'a,b\n1,2\n',
  });
  expect(echoed).toMatchObject({ status: 200, text: 'a,b\n1,2\n' });
  expect(echoed.headers['content-type']).toBe('text/csv');
  const wrongMethod = await api(page, '/api/http/http-router/echo');
  expect(wrongMethod.status).toBe(405);
  expect(wrongMethod.headers.allow).toBe('POST');
  expect(await api(page, '/api/http/http-router/nowhere')).toMatchObject({
    status: 404,
    text: 'No route for GET /nowhere\n',
  });

  // Each request is an invocation marked http, with the request on stdin and in its environment.
  const records = await page.evaluate(() =>
    window.faas.invocations('http-router').map((i) => [i.trigger, i.outcome, i.exitCode]),
  );
  expect(records).toHaveLength(6);
  expect(new Set(records.map((r) => r.join(' ')))).toEqual(new Set(['http ok 0']));
  await expectNoPageErrors(errors);
});

test('a handler that writes no CGI response is a 502 that says why; a plain module is refused', async ({
  page,
}) => {
  await openHostingApp(page);
  // env-echo prints text without CGI headers.
  await deployWasm(page, 'env-echo', 'env-echo.wasm');
  const bad = await api(page, '/api/http/env-echo/');
  expect(bad.status).toBe(502);
  expect(bad.text).toMatch(
    /^Malformed CGI output from "env-echo": The handler's output has no blank line after the headers/,
  );
  await deploy(page, 'sum', sample('sum'));
  const plain = await api(page, '/api/http/sum/');
  expect(plain.status).toBe(400);
  expect(plain.text).toMatch(/"sum" is not a WASI command/);
  expect((await api(page, '/api/http/nothing/')).status).toBe(404);
});

test('the Run panel sends an HTTP request to an uploaded handler and shows the response', async ({
  page,
}, testInfo) => {
  const errors = failOnPageErrors(page);
  await openPlayground(page);
  await uploadInput(page).setInputFiles(`${SAMPLES}http-router.wasm`);
  await expect(functionRow(page, 'http-router')).toBeVisible();
  const run = await showPanel(page, 'Run');
  const form = run.getByRole('region', { name: 'HTTP request' });
  await form.getByLabel('Path').fill('/add?a=40&b=2');
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByTestId('http-status')).toHaveText('200');
  await expect(form.getByLabel('Response body')).toHaveText('{"a": 40, "b": 2, "sum": 42}');
  await expect(form.getByLabel('Response headers')).toContainText('content-type: application/json');
  // The call's timing, from the gateway taking the request: its own part first, then the platform's.
  const timing = form.getByRole('figure', { name: 'HTTP call timing' });
  await expect(timing.getByText('gateway', { exact: true })).toBeVisible();
  await expect(timing.getByText('total from the request')).toBeVisible();

  await form.getByLabel('Method').selectOption('POST');
  await form.getByLabel('Path').fill('/echo');
  await form.getByLabel('Headers (Name: value, one per line)').fill('Content-Type: text/csv');
  await form.getByLabel('Body', { exact: true }).fill('a,b\n1,2');
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByLabel('Response body')).toHaveText('a,b\n1,2');
  await expect(form.getByLabel('Response headers')).toContainText('content-type: text/csv');
  const triggers = await page.evaluate(() => window.faas.invocations('http-router').map((i) => i.trigger));
  expect(triggers).toEqual(['ui', 'ui']);
  await screenshot(page, testInfo, 'wagi-run-panel');

  // Export for a runtime: the module, spin.toml and a README, as a zip.
  const binary = await showPanel(page, 'Binary');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    binary.getByRole('button', { name: 'Export for a runtime' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('http-router-runtime.zip');
  const files = unzipSync(readFileSync(await download.path()));
  expect(Object.keys(files).sort()).toEqual(['README.md', 'http-router.wasm', 'spin.toml']);
  expect(Buffer.from(files['http-router.wasm']).equals(readFileSync(`${SAMPLES}http-router.wasm`))).toBe(
    true,
  );
  expect(strFromU8(files['spin.toml'])).toContain('executor = { type = "wagi" }');
  await page.setViewportSize({ width: 1024, height: 768 });
  await screenshot(page, testInfo, 'wagi-run-panel-1024');
  await expectNoPageErrors(errors);
});
