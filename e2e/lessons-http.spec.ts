// Lesson story: a function is an HTTP endpoint. Real fetch() calls through the app's service worker
// reach the platform in this tab: a GET answers 7, bad requests get the status that says what went
// wrong, and a WASI program answers in WAGI's CGI style.
import { expect, test } from '@playwright/test';
import { gatewayRole } from './support/gateway';
import { lessonTest, outcomes, press } from './support/lessons';
import { waitForServiceWorker } from './support/share';

test.use({ serviceWorkers: 'allow' });

lessonTest(
  'http',
  'GET answers 7; 400, 404 and 500 say why; the WAGI echo returns the body',
  async (page, lesson) => {
    // The service worker controls the page and this tab hosts /api/ (no click: the app does this).
    await waitForServiceWorker(page);
    await expect(gatewayRole(page)).toHaveText(/API: this tab/);
    const notes = (label: string) => lesson.locator(`[data-testid="lesson-note"][data-button="${label}"]`);

    const get = 'GET /api/exec/sum-http?5,2';
    const sum = await press(lesson, get);
    // No "(answered in this tab …)" suffix: the request went through the service worker.
    await expect(notes(get)).toHaveText('GET /api/exec/sum-http?5,2 → 200 · 7');
    expect(await outcomes(sum)).toEqual(['ok']);
    expect(await sum.locator('.call').getAttribute('data-trigger')).toBe('http');

    const bad = 'Send three bad requests';
    const calls = await press(lesson, bad);
    await expect(notes(bad)).toHaveCount(3);
    await expect(notes(bad).nth(0)).toContainText('/api/exec/sum-http?5 → 400 · ');
    await expect(notes(bad).nth(0)).toContainText('2 arguments');
    await expect(notes(bad).nth(1)).toContainText('/api/exec/no-such-function?1,2 → 404 · No function named');
    await expect(notes(bad).nth(2)).toContainText(/\/api\/exec\/trap-http → 500 · .*divide by zero/i);
    // Only the trap reached a function: the other two were refused at the gateway.
    expect(await outcomes(calls)).toEqual(['trap']);

    const post = 'POST a JSON body to echo-http';
    const echo = await press(lesson, post);
    expect(await outcomes(echo)).toEqual(['ok']);
    await expect(notes(post)).toContainText('POST /api/http/echo-http/greet?lang=en → 200 · ');
    await expect(notes(post)).toContainText('"method": "POST", "path": "/greet", "query": "lang=en"');
    await expect(notes(post)).toContainText('"body": "{\\"hello\\": \\"world\\"}"');
    await expect(page.getByRole('region', { name: 'HTTP request' })).toBeInViewport();
  },
);
