/// <reference types="node" />
// The WAT compiler with the real wabt.js, in Node: the bytes it writes and the columns it reports.
import { beforeAll, describe, expect, it } from 'vitest';
import { bigModule } from '../../scripts/big-module.mjs';
import { functionTextOf } from '../platform/outline';
import {
  compileWat,
  disassemble,
  disassembleFunction,
  parseDiagnostics,
  utf16Column,
  type Wabt,
} from './wat';

let wabt: Wabt;
beforeAll(async () => {
  const init = (await import('wabt')).default as unknown as () => Promise<Wabt>;
  wabt = await init();
});

function compile(source: string, features: Record<string, boolean> = {}): Uint8Array {
  const r = compileWat(wabt, source, features);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.bytes;
}

function fail(source: string) {
  const r = compileWat(wabt, source);
  if (r.ok) throw new Error('compiled, but should not have');
  return r.diagnostics;
}

describe('non-ASCII text in WAT', () => {
  it('writes a data segment as UTF-8', () => {
    const bytes = compile('(module (memory (export "m") 1) (data (i32.const 0) "é😀"))');
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource));
    const memory = instance.exports.m as WebAssembly.Memory;
    expect([...new Uint8Array(memory.buffer, 0, 7)]).toEqual([0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, 0]);
  });

  it('accepts export, import and custom section names with non-ASCII characters', () => {
    const bytes = compile(
      '(module (import "modulé" "ünïcode" (func)) (func (export "é")) (func (export "\u{FEFF}")) (@custom "naïve" "x"))',
      { annotations: true },
    );
    const module = new WebAssembly.Module(bytes as BufferSource);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toEqual(['é', '\u{FEFF}']);
    expect(WebAssembly.Module.imports(module)).toEqual([
      { module: 'modulé', name: 'ünïcode', kind: 'function' },
    ]);
    expect(WebAssembly.Module.customSections(module, 'naïve')).toHaveLength(1);
  });

  it('counts diagnostic columns as the editor does (UTF-16 code units), after non-ASCII text', () => {
    const line = (s: string) => `(module (data "${s}") (func (result i32) (i64.const 1)))`;
    const ascii = fail(line('e'));
    expect(ascii).toHaveLength(1);
    const at = line('e').indexOf('i64.const') + 1;
    expect(ascii[0].column).toBe(at);
    expect(fail(line('é'))).toEqual(ascii); // one UTF-16 unit, two UTF-8 bytes
    expect(fail(line('😀'))[0]).toEqual({ ...ascii[0], column: at + 1 }); // two units, four bytes
  });

  it('reports one error per character that is not allowed, not one per byte', () => {
    const source = '(module\n  (func (export "é") é))';
    expect(fail(source)).toEqual([
      { line: 2, column: source.split('\n')[1].lastIndexOf('é') + 1, message: 'unexpected char' },
    ]);
  });
});

describe('utf16Column', () => {
  it('maps wabt byte columns to UTF-16 columns', () => {
    expect(utf16Column('abc', 3)).toBe(3);
    expect(utf16Column('éx', 3)).toBe(2); // x is byte 3, unit 2
    expect(utf16Column('éx', 2)).toBe(1); // inside é
    expect(utf16Column('😀x', 5)).toBe(3);
    expect(utf16Column('é', 4)).toBe(3); // past the end (2 bytes, 1 unit): the overshoot is kept
  });

  it('leaves columns alone when there is no source to map them with', () => {
    expect(parseDiagnostics('function.wat:2:9: error: oops\n', undefined)).toEqual([
      { line: 2, column: 9, message: 'oops' },
    ]);
  });
});

describe('disassembling one function of a big module', () => {
  const FEATURES = { bulk_memory: true, reference_types: true, simd: true, multi_value: true };

  it('gives the same text as the whole disassembly, for every function', () => {
    const bytes = bigModule({ functions: 300, dataBytes: 4096, seed: 3 });
    const whole = disassemble(wabt, bytes, FEATURES);
    for (const i of [0, 1, 2, 150, 298, 299]) {
      expect(disassembleFunction(wabt, bytes, i, FEATURES)).toBe(functionTextOf(whole, i));
    }
    expect(disassembleFunction(wabt, bytes, 0, FEATURES)).toMatch(
      /^\(func \$_initialize \(export "_initialize"\)/,
    );
  });

  it('names calls to other functions and keeps the body text', () => {
    const bytes = compile(`(module
      (import "env" "log" (func $log (param i32)))
      (func $first (param i32) local.get 0 call $log)
      (func $second (export "run") i32.const 7 call $first)
      (func $third))`);
    expect(disassembleFunction(wabt, bytes, 1)).toBe(
      '(func $second (export "run") (type $t1)\n  i32.const 7\n  call $first)',
    );
  });

  it('opens a function of a 30 MB module from a stand-in of a few hundred KB', () => {
    const bytes = bigModule();
    const text = disassembleFunction(wabt, bytes, 20_000, FEATURES);
    expect(text.startsWith('(func $rb_fn_20000_')).toBe(true);
    expect(text).toContain('(param $p0 i32) (param $p1 i32) (result i32)');
    expect(text.split('\n').length).toBeGreaterThan(3);
  }, 60_000); // writing the 30 MB module takes seconds on a busy machine
});
