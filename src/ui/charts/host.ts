// A uPlot chart living in a container element: sized by a ResizeObserver, rebuilt when the theme
// changes, fed with new data without being rebuilt. The Svelte chart components wrap one each.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { downloadBlob, fileStamp } from '../download';
import { chartPng } from './export';
import { scaleAxes } from './scale';
import { readPalette, watchTheme, type Palette } from './palette';

export { uPlot };

/** A series as a legend shows it: its name and its palette colour. */
export interface LegendSpec {
  label: string;
  color: keyof Palette;
}

export interface HostConfig {
  height: number;
  /** Builds the options for a width and palette; called on creation and every rebuild. */
  options(width: number, height: number, palette: Palette): uPlot.Options;
  /** The current data; called on creation and by update(). */
  data(): uPlot.AlignedData;
}

/**
 * How a chart's container asks to be drawn, from its CSS: the text scale (`--text-scale`, which
 * presentation mode raises) and whether the plot fills its box (`--chart-fill: 1`, set where charts
 * share a window's height) instead of taking the chart's own height.
 */
function readLayout(el: HTMLElement): { scale: number; fill: boolean } {
  const style = getComputedStyle(el);
  const scale = parseFloat(style.getPropertyValue('--text-scale'));
  return { scale: scale > 0 ? scale : 1, fill: style.getPropertyValue('--chart-fill').trim() === '1' };
}

export class ChartHost {
  u: uPlot | null = null;
  palette: Palette;
  /** The text scale the chart was built with; draw hooks scale the text they draw by it. */
  textScale = 1;
  private fill = false;
  /** Height of what uPlot draws outside its canvas, taken from a filled box. */
  private extra = 0;
  private readonly ro: ResizeObserver;
  private readonly unwatch: () => void;
  private destroyed = false;

  constructor(
    private readonly el: HTMLElement,
    private readonly cfg: HostConfig,
  ) {
    this.palette = readPalette();
    this.ro = new ResizeObserver(() => this.resize());
    this.ro.observe(el);
    this.unwatch = watchTheme(() => {
      this.palette = readPalette();
      this.rebuild();
    });
    this.resize();
  }

  private resize(): void {
    if (this.destroyed) return;
    const w = Math.floor(this.el.clientWidth);
    if (w <= 0) return; // hidden tab: build when shown
    const { scale, fill } = readLayout(this.el);
    // Filling: the box's height comes from the layout (the plot is out of flow), less what uPlot
    // puts beside the canvas (its own legend, in the Benchmarks chart).
    const box = fill ? Math.floor(this.el.clientHeight) : this.cfg.height;
    const h = box - (fill ? this.extra : 0);
    if (h <= 0) return;
    if (this.u && (scale !== this.textScale || fill !== this.fill)) {
      this.u.destroy(); // presentation mode on or off: text and sizing change
      this.u = null;
    }
    this.textScale = scale;
    this.fill = fill;
    if (!this.u) {
      const opts = scaleAxes(this.cfg.options(w, h, this.palette), scale, this.palette.font);
      this.u = new uPlot(opts, this.cfg.data(), this.el);
      // What the chart was built with, for the presentation mode spec (canvas text has no style).
      this.el.dataset.textScale = String(scale);
      this.el.dataset.axisFont = opts.axes?.[0]?.font ?? '';
      if (fill) this.fitOutside(this.u, w, box);
    } else if (Math.abs(this.u.width - w) >= 1 || Math.abs(this.u.height - h) >= 1)
      this.u.setSize({ width: w, height: h });
  }

  /** Filling: what uPlot draws beside its canvas (its own legend) comes off the canvas's height. */
  private fitOutside(u: uPlot, w: number, box: number): void {
    let extra = 0;
    for (const c of u.root.children)
      if (!c.classList.contains('u-wrap')) extra += (c as HTMLElement).offsetHeight;
    if (extra === this.extra) return;
    this.extra = extra;
    u.setSize({ width: w, height: box - extra });
  }

  /** New data; keeps the zoom when resetScales is false. */
  update(resetScales = true): void {
    if (!this.u) return this.resize();
    this.u.setData(this.cfg.data(), resetScales);
  }

  /** Rebuilds from scratch (theme or option changes such as a log axis). */
  rebuild(): void {
    if (this.destroyed) return;
    this.u?.destroy();
    this.u = null;
    this.resize();
  }

