// Lesson story: asking for more memory than the cap ends as memory-limit; a higher cap lets it run.
import { expect } from '@playwright/test';
import { lessonTest, outcomes, press } from './support/lessons';

lessonTest(
  'memory-cap',
  '32 MiB under a 16 MiB cap is a memory-limit, under 64 MiB it runs',
  async (page, lesson) => {
    expect(await outcomes(await press(lesson, 'Ask for 32 MiB under a 16 MiB cap'))).toEqual([
      'memory-limit',
    ]);
    const run = page.getByRole('tabpanel', { name: 'Run' });
    await expect(run.getByTestId('memory')).toHaveText('16.0 MiB');
    expect(await outcomes(await press(lesson, 'Cap 64 MiB: ask for 32 MiB again'))).toEqual(['ok']);
    await expect(run.getByTestId('result-value')).toHaveText('32');
    await expect(run.getByTestId('memory')).toHaveText('32.0 MiB');
  },
);
