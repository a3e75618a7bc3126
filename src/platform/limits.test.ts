import { beforeAll, describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { inspectModule } from './inspect';
import { MemoryCapError, MemoryLimitsError, capMemory, mibToPages, pagesToMiB } from './limits';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Wabt;

beforeAll(async () => {
  wabt = await wabtInit();
});

function wat(source: string): Uint8Array<ArrayBuffer> {
  const module = wabt.parseWat('t.wat', source, { multi_value: true, threads: true, memory64: true });
  try {
    // slice(): a copy typed Uint8Array<ArrayBuffer>, which WebAssembly.* accept as a BufferSource
    return module.toBinary({}).buffer.slice();
  } finally {
    module.destroy();
  }
}

/** A module with plenty of other sections around the memory, and a grow/size pair. */
function growModule(memoryDecl: string): Uint8Array<ArrayBuffer> {
  return wat(`(module
    (type $log (func (param i32)))
    (import "env" "log" (func $log (type $log)))
    (table 1 funcref)
    (memory (export "memory") ${memoryDecl})
    (global $g (mut i32) (i32.const 42))
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
    (func (export "size") (result i32) memory.size)
    (elem (i32.const 0) func 1)
    (data (i32.const 0) "hello, memory"))`);
}

interface GrowExports {
  grow(pages: number): number;
  size(): number;
  memory: WebAssembly.Memory;
}

async function instantiate(bytes: Uint8Array<ArrayBuffer>): Promise<GrowExports> {
  const { instance } = await WebAssembly.instantiate(bytes, { env: { log: () => {} } });
  return instance.exports as unknown as GrowExports;
}

/** Bytes of every section except the memory section, in order. */
function otherSections(bytes: Uint8Array): Uint8Array[] {
  const info = inspectModule(bytes);
  const result: Uint8Array[] = [];
  info.sections.forEach((s, i) => {
    if (s.id === 5) return;
    const end = i + 1 < info.sections.length ? info.sections[i + 1].offset : bytes.length;
    result.push(bytes.slice(s.offset, end));
  });
  return result;
}

function capError(fn: () => unknown): MemoryCapError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MemoryCapError);
    return error as MemoryCapError;
  }
  throw new Error('expected a MemoryCapError, but nothing was thrown');
}

describe('unit conversion', () => {
  it('converts MiB to whole pages and back', () => {
    expect(mibToPages(64)).toBe(1024);
    expect(mibToPages(1)).toBe(16);
    expect(mibToPages(0.1)).toBe(1); // 102.4 KiB holds one whole 64 KiB page
    expect(mibToPages(0.05)).toBe(0);
    expect(pagesToMiB(1024)).toBe(64);
    expect(pagesToMiB(1)).toBe(0.0625);
  });
});

