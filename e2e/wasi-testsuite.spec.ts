// The official WASI preview-1 conformance suite (WebAssembly/wasi-testsuite, vendored in
// tests/wasi-testsuite) through the whole platform in real Chromium: every test deploys through
// window.faas, runs with its spec's argv, env and root directory (preopened as "/", or no
// preopened directory when the spec has no root), and must end with the spec's exit code and
// exactly its stdout/stderr. One Playwright test per suite test, all in one page.
import { expect, test as base, type Page } from '@playwright/test';
import { failOnPageErrors, openApp } from './support/faas';
import { deployWasm, invokeWasi, type WasiCall } from './support/wasi';
import { loadSuite } from './support/wasi-testsuite';

const suite = loadSuite();

/** One page for the whole file: the app opens once, and each test deploys and invokes in it. */
const test = base.extend<object, { suitePage: { page: Page; errors: string[] } }>({
  suitePage: [
    async ({ browser }, use) => {
      const page = await browser.newPage();
      const errors = failOnPageErrors(page);
      await openApp(page);
      await use({ page, errors });
      await page.close();
    },
    { scope: 'worker' },
  ],
});

test('the vendored suite has all 72 preview-1 tests', () => {
  expect(suite.length).toBe(72);
  expect(suite.filter((t) => t.id.startsWith('c/')).length).toBe(14);
  expect(suite.filter((t) => t.id.startsWith('rust/')).length).toBe(46);
  expect(suite.filter((t) => t.id.startsWith('assemblyscript/')).length).toBe(12);
});

for (const t of suite) {
  test(`wasi-testsuite ${t.id}`, async ({ suitePage: { page, errors } }) => {
    const files: WasiCall['files'] = {};
    for (const [path, entry] of Object.entries(t.root ?? {}))
      files[path] = entry instanceof Uint8Array ? { base64: Buffer.from(entry).toString('base64') } : entry;
    const name = t.id.replace(/[^A-Za-z0-9_-]/g, '-');
    await deployWasm(page, name, t.wasm);
    const { outcome, error, exitCode, stdout, stderr } = await invokeWasi(page, name, {
      argv: t.args,
      env: t.env,
      files,
      preopens: t.root ? ['/'] : [],
    });
    await page.evaluate((n) => window.faas.undeploy(n), name);
    const r = { outcome, error, exitCode, stdout, stderr };
    // The whole result in one comparison: a failure shows the program's own stderr (its panic).
    expect(r).toEqual({
      outcome: 'ok',
      error: undefined,
      exitCode: t.exitCode,
      stdout: t.stdout ?? r.stdout,
      stderr: t.stderr ?? r.stderr,
    });
    expect(errors).toEqual([]);
  });
}
