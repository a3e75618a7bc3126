// The platform core in real Chromium, driven through window.faas.
import { expect, test } from '@playwright/test';
import { deploy, failOnPageErrors, openApp } from './support/faas';
import { sample } from './support/samples';

test.beforeEach(async ({ page }) => {
  await openApp(page);
});

test('every sample deploys and returns the right value', async ({ page }) => {
  const errors = failOnPageErrors(page);
  const cases: [string, unknown[], unknown, Record<string, unknown>?][] = [
    ['answer', [], 42],
    ['sum', [5, 2], 7],
    ['fib', [20], 6765],
    ['counter', [], 1],
    ['hello-log', [], 30],
    ['sleep', [20], null],
  ];
  for (const [name, args, want] of cases) {
    await deploy(page, name, sample(name));
    const inv = await page.evaluate(([n, a]) => window.faas.invoke(n as string, a as number[]), [
      name,
      args,
    ] as const);
    expect(inv.outcome, `${name}: ${inv.error}`).toBe('ok');
    expect(inv.result, name).toEqual(want);
  }
  const hello = await page.evaluate(() => window.faas.invocations('hello-log')[0]);
  expect(hello.logs).toEqual(['Hello from a nanoprocess! 👋']);
  const sleep = await page.evaluate(() => window.faas.invocations('sleep')[0]);
  expect(sleep.timings.exec).toBeGreaterThanOrEqual(19);
  await deploy(page, 'hog', sample('memory-hog'), { memoryMiB: 2 });
  const hog = await page.evaluate(() => window.faas.invoke('hog'));
  expect(hog.outcome).toBe('ok');
  expect(hog.result).toBe(32); // 2 MiB = 32 pages: memory.grow refused past the cap
  expect(hog.memoryBytes).toBe(2 * 1024 * 1024);
  expect(errors).toEqual([]);
});

test('a timeout ends stuck as timeout, never before its limit, and the next call runs', async ({ page }) => {
  await deploy(page, 'stuck', sample('stuck'), { timeoutMs: 300 });
  await deploy(page, 'sum', sample('sum'));
  const r = await page.evaluate(async () => {
    const t0 = performance.now();
    const inv = await window.faas.invoke('stuck');
    const at = performance.now() - t0;
    const after = await window.faas.invoke('sum', [40, 2]);
    return { outcome: inv.outcome, error: inv.error, exec: inv.timings.exec, at, after: after.result };
  });
  expect(r.outcome).toBe('timeout');
  expect(r.error).toBe('Timed out after 300 ms; the nanoprocess was terminated');
  // Not before the limit. How soon after it is a benchmark (npm run bench: timeout), not a test.
  expect(r.at).toBeGreaterThanOrEqual(299);
  expect(r.exec).toBeGreaterThanOrEqual(299);
  expect(r.after).toBe(42);
});

test('a call that hangs behind short calls of its batch times out by itself; the short ones end ok', async ({
  page,
}) => {
  // run(n) returns n, except run(3), which never ends.
  const wat = `(module (func (export "run") (param i32) (result i32)
    (loop $spin (br_if $spin (i32.eq (local.get 0) (i32.const 3))))
    (local.get 0)))`;
  await page.evaluate(() => window.faas.config({ maxWorkers: 1, prewarm: 1 }));
  await deploy(page, 'f', wat, { timeoutMs: 200 });
  const r = await page.evaluate(async () => {
    // Short calls teach the scheduler to pipeline f behind a running call.
    for (let i = 0; i < 5; i++) await window.faas.invoke('f', [9]);
    // 0 goes to the idle worker; 1, 2 and 3 queue inside it as one batch, whose answers the
    // worker holds while the next call runs: 1 and 2 are held when 3 starts spinning.
    const all = await Promise.all([0, 1, 2, 3].map((i) => window.faas.invoke('f', [i])));
    return all.map((inv) => ({ outcome: inv.outcome, result: inv.result, error: inv.error }));
  });
  expect(r.map((x) => x.outcome)).toEqual(['ok', 'ok', 'ok', 'timeout']);
  expect(r.slice(0, 3).map((x) => x.result)).toEqual([0, 1, 2]);
  expect(r[3].error).toBe('Timed out after 200 ms; the nanoprocess was terminated');
  // How: the platform could not tell which call of the batch was running, so it sent 1, 2 and 3
  // again, each alone, instead of reporting 1 as the timeout. Which worker ran 1 is not checked:
  // an answer that took over 0.5 ms (a preempted thread) is not held, and then nothing is retried.
  // The unit test (platform.test.ts) checks the retries on the manual clock.
});

