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
//   CHROMIUM_PATH=...    use this browser binary

const CI = !!process.env.CI;
const PORT = Number(process.env.E2E_PORT ?? 4173);
const baseURL = process.env.E2E_BASE_URL ?? `http://localhost:${PORT}`;

export default defineConfig({
  testDir: process.env.E2E_TEST_DIR ?? 'e2e',
  outputDir: 'test-results',
  // 2 cores, and the tests measure timing: keep parallelism modest.
  fullyParallel: false,
  workers: CI ? 1 : 2,
  // No retries anywhere: a flaky test is a bug in the test or the code, never hidden by a second try.
  retries: 0,
  forbidOnly: CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Fail visibly well before CI's 90-minute limit instead of being killed silently.
  globalTimeout: CI ? 45 * 60_000 : 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL,
    headless: true,
    viewport: { width: 1280, height: 800 },
    launchOptions: launchOptions(),
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [{ name: 'chromium' }],
  webServer: process.env.E2E_NO_WEBSERVER
    ? undefined
    : {
        command: `npm run build && npx vite preview --port ${PORT} --strictPort`,
        url: `http://localhost:${PORT}`,
        reuseExistingServer: !CI,
        timeout: 180_000,
        stdout: 'ignore',
        stderr: 'pipe',
      },
});
