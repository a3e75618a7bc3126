import { describe, expect, it } from 'vitest';
import { hidesData } from './types';

describe('hidesData', () => {
  const xs = new Float64Array([1, 2, 3]);

  it('is false while the range shows every point, padded or not', () => {
    expect(hidesData(1, 3, xs, 3)).toBe(false);
    expect(hidesData(0.97, 3.03, xs, 3)).toBe(false);
  });

  it('is true when the range cuts off points on either side', () => {
    expect(hidesData(1.5, 3.03, xs, 3)).toBe(true);
    expect(hidesData(0.97, 2.5, xs, 3)).toBe(true);
  });

  it('a single point inside whatever range uPlot chose for it is not a zoom', () => {
    // uPlot ranges one value by its own magnitude (e.g. 0.012 s → about 0.0108…0.0132), far
    // narrower than ±0.5 around it.
    expect(hidesData(0.0108, 0.0132, new Float64Array([0.012]), 1)).toBe(false);
  });

  it('no data or no range yet is not a zoom', () => {
    expect(hidesData(1, 2, xs, 0)).toBe(false);
    expect(hidesData(undefined, 2, xs, 3)).toBe(false);
  });
});
