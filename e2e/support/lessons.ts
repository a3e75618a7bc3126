// Page-object helpers for the lesson specs: open a lesson from its link at projector size, press
// its buttons (nothing else), read the calls each button made, save the screenshot.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors, openApp } from './faas';

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
 * One lesson's spec: land on its link at 1024×768, check that nothing ran, follow it (`body`
 * clicks only the lesson's buttons), then save its screenshot; any page error fails it.
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
    await expectNoPageErrors(errors);
  });
}
