// WASI preview 1 programs through the whole platform, in real Chromium: the C samples in
// samples/wasi (compiled .wasm) deploy, run with their index.json inputs and print exactly the
// checked-in expected output; exit codes, timeouts, the memory cap, streaming and reuse.
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { deploy, failOnPageErrors, openApp } from './support/faas';
import { showPanel } from './support/panels';
import { clickRun, openPlayground, pickSample, replaceEditorText, runButton } from './support/playground';
import { sample } from './support/samples';
import {
  callOf,
  deployWasm,
  invokeWasi,
  wasiBytes,
  wasiIndex,
  wasiSample,
  wasiText,
  type WasiCall,
} from './support/wasi';

async function shot(page: Page, testInfo: TestInfo, name: string) {
  await showPanel(page, 'Console');
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
}

test.beforeEach(async ({ page }) => {
  await openApp(page);
});

test('every sample program prints its expected output, exit code and files', async ({ page }, testInfo) => {
  const errors = failOnPageErrors(page);
  const runnable = wasiIndex.filter((s) => s.expected);
  expect(runnable.map((s) => s.name)).toEqual(
    expect.arrayContaining([
      'nop',
      'cat-sync',
      'nbody',
      'fannkuch-redux',
      'mandelbrot',
      'binary-trees',
      'exit3',
      'env-echo',
      'write-file',
    ]),
  );
  for (const s of runnable) {
    const info = await deployWasm(page, s.name, s.file);
    expect(info.kind, s.name).toBe('wasi-command');
    const r = await invokeWasi(page, s.name, callOf(s));
    expect(r.outcome, `${s.name}: ${r.error}`).toBe('ok');
    expect(r.stdout, s.name).toBe(wasiText(s.expected!));
    expect(r.exitCode, s.name).toBe(s.exitCode ?? 0);
    if (s.expectedStderr) expect(r.stderr, s.name).toBe(wasiText(s.expectedStderr));
    else expect(r.stderr, s.name).toBe('');
    // Exactly the files the program wrote come back: never the unchanged inputs.
    expect(Object.keys(r.files).sort(), s.name).toEqual(Object.keys(s.expectedFiles ?? {}).sort());
    for (const [path, want] of Object.entries(s.expectedFiles ?? {}))
      expect(r.files[path], `${s.name} ${path}`).toEqual(wasiBytes(want));
  }
  expect(errors).toEqual([]);
  await shot(page, testInfo, 'wasi-samples');
});

test('cat-sync reads the file it is given, by relative or absolute path, and nothing else', async ({
  page,
}, testInfo) => {
  await deployWasm(page, 'cat-sync', 'cat-sync.wasm');
  const files = { 'notes.txt': 'given in files ✓\n', 'deep/er/a.txt': 'nested\n' };
  for (const [path, want] of [
    ['notes.txt', 'given in files ✓\n'],
    ['/notes.txt', 'given in files ✓\n'],
    ['deep/er/a.txt', 'nested\n'],
  ]) {
    const r = await invokeWasi(page, 'cat-sync', { argv: [path], files });
    expect(r.outcome).toBe('ok');
    expect(r.exitCode, path).toBe(0);
    expect(r.stdout, path).toBe(want);
    expect(r.files, path).toEqual({});
  }
  // Outside the given files there is nothing: no host filesystem, no way up.
  for (const path of ['missing.txt', '../../etc/passwd', '/etc/hostname']) {
    const r = await invokeWasi(page, 'cat-sync', { argv: [path], files });
    expect(r.outcome, path).toBe('ok');
    expect(r.exitCode, path).toBe(1);
    expect(r.stderr, path).toMatch(/cat-sync: cannot open/);
  }
  await shot(page, testInfo, 'wasi-cat-sync');
});

test('mandelbrot returns its PBM and env-echo sees argv, env, stdin, the clock and randomness', async ({
  page,
}, testInfo) => {
  const m = wasiSample('mandelbrot');
  await deployWasm(page, 'mandelbrot', m.file);
  const r = await invokeWasi(page, 'mandelbrot', callOf(m));
  expect(r.stdout).toBe(wasiText(m.expected!));
  expect(r.files['mandelbrot.pbm']).toEqual(wasiBytes('expected/mandelbrot.pbm'));
  expect(String.fromCharCode(...r.files['mandelbrot.pbm'].slice(0, 11))).toBe('P4\n200 200\n');

  const e = wasiSample('env-echo');
  await deployWasm(page, 'env-echo', e.file);
  const out = await invokeWasi(page, 'env-echo', callOf(e));
  expect(out.stdout).toBe(wasiText(e.expected!));
  expect(out.stdout).toContain('argv[3]=ünïcödé');
  expect(out.stdout).toContain('time() > 0: yes');
  expect(out.stdout).toContain('getentropy: 8 bytes\n');
  await shot(page, testInfo, 'wasi-files-env');
});

