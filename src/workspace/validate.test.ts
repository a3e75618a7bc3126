import { describe, expect, it } from 'vitest';
import { DEFAULT_FUNCTION_CONFIG, DEFAULT_PLATFORM_CONFIG } from '../platform/types';
import { readFunctionConfig, readPlatformConfig } from './validate';

describe('readFunctionConfig', () => {
  it('keeps metering, the fuel limit and provisioned workers across a reload', () => {
    const problems: string[] = [];
    const saved = { timeoutMs: 100, meter: true, fuelLimit: 100_000, provisioned: 2 };
    expect(readFunctionConfig(saved, 'f', problems)).toEqual({ ...DEFAULT_FUNCTION_CONFIG, ...saved });
    expect(problems).toEqual([]);
    readFunctionConfig({ meter: 'yes', fuelLimit: -1, provisioned: 1.5 }, 'g', problems);
    expect(problems).toEqual([
      'g: the setting(s) meter, fuelLimit, provisioned could not be read; defaults used.',
    ]);
  });
});

describe('readPlatformConfig', () => {
  it('reads the keep-alive policy by name, and a saved workspace from before it had one', () => {
    const problems: string[] = [];
    expect(readPlatformConfig({ keepAlivePolicy: 'none', maxWorkers: 2 }, problems)).toEqual({
      ...DEFAULT_PLATFORM_CONFIG,
      keepAlivePolicy: 'none',
      maxWorkers: 2,
    });
    expect(readPlatformConfig({ keepAliveMs: 1000 }, problems).keepAlivePolicy).toBe('fixed');
    expect(problems).toEqual([]);
  });

  it('reads pre-instantiation as true or false, keeping the default (on) for anything else', () => {
    const problems: string[] = [];
    expect(readPlatformConfig({ preinstantiate: false }, problems).preinstantiate).toBe(false);
    expect(readPlatformConfig({}, problems).preinstantiate).toBe(true);
    expect(problems).toEqual([]);
    expect(readPlatformConfig({ preinstantiate: 'no' }, problems).preinstantiate).toBe(true);
    expect(problems).toEqual([
      'The platform setting "preinstantiate" could not be read; the default is used.',
    ]);
  });

  it('keeps the default for a policy it does not know, and says so', () => {
    const problems: string[] = [];
    expect(readPlatformConfig({ keepAlivePolicy: 'sometimes' }, problems).keepAlivePolicy).toBe('fixed');
    expect(problems).toEqual([
      'The platform setting "keepAlivePolicy" could not be read; the default is used.',
    ]);
  });
});
