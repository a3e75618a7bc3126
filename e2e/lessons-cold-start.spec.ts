// Lesson story: a lecturer opens ?lesson=cold-start and with one click shows a cold call followed by warm ones.
import { expect, test } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
import {
  expectNothingRan,
  openLesson,
  outcomes,
  press,
  saveLessonScreenshot,
  starts,
} from './support/lessons';

test('cold-start: one click runs a cold call, then warm ones, beside the latency chart', async ({ page }) => {
  const errors = failOnPageErrors(page);
  const lesson = await openLesson(page, 'cold-start');
  await expectNothingRan(page);

  const calls = await press(lesson, 'Run 5 times');
  expect(await starts(calls)).toEqual(['cold', 'warm', 'warm', 'warm', 'warm']);
  expect(await outcomes(calls)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  await expect(
    page.getByTestId('chart-latency-scatter').or(page.locator('#panel-metrics canvas').first()).first(),
  ).toBeInViewport();

  await saveLessonScreenshot(page, 'cold-start');
  await expectNoPageErrors(errors);
});
