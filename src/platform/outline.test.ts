import { beforeAll, describe, expect, it } from 'vitest';
import { bigModule } from '../../scripts/big-module.mjs';
import { WasmFormatError } from './inspect';
import { clipText, FULL_TEXT_MAX_FUNCTIONS, functionModule, functionTextOf, moduleOutline } from './outline';
import { watCompiler } from './testing/wat';

let wat: (source: string) => Uint8Array;
beforeAll(async () => {
  wat = await watCompiler({ bulk_memory: true });
});

const SOURCE = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "env" "mem" (memory 1))
  (func $add (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "twice") (param i32) (result i32) local.get 0 local.get 0 call $add)
  (func $quiet)
  (data (i32.const 16) "hello, world")
  (data "passive"))`;

describe('moduleOutline', () => {
  it('lists sections, imports, exports and the defined functions with names, types and body sizes', () => {
    const bytes = wat(SOURCE);
    const o = moduleOutline(bytes);
    expect(o.importedFunctions).toBe(1);
    expect(o.info.imports.map((i) => `${i.module}.${i.name}`)).toEqual([
      'wasi_snapshot_preview1.fd_write',
      'env.mem',
    ]);
    expect(o.info.exports.map((e) => e.name)).toEqual(['add', 'twice']);
    // wabt writes no name section unless asked: names come from exports, else none.
    expect(o.functions.names).toEqual(['add', 'twice', null]);
    expect([...o.functions.types].map((t) => o.signatures[t])).toEqual([
      '(i32, i32) -> i32',
      '(i32) -> i32',
      '() -> ()',
    ]);
    // Each body: its bytes as declared by its size prefix, found at its offset.
    for (let i = 0; i < 3; i++) {
      expect(bytes[o.functions.offsets[i]]).toBe(o.functions.sizes[i]);
    }
    expect(o.functions.sizes[2]).toBe(2); // no locals, end
    expect(o.dataSegments).toBe(2);
    expect(o.dataBytes).toBe('hello, world'.length + 'passive'.length);
    expect(o.fullText).toBe(true);
  });

  it('takes names from the name section', () => {
    const bytes = bigModule({ functions: 50, dataBytes: 100 });
    const o = moduleOutline(bytes);
    expect(o.functions.names[0]).toBe('_initialize');
    expect(o.functions.names[7]).toMatch(/^rb_fn_7_/);
    expect(o.info.kind).toBe('wasi-reactor');
  });

  it('reads a 30 MB module with 30,000 functions and says the whole text is not built', () => {
    const bytes = bigModule();
    expect(bytes.length).toBeGreaterThan(25 * 1024 * 1024);
    const started = performance.now();
    const o = moduleOutline(bytes);
    const elapsed = performance.now() - started;
    expect(o.functions.sizes.length).toBe(30_000);
    expect(o.functions.sizes.length).toBeGreaterThan(FULL_TEXT_MAX_FUNCTIONS);
    expect(o.fullText).toBe(false);
    expect(o.dataBytes).toBe(12 << 20);
    const total = o.functions.sizes.reduce((n, s) => n + s, 0);
    expect(total).toBeLessThan(o.codeBytes);
    // Skipping the payloads, not decoding them: far below a second even on a busy machine.
    expect(elapsed).toBeLessThan(5000);
  }, 60_000); // writing the 30 MB module takes seconds on a busy machine

  it('rejects what is not a module', () => {
    expect(() => moduleOutline(new Uint8Array([1, 2, 3, 4]))).toThrow(WasmFormatError);
  });
});

describe('functionModule', () => {
  it('keeps every index space and one body, and is valid to read', () => {
    const bytes = bigModule({ functions: 2_000, dataBytes: 1 << 20 });
    const o = moduleOutline(bytes);
    const mini = functionModule(bytes, 1_234);
    expect(mini.length).toBeLessThan(bytes.length / 10);
    const m = moduleOutline(mini);
    expect(m.functions.sizes.length).toBe(2_000);
    expect(m.functions.sizes[1_234]).toBe(o.functions.sizes[1_234]);
    expect(m.functions.sizes[1_233]).toBe(2);
    expect(m.functions.names).toEqual(o.functions.names);
    expect(m.dataSegments).toBe(1);
    expect(m.dataBytes).toBe(0);
    expect(m.info.exports).toEqual(o.info.exports);
  });

  it('refuses an index the module does not have', () => {
    const bytes = wat(SOURCE);
    expect(() => functionModule(bytes, 3)).toThrow(/defines 3 functions; there is no function 3/);
  });
});

describe('functionTextOf', () => {
  it('cuts the k-th defined function out of a module text, after the imports', () => {
    const text = [
      '(module',
      '  (type (;0;) (func))',
      '  (import "a" "b" (func $imp (type 0)))',
      '  (func $a (type 0))',
      '  (func $b (type 0)',
      '    nop',
      '    nop)',
      '  (export "b" (func $b)))',
    ].join('\n');
    expect(functionTextOf(text, 0)).toBe('(func $a (type 0))');
    expect(functionTextOf(text, 1)).toBe('(func $b (type 0)\n  nop\n  nop)');
    expect(() => functionTextOf(text, 2)).toThrow(/no function 2/);
  });
});

describe('clipText', () => {
  const text = ['a', 'bb', 'ccc', 'dddd'].join('\n'); // 13 characters, 4 lines

  it('keeps a text within both limits whole', () => {
    expect(clipText(text, 4, 13)).toEqual({ text, omittedLines: 0 });
  });

  it('cuts after whole lines, at the line limit or before the character limit', () => {
    expect(clipText(text, 2, 100)).toEqual({ text: 'a\nbb', omittedLines: 2 });
    expect(clipText(text, 100, 7)).toEqual({ text: 'a\nbb', omittedLines: 2 });
    expect(clipText(text, 100, 8)).toEqual({ text: 'a\nbb\nccc', omittedLines: 1 });
  });

  it('cuts inside a first line longer than the character limit', () => {
    expect(clipText('x'.repeat(50) + '\ny', 10, 20)).toEqual({ text: 'x'.repeat(20), omittedLines: 2 });
  });
});
