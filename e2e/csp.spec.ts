// The production build runs under a strict Content-Security-Policy (build/csp.ts): no inline
// script, no eval, scripts and workers from the app's own origin only, WebAssembly allowed.
// The app is exercised end to end — Monaco (typing, suggestions, hover, find), wabt, deploy and
// run from the UI and from window.faas, a WASI program, an upload, every panel tab — and any
// violation, in the page or in a worker, fails the test. So does a request to another origin.
import { readFileSync } from 'node:fs';
import { expect, test, type Page, type Worker } from '@playwright/test';
import { openApp } from './support/faas';
import { sample } from './support/samples';

interface Violation {
  directive: string;
  blocked: string;
  source: string;
  sample: string;
}

declare global {
  interface Window {
    __cspViolations: Violation[];
  }
}

/** Collects securitypolicyviolation events (document) and CSP console messages (page and workers). */
async function watchCsp(page: Page, baseURL: string) {
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener(
      'securitypolicyviolation',
      (e) =>
        window.__cspViolations.push({
          directive: e.effectiveDirective,
          blocked: e.blockedURI,
          source: `${e.sourceFile}:${e.lineNumber}`,
          sample: e.sample,
        }),
      true,
    );
  });
  // Workers report violations on their own global scope, not to the document or the console.
  const workers = new Set<Worker>();
  page.on('worker', (w) => {
    workers.add(w);
    w.on('close', () => workers.delete(w));
    void w
      .evaluate(() => {
        const scope = self as unknown as { __cspViolations: unknown[] } & EventTarget;
        scope.__cspViolations = [];
        scope.addEventListener('securitypolicyviolation', (e) => {
          const v = e as SecurityPolicyViolationEvent;
          scope.__cspViolations.push({
            directive: v.effectiveDirective,
            blocked: v.blockedURI,
            source: `${v.sourceFile}:${v.lineNumber}`,
            sample: v.sample,
          });
        });
      })
      .catch(() => {}); // a worker may end before it answers
  });
  const console: string[] = [];
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) console.push(m.text());
  });
  const foreign: string[] = [];
  const origin = new URL(baseURL).origin;
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (!['data:', 'blob:'].includes(url.protocol) && url.origin !== origin) foreign.push(r.url());
  });
  return {
    console,
    foreign,
    events: () => page.evaluate(() => window.__cspViolations),
    workerEvents: async () => {
      const all: (Violation & { worker: string })[] = [];
      for (const w of workers) {
        const got = await w
          .evaluate(() => (self as unknown as { __cspViolations?: Violation[] }).__cspViolations ?? [])
          .catch(() => []);
        all.push(...got.map((v) => ({ ...v, worker: w.url() })));
      }
      return all;
    },
  };
}

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name, values]),
  );
}

