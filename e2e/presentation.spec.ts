// User story: a lecturer puts one panel on the projector. Present gives the panel area the whole
// window with larger text and chart text; Escape (or the button) goes back.
import { expect, test, type Page } from '@playwright/test';
import { failOnPageErrors } from './support/faas';
import { openWithSample, outcome, runFromPanel, screenshot, showPanel } from './support/panels';

const presentButton = (page: Page) => page.getByRole('button', { name: /^(Present|Exit presentation)$/ });

for (const scheme of ['light', 'dark'] as const) {
  test(`Present puts the panel on the whole window at 1024×768 (${scheme}); Escape leaves`, async ({
    page,
  }, testInfo) => {
    const errors = failOnPageErrors(page);
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.emulateMedia({ colorScheme: scheme });
    await openWithSample(page, 'sum');
    for (let i = 0; i < 3; i++) {
      await runFromPanel(page);
      await expect(outcome(page)).toHaveText('ok');
    }
    const metrics = await showPanel(page, 'Metrics');
    const chart = metrics.getByTestId('chart-latency');
    await expect(chart.locator('canvas')).toHaveCount(1);
    const area = page.getByRole('region', { name: 'Panels' });
    const before = (await area.boundingBox())!;
    expect(before.height).toBeLessThan(768 / 2 + 50); // shares the window with the editor
    const textBefore = await metrics.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const canvasBefore = (await chart.locator('canvas').boundingBox())!;

    await presentButton(page).click();
    await expect(presentButton(page)).toHaveAttribute('aria-pressed', 'true');
    const full = (await area.boundingBox())!;
    expect(full).toEqual({ x: 0, y: 0, width: 1024, height: 768 });
    // Text is larger, and the chart was rebuilt wider (its axis text scaled by ChartHost).
    expect(await metrics.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThan(
      textBefore,
    );
    await expect
      .poll(async () => (await chart.locator('canvas').boundingBox())!.width)
      .toBeGreaterThan(canvasBefore.width);
    // The chart is readable without scrolling: all of it inside the window.
    const box = (await chart.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(768);
    await screenshot(page, testInfo, `present-metrics-1024-${scheme}`);

    await page.keyboard.press('Escape');
    await expect(presentButton(page)).toHaveAttribute('aria-pressed', 'false');
    expect((await area.boundingBox())!.height).toBeCloseTo(before.height, 0);
    await expect(presentButton(page)).toBeFocused();
    expect(errors).toEqual([]);
  });
}
