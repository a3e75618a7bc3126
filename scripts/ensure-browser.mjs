#!/usr/bin/env node
// Makes sure a Chromium is available for Playwright (run before e2e tests, bench and fuzz).
//
//   1. If scripts/browser.mjs finds one, say which and exit 0.
//   2. Else try `npx playwright install chromium` (works on an ordinary laptop).
//   3. Else, on Linux as root with apt-get (CI machines), install Debian's `chromium`.
//   4. Else exit 1 with instructions.
//
// Set ENSURE_BROWSER_NO_INSTALL=1 to only look, never install.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from './browser.mjs';

const log = (msg) => console.log(`[ensure-browser] ${msg}`);

function version(path) {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 15_000 });
  const out = (r.stdout ?? '').trim().split('\n').pop();
  return r.status === 0 && out ? ` — ${out}` : '';
}

function reportFound() {
  const found = findChromium();
  if (found.path) log(`Using Chromium at ${found.path} (${found.source})${version(found.path)}`);
  return found;
}

function run(cmd, args, extraEnv = {}) {
  log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...extraEnv },
  });
  if (r.error) log(`could not run ${cmd}: ${r.error.message}`);
  return r.status === 0;
}

let found = reportFound();
if (found.path) process.exit(0);

if (process.env.CHROMIUM_PATH) {
  // The user asked for a specific browser; installing another one would hide the mistake.
  log(`${found.source}. Fix or unset CHROMIUM_PATH.`);
  process.exit(1);
}

if (process.env.ENSURE_BROWSER_NO_INSTALL === '1') {
  log('No Chromium found and ENSURE_BROWSER_NO_INSTALL=1, so not installing one.');
  process.exit(1);
}

log('No Chromium found. Trying Playwright’s own browser download…');
if (run('npx', ['--no-install', 'playwright', 'install', 'chromium'])) {
  found = reportFound();
  if (found.path) {
    log('Installed Playwright’s Chromium.');
    process.exit(0);
  }
}
log('Playwright could not install its browser (no network access to its download host?).');

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (process.platform === 'linux' && isRoot && existsSync('/usr/bin/apt-get')) {
  log('Installing Debian’s chromium package with apt-get instead…');
  const aptEnv = { DEBIAN_FRONTEND: 'noninteractive' };
  if (run('apt-get', ['update'], aptEnv) && run('apt-get', ['install', '-y', 'chromium'], aptEnv)) {
    found = reportFound();
    if (found.path) {
      log('Installed Debian’s chromium.');
      process.exit(0);
    }
  }
  log('apt-get did not produce a usable Chromium.');
}

console.error(`
[ensure-browser] ERROR: no Chromium available for Playwright.
Fix one of these ways, then re-run:
  • npx playwright install chromium            (Playwright's own browser; needs internet access)
  • sudo apt-get install chromium              (Debian/Ubuntu; found at /usr/bin/chromium)
  • install Google Chrome                      (found at /usr/bin/google-chrome or /Applications)
  • CHROMIUM_PATH=/path/to/chrome npm run …    (any Chromium-based browser binary)
`);
process.exit(1);
