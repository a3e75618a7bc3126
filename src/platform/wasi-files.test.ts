import { describe, expect, it } from 'vitest';
import { ArgumentError } from './args';
import { wasiFiles, wasiPreopens } from './wasi-files';

describe('wasiFiles', () => {
  it('encodes strings, copies bytes, keeps directories and symlinks', () => {
    const bytes = new Uint8Array([1, 2]);
    const out = wasiFiles({
      'a.txt': 'hé',
      'b.bin': bytes,
      'd/e': { directory: true },
      l: { symlink: 'a.txt' },
    });
    expect(out['a.txt']).toEqual(new Uint8Array([0x68, 0xc3, 0xa9]));
    expect(out['b.bin']).toEqual(bytes);
    expect(out['b.bin']).not.toBe(bytes);
    expect(out['d/e']).toEqual({ directory: true });
    expect(out.l).toEqual({ symlink: 'a.txt' });
  });

  it('lets a directory entry hold other entries, but not a file or symlink', () => {
    expect(() => wasiFiles({ d: { directory: true }, 'd/f': 'x' })).not.toThrow();
    expect(() => wasiFiles({ f: 'x', 'f/g': 'y' })).toThrow(/"f" cannot be both a file and a directory/);
    expect(() => wasiFiles({ l: { symlink: 't' }, 'l/g': 'y' })).toThrow(
      /"l" cannot be both a symlink and a directory/,
    );
  });

  it('refuses bad paths and entries with an ArgumentError that says what is wrong', () => {
    for (const [files, message] of [
      [{ '../x': 'a' }, /without "\." or "\.\." parts/],
      [{ '': 'a' }, /must be a relative path/],
      [
        { d: { directory: false } },
        /must be a string, a Uint8Array, \{ directory: true \} or \{ symlink: "target" \}/,
      ],
      [{ d: { directory: true, extra: 1 } }, /must be a string/],
      [{ l: { symlink: '' } }, /symlink "l" needs a target/],
      [{ n: 5 }, /must be a string/],
    ] as const) {
      expect(() => wasiFiles(files as never)).toThrow(ArgumentError);
      expect(() => wasiFiles(files as never)).toThrow(message);
    }
  });
});

describe('wasiPreopens', () => {
  it('keeps the default when absent, allows none, and refuses anything but names', () => {
    expect(wasiPreopens(undefined)).toBeUndefined();
    expect(wasiPreopens([])).toEqual([]);
    expect(wasiPreopens(['/', 'data'])).toEqual(['/', 'data']);
    for (const bad of ['/', [''], [1], ['a\0b']])
      expect(() => wasiPreopens(bad)).toThrow(/preopens must be an array of directory names/);
  });
});
