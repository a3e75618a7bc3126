// Lesson story: metered, a function runs the same number of instructions every time; a fuel limit
// ends a call as out-of-fuel and the worker lives on; the bill prices instructions.
import { expect } from '@playwright/test';
import { lessonTest, outcomes, press, starts } from './support/lessons';

lessonTest(
  'metering',
  'identical counts, out-of-fuel then warm, a bill per instruction',
  async (page, lesson) => {
    const three = await press(lesson, 'Run fib(20) three times');
    expect(await outcomes(three)).toEqual(['ok', 'ok', 'ok']);
    const counts = await three
      .locator('.call')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-instructions'))));
    expect(counts[0]).toBeGreaterThan(100_000);
    expect(counts).toEqual([counts[0], counts[0], counts[0]]);
    await expect(three.locator('.call').first()).toContainText(`${counts[0].toLocaleString('en-US')} instr`);

    const fuel = await press(lesson, 'Limit 100,000 instructions: fib(25), then fib(10)');
    expect(await outcomes(fuel)).toEqual(['out-of-fuel', 'ok']);
    expect((await starts(fuel))[1]).toBe('warm');

    await press(lesson, 'Show the bill');
    const bill = page.getByTestId('instruction-bill');
    await expect(bill).toBeInViewport();
    await expect(bill).toContainText('Metered: 5 calls ran');
  },
);
