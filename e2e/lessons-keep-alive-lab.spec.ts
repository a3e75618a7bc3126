// Lesson story: the keep-alive lab runs one seeded bursty/periodic workload under no keep-alive,
// a fixed 10 s keep-alive and the histogram policy. One click; the histogram policy has fewer cold
// starts than no keep-alive, and the chart shows one point per policy.
import { expect, test } from '@playwright/test';
import { lessonTest, press } from './support/lessons';

lessonTest(
  'keep-alive-lab',
  'the histogram policy has fewer cold starts than no keep-alive on the lab workload',
  async (page, lesson) => {
    test.setTimeout(150_000);
    await press(lesson, 'Run the lab: none, fixed 10 s, histogram', 120_000);

    const table = page.getByTestId('lab-table');
    await expect(table).toBeVisible();
    const row = async (policy: string) => {
      const tr = table.locator(`tr[data-policy="${policy}"]`);
      return {
        calls: Number(await tr.getAttribute('data-calls')),
        cold: Number(await tr.getAttribute('data-cold')),
        idle: Number(await tr.getAttribute('data-idle-sec')),
      };
    };
    const none = await row('none');
    const fixed = await row('fixed');
    const hist = await row('histogram');
    // The same seeded schedule under each policy: 10 periodic calls and 2 bursts of 2.
    expect([none.calls, fixed.calls, hist.calls]).toEqual([14, 14, 14]);
    // No keep-alive: every call is cold.
    expect(none.cold).toBe(14);
    expect(hist.cold).toBeLessThan(none.cold);
    // Keeping warm costs idle worker-seconds, as the platform reports them; unloading at once
    // leaves only the moment between a call's end and its unload.
    expect(fixed.idle).toBeGreaterThan(none.idle);
    expect(hist.idle).toBeGreaterThan(none.idle);

    const chart = page.getByTestId('chart-keepalive-lab');
    await expect(chart).toBeInViewport();
    // One point per policy, in the order none, fixed, histogram.
    await expect(chart.locator('[data-drawn]')).toHaveAttribute('data-drawn-by-category', '1,1,1');
    await expect(lesson.getByTestId('lesson-note')).toContainText('cold starts: no keep-alive 14/14');
    // The lab put the user's settings back.
    expect(await page.evaluate(() => window.faas.config().keepAlivePolicy)).toBe('fixed');
  },
);
