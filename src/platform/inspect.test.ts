import { beforeAll, describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { WasmFormatError, formatSignature, inspectModule, moduleKind, sectionName } from './inspect';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Wabt;

beforeAll(async () => {
  wabt = await wabtInit();
});

const FEATURES = {
  multi_value: true,
  threads: true,
  memory64: true,
  exceptions: true,
  reference_types: true,
  bulk_memory: true,
  extended_const: true,
  simd: true,
  annotations: true,
};

function wat(source: string): Uint8Array<ArrayBuffer> {
  const module = wabt.parseWat('t.wat', source, FEATURES);
  try {
    // slice(): a copy typed Uint8Array<ArrayBuffer>, which WebAssembly.* accept as a BufferSource
    return module.toBinary({}).buffer.slice();
  } finally {
    module.destroy();
  }
}

/** Appends raw sections to a bare header: for inputs wabt would never emit. */
function raw(...sections: number[][]): Uint8Array {
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections.flat()]);
}

function formatError(fn: () => unknown): WasmFormatError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WasmFormatError);
    return error as WasmFormatError;
  }
  throw new Error('expected a WasmFormatError, but nothing was thrown');
}

describe('formatSignature / sectionName', () => {
  it('formats signatures', () => {
    expect(formatSignature({ params: ['i32', 'i32'], results: ['i32'] })).toBe('(i32, i32) -> i32');
    expect(formatSignature({ params: [], results: [] })).toBe('() -> ()');
    expect(formatSignature({ params: ['f64'], results: ['i32', 'i64'] })).toBe('(f64) -> (i32, i64)');
  });

  it('names sections', () => {
    expect([0, 1, 2, 3, 10, 11, 12, 13].map(sectionName)).toEqual([
      'custom',
      'type',
      'import',
      'function',
      'code',
      'data',
      'datacount',
      'tag',
    ]);
  });
});

