import { describe, expect, it } from 'vitest';
import type { FunctionInfo } from '../../platform/types';
import { formatCount, memoryCapBytes } from './format';

const info = (version: number, capPages: number | null) =>
  ({
    name: 'out-of-memory',
    version,
    memory: capPages === null ? null : { declaredMaxPages: null, effectiveMaxPages: capPages, capPages },
  }) as FunctionInfo;

describe('memoryCapBytes', () => {
  it('is the cap of the deployed version the invocation ran', () => {
    expect(memoryCapBytes({ fn: 'out-of-memory', version: 2 }, info(2, 128))).toBe(8 * 1024 * 1024);
  });

  it('is unknown for an older version, another function, or a module without memory', () => {
    expect(memoryCapBytes({ fn: 'out-of-memory', version: 1 }, info(2, 128))).toBeNull();
    expect(memoryCapBytes({ fn: 'sum', version: 2 }, info(2, 128))).toBeNull();
    expect(memoryCapBytes({ fn: 'out-of-memory', version: 2 }, info(2, null))).toBeNull();
    expect(memoryCapBytes({ fn: 'out-of-memory', version: 2 }, undefined)).toBeNull();
  });
});

describe('formatCount', () => {
  it('writes what toLocaleString("en-US") writes, integers without loading the locale data', () => {
    const values = [
      0,
      -0,
      1,
      7,
      12,
      999,
      1000,
      -1000,
      1234567,
      -98765432,
      2 ** 53 - 1,
      2 ** 53,
      1e21,
      1.5,
      1234.5678,
      -0.25,
      NaN,
      Infinity,
      -Infinity,
    ];
    for (const v of values) expect(formatCount(v), String(v)).toBe(v.toLocaleString('en-US'));
  });
});
