// The JS benchmarks must print exactly what the C programs print (expected/ is made from native
// builds by expected.sh, and check.mjs holds the .wasm builds to the same files).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binaryTrees, fannkuchRedux, jsBenchmarks, mandelbrot, nbody } from './benchmarks';

interface Sample {
  name: string;
  argv: string[];
  benchArgv?: string[];
  expected: string | null;
  benchExpected?: string;
  expectedFiles?: Record<string, string>;
}

const dir = new URL('../', import.meta.url);
const index = JSON.parse(readFileSync(new URL('index.json', dir), 'utf8')) as Sample[];
const sample = (name: string): Sample => {
  const s = index.find((e) => e.name === name);
  if (!s) throw new Error(`${name} is not in index.json`);
  return s;
};
const text = (rel: string): string => readFileSync(new URL(rel, dir), 'utf8');
const bytes = (rel: string): Uint8Array => new Uint8Array(readFileSync(new URL(rel, dir)));

describe('JS benchmarks match the C programs', () => {
  it('nbody', () => {
    const s = sample('nbody');
    expect(nbody(Number(s.argv[0]))).toBe(text(s.expected!));
  });

  it('fannkuch-redux', () => {
    const s = sample('fannkuch-redux');
    expect(fannkuchRedux(Number(s.argv[0]))).toBe(text(s.expected!));
  });

  it('mandelbrot (stdout and PBM bytes)', () => {
    const s = sample('mandelbrot');
    const { stdout, pbm } = mandelbrot(Number(s.argv[0]), s.argv[1]);
    expect(stdout).toBe(text(s.expected!));
    const expected = bytes(s.expectedFiles![s.argv[1]]);
    expect(pbm.length).toBe(expected.length);
    expect(Buffer.compare(pbm, expected)).toBe(0);
  });

  it('mandelbrot pads rows whose width is not a multiple of 8', () => {
    const { stdout, pbm } = mandelbrot(13);
    expect(stdout).toBe(`wrote mandelbrot.pbm (13x13, ${pbm.length} bytes)\n`);
    expect(pbm.length).toBe('P4\n13 13\n'.length + 2 * 13);
    // The 3 padding bits at the end of each row are zero.
    for (let y = 0; y < 13; y++) expect(pbm[9 + 2 * y + 1] & 0b111).toBe(0);
  });

  it('binary-trees', () => {
    const s = sample('binary-trees');
    expect(binaryTrees(Number(s.argv[0]))).toBe(text(s.expected!));
  });

  it('jsBenchmarks runs every benchmark from its index argv', () => {
    for (const [name, run] of Object.entries(jsBenchmarks)) {
      const s = sample(name);
      const r = run(s.argv);
      expect(r.stdout, name).toBe(text(s.expected!));
      for (const [path, rel] of Object.entries(s.expectedFiles ?? {})) {
        expect(Buffer.compare(r.files[path], bytes(rel)), `${name} ${path}`).toBe(0);
      }
    }
  });

  it('jsBenchmarks applies the C defaults when argv is empty', () => {
    expect(jsBenchmarks.nbody([]).stdout).toBe(text(sample('nbody').expected!));
    expect(jsBenchmarks['fannkuch-redux']([]).stdout).toBe(text(sample('fannkuch-redux').expected!));
    expect(jsBenchmarks['binary-trees']([]).stdout).toBe(text(sample('binary-trees').expected!));
    expect(Object.keys(jsBenchmarks.mandelbrot([]).files)).toEqual(['mandelbrot.pbm']);
  });

  // The bench sizes take ~0.1-0.5 s each in JS; still quick enough to keep them honest.
  it.each(['nbody', 'fannkuch-redux', 'mandelbrot', 'binary-trees'])('%s at the bench size', (name) => {
    const s = sample(name);
    expect(jsBenchmarks[name](s.benchArgv!).stdout).toBe(text(s.benchExpected!));
  });
});
