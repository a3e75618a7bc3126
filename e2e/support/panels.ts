// Page-object helpers for the Run, Console, Binary and Settings panels.
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';

/** Opens the app with one sample loaded and open (the ?sample= link), and waits until it is ready. */
export async function openWithSample(page: Page, name: string): Promise<void> {
  await page.goto(`/?sample=${encodeURIComponent(name)}`);
  await page.waitForFunction(() => typeof window.faas?.invoke === 'function');
  await expect(runForm(page, name)).toBeVisible();
}

/** Adds another sample through the header's Samples menu; it becomes the open function. */
export async function addSample(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Samples' }).click();
  // The item's name is the sample's name, possibly followed by its description.
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await page.getByRole('menuitem', { name: new RegExp(`^${escaped}(\\s|$)`) }).click();
  await showPanel(page, 'Run');
  await expect(runForm(page, name)).toBeVisible();
}

/** Selects a panel tab and returns its tabpanel. */
export async function showPanel(page: Page, title: string): Promise<Locator> {
  await page.getByRole('tab', { name: title, exact: true }).click();
  const panel = page.getByRole('tabpanel', { name: title, exact: true });
  await expect(panel).toBeVisible();
  return panel;
}

export function panel(page: Page, title: string): Locator {
  return page.getByRole('tabpanel', { name: title, exact: true });
}

export function runForm(page: Page, fn: string): Locator {
  return panel(page, 'Run').getByRole('form', { name: `Run ${fn}` });
}

/** Presses the Run panel's own Run button. */
export async function runFromPanel(page: Page): Promise<void> {
  await panel(page, 'Run').getByRole('button', { name: 'Run', exact: true }).click();
}

/** The outcome badge of the Run panel's last result. */
export function outcome(page: Page): Locator {
  return panel(page, 'Run').getByTestId('outcome');
}

export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
}

/** Counts animation frames in the page from now on; read with frames(). */
export async function startFrameCounter(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number };
    w.__frames = 0;
    const tick = () => {
      w.__frames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

export function frames(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __frames: number }).__frames);
}

/** Gives the panel area more of the window (the splitter's keyboard control), for screenshots. */
export async function growPanels(page: Page, steps = 4): Promise<void> {
  const splitter = page.getByRole('separator', { name: 'Resize panels' });
  await splitter.focus();
  for (let i = 0; i < steps; i++) await splitter.press('ArrowUp');
}

/** Switches to a 1024 px wide window in dark mode (the narrowest layout the app supports). */
export async function narrowDark(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.emulateMedia({ colorScheme: 'dark' });
}

/** Asserts the panel's content fits its width (no sideways scrolling of the whole panel). */
export async function expectFits(page: Page, title: string): Promise<void> {
  const overflow = await panel(page, title).evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow, `${title} panel overflows sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}

export const presentButton = (page: Page): Locator =>
  page.getByRole('button', { name: /^(Present|Exit presentation)$/ });

/** The panel on show (the one tabpanel not hidden). */
export function shownPanel(page: Page): Locator {
  return page.locator('[role="tabpanel"]:not([hidden])');
}

/**
 * Presses Present and waits until every chart of the panel on show was rebuilt with the larger
 * text (ChartHost marks each plot with the text scale it drew with).
 */
export async function present(page: Page): Promise<void> {
  await presentButton(page).click();
  await expect(presentButton(page)).toHaveAttribute('aria-pressed', 'true');
  await expect(shownPanel(page).locator('.chart-frame .plot:not([data-text-scale="1.3"])')).toHaveCount(0);
}

export interface ChartBox {
  title: string;
  top: number;
  bottom: number;
  left: number;
  right: number;
  /** The drawn uPlot chart's bottom, which must lie inside its card. */
  plotBottom: number;
}

/** Every chart card of the panel on show, in window coordinates. */
export function chartBoxes(page: Page): Promise<ChartBox[]> {
  return shownPanel(page)
    .locator('figure.chart-frame')
    .evaluateAll((figs) =>
      figs.map((f) => {
        const r = f.getBoundingClientRect();
        const plot = f.querySelector('.uplot')?.getBoundingClientRect();
        return {
          title: f.getAttribute('aria-label') ?? '',
          top: r.top,
          bottom: r.bottom,
          left: r.left,
          right: r.right,
          plotBottom: plot?.bottom ?? Infinity,
        };
      }),
    );
}

/** The charts that are on screen at all; each must be whole: inside the window, its plot inside its card. */
export async function expectWholeChartsOnScreen(page: Page): Promise<ChartBox[]> {
  const { width, height } = page.viewportSize()!;
  const shown = (await chartBoxes(page)).filter((b) => b.bottom > 0 && b.top < height);
  for (const b of shown) {
    expect(b.top, `${b.title}: top edge`).toBeGreaterThanOrEqual(0);
    expect(b.bottom, `${b.title}: bottom edge`).toBeLessThanOrEqual(height);
    expect(b.left, `${b.title}: left edge`).toBeGreaterThanOrEqual(0);
    expect(b.right, `${b.title}: right edge`).toBeLessThanOrEqual(width);
    expect(b.plotBottom, `${b.title}: plot inside its card`).toBeLessThanOrEqual(b.bottom);
  }
  return shown;
}
