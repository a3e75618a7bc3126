// Lesson story: twenty short calls billed per 1, 10 and 100 ms: the rounding is the bill.
import { expect, test } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
import { expectNothingRan, openLesson, press, saveLessonScreenshot } from './support/lessons';

test('billing: the granularity table shows what rounding does to short calls', async ({ page }) => {
  const errors = failOnPageErrors(page);
  const lesson = await openLesson(page, 'billing');
  await expectNothingRan(page);

  await press(lesson, 'Run 20 times');
  const table = page.getByTestId('granularity-table');
  await expect(table).toBeInViewport();
  const billed = async (g: number) =>
    (
      await table
        .locator('tbody tr')
        .filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${g} ms`) }) })
        .locator('td')
        .first()
        .textContent()
    )?.trim();
  // Each call ran for well under a millisecond: billed per 100 ms, 20 calls pay for 2 s.
  expect(await billed(100)).toBe('2.00 s');
  expect(await billed(10)).toBe('200 ms');
  expect(await billed(1)).toBe('20.0 ms');

  await press(lesson, 'Bill per 100 ms');
  await expect(table.getByRole('rowheader', { name: '100 ms (model)' })).toBeVisible();

  await saveLessonScreenshot(page, 'billing');
  await expectNoPageErrors(errors);
});
