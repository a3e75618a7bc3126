// Lesson story: asking for more memory than the cap ends as memory-limit; a higher cap lets it run.
import { expect, test } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
import { expectNothingRan, openLesson, outcomes, press, saveLessonScreenshot } from './support/lessons';

test('memory-cap: 32 MiB under a 16 MiB cap is a memory-limit, under 64 MiB it runs', async ({ page }) => {
  const errors = failOnPageErrors(page);
  const lesson = await openLesson(page, 'memory-cap');
  await expectNothingRan(page);

  expect(await outcomes(await press(lesson, 'Ask for 32 MiB under a 16 MiB cap'))).toEqual(['memory-limit']);
  const run = page.getByRole('tabpanel', { name: 'Run' });
  await expect(run.getByTestId('memory')).toHaveText('16.0 MiB');
  expect(await outcomes(await press(lesson, 'Cap 64 MiB: ask for 32 MiB again'))).toEqual(['ok']);
  await expect(run.getByTestId('result-value')).toHaveText('32');
  await expect(run.getByTestId('memory')).toHaveText('32.0 MiB');

  await saveLessonScreenshot(page, 'memory-cap');
  await expectNoPageErrors(errors);
});