describe('inspectModule', () => {
  it('reads an empty module', () => {
    const info = inspectModule(wat('(module)'));
    expect(info).toEqual({
      sizeBytes: 8,
      sections: [],
      imports: [],
      exports: [],
      memories: [],
      importedMemory: null,
      tables: [],
      hasStart: false,
      kind: 'plain',
    });
  });

  it('resolves export signatures through the imports-first function index space', () => {
    const bytes = wat(`(module
      (import "env" "log" (func $log (param i32)))
      (import "env" "pair" (func $pair (param f64) (result i32 i64)))
      (func $add (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
      (func $swap (export "swap") (param i64 f32) (result f32 i64) local.get 1 local.get 0)
      (func (export "nothing"))
      (export "log_again" (func $log))
      (export "pair_again" (func $pair)))`);
    const info = inspectModule(bytes);
    const byName = Object.fromEntries(info.exports.map((e) => [e.name, e]));
    expect(byName.add).toMatchObject({ kind: 'function', index: 2 });
    expect(formatSignature(byName.add.signature!)).toBe('(i32, i32) -> i32');
    expect(byName.swap).toMatchObject({
      index: 3,
      signature: { params: ['i64', 'f32'], results: ['f32', 'i64'] },
    });
    expect(formatSignature(byName.nothing.signature!)).toBe('() -> ()');
    expect(byName.log_again).toMatchObject({ index: 0, signature: { params: ['i32'], results: [] } });
    expect(formatSignature(byName.pair_again.signature!)).toBe('(f64) -> (i32, i64)');
    expect(info.imports.map((i) => i.signature && formatSignature(i.signature))).toEqual([
      '(i32) -> ()',
      '(f64) -> (i32, i64)',
    ]);
  });

  it('keeps names that are empty or start with U+FEFF', () => {
    const info = inspectModule(
      // \ef\bb\bf is U+FEFF in UTF-8, written as byte escapes in the WAT string.
      wat(
        '(module (func (export "")) (func (export "\\ef\\bb\\bf")) (func (export "\\ef\\bb\\bf\\ef\\bb\\bfx")))',
      ),
    );
    expect(info.exports.map((e) => e.name)).toEqual(['', '\u{FEFF}', '\u{FEFF}\u{FEFF}x']);
  });

  it('reads imports of every kind', () => {
    const info = inspectModule(
      wat(`(module
        (type $t (func (param i32)))
        (import "env" "f" (func (type $t)))
        (import "env" "tbl" (table 2 10 funcref))
        (import "env" "ext" (table 1 externref))
        (import "env" "mem" (memory 1 4))
        (import "env" "g" (global (mut i64)))
        (import "env" "c" (global f32))
        (import "env" "e" (tag (param i32))))`),
    );
    expect(info.imports).toEqual([
      { module: 'env', name: 'f', kind: 'function', signature: { params: ['i32'], results: [] } },
      {
        module: 'env',
        name: 'tbl',
        kind: 'table',
        table: { elementType: 'funcref', initial: 2, maximum: 10 },
      },
      {
        module: 'env',
        name: 'ext',
        kind: 'table',
        table: { elementType: 'externref', initial: 1, maximum: null },
      },
      {
        module: 'env',
        name: 'mem',
        kind: 'memory',
        memory: { initialPages: 1, maximumPages: 4, shared: false, memory64: false },
      },
      { module: 'env', name: 'g', kind: 'global', global: { type: 'i64', mutable: true } },
      { module: 'env', name: 'c', kind: 'global', global: { type: 'f32', mutable: false } },
      { module: 'env', name: 'e', kind: 'tag', signature: { params: ['i32'], results: [] } },
    ]);
    expect(info.importedMemory).toEqual({
      module: 'env',
      name: 'mem',
      initialPages: 1,
      maximumPages: 4,
      shared: false,
      memory64: false,
    });
    expect(info.memories).toEqual([]);
  });

  it('reads memory limits: no max, max, shared, memory64, and exported imported memory', () => {
    const memory = (decl: string) => inspectModule(wat(`(module (memory (export "m") ${decl}))`));
    expect(memory('1').memories).toEqual([
      { initialPages: 1, maximumPages: null, shared: false, memory64: false },
    ]);
    expect(memory('2 300').memories).toEqual([
      { initialPages: 2, maximumPages: 300, shared: false, memory64: false },
    ]);
    expect(memory('1 16 shared').memories).toEqual([
      { initialPages: 1, maximumPages: 16, shared: true, memory64: false },
    ]);
    expect(memory('i64 3 70000').memories).toEqual([
      { initialPages: 3, maximumPages: 70000, shared: false, memory64: true },
    ]);
    expect(memory('2 300').exports[0]).toEqual({
      name: 'm',
      kind: 'memory',
      index: 0,
      memory: { initialPages: 2, maximumPages: 300, shared: false, memory64: false },
    });

    const reexported = inspectModule(
      wat('(module (import "env" "memory" (memory 5)) (export "mem" (memory 0)))'),
    );
    expect(reexported.exports[0].memory).toEqual({
      initialPages: 5,
      maximumPages: null,
      shared: false,
      memory64: false,
    });
  });

  it('reads tables, globals with init expressions, and their exports', () => {
    const info = inspectModule(
      wat(`(module
        (import "env" "base" (global $base i32))
        (table (export "t") 3 funcref)
        (table 1 5 externref)
        (func $f)
        (global (export "a") i32 (i32.const 11))
        (global (export "b") (mut i64) (i64.const -1))
        (global f32 (f32.const 1.5))
        (global (export "d") f64 (f64.const 11))
        (global funcref (ref.func $f))
        (global externref (ref.null extern))
        (global (export "e") i32 (i32.add (global.get $base) (i32.const 11)))
        (global v128 (v128.const i32x4 11 11 11 11))
        (elem declare func $f))`),
    );
    expect(info.tables).toEqual([
      { elementType: 'funcref', initial: 3, maximum: null },
      { elementType: 'externref', initial: 1, maximum: 5 },
    ]);
    const byName = Object.fromEntries(info.exports.map((e) => [e.name, e]));
    expect(byName.t.table).toEqual({ elementType: 'funcref', initial: 3, maximum: null });
    // global indices count the imported global first
    expect(byName.a).toMatchObject({ index: 1, global: { type: 'i32', mutable: false } });
    expect(byName.b).toMatchObject({ index: 2, global: { type: 'i64', mutable: true } });
    expect(byName.d.global).toEqual({ type: 'f64', mutable: false });
    expect(byName.e).toMatchObject({ index: 7, global: { type: 'i32', mutable: false } });
    expect(info.sections.find((s) => s.name === 'global')?.count).toBe(8);
  });

  it('names custom sections and counts section entries', () => {
    const bytes = wat(`(module
      (@custom "first" "hello")
      (type (func))
      (type (func (param i32) (result i32)))
      (import "env" "f" (func (type 0)))
      (func (type 1) local.get 0)
      (func (type 0))
      (func (type 0))
      (table 3 funcref)
      (memory 1)
      (global i32 (i32.const 0))
      (export "a" (func 1))
      (export "b" (func 2))
      (start 3)
      (elem (i32.const 0) func 1 2)
      (data (i32.const 0) "abc")
      (data (i32.const 8) "def")
      (@custom "second" "bye"))`);
    const info = inspectModule(bytes);
    const nonCustom = info.sections.filter((s) => s.id !== 0).map(({ id, name, count }) => [id, name, count]);
    expect(nonCustom).toEqual([
      [1, 'type', 2],
      [2, 'import', 1],
      [3, 'function', 3],
      [4, 'table', 1],
      [5, 'memory', 1],
      [6, 'global', 1],
      [7, 'export', 2],
      [8, 'start', null],
      [9, 'element', 1],
      [10, 'code', 3],
      [11, 'data', 2],
    ]);
    const custom = info.sections.filter((s) => s.id === 0);
    expect(custom.map((s) => s.name).sort()).toEqual(['first', 'second']);
    // payload = name length byte + name + contents
    expect(custom.find((s) => s.name === 'first')?.size).toBe(1 + 'first'.length + 'hello'.length);
    expect(info.hasStart).toBe(true);
  });

  it('reports section offsets and sizes that tile the file', () => {
    const bytes = wat(
      `(module (func (export "f") (result i32) i32.const 1) (memory 1) (data (i32.const 0) "xyz"))`,
    );
    const info = inspectModule(bytes);
    let expectedOffset = 8;
    for (const s of info.sections) {
      expect(s.offset).toBe(expectedOffset);
      expect(bytes[s.offset]).toBe(s.id);
      // size LEB here is one byte: wabt pads only when asked
      expectedOffset = s.offset + 2 + s.size;
    }
    expect(expectedOffset).toBe(bytes.length);
  });

  it('reads custom sections by hand, including names with unusual characters', () => {
    const name = 'naïve ✓';
    const nameBytes = [...new TextEncoder().encode(name)];
    const payload = [nameBytes.length, ...nameBytes, 1, 2, 3];
    const info = inspectModule(raw([0, payload.length, ...payload]));
    expect(info.sections).toEqual([{ id: 0, name, offset: 8, size: payload.length, count: null }]);
  });

  it('detects WASI commands and reactors', () => {
    const fdWrite =
      '(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))';
    const procExit = '(import "wasi_unstable" "proc_exit" (func (param i32)))';
    expect(
      inspectModule(wat(`(module ${fdWrite} (memory (export "memory") 1) (func (export "_start")))`)).kind,
    ).toBe('wasi-command');
    expect(inspectModule(wat(`(module ${procExit} (func (export "_start")))`)).kind).toBe('wasi-command');
    expect(
      inspectModule(wat(`(module ${fdWrite} (func (export "_initialize")) (func (export "f")))`)).kind,
    ).toBe('wasi-reactor');
    expect(inspectModule(wat('(module (func (export "_initialize")))')).kind).toBe('wasi-reactor');
    // _start without WASI imports is an ordinary function
    expect(inspectModule(wat('(module (func (export "_start")))')).kind).toBe('plain');
    // a global named _start is not a command entry point
    expect(inspectModule(wat(`(module ${fdWrite} (global (export "_start") i32 (i32.const 0)))`)).kind).toBe(
      'plain',
    );
  });

  it('handles 10000 exports with 10000-character names quickly', () => {
    const longName = 'x'.repeat(10000);
    const exportsWat = Array.from({ length: 10000 }, (_, i) => `(export "${i}" (func 0))`).join('\n');
    const bytes = wat(
      `(module (func (param i32) (result i32) local.get 0) (export "${longName}" (func 0)) ${exportsWat})`,
    );
    const started = performance.now();
    const info = inspectModule(bytes);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(info.exports).toHaveLength(10001);
    expect(info.exports[0].name).toBe(longName);
    expect(info.exports[10000]).toMatchObject({
      name: '9999',
      signature: { params: ['i32'], results: ['i32'] },
    });
  });

  it('skips a 100 MB data section quickly, without decoding it', () => {
    const payloadSize = 100 * 1024 * 1024;
    // data section: one passive segment of payloadSize bytes (content left as zeros)
    const segmentHeader = [0x01, 0x01, ...leb(payloadSize)];
    const sectionSize = segmentHeader.length + payloadSize;
    const head = [0x0b, ...leb(sectionSize), ...segmentHeader];
    const bytes = new Uint8Array(8 + head.length + payloadSize);
    bytes.set(raw(), 0);
    bytes.set(head, 8);
    const started = performance.now();
    const info = inspectModule(bytes);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(info.sections).toEqual([{ id: 11, name: 'data', offset: 8, size: sectionSize, count: 1 }]);
  });
});

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    const low = value % 128;
    value = Math.floor(value / 128);
    out.push(value > 0 ? low | 0x80 : low);
  } while (value > 0);
  return out;
}

