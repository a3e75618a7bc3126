// Windowing for long lists of fixed-height rows (console entries, hex dump lines).
// Browsers cap an element's height (~33 M px in Chromium), so past MAX_SCROLL_PX the scroll
// range is compressed: the scrollbar maps proportionally onto the rows and rows are placed
// relative to the viewport instead of at i × rowPx.

export const MAX_SCROLL_PX = 8_000_000;

export interface RowWindow {
  /** First and one-past-last row index to render. */
  start: number;
  end: number;
  /** Height of the scrollable content. */
  totalPx: number;
  /** Top of row i inside the content. */
  top: (i: number) => number;
}

export function rowWindow(
  count: number,
  rowPx: number,
  scrollTop: number,
  viewportPx: number,
  overscan = 6,
): RowWindow {
  const natural = count * rowPx;
  const visible = Math.ceil(viewportPx / rowPx) + 1;
  if (natural <= MAX_SCROLL_PX) {
    const first = Math.max(0, Math.floor(scrollTop / rowPx));
    return {
      start: Math.max(0, first - overscan),
      end: Math.min(count, first + visible + overscan),
      totalPx: natural,
      top: (i) => i * rowPx,
    };
  }
  const totalPx = MAX_SCROLL_PX;
  const maxScroll = Math.max(1, totalPx - viewportPx);
  const rowsInView = viewportPx / rowPx;
  const exact = (Math.min(scrollTop, maxScroll) / maxScroll) * Math.max(0, count - rowsInView);
  const first = Math.floor(exact);
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(count, first + visible + overscan),
    totalPx,
    top: (i) => scrollTop + (i - exact) * rowPx,
  };
}

/** The scrollTop that brings row i into view (minimal movement), or null when it already is. */
export function scrollForRow(
  i: number,
  count: number,
  rowPx: number,
  scrollTop: number,
  viewportPx: number,
): number | null {
  const natural = count * rowPx;
  if (natural <= MAX_SCROLL_PX) {
    const top = i * rowPx;
    if (top < scrollTop) return top;
    if (top + rowPx > scrollTop + viewportPx) return top + rowPx - viewportPx;
    return null;
  }
  const w = rowWindow(count, rowPx, scrollTop, viewportPx, 0);
  const top = w.top(i);
  if (top >= scrollTop && top + rowPx <= scrollTop + viewportPx) return null;
  const maxScroll = Math.max(1, MAX_SCROLL_PX - viewportPx);
  const rowsInView = viewportPx / rowPx;
  const span = Math.max(1, count - rowsInView);
  // Put the row at the top (or bottom when moving down) of the viewport.
  const target = top < scrollTop ? i : Math.max(0, i + 1 - rowsInView);
  return Math.min(maxScroll, (target / span) * maxScroll);
}
