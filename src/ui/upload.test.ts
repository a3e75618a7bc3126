import { describe, expect, it } from 'vitest';
import { MAX_MODULE_BYTES } from '../platform/rules';
import { functionNameFor, readUpload, UploadError, type UploadFile } from './upload';

const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

function file(name: string, content: Uint8Array<ArrayBuffer> | string): File {
  return new File([content], name);
}

/** A file that claims a size without holding the bytes, and fails if anything reads it. */
function hugeFile(name: string, size: number): UploadFile & { reads: number } {
  const f = {
    name,
    size,
    reads: 0,
    slice: () => {
      f.reads++;
      return new Blob([]);
    },
    arrayBuffer: async () => {
      f.reads++;
      return new ArrayBuffer(0);
    },
  };
  return f as unknown as UploadFile & { reads: number };
}

describe('readUpload', () => {
  it('reads a .wasm as bytes and names the function after the file', async () => {
    const fn = await readUpload(file('adder.wasm', WASM));
    expect(fn.name).toBe('adder');
    expect(fn.source).toEqual({ kind: 'wasm', bytes: WASM });
    expect(fn.config.timeoutMs).toBeGreaterThan(0);
  });

  it('reads a .wat as text, dropping a byte order mark', async () => {
    const fn = await readUpload(file('sum.wat', '\uFEFF(module)\n'));
    expect(fn).toMatchObject({ name: 'sum', source: { kind: 'wat', text: '(module)\n' } });
  });

  it('trusts the \\0asm signature over the extension', async () => {
    const fn = await readUpload(file('actually-binary.wat', WASM));
    expect(fn.source.kind).toBe('wasm');
  });

  it('refuses a .wasm that is not WebAssembly', async () => {
    await expect(readUpload(file('notes.wasm', '(module)'))).rejects.toThrow(
      /not a WebAssembly binary.*rename it to \.wat/,
    );
  });

  it('refuses binary junk named .wat', async () => {
    const junk = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    await expect(readUpload(file('picture.wat', junk))).rejects.toThrow(/binary data/);
    await expect(readUpload(file('nul.wat', '(module)\u0000'))).rejects.toThrow(/binary data/);
  });

  it('refuses other kinds of file and empty files', async () => {
    await expect(readUpload(file('cat.png', 'meow'))).rejects.toThrow(/neither a \.wat .* nor a \.wasm/);
    await expect(readUpload(file('empty.wat', ''))).rejects.toThrow(/empty/);
  });

  it('refuses files over the limit before reading them, stating both sizes', async () => {
    const big = hugeFile('huge.wasm', MAX_MODULE_BYTES + 5 * 1024 * 1024);
    const err = await readUpload(big).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect((err as Error).message).toMatch(/"huge\.wasm" is 37\.0 MB/);
    expect((err as Error).message).toMatch(/up to 32\.0 MB/);
    expect(big.reads).toBe(0);
  });
});

describe('functionNameFor', () => {
  it('drops the extension and control characters', () => {
    expect(functionNameFor('fib.wat')).toBe('fib');
    expect(functionNameFor('my module.v2.wasm')).toBe('my module.v2');
    expect(functionNameFor('.wasm')).toBe('.wasm');
    expect(functionNameFor('a\u0001b.wat')).toBe('ab');
    expect(functionNameFor('   .wat')).toBe('uploaded');
  });
});