test('sum keeps answering while stuck spins on another worker', async ({ page }) => {
  // A limit longer than any machine needs for the sums: stuck is still spinning when they are done.
  await deploy(page, 'stuck', sample('stuck'), { timeoutMs: 600_000 });
  await deploy(page, 'sum', sample('sum'));
  const r = await page.evaluate(async () => {
    let stuckSettled = false;
    const stuck = window.faas.invoke('stuck').then((inv) => {
      stuckSettled = true;
      return inv;
    });
    const sums: number[] = [];
    for (let i = 0; i < 20; i++) sums.push((await window.faas.invoke('sum', [i, 1])).result as number);
    const stillSpinning = !stuckSettled;
    const stopped = await window.faas.stopAll('stuck');
    const s = await stuck;
    return { sums, stillSpinning, stopped, outcome: s.outcome, error: s.error };
  });
  expect(r.sums).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  expect(r.stillSpinning).toBe(true);
  expect(r.stopped).toBe(1);
  expect(r.outcome).toBe('error');
  expect(r.error).toMatch(/^Stopped by the user/);
});

test('the memory cap rejects at deploy and refuses growth', async ({ page }) => {
  const big = '(module (memory 2048))'; // 128 MiB
  const err = await page.evaluate(
    (w) =>
      window.faas.deploy('big', w, { memoryMiB: 64 }).then(
        () => 'deployed',
        (e: Error) => e.message,
      ),
    big,
  );
  expect(err).toMatch(/128 MiB/);
  expect(err).toMatch(/64 MiB/);
  // An imported memory gets the cap as its maximum.
  const imported = `(module (import "platform" "memory" (memory 1))
    (func (export "_start") (result i32) (memory.grow (i32.const 100))))`;
  await deploy(page, 'imp', imported, { memoryMiB: 4 });
  const inv = await page.evaluate(() => window.faas.invoke('imp'));
  expect(inv.outcome).toBe('ok');
  expect(inv.result).toBe(-1);
  // A trap with memory sitting at the cap is reported as memory-limit.
  const fill = `(module (memory (export "memory") 1)
    (func (export "_start")
      (drop (memory.grow (i32.const 15)))
      (i32.store (i32.const 0x7fffffff) (i32.const 1))))`;
  await deploy(page, 'fill', fill, { memoryMiB: 1 });
  const f = await page.evaluate(() => window.faas.invoke('fill'));
  expect(f.outcome).toBe('memory-limit');
});

test('fresh vs reuse: the counter shows which instance ran', async ({ page }) => {
  await deploy(page, 'fresh', sample('counter'), { instance: 'fresh' });
  await deploy(page, 'reuse', sample('counter'), { instance: 'reuse' });
  const r = await page.evaluate(async () => {
    const fresh = [],
      reuse = [];
    for (let i = 0; i < 3; i++) fresh.push(await window.faas.invoke('fresh'));
    for (let i = 0; i < 3; i++) reuse.push(await window.faas.invoke('reuse'));
    return {
      fresh: fresh.map((i) => [i.result, i.instance]),
      reuse: reuse.map((i) => [i.result, i.instance, i.start]),
    };
  });
  expect(r.fresh).toEqual([
    [1, 'new'],
    [1, 'new'],
    [1, 'new'],
  ]);
  expect(r.reuse).toEqual([
    [1, 'new', 'cold'],
    [2, 'reused', 'warm'],
    [3, 'reused', 'warm'],
  ]);
});

test('cold then warm, with the breakdown recorded', async ({ page }) => {
  await page.evaluate(() => window.faas.config({ prewarm: 0, maxWorkers: 2 }));
  await deploy(page, 'answer', sample('answer'));
  const [a, b] = await page.evaluate(async () => [
    await window.faas.invoke('answer'),
    await window.faas.invoke('answer'),
  ]);
  expect(a.start).toBe('cold');
  expect(b.start).toBe('warm');
  expect(a.timings.total).toBeGreaterThan(0);
  expect(b.timings.spawn).toBe(0);
  expect(b.timings.compile).toBe(0);
  for (const k of ['queue', 'spawn', 'compile', 'instantiate', 'exec', 'total'] as const) {
    expect(typeof a.timings[k]).toBe('number');
  }
});

