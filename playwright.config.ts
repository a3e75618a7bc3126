import { defineConfig } from '@playwright/test';
import { launchOptions } from './scripts/browser.mjs';

// e2e tests run against the PRODUCTION build (vite build + vite preview), in headless Chromium.
// Which Chromium: see scripts/browser.mjs (Playwright's own if installed, else the system one).
//
// Escape hatches (environment variables):
//   E2E_NO_WEBSERVER=1   don't build/start the app; use a server you run yourself at E2E_BASE_URL
//   E2E_BASE_URL=...     base URL (default http://localhost:4173)
//   E2E_TEST_DIR=...     run specs from another folder (default e2e)
//   E2E_PORT=...         port for the preview server (default 4173; use another to run two suites at once)
//   E2E_TRACE=...        record traces (default off), e.g. retain-on-failure
//   E2E_SW=allow         let every spec register the service worker (default: only offline.spec.ts)
//   E2E_PREBUILT=1       serve the existing dist/ instead of building first
//   E2E_JSON=...         also write a JSON report there (scripts/test.mjs counts the totals from it)
//   E2E_OUTPUT_DIR=...   screenshots and traces (default test-results); E2E_REPORT_DIR: the HTML report
//
// Specs tagged @long (the soak, the 2,000-case fuzz, multi-MB uploads) run in `npm run test:long`,
// the rest in `npm test` (scripts/test.mjs passes --grep / --grep-invert).
//   CHROMIUM_PATH=...    use this browser binary

const CI = !!process.env.CI;
const PORT = Number(process.env.E2E_PORT ?? 4173);
const baseURL = process.env.E2E_BASE_URL ?? `http://localhost:${PORT}`;

export default defineConfig({
  testDir: process.env.E2E_TEST_DIR ?? 'e2e',
  outputDir: process.env.E2E_OUTPUT_DIR ?? 'test-results',
  // Two workers on CI and locally alike: the specs assert behaviour, not speed, so they hold on a
  // busy 2-core machine; timing targets live in npm run bench.
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  // No retries anywhere: a flaky test is a bug in the test or the code, never hidden by a second try.
  retries: 0,
  forbidOnly: CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Fail visibly well before CI's 90-minute limit instead of being killed silently.
  globalTimeout: CI ? 25 * 60_000 : 0,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: process.env.E2E_REPORT_DIR ?? 'playwright-report' }],
    ...(process.env.E2E_JSON ? [['json', { outputFile: process.env.E2E_JSON }] as const] : []),
  ],
  use: {
    baseURL,
    headless: true,
    viewport: { width: 1280, height: 800 },
    launchOptions: launchOptions(),
    screenshot: 'only-on-failure',
    // Recording a trace costs ~40 % of the suite's time even when it is thrown away; screenshots on
    // failure and the error context stay. E2E_TRACE=retain-on-failure records them when debugging.
    trace: (process.env.E2E_TRACE as 'on' | 'off' | 'retain-on-failure' | undefined) ?? 'off',
    // The service worker precaches the whole build (~8 MB) in every new context; only the specs
    // about offline use and updates need it, and they turn it back on (offline.spec.ts).
    serviceWorkers: (process.env.E2E_SW as 'allow' | 'block' | undefined) ?? 'block',
  },
  projects: [{ name: 'chromium' }],
  webServer: process.env.E2E_NO_WEBSERVER
    ? undefined
    : {
        // E2E_PREBUILT=1 serves the dist/ an earlier run in the same checkout just built (.ci/run's long suite).
        command: `${process.env.E2E_PREBUILT ? '' : 'npm run build && '}npx vite preview --port ${PORT} --strictPort`,
        url: `http://localhost:${PORT}`,
        reuseExistingServer: !CI,
        timeout: 180_000,
        stdout: 'ignore',
        stderr: 'pipe',
      },
});
