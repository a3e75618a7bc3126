// The Benchmarks panel's workload sizes (suite.ts).
import { describe, expect, it } from 'vitest';
import { SUITE, argvFor } from './suite';

const size = (argv: string[]) => Number(argv[0]);

describe('argvFor', () => {
  it('gives each compute program a Long size at least as big as its Full size, and the rest their Full argv', () => {
    for (const s of SUITE) {
      const full = argvFor(s, 'full');
      const long = argvFor(s, 'long');
      if (['nbody', 'fannkuch-redux', 'mandelbrot', 'binary-trees'].includes(s.name)) {
        expect(size(long), s.name).toBeGreaterThanOrEqual(size(full));
        expect(long.slice(1), s.name).toEqual(full.slice(1)); // the same output file, if any
      } else expect(long, s.name).toEqual(full);
    }
    expect(
      argvFor(
        SUITE.find((s) => s.name === 'nbody')!,
        'long',
      ),
    ).toEqual(['4000000']);
  });
});
