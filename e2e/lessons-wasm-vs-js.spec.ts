// Lesson story: one click times mandelbrot as Wasm (on the platform and directly) and as JavaScript.
import { expect } from '@playwright/test';
import { lessonTest, press } from './support/lessons';

lessonTest(
  'wasm-vs-js',
  'mandelbrot as Wasm and as JavaScript, numbers side by side',
  async (page, lesson) => {
    await press(lesson, 'Run mandelbrot: Wasm vs JS', 60_000);
    const row = page.getByRole('tabpanel', { name: 'Benchmarks' }).locator('tr[data-program="mandelbrot"]');
    for (const mode of ['cold', 'warm', 'direct', 'js'])
      await expect(row.locator(`td[data-mode="${mode}"]`)).toHaveText(/^\d+(\.\d+)? ± \d/);
    await expect(row).toBeInViewport();
    await expect(lesson.getByTestId('lesson-note')).toHaveText(
      /^mandelbrot: Wasm \d+\.\d ms, JavaScript \d+\.\d ms per run \(Wasm ÷ JS \d+\.\d\d\)$/,
    );
  },
);
