// Presentation mode: chart text scaled for a projector. Pure, so Vitest covers it.
import type uPlot from 'uplot';

/**
 * Axis text scaled (uPlot's default: 12px). A set room for tick labels grows with them (y axes
 * size theirs to the widest number); uPlot's default room (50 px) already holds larger text.
 */
export function scaleAxes(opts: uPlot.Options, scale: number, font: string): uPlot.Options {
  if (scale === 1) return opts;
  const px = (f: string | undefined, size: number) =>
    f
      ? f.replace(/(\d+(?:\.\d+)?)px/, (_m, n: string) => `${+(Number(n) * scale).toFixed(1)}px`)
      : `${size * scale}px ${font}`;
  const axes = opts.axes?.map((a) => ({
    ...a,
    font: px(a.font, 12),
    labelFont: px(a.labelFont, 12),
    size: typeof a.size === 'number' ? a.size * scale : a.size,
    labelSize: (a.labelSize ?? 30) * scale,
  }));
  return { ...opts, axes };
}
