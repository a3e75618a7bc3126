// The test runner behind `npm test` and `npm run test:long`, ending with one line of totals.
//
//   node scripts/test.mjs          check, lint, unit tests, e2e specs (all but @long)   = npm test
//   node scripts/test.mjs --long   the @long e2e specs: soak, 2,000-case fuzz, multi-MB   = npm run test:long
//   node scripts/test.mjs --summary   adds up the totals the runs above saved (.ci/run ends with it)
//
// Each step streams its own output. The last line is `totals: N passed, N failed, N skipped`,
// counted from Vitest's and Playwright's JSON reports, so a reader of a CI log sees at once what ran.
// A check or lint failure counts as one failed test (it stops the run before the tests).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reports = join(root, 'reports');
const args = process.argv.slice(2);
const long = args.includes('--long');
const suite = long ? 'long' : 'main';

function line(totals) {
  return `totals: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

if (args.includes('--summary')) {
  const sum = { passed: 0, failed: 0, skipped: 0 };
  const parts = [];
  for (const f of existsSync(reports) ? readdirSync(reports).sort() : []) {
    if (!/^totals-.*\.json$/.test(f)) continue;
    const t = readJson(join(reports, f));
    if (!t) continue;
    for (const k of Object.keys(sum)) sum[k] += t[k];
    parts.push(`${t.suite}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped in ${t.seconds} s`);
  }
  if (parts.length === 0) {
    console.log('No test totals were saved (reports/totals-*.json): no test ran.');
    console.log(line(sum));
    process.exit(1);
  }
  for (const p of parts) console.log(p);
  console.log(line(sum));
  process.exit(sum.failed > 0 ? 1 : 0);
}

mkdirSync(reports, { recursive: true });
const t0 = Date.now();
const totals = { suite, passed: 0, failed: 0, skipped: 0, seconds: 0, steps: [] };

function run(name, cmd, cmdArgs, env = {}) {
  const started = Date.now();
  console.log(`\n==> ${name}: ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = Math.round((Date.now() - started) / 1000);
  totals.steps.push({ name, seconds, status: r.status });
  console.log(
    `<== ${name}: ${r.status === 0 ? 'ok' : `failed (exit ${r.status ?? r.signal})`} in ${seconds} s`,
  );
  return r.status === 0;
}

function finish(code) {
  totals.seconds = Math.round((Date.now() - t0) / 1000);
  writeFileSync(join(reports, `totals-${suite}.json`), JSON.stringify(totals, null, 2));
  console.log(
    `\n${totals.steps.map((s) => `${s.name} ${s.seconds} s`).join(', ')}; ${totals.seconds} s in all`,
  );
  console.log(line(totals));
  process.exit(code);
}

/** Adds Playwright's JSON report; a missing report means the run never got to its tests. */
function countE2e(path, ok) {
  const r = readJson(path);
  if (!r?.stats) {
    totals.failed += ok ? 0 : 1;
    return;
  }
  totals.passed += r.stats.expected;
  totals.failed += r.stats.unexpected + r.stats.flaky;
  totals.skipped += r.stats.skipped;
  // A run that failed outside any test (global timeout, web server) still counts as a failure.
  if (!ok && r.stats.unexpected + r.stats.flaky === 0) totals.failed += 1;
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const e2eJson = join(reports, `e2e-${suite}.json`);
rmSync(e2eJson, { force: true });
let ok = true;

if (!long) {
  for (const [name, script] of [
    ['check', 'check'],
    ['lint', 'lint'],
  ]) {
    if (!run(name, npm, ['run', '--silent', script])) {
      totals.failed += 1;
      finish(1);
    }
  }
  const unitJson = join(reports, 'unit.json');
  rmSync(unitJson, { force: true });
  const unitOk = run('unit', npx, [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${unitJson}`,
  ]);
  const u = readJson(unitJson);
  if (u) {
    totals.passed += u.numPassedTests;
    totals.failed += u.numFailedTests;
    totals.skipped += u.numPendingTests + u.numTodoTests;
    if (!unitOk && u.numFailedTests === 0) totals.failed += 1; // failed outside a test (e.g. a file that did not load)
  } else if (!unitOk) totals.failed += 1;
  ok &&= unitOk;
}

if (!run('browser', 'node', ['scripts/ensure-browser.mjs'])) {
  totals.failed += 1;
  finish(1);
}
const e2eOk = run(
  long ? 'e2e (long)' : 'e2e',
  npx,
  ['playwright', 'test', long ? '--grep=@long' : '--grep-invert=@long'],
  {
    E2E_JSON: e2eJson,
    ...(long ? { E2E_OUTPUT_DIR: 'test-results-long', E2E_REPORT_DIR: 'playwright-report-long' } : {}),
  },
);
countE2e(e2eJson, e2eOk);
ok &&= e2eOk;
finish(ok && totals.failed === 0 ? 0 : 1);
