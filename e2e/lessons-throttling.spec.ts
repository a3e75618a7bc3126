// Lesson story: one click offers more load than one worker and a 10-call queue can take; the
// summary counts the throttled calls.
import { expect, test } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
import { metric } from './support/load';
import { expectNothingRan, openLesson, press, saveLessonScreenshot } from './support/lessons';

test('throttling: Start the load throttles the calls past the queue and counts them', async ({ page }) => {
  const errors = failOnPageErrors(page);
  const lesson = await openLesson(page, 'throttling');
  await expectNothingRan(page);

  await press(lesson, 'Start the load');
  await expect(lesson.getByTestId('lesson-note')).toContainText(/\d+ ok, \d+ throttled · queue peak 10/);
  const load = page.getByRole('tabpanel', { name: 'Load test' });
  const summary = load.getByTestId('load-summary');
  await expect(summary).toBeVisible();
  const ok = await metric(summary, 'ok');
  const throttled = await metric(summary, 'throttled');
  expect(ok).toBeGreaterThan(0);
  // 120 calls offered, at most ~10/s served for ~4 s plus the 10 queued: most are throttled.
  expect(throttled).toBeGreaterThan(40);
  expect(ok + throttled).toBe(await metric(summary, 'settled'));
  await expect(load.locator('canvas').first()).toBeInViewport();

  await saveLessonScreenshot(page, 'throttling');
  await expectNoPageErrors(errors);
});
