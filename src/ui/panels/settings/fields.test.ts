import { describe, expect, it } from 'vitest';
import { checkNumber, FUNCTION_RULES, platformRule } from './fields';

describe('checkNumber', () => {
  it('accepts values in range', () => {
    expect(checkNumber('1000', FUNCTION_RULES.timeoutMs)).toEqual({ ok: true, value: 1000 });
    expect(checkNumber(' 0.5 ', FUNCTION_RULES.memoryMiB)).toEqual({ ok: true, value: 0.5 });
  });

  it('explains what is allowed', () => {
    expect(checkNumber('0', FUNCTION_RULES.timeoutMs)).toEqual({
      ok: false,
      error: 'Must be from 1 to 600,000 ms.',
    });
    expect(checkNumber('1.5', FUNCTION_RULES.timeoutMs)).toEqual({
      ok: false,
      error: 'Use a whole number from 1 to 600,000 ms.',
    });
    expect(checkNumber('', FUNCTION_RULES.memoryMiB)).toEqual({
      ok: false,
      error: 'Enter a number from 0.0625 to 4,096 MiB.',
    });
    expect(checkNumber('x', FUNCTION_RULES.memoryMiB).ok).toBe(false);
  });

  it('bounds prewarm by max workers', () => {
    expect(checkNumber('5', platformRule('prewarm', { maxWorkers: 4 }))).toEqual({
      ok: false,
      error: 'Must be from 0 to 4 workers.',
    });
  });
});