test('the production build carries a strict policy in a meta tag and in the preview header', async ({
  page,
}) => {
  const response = await page.goto('/');
  const html = await response!.text();
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/);
  expect(meta, 'the CSP meta tag').not.toBeNull();
  for (const policy of [meta![1], response!.headers()['content-security-policy'] ?? '']) {
    const d = directives(policy);
    expect(d.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(d.get('worker-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(policy).not.toMatch(/ 'unsafe-eval'|blob:|\*/);
  }
  expect(directives(response!.headers()['content-security-policy']).get('frame-ancestors')).toEqual([
    "'none'",
  ]);
  // The meta tag comes before any script, and there is no inline script or handler at all.
  expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\ssrc=/);
  expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
});

test('the whole app works under the policy without a single violation', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const csp = await watchCsp(page, baseURL!);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await openApp(page);

  // Monaco: the editor, typing (which triggers wabt in its worker), suggestions, hover, find.
  const editor = page.locator('.monaco-editor').first();
  await expect(editor).toBeVisible({ timeout: 30_000 });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type('\n;; typed under CSP\n');
  await page.keyboard.type('i32.');
  await page.keyboard.press('Control+Space');
  await page.waitForTimeout(400);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.locator('.monaco-editor .view-line', { hasText: 'i32.add' }).first().hover();
  await page.waitForTimeout(600);
  await page.keyboard.press('ControlOrMeta+f');
  await page.keyboard.type('local');
  await page.keyboard.press('Escape');

  // Deploy and run from the UI.
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect.poll(() => page.evaluate(() => window.faas.functions().length)).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Run', exact: true }).first().click();
  await expect.poll(() => page.evaluate(() => window.faas.invocations().length)).toBeGreaterThan(0);

  // A sample from the menu, an upload, and calls through window.faas (plain and WASI).
  await page.getByRole('button', { name: /Samples/ }).click();
  const item = page.getByRole('menuitem').filter({ hasText: /fib/i }).first();
  if (await item.isVisible()) await item.click();
  else await page.keyboard.press('Escape');
  await page
    .getByLabel('Upload')
    .setInputFiles({ name: 'uploaded.wat', mimeType: 'text/plain', buffer: Buffer.from(sample('multi')) });
  const nop = [...readFileSync(new URL('../samples/wasi/nop.wasm', import.meta.url))];
  const r = await page.evaluate(
    async ([fib, wasi]) => {
      await window.faas.deploy('fib', fib);
      await window.faas.deploy('nop', new Uint8Array(wasi));
      const a = await window.faas.invoke('fib', [15]);
      const b = await window.faas.invoke('nop');
      return [a.outcome, a.result, b.outcome, b.exitCode];
    },
    [sample('fib'), nop] as const,
  );
  expect(r).toEqual(['ok', 610, 'ok', 0]);

  // Every tab in the panel tablist.
  const tabs = page.getByRole('tablist').first().getByRole('tab');
  const count = await tabs.count();
  expect(count).toBeGreaterThanOrEqual(4);
  for (let i = 0; i < count; i++) {
    await tabs.nth(i).click();
    await expect(tabs.nth(i)).toHaveAttribute('aria-selected', 'true');
    await page.waitForTimeout(300);
  }
  // The theme switch restyles Monaco.
  await page.getByRole('button', { name: /^Theme/ }).click();
  await page.waitForTimeout(300);

  expect(await csp.events(), 'securitypolicyviolation events').toEqual([]);
  expect(await csp.workerEvents(), 'securitypolicyviolation events in workers').toEqual([]);
  expect(csp.console, 'CSP messages in the console (page and workers)').toEqual([]);
  expect(csp.foreign, 'requests to another origin').toEqual([]);
  expect(errors).toEqual([]);
  // Workers ran under it too: the nanoprocesses and wabt's compiler are same-origin module scripts.
  const urls = page.workers().map((w) => new URL(w.url()));
  expect(urls.length).toBeGreaterThanOrEqual(2);
  for (const u of urls) expect(u.origin).toBe(new URL(page.url()).origin);
});

test('the policy is enforced: what it forbids is blocked and reported', async ({ page, baseURL }) => {
  const csp = await watchCsp(page, baseURL!);
  await openApp(page);
  // Code run by the page itself (not through DevTools, which may always eval).
  await page.evaluate(() => {
    // eslint-disable-next-line no-implied-eval -- the policy must block exactly this
    setTimeout('window.__evalRan = true', 0);
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.append(s);
    const img = document.createElement('img');
    img.setAttribute('src', 'https://example.invalid/pixel.png');
    document.body.append(img);
    try {
      new Worker(URL.createObjectURL(new Blob(['1'], { type: 'text/javascript' })));
    } catch {
      // some browsers throw instead of reporting
    }
    fetch('https://example.invalid/').catch(() => {});
  });
  await expect
    .poll(async () => new Set((await csp.events()).map((v) => v.directive)), { timeout: 5000 })
    .toEqual(new Set(['script-src-elem', 'script-src', 'img-src', 'worker-src', 'connect-src']));
  // In a worker too (each worker has its own policy, from its script's response header).
  // The prewarmed nanoprocess is spawned by the platform worker once it is up: wait until it exists.
  const isNanoprocess = (w: { url(): string }) => /nanoprocess\.worker/.test(w.url());
  await expect.poll(() => page.workers().some(isNanoprocess)).toBe(true);
  const nanoprocess = page.workers().find(isNanoprocess)!;
  // eslint-disable-next-line no-implied-eval -- the worker's policy must block exactly this
  await nanoprocess.evaluate(() => setTimeout('self.__evalRan = true', 0));
  await expect.poll(async () => (await csp.workerEvents()).map((v) => v.directive)).toContain('script-src');
  const ran = await page.evaluate(() => [
    (window as { __evalRan?: boolean }).__evalRan,
    (window as { __inlineRan?: boolean }).__inlineRan,
  ]);
  expect(ran).toEqual([undefined, undefined]);
  // WebAssembly still compiles ('wasm-unsafe-eval').
  expect(await page.evaluate(() => WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])))).toBe(
    true,
  );
  expect(
    await page.evaluate(async () => {
      await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
      return 'compiled';
    }),
  ).toBe('compiled');
});