describe('capMemory', () => {
  it('adds maximum = cap to a memory without a maximum, and the engine enforces it', async () => {
    const original = growModule('1');
    const capped = capMemory(original, 4)!;
    expect(capped).toMatchObject({ declaredMaxPages: null, effectiveMaxPages: 4, initialPages: 1 });
    expect(WebAssembly.validate(capped.bytes)).toBe(true);
    expect(inspectModule(capped.bytes).memories).toEqual([
      { initialPages: 1, maximumPages: 4, shared: false, memory64: false },
    ]);

    const exports = await instantiate(capped.bytes);
    expect(exports.grow(2)).toBe(1); // within the cap: returns the old size
    expect(exports.size()).toBe(3);
    expect(exports.grow(2)).toBe(-1); // 5 pages > cap
    expect(exports.size()).toBe(3);
    expect(exports.grow(1)).toBe(3); // exactly at the cap
    expect(exports.grow(1)).toBe(-1);
    expect(exports.memory.buffer.byteLength).toBe(4 * 65536);

    // the uncapped original would have grown past 4 pages
    const uncapped = await instantiate(original);
    expect(uncapped.grow(9)).toBe(1);
  });

  it('lowers a maximum above the cap', async () => {
    const capped = capMemory(growModule('2 1000'), 8)!;
    expect(capped).toMatchObject({ declaredMaxPages: 1000, effectiveMaxPages: 8, initialPages: 2 });
    expect(WebAssembly.validate(capped.bytes)).toBe(true);
    const exports = await instantiate(capped.bytes);
    expect(exports.grow(7)).toBe(-1);
    expect(exports.grow(6)).toBe(2);
  });

  it('keeps a maximum below the cap and leaves the module untouched', async () => {
    const original = growModule('1 3');
    const capped = capMemory(original, 1024)!;
    expect(capped).toMatchObject({ declaredMaxPages: 3, effectiveMaxPages: 3, initialPages: 1 });
    expect(capped.bytes).toBe(original);
    const exports = await instantiate(capped.bytes);
    expect(exports.grow(3)).toBe(-1);
  });

  it('changes only the memory section', () => {
    const original = growModule('1');
    const capped = capMemory(original, 1024)!;
    expect(capped.bytes).not.toBe(original);
    // 2 extra bytes for the max LEB 1024 (0x80 0x08), 0 for the flag change
    expect(capped.bytes.length).toBe(original.length + 2);
    expect(otherSections(capped.bytes)).toEqual(otherSections(original));
    const sections = (bytes: Uint8Array) =>
      inspectModule(bytes).sections.map(({ id, name, count }) => ({ id, name, count }));
    expect(sections(capped.bytes)).toEqual(sections(original));
  });

  it('keeps the shared flag and the memory64 flag', () => {
    const shared = capMemory(wat('(module (memory 1 100 shared))'), 10)!;
    expect(WebAssembly.validate(shared.bytes)).toBe(true);
    expect(inspectModule(shared.bytes).memories).toEqual([
      { initialPages: 1, maximumPages: 10, shared: true, memory64: false },
    ]);

    const mem64 = capMemory(wat('(module (memory i64 2))'), 70000)!;
    expect(inspectModule(mem64.bytes).memories).toEqual([
      { initialPages: 2, maximumPages: 70000, shared: false, memory64: true },
    ]);
  });

  it('never writes a 32-bit maximum the format cannot hold', () => {
    const capped = capMemory(growModule('1'), 100_000)!;
    expect(capped.effectiveMaxPages).toBe(65536);
    expect(WebAssembly.validate(capped.bytes)).toBe(true);
  });

  it('throws when the initial memory exceeds the cap, stating both sizes', () => {
    const error = capError(() => capMemory(growModule('2048'), 1024));
    expect(error.initialPages).toBe(2048);
    expect(error.capPages).toBe(1024);
    expect(error.message).toBe(
      "This module asks for 128 MiB of initial memory (2048 pages) but the function's memory cap is 64 MiB (1024 pages). " +
        "Raise the memory cap or lower the module's initial memory.",
    );
  });

  it('accepts an initial memory exactly at the cap', () => {
    expect(capMemory(growModule('16'), 16)).toMatchObject({ effectiveMaxPages: 16, initialPages: 16 });
  });

  it('returns null for a module without memory', () => {
    expect(capMemory(wat('(module (func (export "f")))'), 16)).toBeNull();
  });

  it('returns null for an imported memory within the cap, and throws when it is over', () => {
    const bytes = (pages: number) => wat(`(module (import "env" "memory" (memory ${pages})))`);
    expect(capMemory(bytes(4), 16)).toBeNull();
    const error = capError(() => capMemory(bytes(32), 16));
    expect(error).toMatchObject({ initialPages: 32, capPages: 16 });
    expect(error.message).toMatch(
      /imports a memory of at least 2 MiB \(32 pages\).*cap is 1 MiB \(16 pages\)/,
    );
  });

  it('uses the ModuleInfo it is given instead of parsing again', () => {
    const bytes = growModule('1');
    const info = inspectModule(bytes);
    expect(capMemory(bytes, 4, info)?.bytes).toEqual(capMemory(bytes, 4)?.bytes);
  });

  it('refuses invalid declared limits before the cap rewrites them into valid ones', () => {
    const cases: [string, RegExp][] = [
      ['(memory 0 65537)', /maximum is 65537 pages, but a 32-bit memory has at most 65536 pages \(4 GiB\)/],
      ['(memory 65537)', /initial size is 65537 pages, but a 32-bit memory has at most 65536 pages/],
      ['(memory 2 1)', /initial size \(2 pages\) is larger than its maximum \(1 pages\)/],
      ['(memory 1 shared)', /a shared memory must declare a maximum/],
      ['(import "env" "memory" (memory 0 70000))', /maximum is 70000 pages/],
      ['(memory i64 0 281474976710657)', /maximum is 281474976710657 pages, but a 64-bit memory has at most/],
    ];
    for (const [decl, message] of cases) {
      const bytes = wat(`(module ${decl})`);
      expect(WebAssembly.validate(bytes), decl).toBe(false);
      let error: unknown = null;
      try {
        capMemory(bytes, 1024);
      } catch (e) {
        error = e;
      }
      expect(error, decl).toBeInstanceOf(MemoryLimitsError);
      expect((error as Error).message, decl).toMatch(/^Invalid module: /);
      expect((error as Error).message, decl).toMatch(message);
    }
    // The largest valid limits still pass.
    expect(capMemory(wat('(module (memory 0 65536))'), 1024)?.effectiveMaxPages).toBe(1024);
  });

  it('rejects a cap that is not a whole number of pages', () => {
    expect(() => capMemory(growModule('1'), 1.5)).toThrow(RangeError);
    expect(() => capMemory(growModule('1'), -1)).toThrow(RangeError);
  });
});
