// Lesson story: a call past its timeout ends as timeout; the metered worker survives and the next
// call is warm; unmetered, the worker is terminated and the next call is cold.
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

test('timeout: a timeout, then a warm call; without metering the next call is cold', async ({ page }) => {
  const errors = failOnPageErrors(page);
  const lesson = await openLesson(page, 'timeout');
  await expectNothingRan(page);

  expect(await outcomes(await press(lesson, 'Run sleep(300 ms)'))).toEqual(['timeout']);
  const next = await press(lesson, 'Run sleep(20 ms)');
  expect(await outcomes(next)).toEqual(['ok']);
  expect(await starts(next)).toEqual(['warm']);
  await expect(page.getByRole('tabpanel', { name: 'Run' }).getByTestId('outcome')).toHaveText(/ok/);

  const unmetered = await press(lesson, 'Metering off: sleep(300), then sleep(20)');
  expect(await outcomes(unmetered)).toEqual(['timeout', 'ok']);
  expect((await starts(unmetered))[1]).toBe('cold');

  await saveLessonScreenshot(page, 'timeout');
  await expectNoPageErrors(errors);
});
