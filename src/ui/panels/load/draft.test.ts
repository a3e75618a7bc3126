import { describe, expect, it } from 'vitest';
import type { FunctionInfo } from '../../../platform/types';
import { DEFAULT_DRAFT, describeSpec, draftToSpec, parseArgLines } from './draft';

const sum = {
  name: 'sum',
  entry: '_start',
  module: {
    exports: [
      { name: '_start', kind: 'function', index: 0, signature: { params: ['i32', 'i32'], results: ['i32'] } },
    ],
  },
} as unknown as FunctionInfo;

describe('parseArgLines', () => {
  it('reads one list per line, commas or spaces between values', () => {
    expect(parseArgLines('5, 2')).toEqual([['5', '2']]);
    expect(parseArgLines('1 2\n\n 3,4 \n')).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(parseArgLines('')).toEqual([[]]);
  });
});

describe('draftToSpec', () => {
  it('builds an open-loop spec with bursts and checks arguments against the signature', () => {
    const r = draftToSpec(
      { ...DEFAULT_DRAFT, fn: 'sum', args: '5, 2\n1, 1', rate: 200, burstsOn: true, seed: 3 },
      sum,
    );
    expect(r).toEqual({
      ok: true,
      spec: {
        fn: 'sum',
        args: [
          ['5', '2'],
          ['1', '1'],
        ],
        mode: 'open',
        arrival: 'constant',
        ratePerSec: 200,
        concurrency: 4,
        seed: 3,
        bursts: { size: 50, everySec: 1 },
        durationSec: 5,
      },
    });
    if (r.ok)
      expect(describeSpec(r.spec)).toBe(
        'sum(2 argument lists, cycled) — open loop, constant 200/s + bursts of 50 every 1 s for 5 s, seed 3',
      );
  });

  it('names the line with bad arguments', () => {
    const r = draftToSpec({ ...DEFAULT_DRAFT, fn: 'sum', args: '5, 2\n1' }, sum);
    expect(r).toEqual({
      ok: false,
      error: expect.stringMatching(/^Arguments, line 2: .*expects 2 arguments/),
    });
  });

  it('rejects a missing stop condition and oversized runs', () => {
    expect(draftToSpec({ ...DEFAULT_DRAFT, fn: 'sum', args: '1,2', duration: null }, sum)).toMatchObject({
      ok: false,
    });
    expect(
      draftToSpec({ ...DEFAULT_DRAFT, fn: 'sum', args: '1,2', rate: 100_000, duration: 60 }, sum),
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/million/),
    });
  });

  it('builds a closed loop with a count', () => {
    const r = draftToSpec(
      {
        ...DEFAULT_DRAFT,
        fn: 'sum',
        args: '1,2',
        mode: 'closed',
        concurrency: 8,
        duration: null,
        count: 500,
      },
      sum,
    );
    expect(r.ok && r.spec).toMatchObject({ mode: 'closed', concurrency: 8, count: 500 });
    expect(r.ok && describeSpec(r.spec)).toBe('sum(1, 2) — closed loop, 8 clients up to 500 calls, seed 1');
  });
});
