// Lesson story: a burst on an empty pool waits for workers to spawn; prewarmed workers take it at
// once but cold; provisioned workers, which hold the function, take it warm.
import { expect } from '@playwright/test';
import { lessonTest, press, spawnMs, starts } from './support/lessons';

lessonTest(
  'prewarm',
  'prewarm 0 spawns a worker per call of a burst, prewarm 4 spawns none, provisioned 4 starts warm',
  async (_, lesson) => {
    const cold = await spawnMs(await press(lesson, 'Prewarm 0: 4 calls at once'));
    expect(cold).toHaveLength(4);
    expect(cold.every((ms) => ms > 0)).toBe(true);
    const prewarmed = await press(lesson, 'Prewarm 4: 4 calls at once');
    expect(await spawnMs(prewarmed)).toEqual([0, 0, 0, 0]);
    // Prewarmed workers hold nothing yet: the calls skip the spawn but still load the module.
    expect(await starts(prewarmed)).toEqual(['cold', 'cold', 'cold', 'cold']);
    // Provisioned workers hold the function: the same burst starts warm.
    const provisioned = await press(lesson, 'Provisioned 4: 4 calls at once');
    expect(await starts(provisioned)).toEqual(['warm', 'warm', 'warm', 'warm']);
    expect(await spawnMs(provisioned)).toEqual([0, 0, 0, 0]);
  },
);