describe('inspectModule errors', () => {
  it('rejects an empty file', () => {
    const error = formatError(() => inspectModule(new Uint8Array()));
    expect(error.message).toMatch(/empty/);
    expect(error.offset).toBe(0);
  });

  it('rejects a file with the wrong magic, showing its first bytes', () => {
    const error = formatError(() => inspectModule(new TextEncoder().encode('{\n  "a": 1}')));
    expect(error.message).toBe(
      'Not a WebAssembly module: the file does not start with \\0asm (it starts with 7b 0a 20 20)',
    );
    expect(formatError(() => inspectModule(new TextEncoder().encode('(module)'))).message).toMatch(/WAT/);
    expect(formatError(() => inspectModule(new Uint8Array([0x00, 0x61, 0x73]))).message).toMatch(/Truncated/);
  });

  it('rejects unsupported versions and components', () => {
    const v2 = raw();
    v2[4] = 2;
    expect(formatError(() => inspectModule(v2)).message).toBe('Unsupported binary version 2 (expected 1)');
    const component = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]);
    const error = formatError(() => inspectModule(component));
    expect(error.message).toMatch(/^Unsupported binary version 13 \(expected 1\).*component/);
    expect(error.offset).toBe(4);
  });

  it('throws a WasmFormatError for every truncation of a valid module, except at section boundaries', () => {
    const bytes = wat(`(module
      (type (func (param i32 i64) (result f32)))
      (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1 2)
      (global (mut i32) (i32.const 1048576))
      (func (export "_start") (local i32) i32.const 7 drop)
      (data (i32.const 16) "hello"))`);
    const full = inspectModule(bytes);
    // A module cut exactly after a section is still well-formed, unless the cut
    // separates the function section from the code section.
    const codeOffset = full.sections.find((s) => s.id === 10)!.offset;
    const functionOffset = full.sections.find((s) => s.id === 3)!.offset;
    const wellFormedLengths = new Set([8, ...full.sections.map((s) => s.offset)]);
    wellFormedLengths.add(bytes.length);
    for (let length = 0; length < bytes.length; length++) {
      const prefix = bytes.subarray(0, length);
      const parses = wellFormedLengths.has(length) && (length <= functionOffset || length > codeOffset);
      if (parses) {
        expect(() => inspectModule(prefix), `prefix of ${length} bytes`).not.toThrow();
      } else {
        const error = formatError(() => inspectModule(prefix));
        expect(error.offset, `prefix of ${length} bytes`).toBeLessThanOrEqual(length);
      }
    }
  });

  it('names the section that runs past the end of the file', () => {
    const bytes = wat('(module (func (export "f")) (data (i32.const 0) "some data that will be cut"))');
    const cut = bytes.subarray(0, bytes.length - 5);
    const dataOffset = inspectModule(bytes).sections.find((s) => s.id === 11)!.offset;
    const error = formatError(() => inspectModule(cut));
    expect(error.message).toBe(
      `Truncated module: the data section ends at byte ${bytes.length} but the file has only ${cut.length} bytes`,
    );
    expect(dataOffset).toBeLessThan(cut.length);
  });

  it('rejects huge vector counts at once, without allocating', () => {
    const hugeCount = [0xff, 0xff, 0xff, 0xff, 0x0f];
    for (const id of [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 13]) {
      const started = performance.now();
      const error = formatError(() => inspectModule(raw([id, hugeCount.length, ...hugeCount])));
      expect(error.message, sectionName(id)).toMatch(/4294967295/);
      expect(performance.now() - started).toBeLessThan(100);
    }
    // a huge parameter count inside an otherwise plausible type
    const error = formatError(() => inspectModule(raw([1, 8, 1, 0x60, ...hugeCount, 0])));
    expect(error.message).toMatch(/4294967295 parameters/);
  });

  it('rejects over-long and too-large LEB128 integers', () => {
    // section size encoded in 6 bytes
    expect(formatError(() => inspectModule(raw([1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]))).message).toMatch(
      /over-long/,
    );
    // section size whose 5th byte sets bits above 32
    expect(formatError(() => inspectModule(raw([1, 0x80, 0x80, 0x80, 0x80, 0x10]))).message).toMatch(
      /does not fit in 32 bits/,
    );
    // padded LEBs are allowed: section size 2 as 0x82 0x00, type count 0 as 0x80 0x00
    expect(inspectModule(raw([1, 0x82, 0x00, 0x80, 0x00])).sections[0]).toMatchObject({
      name: 'type',
      size: 2,
      count: 0,
    });
  });

  it('rejects sections whose contents do not fill their declared size', () => {
    // type section declares 3 bytes but holds an empty vector (1 byte)
    const error = formatError(() => inspectModule(raw([1, 3, 0, 0, 0])));
    expect(error.message).toMatch(/declared to end at byte 13/);
    expect(error.offset).toBe(11);
    // an entry running into the next section is caught at the section end
    expect(formatError(() => inspectModule(raw([1, 2, 1, 0x60], [3, 1, 0]))).message).toMatch(
      /past the end of the section/,
    );
  });

  it('rejects unknown sections, duplicates and misordered sections', () => {
    expect(formatError(() => inspectModule(raw([14, 0]))).message).toMatch(/unknown section id 14/);
    expect(formatError(() => inspectModule(raw([1, 1, 0], [1, 1, 0]))).message).toMatch(
      /second type section/,
    );
    expect(formatError(() => inspectModule(raw([5, 1, 0], [1, 1, 0]))).message).toMatch(
      /type section must come before the memory section/,
    );
    // custom sections may appear anywhere
    expect(inspectModule(raw([1, 1, 0], [0, 2, 1, 0x61], [5, 1, 0])).sections.map((s) => s.name)).toEqual([
      'type',
      'a',
      'memory',
    ]);
  });

  it('rejects bad type references and mismatched function/code counts', () => {
    // function section refers to type 0 but there are no types
    expect(formatError(() => inspectModule(raw([3, 2, 1, 0]))).message).toMatch(
      /type index 0 is out of range/,
    );
    // one function declared, no code section
    expect(formatError(() => inspectModule(raw([1, 4, 1, 0x60, 0, 0], [3, 2, 1, 0]))).message).toMatch(
      /declares 1 functions but the code section has 0 bodies/,
    );
    // export of a function that does not exist
    expect(formatError(() => inspectModule(raw([7, 5, 1, 1, 0x66, 0, 3]))).message).toMatch(
      /export "f" refers to function 3 but the module has only 0/,
    );
  });

  it('skips GC types and maps GC references best-effort', () => {
    // rec group { struct (field (mut i32)), array i8, sub final (func (param (ref null 0)) (result anyref)) }
    const types = [
      1, // one entry: the rec group
      0x4e,
      3,
      0x5f,
      1,
      0x7f,
      1,
      0x5e,
      0x78,
      0,
      0x4f,
      0,
      0x60,
      1,
      0x63,
      0,
      1,
      0x6e,
    ];
    const info = inspectModule(
      raw([1, types.length, ...types], [3, 2, 1, 2], [7, 5, 1, 1, 0x66, 0, 0], [10, 4, 1, 2, 0, 0x0b]),
    );
    expect(info.sections[0]).toMatchObject({ name: 'type', count: 1 });
    expect(info.exports[0].signature).toEqual({ params: ['externref'], results: ['externref'] });
    // a function import naming the struct type is rejected
    expect(
      formatError(() => inspectModule(raw([1, types.length, ...types], [2, 7, 1, 1, 0x61, 1, 0x62, 0, 0])))
        .message,
    ).toMatch(/type 0 is not a function type/);
  });

  it('never throws anything but WasmFormatError on corrupted modules', () => {
    const bytes = wat(`(module
      (type (func (param i32 i64) (result f32)))
      (import "env" "f" (func (param i32) (result i32)))
      (import "env" "m" (memory 1 2))
      (table 2 funcref)
      (global (mut i64) (i64.const -5))
      (func (export "a") (param i32) (result i32) local.get 0 call 0)
      (elem (i32.const 0) func 1)
      (data (i32.const 16) "hello"))`);
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 3000; trial++) {
      const mutated = bytes.slice();
      for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips--) {
        mutated[8 + Math.floor(random() * (mutated.length - 8))] = Math.floor(random() * 256);
      }
      try {
        inspectModule(mutated);
      } catch (error) {
        expect(error).toBeInstanceOf(WasmFormatError);
      }
    }
  });
});

describe('moduleKind', () => {
  it('agrees with inspectModule, reading only imports and exports', () => {
    const sources = [
      '(module (func (export "f")))',
      '(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32))) (memory (export "memory") 1) (func (export "_start")))',
      '(module (import "env" "t" (table 1 funcref)) (import "env" "g" (global i32)) (memory 1) (func (export "_initialize")))',
    ];
    for (const source of sources) {
      const bytes = wat(source);
      expect(moduleKind(bytes)).toBe(inspectModule(bytes).kind);
    }
    expect(moduleKind(wat(sources[1]))).toBe('wasi-command');
    expect(moduleKind(wat(sources[2]))).toBe('wasi-reactor');
    expect(() => moduleKind(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]))).toThrow(WasmFormatError);
  });
});
