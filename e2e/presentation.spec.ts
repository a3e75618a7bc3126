// User story: a lecturer puts one panel on the projector. Present gives the panel area the whole
// window; every text in it (tables, badges, chart axes and legends) is larger, and the charts share
// the window so each is whole on screen at 1024×768. Escape (or the button) goes back.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
import { openLesson, press } from './support/lessons';
import {
  expectWholeChartsOnScreen,
  openWithSample,
  outcome,
  present,
  presentButton,
  runFromPanel,
  screenshot,
  showPanel,
} from './support/panels';

const fontPx = (el: Locator) => el.evaluate((e) => parseFloat(getComputedStyle(e).fontSize));

/** The size of the text uPlot draws a chart's axis values with. */
async function axisFontPx(chart: Locator): Promise<number> {
  const font = (await chart.locator('.plot').getAttribute('data-axis-font')) ?? '';
  return parseFloat(/(\d+(?:\.\d+)?)px/.exec(font)?.[1] ?? 'NaN');
}

/** Text sizes around the Metrics panel, set in px in four different components. */
async function metricsText(page: Page, metrics: Locator) {
  const chart = metrics.getByTestId('chart-latency');
  return {
    body: await fontPx(metrics),
    count: await fontPx(metrics.getByTestId('metrics-count')),
    table: await fontPx(metrics.getByRole('region', { name: 'Statistics' }).locator('td').first()),
    legend: await fontPx(chart.locator('.legend')),
    axis: await axisFontPx(chart),
    tab: await fontPx(page.getByRole('tab', { name: 'Metrics' })),
  };
}

for (const scheme of ['light', 'dark'] as const) {
  test(`Present puts the Metrics panel on the whole window at 1024×768, all text larger (${scheme}); Escape leaves`, async ({
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
    await expect(chart.locator('.plot[data-text-scale="1"] canvas')).toHaveCount(1);
    const area = page.getByRole('region', { name: 'Panels' });
    const before = (await area.boundingBox())!;
    expect(before.height).toBeLessThan(768 / 2 + 50); // shares the window with the editor
    const textBefore = await metricsText(page, metrics);
    // Normally the three charts do not fit the panel's share of the window.
    const { height } = page.viewportSize()!;
    const breakdown = (await metrics.getByTestId('chart-breakdown').boundingBox())!;
    expect(breakdown.y + breakdown.height).toBeGreaterThan(height);

    await present(page);
    expect((await area.boundingBox())!).toEqual({ x: 0, y: 0, width: 1024, height: 768 });
    // Every text is larger by the same factor, whatever unit its component set it in.
    const textAfter = await metricsText(page, metrics);
    for (const key of Object.keys(textBefore) as (keyof typeof textBefore)[])
      expect(
        textAfter[key] / textBefore[key],
        `${key} text: ${textBefore[key]} → ${textAfter[key]}px`,
      ).toBeCloseTo(1.3, 1);
    // All three charts are whole inside the window: nothing to scroll to.
    const shown = await expectWholeChartsOnScreen(page);
    expect(shown.map((c) => c.title).sort()).toEqual([
      'Latency histogram',
      'Latency per invocation',
      'Where the time went',
    ]);
    await screenshot(page, testInfo, `present-metrics-1024-${scheme}`);

    await page.keyboard.press('Escape');
    await expect(presentButton(page)).toHaveAttribute('aria-pressed', 'false');
    expect((await area.boundingBox())!.height).toBeCloseTo(before.height, 0);
    await expect(presentButton(page)).toBeFocused();
    await expect(chart.locator('.plot[data-text-scale="1"] canvas')).toHaveCount(1);
    expect(await axisFontPx(chart)).toBe(textBefore.axis);
    await expectNoPageErrors(errors);
  });

  test(`After a load test, Metrics presented shows all six charts whole at 1024×768 (${scheme})`, async ({
    page,
  }, testInfo) => {
    const errors = failOnPageErrors(page);
    await page.emulateMedia({ colorScheme: scheme });
    const lesson = await openLesson(page, 'throttling');
    await press(lesson, 'Start the load');
    const metrics = await showPanel(page, 'Metrics');
    await expect(metrics.getByTestId('chart-throughput')).toBeVisible();
    await present(page);
    const shown = await expectWholeChartsOnScreen(page);
    expect(shown).toHaveLength(6);
    // Each plot still has room to be read (ChartHost sized it to its share of the window).
    for (const plot of await metrics.locator('.chart-frame .uplot').all())
      expect((await plot.boundingBox())!.height).toBeGreaterThanOrEqual(120);
    await screenshot(page, testInfo, `present-metrics-load-1024-${scheme}`);
    await expectNoPageErrors(errors);
  });
}
