// WebAssembly semantics the platform must not bend, driven through window.faas in real Chromium:
// the cases the official core spec tests found (issue 11, "Correctness").
import { expect, test } from '@playwright/test';
import { deploy, expectNoPageErrors, failOnPageErrors, openApp } from './support/faas';

test.beforeEach(async ({ page }) => {
  await openApp(page);
});

const STATEFUL = `(module
  (memory 0)
  (global $g (mut i32) (i32.const 0))
  (func (export "setThenTrap") (global.set $g (i32.const 7)) unreachable)
  (func (export "get") (result i32) global.get $g)
  (func (export "load0") (result i32) (i32.load (i32.const 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) memory.size))`;

test('with reuse, a trap keeps the instance: grown memory and globals set before it stay', async ({
  page,
}) => {
  const errors = failOnPageErrors(page);
  await page.evaluate(() => window.faas.config({ maxWorkers: 1 }));
  await deploy(page, 'stateful', STATEFUL, { instance: 'reuse' });
  const calls: [string, number[]][] = [
    ['load0', []], // out of bounds: memory has 0 pages
    ['grow', [1]],
    ['load0', []],
    ['size', []],
    ['setThenTrap', []],
    ['get', []],
  ];
  const r = await page.evaluate(async (calls) => {
    const out = [];
    for (const [e, args] of calls) {
      const inv = await window.faas.invoke('stateful', args, { export: e });
      out.push([e, inv.outcome, inv.result ?? null, inv.instance]);
    }
    return out;
  }, calls);
  expect(r).toEqual([
    ['load0', 'trap', null, 'new'],
    ['grow', 'ok', 0, 'reused'],
    ['load0', 'ok', 0, 'reused'],
    ['size', 'ok', 1, 'reused'],
    ['setThenTrap', 'trap', null, 'reused'],
    ['get', 'ok', 7, 'reused'],
  ]);
  await expectNoPageErrors(errors);
});

test('with reuse, a call that hits the memory limit ends the instance', async ({ page }) => {
  await page.evaluate(() => window.faas.config({ maxWorkers: 1 }));
  // The memory is exported: the worker sees whether it sits at the cap through the exports.
  const wat = `(module
    (memory (export "memory") 1)
    (global $g (mut i32) (i32.const 0))
    (func (export "set") (global.set $g (i32.const 5)))
    (func (export "get") (result i32) global.get $g)
    (func (export "beyond") (result i32) (i32.load (i32.const 65536))))`;
  await deploy(page, 'capped', wat, { instance: 'reuse', memoryMiB: 0.0625 }); // one page: at the cap
  const r = await page.evaluate(async () => {
    const f = window.faas;
    const set = await f.invoke('capped', [], { export: 'set' });
    const beyond = await f.invoke('capped', [], { export: 'beyond' });
    const get = await f.invoke('capped', [], { export: 'get' });
    return [set.outcome, beyond.outcome, [get.outcome, get.result, get.instance]];
  });
  expect(r).toEqual(['ok', 'memory-limit', ['ok', 0, 'new']]);
});

test('WAT with non-ASCII text deploys with the right UTF-8 bytes and names', async ({ page }) => {
  const wat = `(module
    (memory 1)
    (data (i32.const 0) "é")
    (func (export "é") (result i32) (i32.load16_u (i32.const 0))))`;
  const info = await deploy(page, 'accents', wat);
  expect(info.module.exports.map((e) => e.name)).toEqual(['é']);
  const inv = await page.evaluate(() => window.faas.invoke('accents', [], { export: 'é' }));
  expect([inv.outcome, inv.result]).toEqual(['ok', 0xa9c3]); // bytes c3 a9, read little-endian
});

test('exports named "" and U+FEFF are distinct and can be invoked', async ({ page }) => {
  // \\ef\\bb\\bf: U+FEFF in UTF-8, as byte escapes in the WAT string.
  const three = `(module
    (func (export "") (result i32) i32.const 1)
    (func (export "\\ef\\bb\\bf") (result i32) i32.const 2)
    (func (export "a") (result i32) i32.const 3))`;
  const info = await deploy(page, 'odd', three);
  expect(info.module.exports.map((e) => e.name)).toEqual(['', '\u{FEFF}', 'a']);
  await deploy(page, 'only-empty', '(module (func (export "") (result i32) i32.const 9))');
  const r = await page.evaluate(async () => {
    const f = window.faas;
    const result = async (name: string, options?: { export: string }) => {
      try {
        const inv = await f.invoke(name, [], options);
        return [inv.outcome, inv.result, inv.export];
      } catch (e) {
        return ['rejected', (e as Error).message];
      }
    };
    return {
      empty: await result('odd', { export: '' }),
      bom: await result('odd', { export: '\u{FEFF}' }),
      unnamed: await result('odd'),
      entry: await result('only-empty'),
    };
  });
  expect(r.empty).toEqual(['ok', 1, '']);
  expect(r.bom).toEqual(['ok', 2, '\u{FEFF}']);
  expect(r.unnamed[0]).toBe('rejected'); // three exports, no entry: say which
  expect(r.unnamed[1]).toMatch(/say which to invoke/);
  expect(r.entry).toEqual(['ok', 9, '']); // the only export is the entry, even when it is named ""
});

test('a binary declaring a memory maximum over 65,536 pages is refused at deploy', async ({ page }) => {
  const r = await page.evaluate(async () => {
    // (memory 0 65537): memory section 5, one memory, flags 1 (has max), min 0, max LEB128 65537.
    const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 6, 1, 1, 0, 0x81, 0x80, 0x04]);
    return window.faas.deploy('too-big', bytes).then(
      () => 'deployed',
      (e: Error) => e.message,
    );
  });
  expect(r).toMatch(
    /^Invalid module: the memory's maximum is 65537 pages, but a 32-bit memory has at most 65536 pages/,
  );
  expect(await page.evaluate(() => window.faas.functions().map((f) => f.name))).not.toContain('too-big');
});
