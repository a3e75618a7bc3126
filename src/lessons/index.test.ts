import { describe, expect, it } from 'vitest';
import samples from '../../samples/index.json';
import wasiSamples from '../../samples/wasi/index.json';
import { findLesson, LESSONS, lessonFromSearch, lessonText, resolveNames, searchWithLesson } from './index';
import type { LessonAction } from './types';

const REQUIRED = [
  'cold-start',
  'keep-alive',
  'prewarm',
  'timeout',
  'memory-cap',
  'throttling',
  'scaling',
  'billing',
  'wasm-vs-js',
  'wasi',
];
const PANELS = ['run', 'console', 'binary', 'metrics', 'load', 'compare', 'benchmarks', 'settings'];

function functionsOf(a: LessonAction): string[] {
  if ('fn' in a) return [a.fn];
  if (a.do === 'load' || a.do === 'compare') return [a.workload.fn];
  return [];
}

describe('lessons', () => {
  it('has every lesson the issue names, each id once, in menu order', () => {
    const ids = LESSONS.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of REQUIRED) expect(ids).toContain(id);
    expect(LESSONS.map((l) => l.order)).toEqual([...LESSONS.map((l) => l.order)].sort((a, b) => a - b));
  });

  it.each(LESSONS.map((l) => [l.id, l] as const))(
    '%s uses only what it declares and what exists',
    (_, lesson) => {
      const declared = new Set(lesson.functions.map((f) => f.name));
      for (const fn of lesson.functions) {
        if ('sample' in fn) expect(samples.map((s) => s.name)).toContain(fn.sample);
        if ('wasi' in fn) expect(wasiSamples.map((s) => s.name)).toContain(fn.wasi);
      }
      expect(lesson.steps.length).toBeGreaterThan(0);
      for (const step of lesson.steps) {
        if (step.fn) expect(declared).toContain(step.fn);
        for (const button of step.buttons ?? []) {
          expect(button.actions.length).toBeGreaterThan(0);
          if (button.panel) expect(PANELS).toContain(button.panel);
          for (const action of button.actions)
            for (const fn of functionsOf(action)) expect(declared).toContain(fn);
        }
      }
      // The concept shows from the first button: a lesson never needs set-up clicks first.
      expect(lesson.steps[0].buttons?.length).toBeGreaterThan(0);
    },
  );

  it('finds a lesson from ?lesson=, and only a real one', () => {
    expect(lessonFromSearch('?lesson=timeout')?.id).toBe('timeout');
    expect(lessonFromSearch('?sample=sum&lesson=wasi')?.id).toBe('wasi');
    expect(lessonFromSearch('?lesson=nope')).toBeUndefined();
    expect(lessonFromSearch('')).toBeUndefined();
    expect(findLesson(' billing ')?.id).toBe('billing');
  });

  it('puts the lesson id into a query string and takes it out, keeping other parameters', () => {
    expect(searchWithLesson('', 'prewarm')).toBe('?lesson=prewarm');
    expect(searchWithLesson('?sample=sum', 'prewarm')).toBe('?sample=sum&lesson=prewarm');
    expect(searchWithLesson('?lesson=wasi', 'timeout')).toBe('?lesson=timeout');
    expect(searchWithLesson('?lesson=wasi&sample=fib', null)).toBe('?sample=fib');
    expect(searchWithLesson('?lesson=wasi', null)).toBe('');
  });

  it('says how many cores the browser reports', () => {
    expect(lessonText('{cores} cores, up to {cores} workers', 2)).toBe('2 cores, up to 2 workers');
    expect(lessonText('{cores} cores', undefined)).toBe('an unknown number of cores');
  });

  it("runs a lesson on a lecturer's shared copy when one came with the link", () => {
    const lesson = findLesson('wasi')!;
    expect(resolveNames(lesson, [])).toEqual({ 'env-echo': 'env-echo', exit3: 'exit3' });
    expect(resolveNames(lesson, ['env-echo', 'env-echo (shared)', 'exit3'])).toEqual({
      'env-echo': 'env-echo (shared)',
      exit3: 'exit3',
    });
    expect(resolveNames(lesson, ['env-echo (shared)', 'env-echo (shared 2)'])['env-echo']).toBe(
      'env-echo (shared 2)',
    );
    expect(resolveNames(lesson, ['env-echo (sharedx)'])['env-echo']).toBe('env-echo');
  });
});