test('exit(3) is exit code 3 with outcome ok; a trap is still a trap', async ({ page }, testInfo) => {
  await deployWasm(page, 'exit3', 'exit3.wasm');
  const r = await invokeWasi(page, 'exit3');
  expect(r.outcome).toBe('ok');
  expect(r.exitCode).toBe(3);
  expect(r.error).toBeUndefined();
  expect(r.stdout).toBe('exiting with 3\n');
  expect(r.stderr).toBe('exit3: this line goes to stderr\n');
  await deploy(
    page,
    'wasi-trap',
    `(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
       (memory (export "memory") 1)
       (func (export "_start") unreachable))`,
  );
  const t = await invokeWasi(page, 'wasi-trap');
  expect(t.outcome).toBe('trap');
  expect(t.exitCode).toBeUndefined();
  await shot(page, testInfo, 'wasi-exit3');
});

test('spin ends as a timeout and the platform keeps answering', async ({ page }, testInfo) => {
  await deployWasm(page, 'spin', 'spin.wasm', { timeoutMs: 500 });
  await deploy(page, 'sum', sample('sum'));
  const t0 = Date.now();
  const r = await invokeWasi(page, 'spin');
  const took = Date.now() - t0;
  expect(r.outcome).toBe('timeout');
  expect(r.error).toMatch(/Timed out after 500 ms/);
  expect(took).toBeGreaterThanOrEqual(500); // not before its limit
  const sum = await page.evaluate(() => window.faas.invoke('sum', [40, 2]));
  expect(sum.result).toBe(42);
  await shot(page, testInfo, 'wasi-spin');
});

test('malloc-hog under a 4 MiB cap ends with its own error exit, and sum still works', async ({
  page,
}, testInfo) => {
  const s = wasiSample('malloc-hog');
  await deployWasm(page, 'malloc-hog', s.file, { memoryMiB: 4 });
  await deploy(page, 'sum', sample('sum'));
  const r = await invokeWasi(page, 'malloc-hog');
  if (r.outcome === 'ok') {
    expect(r.exitCode).toBe(s.exitCode);
    expect(r.stdout).toMatch(new RegExp(s.stdoutPattern!));
    const mib = Number(/allocated (\d+) MiB/.exec(r.stdout)![1]);
    expect(mib).toBeGreaterThanOrEqual(1);
    expect(mib).toBeLessThan(4);
  } else {
    expect(r.outcome).toBe('memory-limit');
  }
  expect(r.memoryBytes).toBeLessThanOrEqual(4 * 1024 * 1024);
  const sum = await page.evaluate(() => window.faas.invoke('sum', [2, 3]));
  expect(sum.outcome).toBe('ok');
  expect(sum.result).toBe(5);
  await shot(page, testInfo, 'wasi-malloc-hog');
});

test('stdout streams into the Run panel while the program runs, before the call ends', async ({
  page,
}, testInfo) => {
  await openPlayground(page);
  // Prints a line with fd_write to stdout and stderr, then spins until stopped.
  await replaceEditorText(
    page,
    `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "started, now spinning\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 22))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
    (loop $spin (br $spin))))`,
  );
  // A long timeout, so only Stop ends the call.
  const settings = await showPanel(page, 'Settings');
  await settings.getByLabel('Timeout (ms)').fill('600000');
  await settings.getByLabel('Timeout (ms)').press('Enter');
  const run = await showPanel(page, 'Run');
  await runButton(page).click();
  const live = run.getByLabel('Output so far');
  await expect(live).toHaveText('started, now spinning\nstarted, now spinning\n');
  // It arrived while the program was still spinning: the call is still running.
  await expect(run.getByRole('button', { name: 'Stop' })).toBeEnabled();
  await run.getByRole('button', { name: 'Stop' }).click();
  await expect(live).toHaveCount(0);
  await shot(page, testInfo, 'wasi-streaming');
  const rec = await page.evaluate(() => window.faas.invocations().at(-1)!);
  expect(rec.outcome).toBe('error');
  expect(rec.error).toMatch(/Stopped by the user/);
});

