// User story: a student fetches a function like a real serverless one. The app's service worker
// answers /api/ by forwarding to the tab that hosts the platform: seed 003's API (exec with ?5,2,
// register, stats, functions), status codes that say what happened, from the page, from a second
// tab and offline; with no app tab open it answers 503 at once.
import { expect, test } from '@playwright/test';
import { deploy, expectNoPageErrors, failOnPageErrors } from './support/faas';
import { api, gatewayRole, openHostingApp } from './support/gateway';
import { screenshot } from './support/panels';
import { sample } from './support/samples';

test.use({ serviceWorkers: 'allow' });

/** Grows to the cap, then writes past it: a memory-limit. */
const AT_THE_CAP = `(module (memory (export "memory") 1)
  (func (export "_start")
    (loop $grow (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (i32.store (i32.mul (memory.size) (i32.const 65536)) (i32.const 1))))`;

test('exec over HTTP: the seed syntax, exports, JSON bodies and records, a status for each outcome', async ({
  page,
}, testInfo) => {
  const errors = failOnPageErrors(page);
  const tab = await openHostingApp(page);
  await deploy(page, 'sum', sample('sum'));
  await deploy(page, 'multi', sample('multi'));
  await deploy(page, 'trap', sample('trap'));
  await deploy(page, 'stuck', sample('stuck'), { timeoutMs: 200 });
  await deploy(page, 'hog', AT_THE_CAP, { memoryMiB: 1 });

  // The seed's syntax, typed from the signature; the tab that answered is named.
  const seven = await api(page, '/api/exec/sum?5,2');
  expect(seven).toMatchObject({ status: 200, text: '7\n' });
  expect(seven.headers['x-nanofaas-host']).toBe(tab);
  expect(seven.headers['x-nanofaas-outcome']).toBe('ok');
  expect(await api(page, '/api/exec/multi/swap?1,2')).toMatchObject({ status: 200, text: '2,1\n' });
  expect(await api(page, '/api/exec/multi?9007199254740993,1')).toMatchObject({
    text: '9007199254740994,9007199254740993\n',
  });
  const posted = await api(page, '/api/exec/multi/div64', { method: 'POST', body: '[1, 8]' });
  expect(posted).toMatchObject({ status: 200, text: '0.125\n' });

  // The full record with Accept: application/json, marked as arriving over HTTP.
  const record = JSON.parse(
    (await api(page, '/api/exec/sum?40,2', { headers: { Accept: 'application/json' } })).text,
  );
  expect(record).toMatchObject({ fn: 'sum', result: 42, outcome: 'ok', trigger: 'http', args: ['40', '2'] });
  // The gateway's own cost (service worker → this tab → platform) is on the record, before its total.
  expect(record.timings.gateway).toBeGreaterThan(0);
  const triggers = await page.evaluate(() => window.faas.invocations('sum').map((i) => i.trigger));
  expect(triggers).toEqual(['http', 'http']);

  // Status codes say what happened, with the reason in the body.
  const trapped = await api(page, '/api/exec/trap');
  expect(trapped.status).toBe(500);
  expect(trapped.text).toMatch(/divide by zero/i);
  const timedOut = await api(page, '/api/exec/stuck');
  expect(timedOut).toMatchObject({
    status: 504,
    text: 'Timed out after 200 ms; the nanoprocess was terminated\n',
  });
  const capped = await api(page, '/api/exec/hog');
  expect(capped.status).toBe(507);
  expect(capped.headers['x-nanofaas-outcome']).toBe('memory-limit');
  expect(capped.text).toMatch(/1 MiB cap/);
  expect(await api(page, '/api/exec/sum?5')).toMatchObject({ status: 400 });
  expect((await api(page, '/api/exec/sum?5,x')).text).toMatch(/i32 needs an integer, got "x"/);
  expect(await api(page, '/api/exec/nope?1')).toMatchObject({ status: 404 });
  expect((await api(page, '/api/exec/sum/nope')).text).toMatch(/no exported function "nope"/);
  await screenshot(page, testInfo, 'gateway-host');
  await expectNoPageErrors(errors);
});

