// Lesson story: Compare 1 vs 4 workers on a function that waits: four workers get more calls
// done, on any machine. The lesson names the cores the browser reports and says what they limit
// (CPU-bound work, its second comparison).
import { expect } from '@playwright/test';
import { lessonTest, press } from './support/lessons';

lessonTest(
  'scaling',
  'four workers outrun one, and the lesson says what the cores limit',
  async (page, lesson) => {
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    await expect(lesson).toContainText(`past the ${cores} cores this browser reports`);
    await expect(lesson).toContainText(`never more than ${cores} workers’ worth here`);

    await press(lesson, 'Compare 1 vs 4 workers on sleep(50)', 60_000);
    const table = page.getByTestId('compare-table');
    await expect(table).toBeVisible();
    const value = async (metric: string, side: 'a' | 'b') =>
      Number(
        await table.locator(`tr[data-metric="${metric}"] [data-side="${side}"]`).getAttribute('data-value'),
      );
    const a = await value('throughput', 'a');
    const b = await value('throughput', 'b');
    expect(a).toBeGreaterThan(0);
    // One worker serves at most 20 calls/s of sleep(50); four serve up to 80.
    expect(b).toBeGreaterThan(a * 1.5);
    expect(await value('workers used', 'b')).toBe(4);
    await expect(table).toBeInViewport();
    await expect(page.getByTestId('chart-compare-latency')).toBeInViewport();
    await expect(lesson.getByTestId('lesson-note')).toContainText('throughput A');
  },
);
