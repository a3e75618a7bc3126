// Where to find a Chromium for e2e tests, benchmarks and fuzzing, and how to launch it.
//
// Order of preference:
//   1. $CHROMIUM_PATH (if set it must exist; we never silently fall back past it)
//   2. Playwright's own bundled Chromium, if `npx playwright install chromium` has been run
//      (the normal case on a developer laptop; version-matched to Playwright)
//   3. A system browser: /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome,
//      Google Chrome / Chromium on macOS (the normal case on CI, where Playwright cannot
//      download its own browsers and Debian's `chromium` package is used instead)
//
// Used by playwright.config.ts, scripts/ensure-browser.mjs and bench/*.mjs:
//   import { chromium } from '@playwright/test';
//   import { launchOptions } from '../scripts/browser.mjs';
//   const browser = await chromium.launch(launchOptions());

import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Flags needed on the sandboxed CI machines (root, no GPU, no network but the registries). */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]);

const SYSTEM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  ...(process.platform === 'darwin'
    ? [
        '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
        '/Applications/Chromium.app/Contents/MacOS/Chromium',
      ]
    : []),
];

function isExecutable(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Path of Playwright's bundled Chromium if it is installed, else undefined. */
function playwrightChromium() {
  for (const pkg of ['playwright-core', '@playwright/test']) {
    let chromium;
    try {
      ({ chromium } = require(pkg));
    } catch {
      continue; // not installed (e.g. before `npm ci`)
    }
    try {
      const path = chromium.executablePath();
      return path && isExecutable(path) ? path : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * @returns {{ path: string | undefined; source: string }}
 *   source is 'CHROMIUM_PATH', 'playwright' or 'system' when found; an explanation otherwise.
 */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    return isExecutable(fromEnv)
      ? { path: fromEnv, source: 'CHROMIUM_PATH' }
      : { path: undefined, source: `CHROMIUM_PATH=${fromEnv} is not an executable file` };
  }
  const bundled = playwrightChromium();
  if (bundled) return { path: bundled, source: 'playwright' };
  for (const candidate of SYSTEM_CANDIDATES) {
    if (isExecutable(candidate)) return { path: candidate, source: 'system' };
  }
  return { path: undefined, source: 'none found' };
}

/**
 * Options for playwright's `chromium.launch()` / `use.launchOptions`.
 * executablePath is undefined when Playwright's own browser is to be used (Playwright then
 * picks its headless shell itself) or when nothing was found (launch will then fail with
 * Playwright's own message; run `node scripts/ensure-browser.mjs` first).
 * @returns {{ executablePath: string | undefined; args: string[] }}
 */
export function launchOptions() {
  const { path, source } = findChromium();
  return {
    executablePath: source === 'playwright' ? undefined : path,
    args: [...CHROMIUM_ARGS],
  };
}
