import { describe, expect, it } from 'vitest';
import { highlightWat, wordKind, type WatToken } from './wat-highlight';
import { classifyWord, INSTRUCTION_NAMES, KEYWORDS, TYPES } from './wat-instructions';

const kinds = (line: WatToken[]) => line.filter((t) => t.kind !== null).map((t) => [t.text, t.kind]);

describe('wordKind', () => {
  it('agrees with the instruction table on every instruction, keyword and type', () => {
    const words = [...INSTRUCTION_NAMES, ...KEYWORDS, ...TYPES];
    const disagree = words.filter((w) => wordKind(w) !== (classifyWord(w) ?? 'identifier'));
    expect(disagree).toEqual([]);
  });

  it('leaves other words plain identifiers', () => {
    for (const w of ['sum', 'i32x', 'locals', 'memory_grow', 'foo.bar'])
      expect([w, wordKind(w)]).toEqual([w, classifyWord(w) ?? 'identifier']);
  });
});

describe('highlightWat', () => {
  it('colours a function the way the Monarch tokenizer does', () => {
    const [first, second] = highlightWat(
      '(func $add (export "add") (param i32 i32) (result i32) ;; two\n  local.get 0 i32.load offset=8 align=4 @x',
    );
    expect(kinds(first)).toEqual([
      ['(', 'bracket'],
      ['func', 'keyword'],
      ['$add', 'variable'],
      ['(', 'bracket'],
      ['export', 'keyword'],
      ['"add"', 'string'],
      [')', 'bracket'],
      ['(', 'bracket'],
      ['param', 'keyword'],
      ['i32', 'type'],
      ['i32', 'type'],
      [')', 'bracket'],
      ['(', 'bracket'],
      ['result', 'keyword'],
      ['i32', 'type'],
      [')', 'bracket'],
      [';; two', 'comment'],
    ]);
    expect(kinds(second)).toEqual([
      ['local.get', 'instruction'],
      ['0', 'number'],
      ['i32.load', 'instruction'],
      ['offset', 'attribute'],
      ['=', 'operator'],
      ['8', 'number'],
      ['align', 'attribute'],
      ['=', 'operator'],
      ['4', 'number'],
      ['@x', 'annotation'],
    ]);
  });

  it('keeps block comments and strings open across lines, nesting comments', () => {
    const lines = highlightWat('(; a (; b ;) c\nd ;) nop "x\\n\\q\ny" drop');
    expect(kinds(lines[0])).toEqual([['(; a (; b ;) c', 'comment']]);
    expect(kinds(lines[1])).toEqual([
      ['d ;)', 'comment'],
      ['nop', 'instruction'],
      ['"x', 'string'],
      ['\\n', 'stringEscape'],
      ['\\q', 'stringInvalid'],
    ]);
    expect(kinds(lines[2])).toEqual([
      ['y"', 'string'],
      ['drop', 'instruction'],
    ]);
  });

  it('marks what is not WAT as invalid', () => {
    expect(kinds(highlightWat('(module #oops)')[0])).toEqual([
      ['(', 'bracket'],
      ['module', 'keyword'],
      ['#oops', 'invalid'],
      [')', 'bracket'],
    ]);
  });

  it('keeps every character of every sample, line by line', () => {
    const files = Object.entries(
      import.meta.glob<string>('/samples/*.wat', { query: '?raw', import: 'default', eager: true }),
    );
    expect(files.length).toBeGreaterThan(3);
    for (const [f, text] of files) {
      const lines = highlightWat(text);
      expect(lines.map((l) => l.map((t) => t.text).join('')).join('\n')).toBe(text);
      expect(
        lines.flat().some((t) => t.kind === 'invalid'),
        f,
      ).toBe(false);
    }
  });
});
