// Isolation: a function sees only the imports the platform gives it (no DOM, network, storage or
// app state), cannot read another function's memory or another invocation's data, and everything
// a user or a function wrote is shown as text, never as HTML.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { encodeShare } from '../src/workspace/share';
import { deploy, failOnPageErrors, openApp } from './support/faas';
import { sample } from './support/samples';

let errors: string[] = [];

test.beforeEach(async ({ page }) => {
  errors = failOnPageErrors(page);
  await openApp(page);
});

test.afterEach(() => {
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

const deployMessage = (page: Page, name: string, wat: string) =>
  page.evaluate(
    ([n, w]) =>
      window.faas.deploy(n, w).then(
        () => 'deployed',
        (e: Error) => e.message,
      ),
    [name, wat] as const,
  );

test.describe('imports', () => {
  test('deploy refuses every import the platform does not provide', async ({ page }) => {
    const refused: [string, RegExp][] = [
      ['(import "env" "f" (func))', /Unknown import module "env"/],
      ['(import "js" "mem" (memory 1))', /Unknown import module "js"/],
      ['(import "window" "fetch" (func (param i32) (result i32)))', /Unknown import module "window"/],
      ['(import "document" "cookie" (global externref))', /Unknown import module "document"/],
      ['(import "" "" (func))', /Unknown import module ""/],
      ['(import "env" "table" (table 1 funcref))', /Unknown import module "env"/],
      [
        '(import "platform" "fetch" (func))',
        /Unknown import "platform" "fetch": the platform module provides now\(\) -> f64, log\(ptr: i32, len: i32\), memory/,
      ],
      ['(import "platform" "localStorage" (global i32))', /Unknown import "platform" "localStorage"/],
      ['(import "platform" "log" (global i32))', /import "platform" "log" must be a function, not a global/],
      [
        '(import "platform" "log" (func (param i32)))',
        /wrong signature: it must be log\(ptr: i32, len: i32\)/,
      ],
      ['(import "platform" "memory" (func))', /must be a memory, not a function/],
      [
        '(import "wasi_snapshot_preview1" "memory" (memory 1))',
        /import "wasi_snapshot_preview1" "memory" must be a function/,
      ],
      [
        '(import "wasi_unstable" "fd_write" (func (param i32 i32 i32 i32) (result i32)))',
        /wasi_unstable interface is not supported/,
      ],
    ];
    for (const [imp, want] of refused) {
      expect(await deployMessage(page, 'imp', `(module ${imp})`), imp).toMatch(want);
    }
    expect(await page.evaluate(() => window.faas.functions().length)).toBe(0);
  });

  test('a WASI import the shim does not implement fails cleanly at instantiation', async ({ page }) => {
    await deploy(
      page,
      'sock',
      `(module (import "wasi_snapshot_preview1" "sock_connect_anywhere" (func (param i32) (result i32)))
        (memory (export "memory") 1) (func (export "_start")))`,
    );
    const inv = await page.evaluate(() => window.faas.invoke('sock'));
    expect(inv.outcome).toBe('error');
    expect(inv.error).toMatch(/sock_connect_anywhere|Import #0|function import requires a callable/);
  });

  test('nanoprocess workers have no DOM and no app state', async ({ page }) => {
    await deploy(page, 'sum', sample('sum'));
    await page.evaluate(() => window.faas.invoke('sum', [1, 2]));
    const workers = page.workers().filter((w) => /nanoprocess\.worker/.test(w.url()));
    expect(workers.length).toBeGreaterThan(0);
    for (const w of workers) {
      const scope = await w.evaluate(() => ({
        document: typeof (globalThis as { document?: unknown }).document,
        window: typeof (globalThis as { window?: unknown }).window,
        faas: typeof (globalThis as { faas?: unknown }).faas,
        localStorage: typeof (globalThis as { localStorage?: unknown }).localStorage,
      }));
      expect(scope).toEqual({
        document: 'undefined',
        window: 'undefined',
        faas: 'undefined',
        localStorage: 'undefined',
      });
    }
  });
});

test.describe('memory and invocation data', () => {
  // writer stores a secret at address 0; reader returns how many non-zero bytes its memory holds.
  const WRITER = `(module (memory (export "memory") 1) (data (i32.const 1024) "SECRET-4f2a9c")
    (func (export "_start") (result i32) (local $before i32)
      (local.set $before (i32.load (i32.const 0)))
      (memory.copy (i32.const 0) (i32.const 1024) (i32.const 13))
      (local.get $before)))`;
  const READER = `(module (memory (export "memory") 1)
    (func (export "_start") (result i32) (local $i i32) (local $n i32)
      (loop $scan
        (if (i32.load8_u (local.get $i)) (then (local.set $n (i32.add (local.get $n) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $scan (i32.lt_u (local.get $i) (i32.const 65536))))
      (local.get $n)))`;
  // The same pair over a memory the platform creates and imports into the instance.
  const IMPORTED_WRITER = `(module (import "platform" "memory" (memory 1))
    (func (export "_start") (result i32) (local $before i32)
      (local.set $before (i32.load (i32.const 0)))
      (i32.store (i32.const 0) (i32.const 0x5ec2e7))
      (local.get $before)))`;
  const IMPORTED_READER = `(module (import "platform" "memory" (memory 1))
    (func (export "_start") (result i32) (i32.load (i32.const 0))))`;

  test('fresh instances start zeroed, even in the same worker', async ({ page }) => {
    await page.evaluate(() => window.faas.config({ maxWorkers: 1, prewarm: 1 }));
    await deploy(page, 'writer', WRITER);
    await deploy(page, 'reader', READER);
    await deploy(page, 'imp-writer', IMPORTED_WRITER);
    await deploy(page, 'imp-reader', IMPORTED_READER);
    const r = await page.evaluate(async () => {
      const f = window.faas;
      const w1 = await f.invoke('writer');
      const w2 = await f.invoke('writer');
      const rd = await f.invoke('reader');
      const i1 = await f.invoke('imp-writer');
      const i2 = await f.invoke('imp-writer');
      const ir = await f.invoke('imp-reader');
      return {
        results: [w1.result, w2.result, rd.result, i1.result, i2.result, ir.result],
        workers: new Set([w1, w2, rd, i1, i2, ir].map((i) => i.worker)).size,
        instances: [w1, w2, rd].map((i) => i.instance),
      };
    });
    // The second writer saw zeros where the first wrote its secret; the reader saw only zeros.
    expect(r.results).toEqual([0, 0, 0, 0, 0, 0]);
    expect(r.workers).toBe(1);
    expect(r.instances).toEqual(['new', 'new', 'new']);
  });

  test('with reuse, only the same function keeps its state', async ({ page }) => {
    await page.evaluate(() => window.faas.config({ maxWorkers: 1, prewarm: 1 }));
    await deploy(page, 'writer', WRITER, { instance: 'reuse' });
    await deploy(page, 'reader', READER, { instance: 'reuse' });
    await deploy(page, 'counter-a', sample('counter'), { instance: 'reuse' });
    await deploy(page, 'counter-b', sample('counter'), { instance: 'reuse' });
    const r = await page.evaluate(async () => {
      const f = window.faas;
      const w1 = await f.invoke('writer');
      const w2 = await f.invoke('writer');
      const rd = await f.invoke('reader');
      const a = [await f.invoke('counter-a'), await f.invoke('counter-a'), await f.invoke('counter-a')];
      const b = await f.invoke('counter-b');
      return {
        writer: [w1.result, w2.result, w2.instance],
        reader: [rd.result, rd.instance],
        a: a.map((i) => i.result),
        b: b.result,
        workers: new Set([w1, w2, rd, ...a, b].map((i) => i.worker)).size,
      };
    });
    // "SECR" as a little-endian i32: the writer's own reused instance still holds its secret.
    expect(r.writer).toEqual([0, 0x52434553, 'reused']);
    expect(r.reader).toEqual([0, 'new']);
    expect(r.a).toEqual([1, 2, 3]);
    expect(r.b).toBe(1);
    expect(r.workers).toBe(1);
  });

  test('logs of concurrent invocations stay with their own invocation', async ({ page }) => {
    const LOGGER = (tag: string) => `(module (import "platform" "log" (func $log (param i32 i32)))
      (memory (export "memory") 1) (data (i32.const 0) "${tag}")
      (func (export "_start") (param i32) (result i32)
        (i32.store8 (i32.const 1) (i32.add (i32.const 48) (local.get 0)))
        (call $log (i32.const 0) (i32.const 2))
        (local.get 0)))`;
    await page.evaluate(() => window.faas.config({ maxWorkers: 2, prewarm: 2 }));
    await deploy(page, 'log-a', LOGGER('A?'));
    await deploy(page, 'log-b', LOGGER('B?'));
    const r = await page.evaluate(async () => {
      const calls = [];
      for (let i = 0; i < 200; i++) calls.push(window.faas.invoke(i % 2 ? 'log-b' : 'log-a', [i % 10]));
      const invs = await Promise.all(calls);
      return invs.map((inv) => ({ fn: inv.fn, arg: inv.args[0], logs: inv.logs, result: inv.result }));
    });
    for (const inv of r) {
      expect(inv.logs).toEqual([`${inv.fn === 'log-a' ? 'A' : 'B'}${inv.arg}`]);
      expect(inv.result).toBe(inv.arg);
    }
  });

  test('WASI argv, env, stdin and files do not outlive their invocation', async ({ page }) => {
    const bytes = (name: string) => [
      ...readFileSync(new URL(`../samples/wasi/${name}.wasm`, import.meta.url)),
    ];
    await page.evaluate(
      async ([echo, write, cat]) => {
        await window.faas.deploy('echo', new Uint8Array(echo));
        await window.faas.deploy('write', new Uint8Array(write));
        await window.faas.deploy('cat', new Uint8Array(cat));
      },
      [bytes('env-echo'), bytes('write-file'), bytes('cat-sync')] as const,
    );
    const r = await page.evaluate(async () => {
      const f = window.faas;
      const secret = await f.invoke('echo', [], {
        argv: ['s3cret-arg'],
        env: { GREETING: 's3cret-env' },
        stdin: 's3cret-stdin',
      });
      const after = await f.invoke('echo');
      const wrote = await f.invoke('write', [], { files: { 'input.txt': 's3cret file\n' } });
      const again = await f.invoke('write');
      const cat = await f.invoke('cat', [], { argv: ['out/result.txt'] });
      return {
        secret: secret.stdout,
        after: after.stdout,
        wrote: new TextDecoder().decode(wrote.files?.['out/result.txt']),
        again: [again.stdout, new TextDecoder().decode(again.files?.['out/result.txt'])],
        cat: [cat.exitCode, cat.stdout, cat.stderr],
      };
    });
    expect(r.secret).toContain('s3cret-arg');
    expect(r.secret).toContain('GREETING=s3cret-env');
    expect(r.secret).toContain('s3cret-stdin');
    expect(r.after).not.toContain('s3cret');
    expect(r.after).toContain('argc=1');
    expect(r.after).toContain('GREETING is not set');
    expect(r.after).toContain('stdin: 0 bytes');
    expect(r.wrote).toBe('S3CRET FILE\n');
    expect(r.again[0]).toContain('input.txt not found');
    expect(r.again[1]).not.toContain('S3CRET');
    expect(r.cat[0]).toBe(1);
    expect(`${r.cat[1]}${r.cat[2]}`).not.toContain('S3CRET');
  });
});

test.describe('user and function text is rendered as text', () => {
  const XSS = '<img src=x onerror=window.__xss=1>';

  async function expectNoInjection(page: Page) {
    // Give any injected element a chance to load and fire its handler.
    await page.waitForTimeout(300);
    const r = await page.evaluate(() => ({
      xss: (window as { __xss?: unknown }).__xss,
      imgs: document.querySelectorAll('img[src="x"]').length,
    }));
    expect(r).toEqual({ xss: undefined, imgs: 0 });
  }

  test('a hostile function name, export name, WAT comment and log line deployed through window.faas', async ({
    page,
  }) => {
    const wat = `;; ${XSS}
      (module (import "platform" "log" (func $log (param i32 i32)))
        (memory (export "memory") 1) (data (i32.const 0) "${XSS}")
        (func (export "${XSS}") (result i32) (call $log (i32.const 0) (i32.const ${XSS.length})) (i32.const 1)))`;
    await deploy(page, XSS, wat);
    const inv = await page.evaluate((n) => window.faas.invoke(n), XSS);
    expect(inv.outcome).toBe('ok');
    expect(inv.logs).toEqual([XSS]);
    // Show it everywhere it can appear: the console (row, filter, details) and the live pool.
    await page.getByRole('tab', { name: 'Console' }).click();
    const panel = page.getByRole('tabpanel');
    await expect(panel).toContainText(XSS);
    await panel.getByText(XSS).last().click();
    await expectNoInjection(page);
    await page.getByRole('tab', { name: 'Settings' }).click();
    await expect(page.getByRole('tabpanel')).toContainText(`${XSS}@1`);
    // A deploy error that quotes the hostile text.
    const err = await deployMessage(page, 'bad', `(module (import "${XSS}" "f" (func)))`);
    expect(err).toContain(XSS);
    await expectNoInjection(page);
  });

  test('a hostile file name, WAT source, export, log and error through the UI', async ({ page }) => {
    const wat = `;; ${XSS} in a comment
(module (import "platform" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1) (data (i32.const 0) "${XSS}")
  (func (export "_start") (result i32) (call $log (i32.const 0) (i32.const ${XSS.length})) (i32.const 7))
  (func (export "${XSS}") (result i32) (i32.const 8)))
`;
    await page
      .getByLabel('Upload')
      .setInputFiles({ name: `${XSS}.wat`, mimeType: 'text/plain', buffer: Buffer.from(wat) });
    const sidebar = page.getByRole('navigation', { name: 'Functions' });
    await expect(sidebar).toContainText(XSS);
    await expect(page.locator('.monaco-editor')).toContainText('in a comment');
    await page.getByRole('button', { name: 'Run', exact: true }).first().click();
    await expect.poll(() => page.evaluate((n) => window.faas.invocations(n).length, XSS)).toBe(1);
    const inv = await page.evaluate((n) => window.faas.invocations(n)[0], XSS);
    expect([inv.outcome, inv.result, inv.logs]).toEqual(['ok', 7, [XSS]]);
    // Every panel shows something of it: the exports, the binary view, the console with its logs.
    for (const tab of ['Run', 'Binary', 'Console', 'Settings']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForTimeout(200);
    }
    await page.getByRole('tab', { name: 'Console' }).click();
    await page.getByRole('tabpanel').getByText(XSS).last().click();
    await expect(page.getByRole('tabpanel')).toContainText(XSS);
    await expectNoInjection(page);
    // A second upload whose WAT fails to deploy: the error notice quotes the hostile import.
    await page.getByLabel('Upload').setInputFiles({
      name: 'broken.wat',
      mimeType: 'text/plain',
      buffer: Buffer.from(`(module (import "${XSS}" "f" (func)))`),
    });
    await expect(sidebar).toContainText('broken');
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Unknown import module' })).toContainText(XSS);
    await expectNoInjection(page);
  });

  test('a share link whose function name, source, inputs and file names are hostile', async ({ page }) => {
    const wat = `;; ${XSS}
(module (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1) (data (i32.const 16) "${XSS}\\n")
  (func (export "_start") (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const ${XSS.length + 1}))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`;
    const fragment = encodeShare({
      functions: [
        {
          name: XSS,
          source: { kind: 'wat', text: wat },
          config: { timeoutMs: 5000, memoryMiB: 64, instance: 'fresh' },
          wasi: {
            argv: [XSS],
            env: { X: XSS },
            stdin: XSS,
            files: { [`${XSS}.txt`]: new TextEncoder().encode(XSS) },
          },
        },
      ],
      open: XSS,
    });
    await page.goto(`/${fragment}`);
    await page.waitForFunction(() => typeof window.faas?.invoke === 'function');
    const sidebar = page.getByRole('navigation', { name: 'Functions' });
    await expect(sidebar).toContainText(XSS);
    await page.getByRole('button', { name: 'Run', exact: true }).first().click();
    await expect.poll(() => page.evaluate(() => window.faas.invocations().length)).toBe(1);
    const inv = await page.evaluate(() => window.faas.invocations()[0]);
    expect([inv.outcome, inv.stdout]).toEqual(['ok', `${XSS}\n`]);
    for (const tab of ['Run', 'Console', 'Binary', 'Settings']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForTimeout(200);
    }
    await page.getByRole('tab', { name: 'Run' }).click();
    await expect(page.getByRole('tabpanel')).toContainText(XSS);
    await expectNoInjection(page);
  });
});
