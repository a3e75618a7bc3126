// Lesson story: with a 1 s keep-alive the call after a pause is cold again; with 60 s it is warm.
import { expect } from '@playwright/test';
import { lessonTest, press, starts } from './support/lessons';

lessonTest(
  'keep-alive',
  'a short keep-alive makes the next call cold, the default keeps it warm',
  async (page, lesson) => {
    const short = await press(lesson, 'Keep-alive 1 s: run, wait 2 s, run');
    expect(await starts(short)).toEqual(['cold', 'cold']);
    const long = await press(lesson, 'Keep-alive 60 s: run, wait 2 s, run');
    expect(await starts(long)).toEqual(['cold', 'warm']);
    await expect(page.getByRole('tabpanel', { name: 'Settings' }).getByLabel('Keep-alive (ms)')).toHaveValue(
      '60000',
    );
  },
);
