// Saving what a chart shows: a PNG of the canvas with a title and legend on the theme's
// background (the chart canvas itself is transparent), and text files for the data behind it.
import type uPlot from 'uplot';
import type { Palette } from './palette';

export interface LegendEntry {
  label: string;
  color: string;
}

/** The chart as a PNG: title and legend above the plot, on an opaque background. */
export function chartPng(u: uPlot, title: string, legend: LegendEntry[], p: Palette): Promise<Blob> {
  const src = u.ctx.canvas;
  const ratio = src.width / Math.max(1, u.width);
  const header = Math.round(30 * ratio);
  const out = document.createElement('canvas');
  out.width = src.width;
  out.height = src.height + header;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = p.bg;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = p.fg;
  ctx.textBaseline = 'middle';
  ctx.font = `600 ${Math.round(13 * ratio)}px ${p.font}`;
  const pad = Math.round(10 * ratio);
  ctx.fillText(title, pad, header / 2);
  let x = pad + ctx.measureText(title).width + 3 * pad;
  ctx.font = `${Math.round(12 * ratio)}px ${p.font}`;
  for (const e of legend) {
    const s = Math.round(9 * ratio);
    ctx.fillStyle = e.color;
    ctx.fillRect(x, header / 2 - s / 2, s, s);
    x += s + Math.round(4 * ratio);
    ctx.fillStyle = p.fg;
    ctx.fillText(e.label, x, header / 2);
    x += ctx.measureText(e.label).width + 2 * pad;
  }
  ctx.drawImage(src, 0, header);
  return new Promise((resolve, reject) =>
    out.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('The browser could not encode the PNG'))),
      'image/png',
    ),
  );
}
