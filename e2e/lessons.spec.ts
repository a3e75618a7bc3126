// User story: a lecturer opens a lesson from the Lessons menu, edits its function, and shares a
// link; a student's browser opens the same lesson over the lecturer's code, runs nothing until a
// lesson button is pressed, and the lesson runs the lecturer's version.
import { expect, test } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
import { expectNothingRan, LESSON_VIEWPORT, lessonRegion, press, starts } from './support/lessons';
import { openPlayground, replaceEditorText } from './support/playground';
import { makeShareLink } from './support/share';

const EDITED = `(module (func (export "_start") (param i32 i32) (result i32)
  local.get 0 local.get 1 i32.add i32.const 1000 i32.add))`;

test("a lesson opens from the menu and travels in a share link with the lecturer's edits", async ({
  page,
}) => {
  const errors = failOnPageErrors(page);
  await page.setViewportSize(LESSON_VIEWPORT);
  await openPlayground(page, '/');

  await page.getByRole('button', { name: 'Lessons' }).click();
  await page.getByRole('menuitem', { name: 'Cold and warm starts' }).click();
  const lesson = lessonRegion(page);
  await expect(lesson).toHaveAttribute('data-lesson', 'cold-start');
  await expect(page).toHaveURL(/\?lesson=cold-start$/);
  await expect(lesson.getByRole('button', { name: 'Run 5 times' })).toBeEnabled();

  await replaceEditorText(page, EDITED);
  const link = await makeShareLink(page);
  expect(link).toMatch(/\?lesson=cold-start#v1\//);

  const student = await (await page.context().browser()!.newContext({ viewport: LESSON_VIEWPORT })).newPage();
  const studentErrors = failOnPageErrors(student);
  await student.goto(link);
  await student.waitForFunction(() => typeof window.faas?.invoke === 'function');
  const theirs = lessonRegion(student);
  await expect(theirs).toHaveAttribute('data-lesson', 'cold-start');
  await expectNothingRan(student);

  const calls = await press(theirs, 'Run 5 times');
  expect(await starts(calls)).toEqual(['cold', 'warm', 'warm', 'warm', 'warm']);
  const ran = await student.evaluate(() => window.faas.invocations().map((i) => [i.fn, i.result]));
  expect(ran).toEqual(Array(5).fill(['sum-cold (shared)', 1007]));

  await theirs.getByRole('button', { name: 'Close lesson' }).click();
  await expect(theirs).toHaveCount(0);
  await expect(student).not.toHaveURL(/lesson=/);
  await expectNoPageErrors(studentErrors);
  await expectNoPageErrors(errors);
});
