// Lesson story: Compare 1 vs 2 workers on a CPU-bound function: two workers get more done, on
// any machine with two or more cores (the lesson names the count the browser reports).
import { expect, test } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
import { expectNothingRan, openLesson, press, saveLessonScreenshot } from './support/lessons';

test('scaling: two workers outrun one on this machine', async ({ page }) => {
  const errors = failOnPageErrors(page);
  const lesson = await openLesson(page, 'scaling');
  await expectNothingRan(page);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await expect(lesson).toContainText(`this browser reports ${cores} cores`);
  expect(cores).toBeGreaterThanOrEqual(2);

  await press(lesson, 'Compare 1 vs 2 workers', 60_000);
  const table = page.getByTestId('compare-table');
  await expect(table).toBeVisible();
  const row = table.locator('tr[data-metric="throughput"]');
  const a = Number(await row.locator('[data-side="a"]').getAttribute('data-value'));
  const b = Number(await row.locator('[data-side="b"]').getAttribute('data-value'));
  expect(a).toBeGreaterThan(0);
  // Each worker is a thread: with two cores, even shared with other programs, two get more CPU than one.
  expect(b).toBeGreaterThan(a * 1.25);
  await expect(table).toBeInViewport();

  await saveLessonScreenshot(page, 'scaling');
  await expectNoPageErrors(errors);
});
