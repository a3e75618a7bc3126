// Lesson story: with a 1 s keep-alive the call after a pause is cold again; with 60 s it is warm.
import { expect, test } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
import { expectNothingRan, openLesson, press, saveLessonScreenshot, starts } from './support/lessons';

test('keep-alive: a short keep-alive makes the next call cold, the default keeps it warm', async ({
  page,
}) => {
  const errors = failOnPageErrors(page);
  const lesson = await openLesson(page, 'keep-alive');
  await expectNothingRan(page);

  const short = await press(lesson, 'Keep-alive 1 s: run, wait 2 s, run');
  expect(await starts(short)).toEqual(['cold', 'cold']);
  const long = await press(lesson, 'Keep-alive 60 s: run, wait 2 s, run');
  expect(await starts(long)).toEqual(['cold', 'warm']);
  await expect(page.getByRole('tabpanel', { name: 'Settings' })).toBeVisible();

  await saveLessonScreenshot(page, 'keep-alive');
  await expectNoPageErrors(errors);
});
