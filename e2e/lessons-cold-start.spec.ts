// Lesson story: a lecturer opens ?lesson=cold-start and with one click shows a cold call followed by warm ones.
import { expect } from '@playwright/test';
import { lessonTest, outcomes, press, starts } from './support/lessons';

lessonTest(
  'cold-start',
  'one click runs a cold call, then warm ones, beside the latency chart',
  async (page, lesson) => {
    const calls = await press(lesson, 'Run 5 times');
    expect(await starts(calls)).toEqual(['cold', 'warm', 'warm', 'warm', 'warm']);
    expect(await outcomes(calls)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    await expect(page.getByTestId('chart-latency')).toBeInViewport();
  },
);
