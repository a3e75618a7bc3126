// Lesson story: a burst on an empty pool waits for workers to spawn; prewarmed workers take it at once.
import { expect, test } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
import { expectNothingRan, openLesson, press, saveLessonScreenshot, spawnMs } from './support/lessons';

test('prewarm: prewarm 0 spawns a worker per call of a burst, prewarm 4 spawns none', async ({ page }) => {
  const errors = failOnPageErrors(page);
  const lesson = await openLesson(page, 'prewarm');
  await expectNothingRan(page);

  const cold = await spawnMs(await press(lesson, 'Prewarm 0: 4 calls at once'));
  expect(cold).toHaveLength(4);
  expect(cold.every((ms) => ms > 0)).toBe(true);
  const warm = await spawnMs(await press(lesson, 'Prewarm 4: 4 calls at once'));
  expect(warm).toEqual([0, 0, 0, 0]);

  await saveLessonScreenshot(page, 'prewarm');
  await expectNoPageErrors(errors);
});
