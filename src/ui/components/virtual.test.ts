import { describe, expect, it } from 'vitest';
import { MAX_SCROLL_PX, rowWindow, scrollForRow } from './virtual';

describe('rowWindow', () => {
  it('renders only the rows in view plus overscan', () => {
    const w = rowWindow(100_000, 20, 2000, 400, 5);
    expect(w.start).toBe(95);
    expect(w.end).toBe(100 + 21 + 5);
    expect(w.totalPx).toBe(2_000_000);
    expect(w.top(100)).toBe(2000);
  });

  it('clamps at both ends', () => {
    expect(rowWindow(10, 20, 0, 400).start).toBe(0);
    expect(rowWindow(10, 20, 0, 400).end).toBe(10);
    expect(rowWindow(0, 20, 0, 400).end).toBe(0);
  });

  it('compresses huge lists and still reaches the last row', () => {
    const count = 2_000_000; // a 32 MiB module at 16 bytes a row
    const rowPx = 18;
    const vp = 360;
    const top = rowWindow(count, rowPx, 0, vp, 0);
    expect(top.totalPx).toBe(MAX_SCROLL_PX);
    expect(top.start).toBe(0);
    expect(top.top(0)).toBe(0);
    const end = rowWindow(count, rowPx, MAX_SCROLL_PX - vp, vp, 0);
    expect(end.end).toBe(count);
    const last = end.top(count - 1);
    expect(last + rowPx).toBeCloseTo(MAX_SCROLL_PX, 5);
  });
});

describe('scrollForRow', () => {
  it('moves minimally for natural lists', () => {
    expect(scrollForRow(5, 100, 20, 0, 200)).toBeNull();
    expect(scrollForRow(20, 100, 20, 0, 200)).toBe(220);
    expect(scrollForRow(2, 100, 20, 200, 200)).toBe(40);
  });

  it('brings a row of a compressed list into view', () => {
    const count = 2_000_000;
    const s = scrollForRow(1_500_000, count, 18, 0, 360)!;
    const w = rowWindow(count, 18, s, 360, 0);
    const t = w.top(1_500_000);
    expect(t).toBeGreaterThanOrEqual(s - 0.001);
    expect(t + 18).toBeLessThanOrEqual(s + 360 + 0.001);
  });
});
