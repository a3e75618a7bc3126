import { beforeAll, describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { BoundsError, MAX_TABLE_ELEMENTS, boundModule } from './bounds';
import { allocationSites, inspectModule } from './inspect';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Wabt;

beforeAll(async () => {
  wabt = await wabtInit();
});

function wat(source: string, features: Record<string, boolean> = {}): Uint8Array<ArrayBuffer> {
  const module = wabt.parseWat('t.wat', source, { reference_types: true, bulk_memory: true, ...features });
  try {
    return module.toBinary({}).buffer.slice();
  } finally {
    module.destroy();
  }
}

function bound(bytes: Uint8Array<ArrayBuffer>) {
  return boundModule(bytes, inspectModule(bytes));
}

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    const b = n & 0x7f;
    n >>>= 7;
    out.push(n ? b | 0x80 : b);
  } while (n);
  return out;
};
const section = (id: number, payload: number[]) => [id, ...leb(payload.length), ...payload];
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

describe('boundModule', () => {
  it('leaves a module without tables, or with small bounded tables, as it is', () => {
    const plain = wat('(module (memory 1) (func (export "f")))');
    expect(bound(plain)).toBe(plain);
    const small = wat('(module (table 2 10 funcref) (func (export "f")))');
    expect(bound(small)).toBe(small);
  });

  it('writes the budget into a table without a maximum, so table.grow stops there', async () => {
    const bytes = wat(`(module (table $t 1 funcref)
      (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
      (func (export "size") (result i32) (table.size $t))
      (memory 1) (global (mut i32) (i32.const 7)) (data (i32.const 0) "kept"))`);
    const out = bound(bytes);
    expect(out).not.toBe(bytes);
    const info = inspectModule(out); // still well-formed, every other section intact
    expect(info.tables).toEqual([{ elementType: 'funcref', initial: 1, maximum: MAX_TABLE_ELEMENTS }]);
    expect(info.sections.map((s) => s.name)).toEqual(inspectModule(bytes).sections.map((s) => s.name));
    const { instance } = await WebAssembly.instantiate(out);
    const ex = instance.exports as { grow(n: number): number; size(): number };
    expect(ex.grow(MAX_TABLE_ELEMENTS)).toBe(-1);
    expect(ex.grow(MAX_TABLE_ELEMENTS - 1)).toBe(1);
    expect(ex.size()).toBe(MAX_TABLE_ELEMENTS);
  });

  it('shares the room to grow between tables and lowers only maximums above their share', () => {
    const bytes = wat('(module (table 100 funcref) (table 0 5 externref) (table 10 4000000 funcref))');
    const info = inspectModule(bound(bytes));
    const share = Math.floor((MAX_TABLE_ELEMENTS - 110) / 3);
    expect(info.tables.map((t) => [t.initial, t.maximum])).toEqual([
      [100, 100 + share],
      [0, 5],
      [10, 10 + share],
    ]);
    const total = info.tables.reduce((n, t) => n + (t.maximum ?? Infinity), 0);
    expect(total).toBeLessThanOrEqual(MAX_TABLE_ELEMENTS);
  });

  it('refuses tables that start over the budget, however they are split', () => {
    expect(() => bound(wat('(module (table 10000000 funcref))'))).toThrow(
      /table starts with 10,000,000 elements; the playground allows 1,000,000 table elements/,
    );
    const forty = wat(`(module ${'(table 30000 funcref) '.repeat(40)})`);
    expect(() => bound(forty)).toThrow(BoundsError);
    expect(() => bound(forty)).toThrow(/tables start with 1,200,000 elements/);
  });

  it('refuses a second memory, defined or imported', () => {
    const two = wat('(module (memory 1) (memory 1))', { multi_memory: true });
    expect(() => bound(two)).toThrow(/has 2 memories; the playground runs modules with one memory/);
    const mixed = wat('(module (import "platform" "memory" (memory 1)) (memory 1))', { multi_memory: true });
    expect(() => bound(mixed)).toThrow(/has 2 memories/);
  });

  it('refuses GC struct and array types', () => {
    // (type (array (mut i64))) (type (struct)) (type (func))
    const bytes = new Uint8Array([
      ...HEADER,
      ...section(1, [3, 0x5e, 0x7e, 0x01, 0x5f, 0x00, 0x60, 0x00, 0x00]),
    ]);
    expect(allocationSites(bytes).gcTypes).toBe(2);
    expect(() => bound(bytes)).toThrow(/defines 2 GC struct\/array types/);
  });

  it('keeps the bytes of a table initialiser and of reference types around the limits', () => {
    // (table 3 (ref null func) (ref.null func)) written with the 0x40 0x00 prefix, then a plain externref table
    const tables = [2, 0x40, 0x00, 0x63, 0x70, 0x00, 3, 0xd0, 0x70, 0x0b, 0x6f, 0x00, 1];
    const bytes = new Uint8Array([...HEADER, ...section(4, tables)]);
    const out = boundModule(bytes, inspectModule(bytes));
    const info = inspectModule(out);
    const share = Math.floor((MAX_TABLE_ELEMENTS - 4) / 2);
    expect(info.tables.map((t) => [t.elementType, t.initial, t.maximum])).toEqual([
      ['funcref', 3, 3 + share],
      ['externref', 1, 1 + share],
    ]);
    const sites = allocationSites(out);
    expect(Array.from(out.subarray(sites.tableSection!.start, sites.tables[0].start))).toEqual([
      2, 0x40, 0x00, 0x63, 0x70,
    ]);
    expect(Array.from(out.subarray(sites.tables[0].end, sites.tables[1].start))).toEqual([
      0xd0, 0x70, 0x0b, 0x6f,
    ]);
  });
});