test('register, stats and delete over HTTP; unknown routes, big bodies, a full queue; offline too', async ({
  page,
  context,
}) => {
  const errors = failOnPageErrors(page);
  await openHostingApp(page);
  await deploy(page, 'sum', sample('sum'));
  // Stuck until stopped: it holds the only worker while the queue has no room.
  await deploy(page, 'stuck', sample('stuck'), { timeoutMs: 60_000 });
  const unknown = await api(page, '/api/no/such/route');
  expect(unknown.status).toBe(404);
  expect(unknown.text).toContain('GET    /api/exec/<name>?5,2');
  const huge = await api(page, '/api/register/huge', {
    method: 'POST',
    headers: { 'Content-Type': 'application/wasm' },
    zeroBytes: 33 * 1024 * 1024,
  });
  expect(huge).toMatchObject({ status: 413 });
  expect(huge.text).toMatch(/limited to 32 MiB/);

  // Throttled: one worker busy with a stuck call and no room in the queue.
  await page.evaluate(() => window.faas.config({ maxWorkers: 1, prewarm: 0, maxQueue: 0 }));
  const stuck = page.evaluate(() => window.faas.invoke('stuck').then((i) => i.error));
  await expect.poll(() => page.evaluate(() => window.faas.pool().inFlight)).toBe(1);
  const throttled = await api(page, '/api/exec/sum?1,2');
  expect(throttled.status).toBe(429);
  expect(throttled.text).toMatch(/Throttled/);
  expect(await page.evaluate(() => window.faas.stopAll('stuck'))).toBe(1);
  expect(await stuck).toMatch(/Stopped by the user/);
  await page.evaluate(() => window.faas.config({ maxWorkers: 4, prewarm: 1, maxQueue: 10000 }));

  // register → exec → stats → delete.
  const bad = await api(page, '/api/register/add', {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain' },
    body: '(module\n  (func (export "_start") (result i32) i32.const 1 i32.nope))',
  });
  expect(bad.status).toBe(400);
  expect(bad.text).toMatch(/line 2, column \d+/);
  const made = await api(page, '/api/register/add', {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain' },
    body: sample('sum'),
  });
  expect(made.status).toBe(201);
  expect(JSON.parse(made.text)).toMatchObject({ name: 'add', version: 1, kind: 'plain', entry: '_start' });
  expect(await api(page, '/api/exec/add?40,2')).toMatchObject({ status: 200, text: '42\n' });
  const stats = JSON.parse((await api(page, '/api/stats/add')).text);
  expect(stats).toMatchObject({ fn: 'add', invocations: 1, outcomes: { ok: 1 } });
  const listed = JSON.parse((await api(page, '/api/functions')).text).map((f: { name: string }) => f.name);
  expect(listed).toEqual(['sum', 'stuck', 'add']);
  expect((await api(page, '/api/functions/add', { method: 'DELETE' })).status).toBe(204);
  expect((await api(page, '/api/exec/add?1,2')).status).toBe(404);
  expect(await page.evaluate(() => window.faas.functions().some((f) => f.name === 'add'))).toBe(false);

  // Offline, like the rest of the app.
  await context.setOffline(true);
  expect(await api(page, '/api/exec/sum?5,2')).toMatchObject({ status: 200, text: '7\n' });
  await context.setOffline(false);
  await expectNoPageErrors(errors);
});

test('typing an /api/ address shows the answer, not the app', async ({ page, context }) => {
  await openHostingApp(page);
  await deploy(page, 'sum', sample('sum'));
  const other = await context.newPage();
  const response = await other.goto('/api/exec/sum?5,2');
  expect(response?.status()).toBe(200);
  expect(await other.locator('body').innerText()).toBe('7\n');
  expect((await other.goto('/api/nothing'))?.status()).toBe(404);
  await expect(other.locator('body')).toContainText('Endpoints:');
});

test('several tabs: one answers, the UI says which, and the next takes over when it closes', async ({
  page,
  context,
}, testInfo) => {
  const first = await openHostingApp(page);
  await deploy(page, 'sum', sample('sum'));
  const second = await context.newPage();
  await openHostingApp(second, 'standby');
  await expect(gatewayRole(second)).toHaveAttribute('title', /Another nanofaas tab answers/);

  // A call from the second tab is answered by the first tab's platform.
  const answer = await api(second, '/api/exec/sum?5,2');
  expect(answer).toMatchObject({ status: 200, text: '7\n' });
  expect(answer.headers['x-nanofaas-host']).toBe(first);
  expect(await page.evaluate(() => window.faas.invocations('sum').length)).toBe(1);
  expect(await second.evaluate(() => window.faas.invocations().length)).toBe(0);
  await screenshot(second, testInfo, 'gateway-standby');

  await page.close();
  await expect(gatewayRole(second)).toHaveText(/API: this tab/);
  const secondTab = await gatewayRole(second).getAttribute('data-tab');
  await second.evaluate((w) => window.faas.deploy('sum', w), sample('sum'));
  const now = await api(second, '/api/exec/sum?1,2');
  expect(now).toMatchObject({ status: 200, text: '3\n' });
  expect(now.headers['x-nanofaas-host']).toBe(secondTab);
});

test('with no app tab open the gateway answers 503 with a sentence, at once', async ({ page, context }) => {
  await openHostingApp(page);
  const other = await context.newPage();
  await page.close();
  const response = await other.goto('/api/exec/sum?5,2');
  expect(response?.status()).toBe(503);
  const text = await other.locator('body').innerText();
  expect(text).toMatch(/No page of nanofaas is open to answer\. .* open http:\/\/localhost:\d+\/ in a tab/);
  // A fetch from that (controlled) page gets the same answer.
  expect(await api(other, '/api/functions')).toMatchObject({ status: 503 });
});
