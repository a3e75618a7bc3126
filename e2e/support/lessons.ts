// Page-object helpers for the lesson specs: open a lesson from its link at projector size, press
// its buttons (nothing else), read the calls each button made, save the screenshot.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors, openApp } from './faas';
import { expectWholeChartsOnScreen, present } from './panels';

export const LESSON_VIEWPORT = { width: 1024, height: 768 };

/** Lands on `/?lesson=ID` (plus an optional share fragment) at 1024×768; returns the Lesson region. */
export async function openLesson(page: Page, id: string, fragment = ''): Promise<Locator> {
  await page.setViewportSize(LESSON_VIEWPORT);
  await openApp(page, `/?lesson=${id}${fragment}`);
  const region = lessonRegion(page);
  await expect(region).toHaveAttribute('data-lesson', id);
  return region;
}

export function lessonRegion(page: Page): Locator {
  return page.getByRole('complementary', { name: 'Lesson' });
}

/** Clicks one of the lesson's buttons and waits until its actions are done; returns its calls. */
export async function press(region: Locator, label: string, timeout = 30_000): Promise<Locator> {
  const before = Number(await region.getAttribute('data-pressed'));
  await region.getByRole('button', { name: label, exact: true }).click();
  await expect(region).toHaveAttribute('data-pressed', String(before + 1), { timeout });
  await expect(region.getByRole('alert')).toHaveCount(0);
  return region.locator(`[data-testid="lesson-calls"][data-button="${label}"]`);
}

/** Each call's start ('cold' | 'warm'), in order. */
export async function starts(calls: Locator): Promise<string[]> {
  return calls.locator('.call').evaluateAll((els) => els.map((e) => e.getAttribute('data-start') ?? ''));
}

export async function outcomes(calls: Locator): Promise<string[]> {
  return calls.locator('.call').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome') ?? ''));
}

export async function spawnMs(calls: Locator): Promise<number[]> {
  return calls.locator('.call').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-spawn-ms'))));
}

/** Nothing ran and nothing was deployed just by landing on the lesson. */
export async function expectNothingRan(page: Page): Promise<void> {
  const state = await page.evaluate(() => ({
    invocations: window.faas.invocations().length,
    functions: window.faas.functions().length,
  }));
  expect(state).toEqual({ invocations: 0, functions: 0 });
}

/** The lesson at 1024×768, for the lecturer's review. */
export async function saveLessonScreenshot(page: Page, id: string): Promise<void> {
  await page.screenshot({ path: `reports/lessons/${id}.png` });
}

/**
 * The charts on screen, whole, when the panel a lesson ends on is presented at 1024×768 (a lesson
 * ending on the Run or Settings panel shows none; billing and metering scroll to their tables).
 */
const PRESENTED_CHARTS: Record<string, number> = {
  billing: 0,
  'cold-start': 3,
  http: 0,
  'keep-alive': 0,
  'keep-alive-lab': 1,
  'memory-cap': 0,
  metering: 0,
  prewarm: 0,
  scaling: 3,
  throttling: 4,
  timeout: 0,
  wasi: 0,
  'wasm-vs-js': 1,
};

/** Presents the panel the lesson ended on: every chart it shows is whole on screen; saves the screenshot. */
export async function presentLesson(page: Page, id: string): Promise<void> {
  await present(page);
  const shown = await expectWholeChartsOnScreen(page);
  expect(shown.map((c) => c.title)).toHaveLength(PRESENTED_CHARTS[id]);
  await page.screenshot({ path: `reports/lessons/${id}-present.png` });
}

/**
 * One lesson's spec: land on its link at 1024×768, check that nothing ran, follow it (`body`
 * clicks only the lesson's buttons), save its screenshot, then present the panel it ended on and
 * save that too; any page error fails it.
 */
export function lessonTest(
  id: string,
  title: string,
  body: (page: Page, lesson: Locator) => Promise<void>,
): void {
  test(`${id}: ${title}`, async ({ page }) => {
    const errors = failOnPageErrors(page);
    const lesson = await openLesson(page, id);
    await expectNothingRan(page);
    await body(page, lesson);
    await saveLessonScreenshot(page, id);
    await presentLesson(page, id);
    await expectNoPageErrors(errors);
  });
}