  /** Saves the chart as `<filename>-<stamp>.png`, with its title and legend drawn above it. */
  async savePng(title: string, legend: LegendSpec[], filename: string): Promise<void> {
    if (!this.u) return;
    const p = this.palette;
    const entries = legend.map((e) => ({ label: e.label, color: p[e.color] }));
    downloadBlob(await chartPng(this.u, title, entries, p), `${filename}-${fileStamp()}.png`);
  }

  destroy(): void {
    this.destroyed = true;
    this.ro.disconnect();
    this.unwatch();
    this.u?.destroy();
    this.u = null;
  }
}

/** Axis styling shared by every chart. */
export function axis(p: Palette, label: string, extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return {
    label,
    stroke: p.muted,
    labelFont: `600 12px ${p.font}`,
    font: `11px ${p.font}`,
    labelSize: label ? 22 : 0,
    grid: { stroke: p.grid, width: 1 },
    ticks: { stroke: p.border, width: 1, size: 4 },
    ...extra,
  };
}

/** Compact axis numbers: 0.05, 1.2, 35, 1.2k, 3M. */
export function shortNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  if (a >= 1) return String(+v.toPrecision(4));
  return String(+v.toPrecision(2));
}

/**
 * Wheel to zoom x around the cursor, Shift+drag to pan, and the keyboard (when the chart's wrapper
 * has focus): ← → pan, + − zoom, 0 or Escape resets. `bounds` gives the full data range.
 */
export function panZoomPlugin(bounds: () => [number, number] | null): uPlot.Plugin {
  const clamp = (u: uPlot, min: number, max: number) => {
    const b = bounds();
    if (!b) return;
    const span = Math.min(max - min, b[1] - b[0] || 1);
    if (!(span > 0)) return;
    let lo = Math.max(b[0], min);
    let hi = lo + span;
    if (hi > b[1]) {
      hi = b[1];
      lo = hi - span;
    }
    u.setScale('x', { min: lo, max: hi });
  };
  return {
    hooks: {
      ready: [
        (u) => {
          const over = u.over;
          over.addEventListener(
            'wheel',
            (e) => {
              if (!bounds()) return;
              e.preventDefault();
              const { min, max } = u.scales.x;
              if (min === undefined || max === undefined) return;
              const at = u.posToVal(e.offsetX, 'x');
              const f = e.deltaY < 0 ? 0.8 : 1.25;
              clamp(u, at - (at - min) * f, at + (max - at) * f);
            },
            { passive: false },
          );
          over.addEventListener(
            'mousedown',
            (e) => {
              if (!e.shiftKey || e.button !== 0) return;
              // Ours, not uPlot's drag-to-zoom.
              e.stopImmediatePropagation();
              e.preventDefault();
              const { min, max } = u.scales.x;
              if (min === undefined || max === undefined) return;
              const x0 = e.clientX;
              const perPx = (max - min) / u.over.clientWidth;
              const move = (ev: MouseEvent) =>
                clamp(u, min - (ev.clientX - x0) * perPx, max - (ev.clientX - x0) * perPx);
              const up = () => {
                window.removeEventListener('mousemove', move);
                window.removeEventListener('mouseup', up);
              };
              window.addEventListener('mousemove', move);
              window.addEventListener('mouseup', up);
            },
            { capture: true },
          );
        },
      ],
    },
  };
}

/** Keyboard pan/zoom for a chart's focusable wrapper; returns true when the key was used. */
export function panZoomKey(
  u: uPlot | null,
  e: KeyboardEvent,
  bounds: [number, number] | null,
  reset: () => void,
): boolean {
  if (!u || !bounds) return false;
  const { min, max } = u.scales.x;
  if (min === undefined || max === undefined) return false;
  const span = max - min;
  const set = (lo: number, hi: number) => {
    const full = bounds[1] - bounds[0];
    const s = Math.min(hi - lo, full);
    let a = Math.max(bounds[0], lo);
    if (a + s > bounds[1]) a = bounds[1] - s;
    u.setScale('x', { min: a, max: a + s });
  };
  switch (e.key) {
    case 'ArrowLeft':
      set(min - span * 0.2, max - span * 0.2);
      return true;
    case 'ArrowRight':
      set(min + span * 0.2, max + span * 0.2);
      return true;
    case '+':
    case '=':
      set(min + span * 0.15, max - span * 0.15);
      return true;
    case '-':
    case '_':
      set(min - span * 0.25, max + span * 0.25);
      return true;
    case '0':
    case 'Escape':
      reset();
      return true;
  }
  return false;
}
