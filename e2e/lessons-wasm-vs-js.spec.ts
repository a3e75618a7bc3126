// Lesson story: one click times mandelbrot as Wasm (on the platform and directly) and as JavaScript.
import { expect, test } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
import { openLesson, press, saveLessonScreenshot } from './support/lessons';

test('wasm-vs-js: mandelbrot as Wasm and as JavaScript, numbers side by side', async ({ page }) => {
  const errors = failOnPageErrors(page);
  const lesson = await openLesson(page, 'wasm-vs-js');
  expect(await page.evaluate(() => window.faas.invocations().length)).toBe(0);

  await press(lesson, 'Run mandelbrot: Wasm vs JS', 60_000);
  const row = page.getByRole('tabpanel', { name: 'Benchmarks' }).locator('tr[data-program="mandelbrot"]');
  for (const mode of ['cold', 'warm', 'direct', 'js'])
    await expect(row.locator(`td[data-mode="${mode}"]`)).toHaveText(/^\d+(\.\d+)? ± \d/);
  await expect(row).toBeInViewport();
  await expect(lesson.getByTestId('lesson-note')).toHaveText(
    /^mandelbrot: Wasm \d+\.\d ms, JavaScript \d+\.\d ms per run \(Wasm ÷ JS \d+\.\d\d\)$/,
  );

  await saveLessonScreenshot(page, 'wasm-vs-js');
  await expectNoPageErrors(errors);
});
