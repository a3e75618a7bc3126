import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring';

describe('RingBuffer', () => {
  it('keeps insertion order below capacity', () => {
    const r = new RingBuffer<number>(4);
    r.push(1);
    r.push(2);
    expect(r.toArray()).toEqual([1, 2]);
    expect(r.size).toBe(2);
  });

  it('overwrites the oldest when full and reports the evicted item', () => {
    const r = new RingBuffer<number>(3);
    expect([1, 2, 3].map((n) => r.push(n))).toEqual([undefined, undefined, undefined]);
    expect(r.push(4)).toBe(1);
    expect(r.push(5)).toBe(2);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.at(0)).toBe(3);
    expect(r.at(3)).toBeUndefined();
  });

  it('stays bounded over many pushes', () => {
    const r = new RingBuffer<number>(1000);
    for (let i = 0; i < 100_000; i++) r.push(i);
    expect(r.size).toBe(1000);
    expect(r.at(0)).toBe(99_000);
    expect(r.at(999)).toBe(99_999);
  });

  it('resizes keeping the newest', () => {
    const r = new RingBuffer<number>(5);
    for (let i = 0; i < 7; i++) r.push(i);
    r.resize(3);
    expect(r.toArray()).toEqual([4, 5, 6]);
    r.resize(6);
    r.push(7);
    expect(r.toArray()).toEqual([4, 5, 6, 7]);
  });

  it('rejects a bad capacity', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
