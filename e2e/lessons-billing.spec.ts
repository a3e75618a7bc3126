// Lesson story: twenty short calls billed per 1, 10 and 100 ms: the rounding is the bill.
import { expect } from '@playwright/test';
import { lessonTest, press } from './support/lessons';

lessonTest(
  'billing',
  'the granularity table shows what rounding does to short calls',
  async (page, lesson) => {
    await press(lesson, 'Run 20 times');
    const table = page.getByTestId('granularity-table');
    await expect(table).toBeInViewport();
    /** The billed time of the row for granularity g, in ms. */
    const billed = async (g: number) => {
      const row = table
        .locator('tbody tr')
        .filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${g} ms`) }) });
      const [, n, unit] = /([\d.]+) (ms|s)/.exec((await row.locator('td').first().textContent()) ?? '') ?? [];
      return Number(n) * (unit === 's' ? 1000 : 1);
    };
    // Each call runs for microseconds: billed per 100 ms, 20 calls pay for 2 s; finer rounding, less.
    // (The Metrics panel redraws a few times a second: wait for it to count all 20.)
    await expect.poll(() => billed(100)).toBe(2000);
    expect(await billed(10)).toBeLessThan(await billed(100));
    expect(await billed(1)).toBeLessThan(await billed(10));

    await press(lesson, 'Bill per 100 ms');
    await expect(table.getByRole('rowheader', { name: '100 ms (model)' })).toBeVisible();
  },
);
