// Deploy config validation for metering, and what prepareModule does with a metered module.
import { describe, expect, it } from 'vitest';
import { meterFields, normalizeConfig, prepareModule } from './registry';
import { DeployError, MAX_FUEL_LIMIT } from './rules';
import { DEFAULT_FUNCTION_CONFIG } from './types';

// (module (func (export "f") (result i32) i32.const 7))
const F = Uint8Array.from([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 6, 1, 4, 0, 65,
  7, 11,
]);

describe('normalizeConfig: meter and fuelLimit', () => {
  it('accepts a boolean meter and a whole fuel limit, and clears the limit when patched to undefined', () => {
    const cfg = normalizeConfig({ meter: true, fuelLimit: 1000 });
    expect(cfg).toMatchObject({ meter: true, fuelLimit: 1000 });
    expect('fuelLimit' in normalizeConfig({ fuelLimit: undefined }, cfg)).toBe(false);
  });

  it('refuses a meter that is not a boolean and fuel limits that are not whole, positive and exact', () => {
    expect(() => normalizeConfig({ meter: 'yes' as unknown as boolean })).toThrow(DeployError);
    for (const bad of [0, -1, 1.5, NaN, Infinity, MAX_FUEL_LIMIT + 1])
      expect(() => normalizeConfig({ meter: true, fuelLimit: bad }), String(bad)).toThrow(/fuelLimit/);
  });
});

describe('prepareModule with meter', () => {
  it('rewrites a metered module and records the deploy-time cost', async () => {
    const p = await prepareModule(F, { ...DEFAULT_FUNCTION_CONFIG, meter: true }, 'f@1');
    expect(p.meta.meter).toMatchObject({ importModule: 'nanofaas', importName: 'refuel' });
    expect(meterFields(p).metered).toBe(true);
    expect(p.meterCost!.instrumentMs).toBeGreaterThanOrEqual(0);
    const plain = await prepareModule(F, DEFAULT_FUNCTION_CONFIG, 'f@1');
    expect(plain.meta.meter).toBeNull();
    expect(meterFields(plain)).toEqual({ metered: false });
  });
});
