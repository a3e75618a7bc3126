import { describe, expect, it } from 'vitest';
import { checkArg, formatArgv, formatEnv, parseArgv, parseEnv } from './inputs';
import { localNames } from './names';

describe('checkArg', () => {
  it('accepts what the platform accepts', () => {
    expect(checkArg('5', 'i32')).toBeNull();
    expect(checkArg('0x2a', 'i32')).toBeNull();
    expect(checkArg('-9223372036854775808', 'i64')).toBeNull();
    expect(checkArg('nan', 'f64')).toBeNull();
    expect(checkArg('-0', 'f32')).toBeNull();
    expect(checkArg('-inf', 'f32')).toBeNull();
  });

  it('says what is wrong and what to type instead', () => {
    expect(checkArg('abc', 'i32')).toBe(
      'I32 needs an integer, got "abc". Try a whole number, e.g. 42, -7 or 0x2a.',
    );
    expect(checkArg('1.5', 'i32')).toMatch(/whole number/);
    expect(checkArg('', 'f64')).toBe('Enter a number, e.g. 3.14159, -0, 1e-9, inf or nan.');
    expect(checkArg('99999999999', 'i32')).toMatch(/does not fit in i32/);
    expect(checkArg('1', 'v128')).toMatch(/cannot pass v128/);
  });
});

describe('argv', () => {
  it('splits on spaces and honours quotes', () => {
    expect(parseArgv(`hello "two words" 'single q' a\\ b ""`)).toEqual({
      ok: true,
      value: ['hello', 'two words', 'single q', 'a b', ''],
    });
    expect(parseArgv('   ')).toEqual({ ok: true, value: [] });
    expect(parseArgv('"open')).toEqual({ ok: false, error: 'A double quote is not closed.' });
  });

  it('round-trips through formatArgv', () => {
    const argv = ['plain', 'two words', 'quo"te', '', 'back\\slash', 'ünïcödé'];
    expect(parseArgv(formatArgv(argv))).toEqual({ ok: true, value: argv });
  });
});

describe('env', () => {
  it('reads KEY=VALUE lines', () => {
    expect(parseEnv('A=1\n\n# note\nGREETING=hi = there\nEMPTY=')).toEqual({
      ok: true,
      value: { A: '1', GREETING: 'hi = there', EMPTY: '' },
    });
  });

  it('names the bad line', () => {
    expect(parseEnv('A=1\noops')).toEqual({ ok: false, error: 'Line 2: write NAME=value (no "=" found).' });
    expect(parseEnv('=x')).toEqual({ ok: false, error: 'Line 1: write NAME=value (the name is missing).' });
  });

  it('round-trips', () => {
    const env = { LANG: 'C', X: 'a=b' };
    expect(parseEnv(formatEnv(env))).toEqual({ ok: true, value: env });
  });
});

describe('localNames', () => {
  const str = (s: string) => [s.length, ...new TextEncoder().encode(s)];
  function moduleWithNames(): Uint8Array {
    // name section, subsection 2 (locals): function 1 has locals 0 "a" and 1 "b"
    const locals = [1, 1, 2, 0, ...str('a'), 1, ...str('b')];
    const payload = [...str('name'), 2, locals.length, ...locals];
    return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0, payload.length, ...payload]);
  }

  it('reads parameter names by function index', () => {
    const names = localNames(moduleWithNames());
    expect(names.get(1)?.get(0)).toBe('a');
    expect(names.get(1)?.get(1)).toBe('b');
  });

  it('keeps a name that starts with U+FEFF', () => {
    const bom = [...new TextEncoder().encode('\u{FEFF}n')];
    const locals = [1, 1, 1, 0, bom.length, ...bom];
    const payload = [...str('name'), 2, locals.length, ...locals];
    const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0, payload.length, ...payload]);
    expect(localNames(bytes).get(1)?.get(0)).toBe('\u{FEFF}n');
  });

  it('returns nothing for modules without names or with garbage', () => {
    expect(localNames(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])).size).toBe(0);
    expect(localNames(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0, 0xff])).size).toBe(0);
  });
});
