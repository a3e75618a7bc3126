// Lesson story: one click offers more load than one worker and a 10-call queue can take; the
// lesson and the summary count the throttled calls.
import { expect } from '@playwright/test';
import { metric } from './support/load';
import { lessonTest, press } from './support/lessons';

lessonTest(
  'throttling',
  'Start the load throttles the calls past the queue and counts them',
  async (page, lesson) => {
    await press(lesson, 'Start the load');
    await expect(lesson.getByTestId('lesson-note')).toContainText(/\d+ ok, \d+ throttled · queue peak 10/);
    const load = page.getByRole('tabpanel', { name: 'Load test' });
    const summary = load.getByTestId('load-summary');
    await expect(summary).toBeVisible();
    const ok = await metric(summary, 'ok');
    const throttled = await metric(summary, 'throttled');
    expect(ok).toBeGreaterThan(0);
    // 120 calls offered, at most ~10/s served for ~4 s plus the 10 queued: most are throttled.
    expect(throttled).toBeGreaterThan(40);
    expect(ok + throttled).toBe(await metric(summary, 'settled'));
    await expect(load.locator('canvas').first()).toBeInViewport();
  },
);
