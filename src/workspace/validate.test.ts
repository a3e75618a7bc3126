import { describe, expect, it } from 'vitest';
import { DEFAULT_PLATFORM_CONFIG } from '../platform/types';
import { readPlatformConfig } from './validate';

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

  it('keeps the default for a policy it does not know, and says so', () => {
    const problems: string[] = [];
    expect(readPlatformConfig({ keepAlivePolicy: 'sometimes' }, problems).keepAlivePolicy).toBe('fixed');
    expect(problems).toEqual([
      'The platform setting "keepAlivePolicy" could not be read; the default is used.',
    ]);
  });
});
