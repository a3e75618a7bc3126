// Lesson story: a burst on an empty pool waits for workers to spawn; prewarmed workers take it at once.
import { expect } from '@playwright/test';
import { lessonTest, press, spawnMs } from './support/lessons';

lessonTest(
  'prewarm',
  'prewarm 0 spawns a worker per call of a burst, prewarm 4 spawns none',
  async (_, lesson) => {
    const cold = await spawnMs(await press(lesson, 'Prewarm 0: 4 calls at once'));
    expect(cold).toHaveLength(4);
    expect(cold.every((ms) => ms > 0)).toBe(true);
    const warm = await spawnMs(await press(lesson, 'Prewarm 4: 4 calls at once'));
    expect(warm).toEqual([0, 0, 0, 0]);
  },
);