test('the queue is FIFO and throttles past its bound', async ({ page }) => {
  await page.evaluate(() => window.faas.config({ maxWorkers: 1, prewarm: 1, maxQueue: 5 }));
  await deploy(page, 'sleep', sample('sleep'));
  await page.evaluate(() => window.faas.invoke('sleep', [1]));
  const r = await page.evaluate(async () => {
    const calls = Array.from({ length: 10 }, () => window.faas.invoke('sleep', [30]));
    const invs = await Promise.all(calls);
    return invs.map((i) => ({ id: i.id, outcome: i.outcome, ended: i.endedAt }));
  });
  // One runs at once, five wait, the rest are throttled straight away.
  const ok = r.filter((x) => x.outcome === 'ok');
  const throttled = r.filter((x) => x.outcome === 'throttled');
  expect(ok.length).toBe(6);
  expect(throttled.length).toBe(4);
  const byEnd = [...ok].sort((a, b) => a.ended - b.ended).map((x) => x.id);
  expect(byEnd).toEqual(ok.map((x) => x.id).sort((a, b) => a - b));
});

test('number types round-trip: i64, f32, f64, NaN, -0 and multi-value', async ({ page }) => {
  await deploy(page, 'multi', sample('multi'));
  const r = await page.evaluate(async () => {
    const f = window.faas;
    const big = await f.invoke('multi', ['-9007199254740993', '2']);
    const nan = await f.invoke('multi', ['NaN', 1], { export: 'div64' });
    const negz = await f.invoke('multi', ['0'], { export: 'neg32' });
    const inf = await f.invoke('multi', [1, '-0'], { export: 'div64' });
    const swap = await f.invoke('multi', [1, 2], { export: 'swap' });
    return {
      big: (big.result as bigint[]).map(String),
      nan: Number.isNaN(nan.result),
      negz: Object.is(negz.result, -0),
      inf: inf.result,
      swap: swap.result,
    };
  });
  expect(r.big).toEqual(['-9007199254740991', '-18014398509481986']);
  expect(r.nan).toBe(true);
  expect(r.negz).toBe(true);
  expect(r.inf).toBe(-Infinity);
  expect(r.swap).toEqual([2, 1]);
});

test('bad input gets a clear error and the platform keeps serving', async ({ page }) => {
  await deploy(page, 'sum', sample('sum'));
  const r = await page.evaluate(async () => {
    const f = window.faas;
    const msg = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: Error) => e.message,
      );
    return {
      wat: await msg(f.deploy('bad', '(module (func (result i32) i32.ad))')),
      notWasm: await msg(f.deploy('bad', new TextEncoder().encode('hello, not wasm'))),
      truncated: await msg(f.deploy('bad', new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1]))),
      unknownImport: await msg(f.deploy('bad', '(module (import "env" "f" (func)))')),
      unknownFn: await msg(f.invoke('nope')),
      unknownExport: await msg(f.invoke('sum', [1, 2], { export: 'nope' })),
      argCount: await msg(f.invoke('sum', [1])),
      argType: await msg(f.invoke('sum', [1, 'two'])),
      stillWorks: (await f.invoke('sum', [2, 3])).result,
    };
  });
  expect(r.wat).toMatch(/line 1, column \d+/);
  expect(r.notWasm).toMatch(/Not a WebAssembly module/);
  expect(r.truncated).toMatch(/[Tt]runcated|ends/);
  expect(r.unknownImport).toMatch(/Unknown import module "env"/);
  expect(r.unknownFn).toMatch(/No function named "nope"/);
  expect(r.unknownExport).toMatch(/no exported function "nope"/);
  expect(r.argCount).toMatch(/expects 2 arguments/);
  expect(r.argType).toMatch(/argument 2/);
  expect(r.stillWorks).toBe(5);
});

test('failures end as trap or timeout with a message', async ({ page }) => {
  await deploy(page, 'trap', sample('trap'));
  await deploy(
    page,
    'deep',
    `(module (func $f (export "_start") (param i32) (result i32)
    (i32.add (i32.const 1) (call $f (i32.add (local.get 0) (i32.const 1))))))`,
  );
  await deploy(page, 'loopstart', `(module (func $s loop br 0 end) (start $s) (func (export "_start")))`, {
    timeoutMs: 200,
  });
  const r = await page.evaluate(async () => {
    const f = window.faas;
    const div = await f.invoke('trap', [1, 0], { export: 'divide' });
    const unr = await f.invoke('trap', [], { export: 'unreachable' });
    const oob = await f.invoke('trap', [], { export: 'oob' });
    const deep = await f.invoke('deep', [0]);
    const start = await f.invoke('loopstart');
    return [div, unr, oob, deep, start].map((i) => [i.outcome, i.error ?? '']);
  });
  expect(r[0][0]).toBe('trap');
  expect(r[0][1]).toMatch(/divide by zero/);
  expect(r[1]).toEqual(['trap', expect.stringMatching(/unreachable/)]);
  expect(r[2]).toEqual(['trap', expect.stringMatching(/out of bounds/)]);
  expect(r[3]).toEqual(['trap', expect.stringMatching(/stack/)]);
  expect(r[4][0]).toBe('timeout');
});
