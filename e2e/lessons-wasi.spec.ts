// Lesson story: a C program compiled to WASI gets argv and environment and ends with an exit code.
import { expect } from '@playwright/test';
import { lessonTest, outcomes, press } from './support/lessons';

lessonTest(
  'wasi',
  'env-echo prints its argv and GREETING; exit3 ends with exit code 3',
  async (page, lesson) => {
    const run = page.getByRole('tabpanel', { name: 'Run' });
    const echo = await press(lesson, 'Run env-echo hello world, GREETING=hi');
    expect(await outcomes(echo)).toEqual(['ok']);
    await expect(run.getByTestId('stdout')).toContainText('argv[1]=hello');
    await expect(run.getByTestId('stdout')).toContainText('argv[2]=world');
    await expect(run.getByTestId('stdout')).toContainText('GREETING=hi');
    await expect(run.getByTestId('exit-code')).toHaveText('0');

    const exit = await press(lesson, 'Run exit3');
    expect(await outcomes(exit)).toEqual(['ok']);
    await expect(exit).toContainText('exit 3');
    await expect(run.getByTestId('exit-code')).toHaveText('3');
  },
);
