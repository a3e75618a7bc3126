import { describe, expect, it } from 'vitest';
import { ArgumentError, convertArg, convertArgs } from './args';

describe('convertArg', () => {
  it('i32 accepts integers in the signed and unsigned range and wraps unsigned', () => {
    expect(convertArg(5, 'i32')).toBe(5);
    expect(convertArg(-2147483648, 'i32')).toBe(-2147483648);
    expect(convertArg(4294967295, 'i32')).toBe(-1);
    expect(convertArg('0x10', 'i32')).toBe(16);
    expect(convertArg(' -7 ', 'i32')).toBe(-7);
    expect(convertArg(3n, 'i32')).toBe(3);
  });

  it('i32 rejects fractions, out-of-range values and words', () => {
    expect(() => convertArg(1.5, 'i32')).toThrow(/whole number/);
    expect(() => convertArg(4294967296, 'i32')).toThrow(/does not fit in i32/);
    expect(() => convertArg('abc', 'i32')).toThrow(ArgumentError);
    expect(() => convertArg('', 'i32')).toThrow(ArgumentError);
  });

  it('i64 is a BigInt and takes exact strings beyond 2^53', () => {
    expect(convertArg('-9007199254740993', 'i64')).toBe(-9007199254740993n);
    expect(convertArg('18446744073709551615', 'i64')).toBe(-1n);
    expect(convertArg(42, 'i64')).toBe(42n);
    expect(() => convertArg(2 ** 60, 'i64')).toThrow(/string or BigInt/);
    expect(() => convertArg('18446744073709551616', 'i64')).toThrow(/does not fit in i64/);
  });

  it('floats take NaN, Infinity and -0 spelled as text', () => {
    expect(convertArg('NaN', 'f64')).toBeNaN();
    expect(convertArg('Infinity', 'f64')).toBe(Infinity);
    expect(convertArg('-inf', 'f32')).toBe(-Infinity);
    expect(Object.is(convertArg('-0', 'f64'), -0)).toBe(true);
    expect(convertArg('1e3', 'f64')).toBe(1000);
    expect(convertArg(0.1, 'f32')).toBe(Math.fround(0.1));
    expect(() => convertArg('1.2.3', 'f64')).toThrow(ArgumentError);
  });

  it('v128 is refused clearly', () => {
    expect(() => convertArg(1, 'v128')).toThrow(/not supported/);
  });
});

describe('convertArgs', () => {
  const sum = { params: ['i32', 'i32'] as const, results: ['i32'] as const };
  it('converts every argument', () => {
    expect(convertArgs('sum', { params: [...sum.params], results: [...sum.results] }, [1, '2'])).toEqual([
      1, 2,
    ]);
  });
  it('names the export and counts in the error', () => {
    expect(() => convertArgs('sum', { params: ['i32', 'i32'], results: ['i32'] }, [1])).toThrow(
      '"sum" expects 2 arguments (i32, i32) but got 1',
    );
    expect(() => convertArgs('answer', { params: [], results: ['i32'] }, [1])).toThrow(
      /expects no arguments/,
    );
    expect(() => convertArgs('sum', { params: ['i32', 'i32'], results: ['i32'] }, [1, 'x'])).toThrow(
      /argument 2/,
    );
  });
  it('refuses v128 results', () => {
    expect(() => convertArgs('v', { params: [], results: ['v128'] }, [])).toThrow(/v128/);
  });
});
