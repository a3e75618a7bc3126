import { describe, expect, it } from 'vitest';
import { typeaheadMatch } from './typeahead';

const NAMES = [
  'answer',
  'sum',
  'sleep',
  'stuck',
  'fib',
  'counter',
  'memory-hog',
  'trap',
  'hello-log',
  'multi',
];

describe('typeaheadMatch', () => {
  it('"st" lands on stuck, not on trap', () => {
    const s = typeaheadMatch(NAMES, 0, 's')!;
    expect(NAMES[s]).toBe('sum');
    expect(NAMES[typeaheadMatch(NAMES, s, 'st')!]).toBe('stuck');
  });

  it('the same letter again cycles through the names starting with it', () => {
    let at = 0;
    const seen: string[] = [];
    for (const typed of ['s', 'ss', 'sss', 'ssss']) {
      at = typeaheadMatch(NAMES, at, typed)!;
      seen.push(NAMES[at]);
    }
    expect(seen).toEqual(['sum', 'sleep', 'stuck', 'sum']);
  });

  it('a longer search keeps the current item when it still matches, and is case-insensitive', () => {
    expect(NAMES[typeaheadMatch(NAMES, 2, 'sl')!]).toBe('sleep');
    expect(typeaheadMatch(['Alpha', 'beta'], 1, 'al')).toBe(0);
  });

  it('no match leaves the caller where it was', () => {
    expect(typeaheadMatch(NAMES, 3, 'z')).toBeUndefined();
    expect(typeaheadMatch(NAMES, 3, 'stx')).toBeUndefined();
    expect(typeaheadMatch([], 0, 's')).toBeUndefined();
  });
});
