import type uPlot from 'uplot';
import { describe, expect, it } from 'vitest';
import { scaleAxes } from './scale';

const opts = (axes: uPlot.Axis[]): uPlot.Options => ({ width: 100, height: 100, series: [], axes });

describe('scaleAxes', () => {
  it('leaves options alone at scale 1', () => {
    const o = opts([{ font: '11px sans', size: 52 }]);
    expect(scaleAxes(o, 1, 'sans')).toBe(o);
  });

  it('scales axis text and the room kept for it', () => {
    const [x, y] = scaleAxes(
      opts([
        { font: '11px sans', labelFont: '600 12px sans', size: 52, labelSize: 22 },
        {}, // uPlot's defaults: 12px text, 50 px of room (enough), 30 px for the label
      ]),
      1.5,
      'sans',
    ).axes!;
    expect(x).toMatchObject({ font: '16.5px sans', labelFont: '600 18px sans', size: 78, labelSize: 33 });
    expect(y).toMatchObject({ font: '18px sans', labelFont: '18px sans', labelSize: 45 });
    expect(y.size).toBeUndefined();
  });
});