test('reactors are initialised once and reused; commands get a new instance every call', async ({
  page,
}, testInfo) => {
  // A reactor: _initialize sets the counter to 100; bump adds one and prints nothing.
  const reactor = `(module
    (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (global $n (mut i32) (i32.const 0))
    (func (export "_initialize") (global.set $n (i32.const 100)))
    (func (export "bump") (result i32)
      (global.set $n (i32.add (global.get $n) (i32.const 1)))
      (global.get $n)))`;
  await deploy(page, 'reactor', reactor, { instance: 'reuse' });
  const info = await page.evaluate(() => window.faas.functions().find((f) => f.name === 'reactor')!);
  expect(info.kind).toBe('wasi-reactor');
  const calls = [];
  for (let i = 0; i < 3; i++) calls.push(await invokeWasi(page, 'reactor', { export: 'bump' }));
  expect(calls.map((c) => c.outcome)).toEqual(['ok', 'ok', 'ok']);
  const results = await page.evaluate(() =>
    window.faas.invocations('reactor').map((i) => [i.result, i.instance]),
  );
  expect(results).toEqual([
    [101, 'new'],
    [102, 'reused'],
    [103, 'reused'],
  ]);

  await deployWasm(page, 'nop', 'nop.wasm', { instance: 'reuse' });
  const nops = [];
  for (let i = 0; i < 3; i++) nops.push(await invokeWasi(page, 'nop'));
  expect(nops.map((n) => [n.outcome, n.exitCode, n.instance])).toEqual([
    ['ok', 0, 'new'],
    ['ok', 0, 'new'],
    ['ok', 0, 'new'],
  ]);
  await shot(page, testInfo, 'wasi-reuse');
});

test('files can hold empty directories and symlinks; preopens choose what the program can open', async ({
  page,
}) => {
  await deployWasm(page, 'cat-sync', 'cat-sync.wasm');
  const run = async (argv: string[], files: WasiCall['files'], preopens?: string[]) => {
    const r = await invokeWasi(page, 'cat-sync', { argv, files, ...(preopens ? { preopens } : {}) });
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, files: Object.keys(r.files) };
  };
  const files: WasiCall['files'] = {
    'notes.txt': 'through the link\n',
    link: { symlink: 'notes.txt' },
    empty: { directory: true },
  };
  expect(await run(['link'], files)).toEqual({
    exitCode: 0,
    stdout: 'through the link\n',
    stderr: '',
    files: [],
  });
  const dir = await run(['empty'], files);
  expect(dir.exitCode).toBe(1);
  expect(dir.stderr).toMatch(/read from 'empty' failed: Is a directory/);
  // Only "/": relative paths still resolve (against the working directory "/").
  expect((await run(['notes.txt'], files, ['/'])).stdout).toBe('through the link\n');
  // No preopened directory: nothing to open at all.
  const none = await run(['notes.txt'], files, []);
  expect(none.exitCode).toBe(1);
  expect(none.stderr).toMatch(/cannot open 'notes.txt'/);

  const rejection = (options: object) =>
    page.evaluate(
      (o) =>
        window.faas.invoke('cat-sync', [], o as object).then(
          () => 'resolved',
          (e: Error) => `${e.name}: ${e.message}`,
        ),
      options,
    );
  expect(await rejection({ preopens: '/' })).toMatch(
    /ArgumentError: preopens must be an array of directory names/,
  );
  expect(await rejection({ files: { d: { directory: false } } })).toMatch(
    /ArgumentError: file "d" must be a string, a Uint8Array, \{ directory: true \} or \{ symlink: "target" \}/,
  );
  expect(await rejection({ files: { l: { symlink: '' } } })).toMatch(
    /ArgumentError: symlink "l" needs a target/,
  );
  expect(await rejection({ files: { a: 'x', 'a/b': 'y' } })).toMatch(
    /"a" cannot be both a file and a directory/,
  );
});

test('pre-instantiation: a warm call runs on an instance made ahead, and Settings switches it off', async ({
  page,
}, testInfo) => {
  const errors = failOnPageErrors(page);
  await openPlayground(page);
  await pickSample(page, 'nop');
  const run = await showPanel(page, 'Run');
  const made = run.getByTestId('timing-ahead');
  // The first call makes its own instance; the worker then makes the next one while it is idle
  // (a timer right after the answer, long before the next click reaches it).
  const first = await clickRun(page, 'nop');
  expect(first.outcome).toBe('ok');
  expect(first.timings.ahead).toBeUndefined();
  await expect(made).toHaveCount(0);
  const second = await clickRun(page, 'nop');
  expect(second.start).toBe('warm');
  expect(second.worker).toBe(first.worker);
  // What making it took (0.04 ms for nop: with the page's coarse timer it may read 0).
  expect(second.timings.ahead).toBeGreaterThanOrEqual(0);
  await expect(made).toContainText('made ahead');
  await page.screenshot({ path: testInfo.outputPath('made-ahead.png') });

  // Off (as a lesson may set it): every call makes its own instance again, on its path.
  const settings = await showPanel(page, 'Settings');
  await settings.getByTestId('set-preinstantiate').uncheck();
  expect(await page.evaluate(() => window.faas.config().preinstantiate)).toBe(false);
  await showPanel(page, 'Run');
  for (let i = 0; i < 2; i++) {
    const inv = await clickRun(page, 'nop');
    expect(inv.start).toBe('warm');
    expect(inv.timings.ahead).toBeUndefined();
  }
  await expect(made).toHaveCount(0);
  expect(errors).toEqual([]);
});
