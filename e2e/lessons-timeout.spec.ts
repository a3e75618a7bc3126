// Lesson story: a call past its timeout ends as timeout and the platform keeps serving: the next
// call of another function is warm. Metered, the function's own worker survives too.
import { expect } from '@playwright/test';
import { lessonTest, outcomes, press, starts } from './support/lessons';

lessonTest('timeout', 'a timeout, then a warm call', async (page, lesson) => {
  const calls = await press(lesson, 'Run sum, sleep(300 ms), sum');
  expect(await outcomes(calls)).toEqual(['ok', 'timeout', 'ok']);
  expect((await starts(calls))[2]).toBe('warm');
  await expect(calls.locator('.call').nth(1)).toContainText('by terminate');
  await expect(page.getByRole('tabpanel', { name: 'Run' }).getByTestId('outcome')).toHaveText(/ok/);

  // Whether the metered worker survives depends on the machine's load (the lesson says so): only outcomes here.
  const metered = await press(lesson, 'Metering on: sleep(300), then sleep(20)');
  expect(await outcomes(metered)).toEqual(['timeout', 'ok']);
});
