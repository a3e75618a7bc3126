// Metering by instrumentation: rewrites a module so it counts the instructions it runs.
//
// A mutable i64 global (the fuel left in the current slice) is charged with each basic block's
// instruction count before the block runs. Function entries of recursive functions and loop
// headers check it: when a charge takes it below zero they call an imported host function,
// `refuel(left) -> left`, which adds the slice to the invocation's count, throws when the fuel
// limit or the deadline has passed, and otherwise grants the next slice. Every unbounded run
// passes through a loop header or a recursive entry, so a stuck loop (or runaway recursion) ends
// inside the module instead of costing the worker; everything between two checks is bounded.
//
// The fuel lives in a local of each function and travels from caller to callee as an extra
// parameter and result wherever only direct calls reach the callee (see CodeRewriter); it
// reaches the global around host calls, calls through tables and exits to the host. Charges of
// the entry block of a function reached only by direct calls are paid by its callers' blocks, so
// a wrapper such as malloc costs nothing. Counts of calls that return (or exit through the host,
// as WASI's proc_exit) are exact and the same as charging every block where it starts; a trap
// other than `unreachable` may drop what ran since the fuel last reached the global (less than
// one refuel slice).
//
// Works on the binary, with the decoder in inspect.ts for the module's sections and a table-driven
// scanner of its own for the code (deploy time counts). Adding the import shifts every defined
// function's index by one: calls, ref.func, exports, the start function and element segments
// are rewritten; the name section is dropped (its indices would be stale).
//
// The refuel branches are marked unlikely with a branch hint (the Wasm branch hinting proposal),
// so an engine that reads hints keeps the call, and the register spills around it, off the fast
// path. Chromium 156 reads them only with V8's --experimental-wasm-branch-hinting.
//
// Prior art compared: wasm-metering (npm, ewasm; MVP only, JSON AST, unmaintained since 2018),
// binaryen.js (~10 MB, far larger than the whole app) and @webassemblyjs/wasm-edit (AST based,
// no SIMD/threads coverage). None is a fit, so the platform keeps its own small rewriter.

import {
  Reader,
  SECTION_ORDER,
  WasmFormatError,
  inspectModule,
  readConstExpr,
  readValueType,
  definedParamCounts,
  skipTableType,
  typeIndexCount,
} from './inspect';
import type { ModuleInfo } from './types';

/** The import module/name of the host's refuel function (renamed if the module already uses it). */
export const METER_MODULE = 'nanofaas';
export const REFUEL_NAME = 'refuel';
/** The custom section of the branch hinting proposal (offsets of `if`s and their likely arm). */
const BRANCH_HINTS = 'metadata.code.branch_hint';
/** Export name of the fuel global (renamed on collision). */
export const FUEL_EXPORT = 'nanofaas_fuel';

export interface MeteredModule {
  bytes: Uint8Array<ArrayBuffer>;
  /** Where the host's refuel function goes in the import object. */
  importModule: string;
  importName: string;
  /** The exported i64 global holding the fuel left in the current slice. */
  fuelExport: string;
  /** Charge sites inserted (static basic blocks with at least one instruction). */
  blocks: number;
}

/** The module uses something the rewriter cannot handle; it should run unmetered. */
export class MeterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MeterError';
  }
}

/** A growable byte buffer. */
class Writer {
  buf: Uint8Array<ArrayBuffer>;
  len = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(64, capacity));
  }

  /** Makes room for `n` more bytes (callers that write into `buf` directly). */
  ensure(n: number): void {
    this.room(n);
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.len++] = b;
  }

  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    this.room(n);
    this.buf.set(src.subarray(start, end), this.len);
    this.len += n;
  }

  u32(value: number): void {
    do {
      const low = value % 128;
      value = Math.floor(value / 128);
      this.byte(value > 0 ? low | 0x80 : low);
    } while (value > 0);
  }

  /** Signed LEB128 of a non-negative integer below 2^53. */
  s64(value: number): void {
    for (;;) {
      const low = value % 128;
      value = Math.floor(value / 128);
      if (value === 0 && !(low & 0x40)) return this.byte(low);
      this.byte(low | 0x80);
    }
  }

  name(s: string): void {
    const utf8 = new TextEncoder().encode(s);
    this.u32(utf8.length);
    this.bytes(utf8);
  }

  /** Reserves a 5-byte (padded) u32 to be filled in by `patch`. */
  reserve(): number {
    this.room(5);
    const at = this.len;
    this.len += 5;
    return at;
  }

  patch(at: number, value: number): void {
    for (let i = 0; i < 4; i++) this.buf[at + i] = ((value >>> (7 * i)) & 0x7f) | 0x80;
    this.buf[at + 4] = (value >>> 28) & 0x0f;
  }

  /** Replaces [at, end) with `src`, moving what follows. */
  splice(at: number, end: number, src: Uint8Array): void {
    const grow = src.length - (end - at);
    this.room(Math.max(0, grow));
    this.buf.copyWithin(end + grow, end, this.len);
    this.buf.set(src, at);
    this.len += grow;
  }

  result(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.len);
  }
}

// Per one-byte opcode: how the scanner treats it (bit flags) and what immediate follows.
const COUNTED = 1; // an instruction that does work (charged)
const ENDS = 2; // a basic block ends after it: branches, returns, traps, and where control joins
const EXITS = 4; // may leave the function (the fuel goes back to the global first)
const CALLS = 8; // enters another function (the fuel goes through the global, and comes back)
const OP_FLAGS = new Uint8Array(256);
// Immediate kinds.
const IMM_NONE = 1;
const IMM_LEB = 2; // one LEB128 (an index or a constant)
const IMM_LEB2 = 3; // two LEB128s
const IMM_MEMARG = 4;
const IMM_BLOCK = 5; // a block type
const IMM_F32 = 6;
const IMM_F64 = 7;
const IMM_SPECIAL = 8; // read by a case of its own
/** 0 = unknown opcode. */
const OP_IMM = new Uint8Array(256);
{
  const set = (ops: number[], imm: number, flags = COUNTED) => {
    for (const op of ops) {
      OP_IMM[op] = imm;
      OP_FLAGS[op] = flags;
    }
  };
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  set([0x01, 0x1a, 0x1b, 0xd1, 0xd3, 0xd4], IMM_NONE); // nop, drop, select, ref.is_null, ref.eq, ref.as_non_null
  set(range(0x45, 0xc4), IMM_NONE); // numeric
  set(range(0x20, 0x26), IMM_LEB); // locals, globals, table.get/set
  set([0x3f, 0x40, 0x41, 0x42], IMM_LEB); // memory.size/grow, i32/i64.const
  set(range(0x28, 0x3e), IMM_MEMARG); // loads and stores
  set([0x43], IMM_F32);
  set([0x44], IMM_F64);
  set([0xd0, 0xd2], IMM_LEB); // ref.null (heap type), ref.func (rewritten: handled in the scanner)
  set([0x1c, 0xfc, 0xfd, 0xfe], IMM_SPECIAL); // select t*, prefixed
  // Structure markers, not work: they cost nothing (a `loop` header is charged through its body).
  set([0x02, 0x03, 0x06], IMM_BLOCK, 0); // block, loop, try
  set([0x1f], IMM_SPECIAL, 0); // try_table
  set([0x05, 0x0b, 0x19], IMM_NONE, 0); // else, end, catch_all
  set([0x07], IMM_LEB, 0); // catch
  set([0x18], IMM_LEB, 0); // delegate
  set([0x04], IMM_BLOCK, COUNTED | ENDS); // if: the then-branch starts a block
  set([0x00, 0x0f, 0x0a], IMM_NONE, COUNTED | ENDS | EXITS); // unreachable, return, throw_ref
  set([0x08, 0x09, 0xd5, 0xd6], IMM_LEB, COUNTED | ENDS | EXITS); // throw, rethrow, br_on_null, br_on_non_null
  set([0x0c, 0x0d], IMM_LEB, COUNTED | ENDS); // br, br_if: exits only to the function's own label
  set([0x0e], IMM_SPECIAL, COUNTED | ENDS | EXITS); // br_table
  set([0x10, 0x14], IMM_LEB, COUNTED | CALLS); // call, call_ref
  set([0x11], IMM_LEB2, COUNTED | CALLS); // call_indirect
  set([0x12, 0x15], IMM_LEB, COUNTED | ENDS | EXITS | CALLS); // return_call, return_call_ref
  set([0x13], IMM_LEB2, COUNTED | ENDS | EXITS | CALLS); // return_call_indirect
}
const OP_BLOCK = 0x02;
const OP_LOOP = 0x03;
const OP_IF = 0x04;
const OP_TRY = 0x06;
const OP_CATCH = 0x07;
const OP_END = 0x0b;
const OP_BR = 0x0c;
const OP_RETURN = 0x0f;
const OP_BR_IF = 0x0d;
const OP_BR_TABLE = 0x0e;
const OP_CALL = 0x10;
const OP_RETURN_CALL = 0x12;
const OP_DELEGATE = 0x18;
const OP_CATCH_ALL = 0x19;
const OP_SELECT_T = 0x1c;
const OP_TRY_TABLE = 0x1f;
const OP_REF_FUNC = 0xd2;

/** A function index written in place of [at, end), in a section other than code. */
interface Edit {
  at: number;
  end: number;
  value: number;
}

// The edits of one function body, in byte order, as (kind, at, end, value) in a flat Int32Array:
// a function index written in place of [at, end), or code inserted at `at`: a charge of `value`
// (a check, at function entries and loop headers, also calls refuel when the fuel runs out), or a
// copy of the fuel between the function's local and the global. NONE marks a block that needs no charge.
const NONE = 0;
const FUNC = 1;
const CHARGE = 2;
const CHECK = 3;
const LOAD = 4;
const SPILL = 5;
/** A reference to the local the fuel parameter displaces (see CodeRewriter.emit). */
const RELOCAL = 6;
/** More than the largest code one edit inserts (a check: 14 opcodes and 9 LEB128s, 70 bytes at most). */
const MAX_EDIT_BYTES = 96;
/** Per body in CodeRewriter: local groups, their end, code start, body end, the fuel local, first edit, flags. */
const BODY_STRIDE = 7;
const BODY_LOOPS = 2;
const BODY_TRY = 4;
/** Calls the host, through a table or a reference, or throws: the stack may unwind from inside. */
const BODY_UNWINDS = 8;
/** Tail calls: the module keeps the fuel in the global across calls (no fuel parameters). */
const BODY_TAIL = 16;
/** Branches to the function's label that cannot carry the fuel (br_table, br_on_*): no fuel parameter. */
const BODY_NOTHREAD = 32;

interface Layout {
  id: number;
  offset: number;
  start: number;
  end: number;
  name?: string;
}

function unique(taken: Set<string>, base: string): string {
  if (!taken.has(base)) return base;
  for (let i = 1; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/**
 * Instruments `bytes` for metering. Throws MeterError when the module holds something the
 * rewriter does not know (an unknown opcode, GC instructions); the caller then runs it unmetered.
 */
export function meterModule(bytes: Uint8Array, info: ModuleInfo = inspectModule(bytes)): MeteredModule {
  try {
    return rewrite(bytes, info);
  } catch (err) {
    if (err instanceof WasmFormatError) throw new MeterError(err.message);
    throw err;
  }
}

function rewrite(bytes: Uint8Array, info: ModuleInfo): MeteredModule {
  const sections: Layout[] = [];
  const top = new Reader(bytes, 8, bytes.length, 'module');
  while (top.pos < bytes.length) {
    const offset = top.pos;
    const id = top.u8('a section id');
    const size = top.u32('a section size');
    const s: Layout = { id, offset, start: top.pos, end: top.pos + size };
    if (id === 0) s.name = new Reader(bytes, s.start, s.end, 'custom section').name('a custom section name');
    sections.push(s);
    top.pos = s.end;
  }
  const find = (id: number) => sections.find((s) => s.id === id);

  const importedFuncs = info.imports.filter((i) => i.kind === 'function').length;
  const importedGlobals = info.imports.filter((i) => i.kind === 'global').length;
  const definedGlobals = info.sections.find((s) => s.id === 6)?.count ?? 0;
  const typeSection = find(1);
  const refuelType = typeSection ? typeIndexCount(bytes, typeSection.start, typeSection.end) : 0;
  const refuelFunc = importedFuncs; // appended after the last import
  const fuel = importedGlobals + definedGlobals;
  const shift = (index: number) => (index >= importedFuncs ? index + 1 : index);

  const importNames = new Set(info.imports.filter((i) => i.module === METER_MODULE).map((i) => i.name));
  const importName = unique(importNames, REFUEL_NAME);
  const fuelExport = unique(new Set(info.exports.map((e) => e.name)), FUEL_EXPORT);

  const out = new Writer(bytes.length * 1.5 + 256);
  out.bytes(bytes, 0, 8);
  let blocks = 0;

  /** Copies [start, end) writing the function indices of `edits` (sorted by position). */
  const apply = (w: Writer, start: number, end: number, edits: Edit[]) => {
    let copied = start;
    for (const e of edits) {
      w.bytes(bytes, copied, e.at);
      w.u32(e.value);
      copied = e.end;
    }
    w.bytes(bytes, copied, end);
  };
  /** Function indices that escape: exported, in element segments or tables, taken by ref.func. */
  const escaping: number[] = [];
  const funcSites = (edits: Edit[]) => (index: number, at: number, end: number) => {
    escaping.push(index);
    edits.push({ at, end, value: shift(index) });
  };

  const section = (id: number, body: (w: Writer) => void) => {
    out.byte(id);
    const size = out.reserve();
    const from = out.len;
    body(out);
    out.patch(size, out.len - from);
  };

  // Where the type and function sections went in `out`: functions that take the fuel as a
  // parameter get new types once the code is rewritten (see CodeRewriter), and both are redone.
  let typesOut = null as [number, number] | null;
  let funcsOut = null as [number, number] | null;
  let code = null as CodeRewriter | null;
  let types = null as Int32Array | null;
  const emitters: Record<number, (s: Layout | undefined) => void> = {
    1: (s) => {
      const at = out.len;
      section(1, (w) => {
        const r = s && new Reader(bytes, s.start, s.end, 'type section');
        w.u32((r ? r.u32('the number of types') : 0) + 1);
        if (r && s) w.bytes(bytes, r.pos, s.end);
        w.bytes(REFUEL_TYPE);
      });
      typesOut = [at, out.len];
    },
    3: (s) => {
      funcsOut = [out.len, out.len + s!.end - s!.offset];
      out.bytes(bytes, s!.offset, s!.end);
    },
    2: (s) =>
      section(2, (w) => {
        const r = s && new Reader(bytes, s.start, s.end, 'import section');
        w.u32((r ? r.u32('the number of imports') : 0) + 1);
        if (r && s) w.bytes(bytes, r.pos, s.end);
        w.name(METER_MODULE);
        w.name(importName);
        w.byte(0x00);
        w.u32(refuelType);
      }),
    4: (s) => {
      // Tables with an initialiser expression may hold ref.func.
      const r = new Reader(bytes, s!.start, s!.end, 'table section');
      const edits: Edit[] = [];
      const n = r.u32('the number of tables');
      for (let i = 0; i < n; i++) {
        const init = r.peek() === 0x40;
        if (init) r.pos += 2;
        skipTableType(r);
        if (init) readConstExpr(r, funcSites(edits));
      }
      section(4, (w) => apply(w, s!.start, s!.end, edits));
    },
    6: (s) =>
      section(6, (w) => {
        const edits: Edit[] = [];
        let n = 0;
        let from = 0;
        if (s) {
          const r = new Reader(bytes, s.start, s.end, 'global section');
          n = r.u32('the number of globals');
          from = r.pos;
          for (let i = 0; i < n; i++) {
            readValueType(r);
            r.u8('a mutability flag');
            readConstExpr(r, funcSites(edits));
          }
        }
        w.u32(n + 1);
        if (s) apply(w, from, s.end, edits);
        w.bytes(Uint8Array.of(0x7e, 0x01, 0x42, 0x00, 0x0b)); // (mut i64) = 0
      }),
    7: (s) =>
      section(7, (w) => {
        let n = 0;
        const edits: Edit[] = [];
        let from = 0;
        if (s) {
          const r = new Reader(bytes, s.start, s.end, 'export section');
          n = r.u32('the number of exports');
          from = r.pos;
          for (let i = 0; i < n; i++) {
            r.name('an export name');
            const kind = r.u8('an export kind');
            const at = r.pos;
            const index = r.u32('an export index');
            if (kind === 0) {
              escaping.push(index);
              edits.push({ at, end: r.pos, value: shift(index) });
            }
          }
        }
        w.u32(n + 1);
        if (s) apply(w, from, s.end, edits);
        w.name(fuelExport);
        w.byte(0x03);
        w.u32(fuel);
      }),
    8: (s) => {
      const r = new Reader(bytes, s!.start, s!.end, 'start section');
      const index = r.u32('the start function index');
      escaping.push(index);
      section(8, (w) => w.u32(shift(index)));
    },
    9: (s) => {
      const r = new Reader(bytes, s!.start, s!.end, 'element section');
      const edits: Edit[] = [];
      const sites = funcSites(edits);
      const n = r.u32('the number of element segments');
      for (let i = 0; i < n; i++) {
        const flags = r.u32('element segment flags');
        if (flags > 7) r.fail(`unknown element segment flags ${flags}`);
        if (flags === 2 || flags === 6) r.u32('a table index');
        if ((flags & 1) === 0) readConstExpr(r, sites); // active: offset
        if (flags & 4) {
          if (flags !== 4) readValueType(r);
          const items = r.u32('the number of element expressions');
          for (let k = 0; k < items; k++) readConstExpr(r, sites);
        } else {
          if (flags !== 0) r.u8('an element kind');
          const items = r.u32('the number of element functions');
          for (let k = 0; k < items; k++) {
            const at = r.pos;
            sites(r.u32('a function index'), at, r.pos);
          }
        }
      }
      section(9, (w) => apply(w, s!.start, s!.end, edits));
    },
    10: (s) => {
      // The code goes straight into the output; the hints it produces then go in front of it.
      const at = out.len;
      types = typeSection ? funcTypes(bytes, typeSection) : null;
      code = new CodeRewriter(bytes, out, {
        importedFuncs,
        fuel,
        refuelFunc,
        paramCounts: definedParamCounts(bytes),
        escaping,
        plainTypes: types !== null,
      });
      section(10, () => code!.rewrite(s!.start, s!.end));
      blocks = code.charges;
      // Before the code section, where engines look for it: per function, each refuel `if`
      // (offset from the body's start, hint size 1, 0 = the branch is unlikely taken).
      const h = code.hints;
      const hints = new Writer(h.length * 3 + 64);
      hints.byte(0);
      const size = hints.reserve();
      hints.name(BRANCH_HINTS);
      let funcs = 0;
      for (let i = 0; i < h.length; i += 2 + h[i + 1]) funcs++;
      hints.u32(funcs);
      for (let i = 0; i < h.length; i += 2 + h[i + 1]) {
        hints.u32(h[i]);
        hints.u32(h[i + 1]);
        for (let k = 0; k < h[i + 1]; k++) {
          hints.u32(h[i + 2 + k]);
          hints.u32(1);
          hints.byte(0);
        }
      }
      hints.patch(size, hints.len - size - 5);
      out.ensure(hints.len);
      out.buf.copyWithin(at + hints.len, at, out.len);
      out.buf.set(hints.buf.subarray(0, hints.len), at);
      out.len += hints.len;
    },
  };
  // Sections this rewrite always writes, created when the module has none.
  const required = [1, 2, 6, 7];
  const emitted = new Set<number>();
  const emitMissingBefore = (order: number) => {
    for (const id of required)
      if (!emitted.has(id) && SECTION_ORDER[id] < order && !find(id)) {
        emitted.add(id);
        emitters[id](undefined);
      }
  };
  for (const s of sections) {
    if (s.id === 0) {
      // Names and branch hints point at indices and offsets the rewrite moves.
      if (s.name !== 'name' && s.name !== BRANCH_HINTS) out.bytes(bytes, s.offset, s.end);
      continue;
    }
    emitMissingBefore(SECTION_ORDER[s.id]);
    emitted.add(s.id);
    const emit = emitters[s.id];
    if (emit) emit(s);
    else out.bytes(bytes, s.offset, s.end);
  }
  emitMissingBefore(Infinity);
  if (code?.threads) threadTypes(bytes, out, code.threaded, types!, find(1)!, find(3)!, typesOut!, funcsOut!);
  return { bytes: out.result(), importModule: METER_MODULE, importName, fuelExport, blocks };
}

/** The refuel import's type: (i64) -> i64. */
const REFUEL_TYPE = Uint8Array.of(0x60, 0x01, 0x7e, 0x01, 0x7e);

/**
 * Byte ranges of each type's parameter and result lists (after their counts), or null when the
 * type section holds anything but plain function types (GC's rec groups and subtypes).
 */
function funcTypes(bytes: Uint8Array, s: Layout): Int32Array | null {
  const r = new Reader(bytes, s.start, s.end, 'type section');
  const n = r.u32('the number of types');
  const out = new Int32Array(n * 6);
  for (let t = 0; t < n; t++) {
    if (r.u8('a type form') !== 0x60) return null;
    for (let half = 0; half < 2; half++) {
      const count = r.u32('a value type count');
      out[t * 6 + half * 3] = count;
      out[t * 6 + half * 3 + 1] = r.pos;
      for (let k = 0; k < count; k++) readValueType(r);
      out[t * 6 + half * 3 + 2] = r.pos;
    }
  }
  return out;
}

/**
 * Gives each function that takes the fuel as a parameter its type with an i64 added to the
 * parameters and to the results (types appended after the refuel type, one per original type),
 * rewriting the type and function sections already written to `out` in place.
 */
function threadTypes(
  bytes: Uint8Array,
  out: Writer,
  threaded: Uint8Array,
  types: Int32Array,
  typeSection: Layout,
  funcSection: Layout,
  typesOut: [number, number],
  funcsOut: [number, number],
): void {
  const typeCount = types.length / 6;
  const fr = new Reader(bytes, funcSection.start, funcSection.end, 'function section');
  const n = fr.u32('the number of functions');
  const funcs = new Writer(n * 2 + 8);
  funcs.u32(n);
  const added = new Int32Array(typeCount).fill(-1);
  const extra: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = fr.u32('a type index');
    if (!threaded[i]) {
      funcs.u32(t);
      continue;
    }
    if (added[t] < 0) {
      added[t] = typeCount + 1 + extra.length;
      extra.push(t);
    }
    funcs.u32(added[t]);
  }
  const tw = new Writer(typesOut[1] - typesOut[0] + extra.length * 16);
  const tr = new Reader(bytes, typeSection.start, typeSection.end, 'type section');
  tw.u32(tr.u32('the number of types') + 1 + extra.length);
  tw.bytes(bytes, tr.pos, typeSection.end);
  tw.bytes(REFUEL_TYPE);
  for (const t of extra) {
    tw.byte(0x60);
    for (let half = 0; half < 2; half++) {
      const k = t * 6 + half * 3;
      tw.u32(types[k] + 1);
      tw.bytes(bytes, types[k + 1], types[k + 2]);
      tw.byte(0x7e);
    }
  }
  const framed = (id: number, w: Writer) => {
    const f = new Writer(w.len + 6);
    f.byte(id);
    f.u32(w.len);
    f.bytes(w.buf, 0, w.len);
    return f.buf.subarray(0, f.len);
  };
  // The function section comes after the type section: replace it first.
  out.splice(funcsOut[0], funcsOut[1], framed(3, funcs));
  out.splice(typesOut[0], typesOut[1], framed(1, tw));
}

interface CodeContext {
  importedFuncs: number;
  /** The fuel global's index. */
  fuel: number;
  refuelFunc: number;
  paramCounts: number[];
  /** Function indices that escape (exports, element segments, ref.func): indirect calls may reach them. */
  escaping: number[];
  /** The type section holds only plain function types (new ones can be derived from them). */
  plainTypes: boolean;
}

/**
 * Rewrites the code section. One scan of each body records its edits in a flat Int32Array; the
 * call graph then decides which entries need a check and which callees' entry charges their
 * callers can pay; one pass per body copies its unchanged byte ranges around the inserted code.
 * Deploy time is part of the budget (the `meter` benchmark holds it to 2 × compiling the module),
 * so this runs on typed arrays and a lookup table, with no allocation per instruction.
 *
 * Where the fuel is kept:
 * - Functions reached only by direct calls take it as an extra i64 parameter and hand it back as
 *   an extra result (see threading()), so it stays in registers from call to call. Memory
 *   traffic on the global was what metering cost: a store before and a load after each call put
 *   the global on every call's critical path, and binary-trees (a call and an allocation per
 *   node) ran ~25 % slower metered for that, against ~10 % with the fuel passed along.
 * - The others (exported, in a table, taken by ref.func) keep the fuel itself in a local, loaded
 *   from the global on entry and after calls to functions that are not passed it, written back
 *   before those calls and on exit. Loop headers check the register and touch memory only when
 *   the slice runs out.
 * - Modules with exception handlers or tail calls pass nothing (a caught throw would lose its
 *   callees' fuel): there functions without loops, and those with handlers, keep the fuel spent
 *   since the last write-back (zero on entry, as every local), subtracted from the global before
 *   calls that may unwind, throws and exits (and at loop headers, which check); a pending amount
 *   is right on every path into a join, so handlers, where a caught throw arrives with the fuel
 *   in the global, use it.
 * A trap loses what did not reach the global: with the fuel passed along, what ran since the last
 * refuel, host call or exit to the host — less than one slice (FUEL_SLICE); `unreachable` writes
 * it back first and counts exactly. Without, the blocks since the last call, return or refuel.
 */
class CodeRewriter {
  /** Per function with refuel branches: its index, their number, their offsets from the body's start. */
  readonly hints: number[] = [];
  /** Charge sites written (static). */
  charges = 0;
  private edits = new Int32Array(1024);
  private count = 0;
  /** Openers (block, loop, if, try, try_table) of the blocks enclosing the current instruction. */
  private openers = new Uint8Array(64);
  /** The current body's flags (BODY_*). */
  private flags = 0;
  /** Triples (caller's body index, callee's function index or -1 through a table or reference, the edit index of the charge of the block holding the call). */
  private calls: number[] = [];
  private caller = 0;
  /** Per body: 1 when the function escapes (exported, in a table, taken by ref.func). */
  private escapes = new Uint8Array(0);
  /** Per body: 1 when the stack may unwind from inside it or a function it calls. */
  private unwinds = new Uint8Array(0);
  /** Per body: 1 when the function takes the fuel as its last parameter and returns it as its last result. */
  threaded = new Uint8Array(0);
  /** Whether any function does (then no function keeps a pending amount: see emit). */
  threads = false;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly out: Writer,
    private readonly ctx: CodeContext,
  ) {}

  rewrite(start: number, end: number): void {
    const bytes = this.bytes;
    const r = new Reader(bytes, start, end, 'code section');
    const n = r.u32('the number of function bodies');
    const bodies = new Int32Array(n * BODY_STRIDE);
    for (let i = 0; i < n; i++) {
      const size = r.u32('a function body size');
      const bodyEnd = r.pos + size;
      if (bodyEnd > end) r.fail('a function body runs past the end of the section');
      const body = new Reader(bytes, r.pos, bodyEnd, 'code section');
      const groups = body.u32('the number of local declarations');
      const groupsEnd = body.pos;
      let locals = this.ctx.paramCounts[i] ?? 0;
      for (let g = 0; g < groups; g++) {
        locals += body.u32('a local count');
        readValueType(body);
      }
      const k = i * BODY_STRIDE;
      bodies[k] = groups;
      bodies[k + 1] = groupsEnd;
      bodies[k + 2] = body.pos;
      bodies[k + 3] = bodyEnd;
      bodies[k + 4] = locals;
      bodies[k + 5] = this.count;
      this.caller = i;
      this.plan(body.pos, bodyEnd);
      bodies[k + 6] = this.flags;
      r.pos = bodyEnd;
    }
    const recursive = this.recursive(n);
    this.foldEntries(n, bodies, recursive);
    this.unwinding(n, bodies);
    this.threading(n, bodies);
    this.out.u32(n);
    for (let i = 0; i < n; i++) {
      const to = i + 1 < n ? bodies[(i + 1) * BODY_STRIDE + 5] : this.count;
      this.emit(i, bodies, to);
    }
  }

  /**
   * Which defined functions can call themselves, directly or through others: only their entries
   * are checked, since a run between loop headers is unbounded only through recursion. Calls
   * through a table or a reference, and calls to the host (which might call an export back), may
   * reach any function that escapes: exported, the start function, in an element segment or a
   * table, or taken by ref.func.
   */
  private recursive(n: number): Uint8Array {
    // Nodes 0..n-1 are the bodies, n a hub standing for "any function that escapes".
    const hub = n;
    const { importedFuncs } = this.ctx;
    const edges: number[][] = Array.from({ length: n + 1 }, () => []);
    const c = this.calls;
    for (let k = 0; k < c.length; k += 3) {
      const callee = c[k + 1];
      edges[c[k]].push(callee < importedFuncs ? hub : callee - importedFuncs); // -1 (indirect) too
    }
    for (const f of this.ctx.escaping)
      if (f >= importedFuncs && f - importedFuncs < n) edges[hub].push(f - importedFuncs);
    // Tarjan's strongly connected components, iteratively.
    const index = new Int32Array(n + 1).fill(-1);
    const low = new Int32Array(n + 1);
    const onStack = new Uint8Array(n + 1);
    const stack: number[] = [];
    const out = new Uint8Array(n + 1);
    let next = 0;
    for (let root = 0; root <= n; root++) {
      if (index[root] >= 0) continue;
      const work: [number, number][] = [[root, 0]];
      index[root] = low[root] = next++;
      stack.push(root);
      onStack[root] = 1;
      while (work.length > 0) {
        const top = work[work.length - 1];
        const [v, i] = top;
        if (i < edges[v].length) {
          top[1]++;
          const w = edges[v][i];
          if (index[w] < 0) {
            index[w] = low[w] = next++;
            stack.push(w);
            onStack[w] = 1;
            work.push([w, 0]);
          } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
          continue;
        }
        work.pop();
        if (work.length > 0) {
          const u = work[work.length - 1][0];
          low[u] = Math.min(low[u], low[v]);
        }
        if (low[v] === index[v]) {
          let w: number;
          let size = 0;
          do {
            w = stack[stack.length - 1 - size++];
          } while (w !== v);
          const cyclic = size > 1 || edges[v].includes(v);
          for (let m = 0; m < size; m++) {
            const x = stack.pop()!;
            onStack[x] = 0;
            if (cyclic) out[x] = 1;
          }
        }
      }
    }
    return out;
  }

  /**
   * A function that does not escape and is not recursive is entered only through direct calls,
   * and its entry block runs exactly when it is called: the block holding each call pays for it
   * (and, transitively, for what that entry block pays for its own callees). The callee's entry
   * then costs nothing, which is most of a small wrapper such as malloc → dlmalloc. Entries that
   * are not recursive lose their check too.
   */
  private foldEntries(n: number, bodies: Int32Array, recursive: Uint8Array): void {
    const e = this.edits;
    const { importedFuncs } = this.ctx;
    const escapes = (this.escapes = new Uint8Array(n));
    for (const f of this.ctx.escaping)
      if (f >= importedFuncs && f - importedFuncs < n) escapes[f - importedFuncs] = 1;
    const entryOf = (i: number) => (bodies[i * BODY_STRIDE + 5] + 1) * 4;
    for (let i = 0; i < n; i++) {
      const k = entryOf(i);
      if (!recursive[i] && e[k] === CHECK) e[k] = CHARGE;
    }
    // What each foldable function's entry costs its caller, its own callees' entries included.
    const foldable = (i: number) => i >= 0 && i < n && !escapes[i] && !recursive[i];
    const total = new Float64Array(n).fill(-1);
    const c = this.calls;
    // Call sites grouped by caller (they were recorded body by body).
    const firstCall = new Int32Array(n + 1).fill(c.length);
    for (let k = c.length - 3; k >= 0; k -= 3) firstCall[c[k]] = k;
    for (let i = n - 1; i >= 0; i--) if (firstCall[i] === c.length) firstCall[i] = firstCall[i + 1];
    const entryTotal = (i: number): number => {
      if (total[i] >= 0) return total[i];
      const entry = entryOf(i) / 4;
      let sum = e[entry * 4 + 3];
      for (let k = firstCall[i]; k < c.length && c[k] === i; k += 3)
        if (c[k + 2] === entry && foldable(c[k + 1] - importedFuncs))
          sum += entryTotal(c[k + 1] - importedFuncs);
      return (total[i] = sum);
    };
    // Totals first (they read the entry charges), then the callers pay them, then the entries go.
    for (let i = 0; i < n; i++) if (foldable(i)) entryTotal(i);
    for (let k = 0; k < c.length; k += 3) {
      const callee = c[k + 1] - importedFuncs;
      if (c[k + 1] >= importedFuncs && foldable(callee)) e[c[k + 2] * 4 + 3] += total[callee];
    }
    for (let i = 0; i < n; i++) {
      if (!foldable(i)) continue;
      const k = entryOf(i);
      e[k] = NONE; // paid by the callers
      e[k + 3] = 0;
    }
  }

  /**
   * Which functions may unwind (directly or through what they call): a host import (WASI's
   * proc_exit ends the program by throwing), a call through a table or reference, a throw.
   * Calls to the others need no write-back before them in a function without loops: their
   * callers' pending charges reach the global when each caller returns, and a run that returns
   * counts the same. (Checks inside them may then see the fuel a little high; the host settles
   * the exact count when the call returns.)
   */
  private unwinding(n: number, bodies: Int32Array): void {
    const { importedFuncs } = this.ctx;
    const out = (this.unwinds = new Uint8Array(n));
    for (let i = 0; i < n; i++) if (bodies[i * BODY_STRIDE + 6] & BODY_UNWINDS) out[i] = 1;
    const c = this.calls;
    for (let changed = true; changed;) {
      changed = false;
      for (let k = 0; k < c.length; k += 3) {
        const callee = c[k + 1] - importedFuncs;
        if (!out[c[k]] && callee >= 0 && callee < n && out[callee]) {
          out[c[k]] = 1;
          changed = true;
        }
      }
    }
  }

  /**
   * Which functions take the fuel as a parameter and hand it back as an extra result, so a call
   * between them passes it in registers instead of through the global (a load after every call
   * and a store before it put the global on every call's critical path: binary-trees ran ~25 %
   * slower metered, nearly all of it those loads and stores). Only functions reached by direct
   * calls alone (not escaping) can change their type; not in modules with exception handlers
   * (a caught throw would lose the callee's fuel) or tail calls, nor with types the rewriter
   * cannot extend, nor functions whose br_table or br_on_* may leave through the function's label.
   */
  private threading(n: number, bodies: Int32Array): void {
    const threaded = (this.threaded = new Uint8Array(n));
    let all = 0;
    for (let i = 0; i < n; i++) all |= bodies[i * BODY_STRIDE + 6];
    if (!this.ctx.plainTypes || all & (BODY_TRY | BODY_TAIL)) return;
    for (let i = 0; i < n; i++) {
      if (this.escapes[i] || bodies[i * BODY_STRIDE + 6] & BODY_NOTHREAD) continue;
      // (a first local group of none would leave no local for the parameter to displace)
      if (bodies[i * BODY_STRIDE] > 0 && readU32(this.bytes, bodies[i * BODY_STRIDE + 1]) === 0) continue;
      threaded[i] = 1;
      this.threads = true;
    }
  }

  private push(kind: number, at: number, end: number, value: number): void {
    if (this.count * 4 + 4 > this.edits.length) {
      const next = new Int32Array(this.edits.length * 2);
      next.set(this.edits);
      this.edits = next;
    }
    const e = this.edits;
    const k = this.count++ * 4;
    e[k] = kind;
    e[k + 1] = at;
    e[k + 2] = end;
    e[k + 3] = value;
  }

  private fail(message: string, at: number): never {
    throw new MeterError(`Malformed code section at byte ${at}: ${message}`);
  }

  /**
   * Finds the basic blocks of one body and records, in byte order, a charge at the start of each
   * block that does any work, the copies of the fuel between local and global, and the function
   * indices to shift.
   */
  private plan(codeStart: number, bodyEnd: number): void {
    const b = this.bytes;
    this.flags = 0;
    let depth = 0;
    let p = codeStart;
    let count = 0;
    // Only function entries (of recursive functions, decided once every body is planned) and loop
    // headers check the fuel: every unbounded run passes through one, and the rest is bounded
    // code, charged by a bare subtraction. The host checks the count once more when the call
    // returns, so the limit stays exact.
    let check = true;
    let catches = false;
    const param = this.ctx.paramCounts[this.caller] ?? 0;
    this.push(LOAD, codeStart, codeStart, 0);
    // The charge of the block being scanned: filled in when the block ends.
    let charge = this.count;
    this.push(NONE, codeStart, codeStart, 0);
    for (;;) {
      if (p >= bodyEnd) this.fail('the function body has no final end', p);
      const at = p;
      const op = b[p++];
      const imm = OP_IMM[op];
      // Immediates.
      let label = -1;
      let callee = -1;
      switch (imm) {
        case IMM_NONE:
          break;
        case IMM_LEB: {
          if (op === OP_BR || op === OP_BR_IF) {
            label = readU32(b, p);
            p = skipLeb(b, p);
          } else if (op === OP_CALL || op === OP_RETURN_CALL || op === OP_REF_FUNC) {
            const immAt = p;
            const v = readU32(b, p);
            p = skipLeb(b, p);
            if (op !== OP_REF_FUNC) {
              // A direct call's write-back names its callee (+1), which may make it unneeded.
              this.push(SPILL, at, at, op === OP_CALL ? v + 1 : 0);
              if (op === OP_CALL) callee = v;
              this.calls.push(this.caller, v, charge);
              if (v < this.ctx.importedFuncs) this.flags |= BODY_UNWINDS;
            } else this.ctx.escaping.push(v);
            this.push(FUNC, immAt, p, v >= this.ctx.importedFuncs ? v + 1 : v);
          } else if (op <= 0x22 && op >= 0x20) {
            // local.get/set/tee of the local a fuel parameter would displace
            const immAt = p;
            p = skipLeb(b, p);
            if (readU32(b, immAt) === param) this.push(RELOCAL, immAt, p, 0);
          } else {
            if (op === 0xd5 || op === 0xd6) this.flags |= BODY_NOTHREAD; // br_on_null, br_on_non_null
            p = skipLeb(b, p);
          }
          break;
        }
        case IMM_LEB2:
          p = skipLeb(b, skipLeb(b, p));
          break;
        case IMM_MEMARG:
          p = skipMemArg(b, p);
          break;
        case IMM_BLOCK:
          p = skipBlockType(b, p);
          break;
        case IMM_F32:
          p += 4;
          break;
        case IMM_F64:
          p += 8;
          break;
        case IMM_SPECIAL:
          p = this.special(op, at, p, depth);
          break;
        default:
          this.fail(`unknown instruction 0x${op.toString(16).padStart(2, '0')}`, at);
      }
      const flags = OP_FLAGS[op];
      let close = false;
      let nextChecks = false;
      if (!(flags & COUNTED)) {
        // Structure markers.
        if (op === OP_BLOCK || op === OP_LOOP || op === OP_TRY || op === OP_TRY_TABLE) {
          if (depth === this.openers.length) this.growOpeners();
          this.openers[depth++] = op;
          if (op === OP_TRY || op === OP_TRY_TABLE) {
            catches = true;
            this.flags |= BODY_TRY;
          }
          if (op === OP_LOOP) {
            this.flags |= BODY_LOOPS;
            close = true;
            nextChecks = true;
          }
        } else if (op === OP_END) {
          if (depth === 0) {
            this.push(SPILL, at, at, 0); // the function's end: hand the fuel back
            this.fill(charge, count, check);
            if (p !== bodyEnd)
              this.fail(`the function body continues after its final end (to byte ${bodyEnd})`, p);
            return;
          }
          const opener = this.openers[--depth];
          // A caught exception arrives with the fuel in the global (loaded before the next charge).
          if (catches) this.push(LOAD, p, p, 0);
          close = opener !== OP_LOOP;
        } else {
          // else, catch, catch_all, delegate
          if (op === OP_DELEGATE) depth--; // delegate ends its try
          if (op === OP_CATCH || op === OP_CATCH_ALL) this.push(LOAD, p, p, 0);
          close = true;
        }
      } else {
        count++;
        if (op === OP_IF) {
          if (depth === this.openers.length) this.growOpeners();
          this.openers[depth++] = op;
        }
        if (flags & CALLS) {
          if (op !== OP_CALL && op !== OP_RETURN_CALL) {
            this.calls.push(this.caller, -1, charge); // through a table or reference
            this.flags |= BODY_UNWINDS;
          }
          if (!(flags & EXITS) && op !== OP_CALL) this.push(SPILL, at, at, 0); // call's spill precedes its index
          if (!(flags & EXITS))
            this.push(LOAD, p, p, callee + 1); // names a direct call's callee (+1)
          else {
            this.flags |= BODY_TAIL;
            if (op !== OP_RETURN_CALL) this.push(SPILL, at, at, 0);
          }
        } else if (flags & EXITS) {
          if (op === 0x08 || op === 0x09 || op === 0x0a) this.flags |= BODY_UNWINDS; // throw, rethrow, throw_ref
          this.push(SPILL, at, at, 0);
        } else if (label >= 0 && label === depth) this.push(SPILL, at, at, 0); // br/br_if to the function's label
        close = (flags & ENDS) !== 0;
      }
      if (close) {
        this.fill(charge, count, check);
        count = 0;
        check = nextChecks;
        charge = this.count;
        this.push(NONE, p, p, 0);
      }
    }
  }

  /** Sets the charge placeholder at edit `k` for a block of `count` instructions. */
  private fill(k: number, count: number, check: boolean): void {
    if (count > 0 || check) {
      this.edits[k * 4] = check ? CHECK : CHARGE;
      this.edits[k * 4 + 3] = count;
    }
  }

  private growOpeners(): void {
    const next = new Uint8Array(this.openers.length * 2);
    next.set(this.openers);
    this.openers = next;
  }

  /** Skips the immediates of br_table, select t*, try_table and the prefixed opcodes. */
  private special(op: number, at: number, p: number, depth: number): number {
    const b = this.bytes;
    switch (op) {
      case OP_BR_TABLE: {
        const n = readU32(b, p);
        p = skipLeb(b, p);
        if (n > b.length) this.fail('too many br_table labels', at);
        for (let i = 0; i <= n; i++) {
          // A target that is the function's label would need the fuel beside some targets only.
          const from = p;
          p = skipLeb(b, p);
          if (readU32(b, from) === depth) this.flags |= BODY_NOTHREAD;
        }
        return p;
      }
      case OP_SELECT_T: {
        const n = b[p++];
        if (n & 0x80) this.fail('too many select types', at);
        for (let i = 0; i < n; i++) p = skipValType(b, p);
        return p;
      }
      case OP_TRY_TABLE: {
        p = skipBlockType(b, p);
        const n = b[p++];
        if (n & 0x80) this.fail('too many catch clauses', at);
        for (let i = 0; i < n; i++) {
          const kind = b[p++];
          if (kind > 3) this.fail(`unknown catch kind ${kind}`, p - 1);
          if (kind < 2) p = skipLeb(b, p);
          p = skipLeb(b, p);
        }
        return p;
      }
    }
    // Prefixed: a LEB128 sub-opcode.
    const sub = readU32(b, p);
    p = skipLeb(b, p);
    if (op === 0xfc) {
      if (sub <= 7) return p; // saturating truncations
      if (sub === 8 || sub === 10 || sub === 12 || sub === 14) return skipLeb(b, skipLeb(b, p));
      if (sub === 9 || sub === 11 || (sub >= 13 && sub <= 17)) return skipLeb(b, p);
    } else if (op === 0xfd) {
      if (sub <= 11 || sub === 92 || sub === 93) return skipMemArg(b, p); // v128 loads/stores
      if (sub === 12 || sub === 13) return p + 16; // v128.const, i8x16.shuffle
      if (sub >= 21 && sub <= 34) return p + 1; // extract/replace lane
      if (sub >= 84 && sub <= 91) return skipMemArg(b, p) + 1; // load/store lane
      if (sub <= 0x113) return p; // up to relaxed SIMD
    } else {
      if (sub === 3) return p + 1; // atomic.fence
      if (sub <= 2 || (sub >= 0x10 && sub <= 0x4e)) return skipMemArg(b, p);
    }
    return this.fail(`unknown instruction 0x${op.toString(16)} ${sub}`, at);
  }

  /** Writes body `i` with its edits [from, to) applied. */
  private emit(i: number, bodies: Int32Array, to: number): void {
    const src = this.bytes;
    const w = this.out;
    const e = this.edits;
    const k0 = i * BODY_STRIDE;
    const groups = bodies[k0];
    const groupsEnd = bodies[k0 + 1];
    const codeStart = bodies[k0 + 2];
    const bodyEnd = bodies[k0 + 3];
    const locals = bodies[k0 + 4];
    const threaded = this.threaded[i] === 1;
    const params = this.ctx.paramCounts[i] ?? 0;
    // The fuel (or the fuel spent since the last write-back): a new local after the others, or
    // the fuel parameter, which takes the index of the first local (that local moves to the end).
    const local = threaded ? params : locals;
    const temp = locals + 1; // an i64 scratch, or with a fuel parameter an i32 one
    const from = bodies[k0 + 5];
    // Exception handlers join paths where the fuel sits in the local with paths where it sits in
    // the global (a caught throw); a pending delta is right on both, so such functions use it.
    // With fuel parameters about, every function keeps the fuel itself (callees hand it back).
    const delta = !this.threads && ((bodies[k0 + 6] & BODY_LOOPS) === 0 || (bodies[k0 + 6] & BODY_TRY) !== 0);
    const { fuel, refuelFunc, importedFuncs } = this.ctx;
    const threads = this.threaded;
    const passes = (callee: number) => callee >= importedFuncs && threads[callee - importedFuncs] === 1;
    w.ensure(bodyEnd - groupsEnd + 48 + (to - from) * MAX_EDIT_BYTES);
    const sizeAt = w.reserve();
    const buf = w.buf;
    let o = w.len;
    const start = o;
    if (!threaded) {
      o = putU32(buf, o, groups + 1);
      o = copy(buf, o, src, groupsEnd, codeStart);
      buf[o++] = 0x02; // two i64: the fuel and a scratch
      buf[o++] = 0x7e;
    } else if (groups === 0) {
      o = putU32(buf, o, 1);
      buf[o++] = 0x01; // an i32 scratch
      buf[o++] = 0x7f;
    } else {
      // The first group loses its first local to the end; then the scratch.
      const r = new Reader(src, groupsEnd, codeStart, 'code section');
      const first = r.u32('a local count');
      const typeAt = r.pos;
      readValueType(r);
      const typeEnd = r.pos;
      o = putU32(buf, o, groups + (first === 1 ? 1 : 2));
      if (first > 1) {
        o = putU32(buf, o, first - 1);
        o = copy(buf, o, src, typeAt, typeEnd);
      }
      o = copy(buf, o, src, typeEnd, codeStart);
      buf[o++] = 0x01;
      o = copy(buf, o, src, typeAt, typeEnd);
      buf[o++] = 0x01;
      buf[o++] = 0x7f;
    }
    const hintsAt = this.hints.length;
    this.hints.push(this.ctx.importedFuncs + 1 + i, 0);
    // Delta mode: whether the local is known to be zero (true on entry, and right after a write-back
    // until the next block starts).
    let zero = true;
    let copied = codeStart;
    for (let k = from * 4; k < to * 4; k += 4) {
      const kind = e[k];
      // A block starts: control may join from anywhere.
      if ((kind === NONE || kind === CHARGE || kind === CHECK) && k > (from + 1) * 4) zero = false;
      if (kind === NONE) continue;
      const at = e[k + 1];
      o = copy(buf, o, src, copied, at);
      copied = at;
      const n = e[k + 3];
      switch (kind) {
        case FUNC:
          o = putU32(buf, o, n);
          copied = e[k + 2];
          break;
        case RELOCAL: // the local the fuel parameter displaced
          if (threaded) {
            o = putU32(buf, o, locals);
            copied = e[k + 2];
          }
          break;
        case LOAD: // global.get F; local.set L (delta: the local is zero after the write-back)
          if (delta || (threaded && k === from * 4)) break; // a fuel parameter arrives with the call
          if (n > 0 && passes(n - 1)) {
            // the callee hands the fuel back as its last result
            buf[o++] = 0x21;
            o = putU32(buf, o, local);
            break;
          }
          buf[o++] = 0x23;
          o = putU32(buf, o, fuel);
          buf[o++] = 0x21;
          o = putU32(buf, o, local);
          break;
        case SPILL:
          if (!delta) {
            const op = src[at];
            if (threaded && (op === OP_RETURN || op === OP_BR || op === OP_END)) {
              // leaving the function: the fuel goes back as the last result (local.get L)
              buf[o++] = 0x20;
              o = putU32(buf, o, local);
              break;
            }
            if (threaded && op === OP_BR_IF) {
              // local.set T; local.get L; local.get T; br_if; drop (the fuel when not taken)
              buf[o++] = 0x21;
              o = putU32(buf, o, temp);
              buf[o++] = 0x20;
              o = putU32(buf, o, local);
              buf[o++] = 0x20;
              o = putU32(buf, o, temp);
              copied = skipLeb(src, at + 1);
              o = copy(buf, o, src, at, copied);
              buf[o++] = 0x1a;
              break;
            }
            if (op === OP_CALL && n > 0 && passes(n - 1)) {
              // local.get L: the callee's fuel parameter. No store: a store to the global on
              // every call cost binary-trees more than the rest of the metering together.
              buf[o++] = 0x20;
              o = putU32(buf, o, local);
              break;
            }
            if (threaded && op === OP_BR_TABLE) break; // never to the function's label here
            // local.get L; global.set F (the host, a callee that is not passed the fuel, or a trap)
            buf[o++] = 0x20;
            o = putU32(buf, o, local);
            buf[o++] = 0x24;
            o = putU32(buf, o, fuel);
            break;
          }
          if (zero) break;
          if (n > 0 && n - 1 >= this.ctx.importedFuncs && !this.unwinds[n - 1 - this.ctx.importedFuncs])
            break;
          // global.get F; local.get D; i64.sub; global.set F; then D = 0 unless this is the final end
          buf[o++] = 0x23;
          o = putU32(buf, o, fuel);
          buf[o++] = 0x20;
          o = putU32(buf, o, local);
          buf[o++] = 0x7d;
          buf[o++] = 0x24;
          o = putU32(buf, o, fuel);
          if (at !== bodyEnd - 1) {
            buf[o++] = 0x42;
            buf[o++] = 0x00;
            buf[o++] = 0x21;
            o = putU32(buf, o, local);
          }
          zero = true;
          break;
        case CHARGE:
          this.charges++;
          if (delta && k === (from + 1) * 4 && this.escapes[i]) {
            // The entry of a function the host or a table calls: straight into the global, so
            // a call that traps in its first block still counts it (global.get F; i64.const n; i64.sub; global.set F).
            buf[o++] = 0x23;
            o = putU32(buf, o, fuel);
            buf[o++] = 0x42;
            o = putS32(buf, o, n);
            buf[o++] = 0x7d;
            buf[o++] = 0x24;
            o = putU32(buf, o, fuel);
            break;
          }
          if (delta) {
            // local.get D; i64.const n; i64.add; local.set D (or D = n when it is zero)
            if (!zero) {
              buf[o++] = 0x20;
              o = putU32(buf, o, local);
            }
            buf[o++] = 0x42;
            o = putS32(buf, o, n);
            if (!zero) buf[o++] = 0x7c;
            buf[o++] = 0x21;
            o = putU32(buf, o, local);
            zero = false;
            break;
          }
          // local.get L; i64.const n; i64.sub; local.set L
          buf[o++] = 0x20;
          o = putU32(buf, o, local);
          buf[o++] = 0x42;
          o = putS32(buf, o, n);
          buf[o++] = 0x7d;
          buf[o++] = 0x21;
          o = putU32(buf, o, local);
          break;
        default: {
          // CHECK
          this.charges++;
          let x = local;
          if (delta) {
            // global.get F; (local.get D; i64.add;) i64.const n; i64.sub; local.tee T; global.set F; local.get T
            x = temp;
            buf[o++] = 0x23;
            o = putU32(buf, o, fuel);
            buf[o++] = 0x42;
            o = putS32(buf, o, n);
            if (!zero) {
              buf[o++] = 0x20;
              o = putU32(buf, o, local);
              buf[o++] = 0x7c;
            }
            buf[o++] = 0x7d;
            buf[o++] = 0x22;
            o = putU32(buf, o, temp);
            buf[o++] = 0x24;
            o = putU32(buf, o, fuel);
            buf[o++] = 0x20;
            o = putU32(buf, o, temp);
          } else {
            // local.get L; i64.const n; i64.sub; local.tee L
            buf[o++] = 0x20;
            o = putU32(buf, o, local);
            buf[o++] = 0x42;
            o = putS32(buf, o, n);
            buf[o++] = 0x7d;
            buf[o++] = 0x22;
            o = putU32(buf, o, local);
          }
          // …i64.const 0; i64.lt_s; if; x → F; refuel(x) → x, F; end
          // (the global stays current, so a trap after the check still counts the charges before it)
          buf[o++] = 0x42;
          buf[o++] = 0x00;
          buf[o++] = 0x53;
          this.hints.push(o - start);
          buf[o++] = 0x04;
          buf[o++] = 0x40;
          buf[o++] = 0x20;
          o = putU32(buf, o, x);
          if (!delta) {
            buf[o++] = 0x24;
            o = putU32(buf, o, fuel);
            buf[o++] = 0x20;
            o = putU32(buf, o, x);
          }
          buf[o++] = 0x10;
          o = putU32(buf, o, refuelFunc);
          if (!delta) {
            buf[o++] = 0x22;
            o = putU32(buf, o, x);
          }
          buf[o++] = 0x24;
          o = putU32(buf, o, fuel);
          buf[o++] = 0x0b;
          if (delta && !zero) {
            buf[o++] = 0x42;
            buf[o++] = 0x00;
            buf[o++] = 0x21;
            o = putU32(buf, o, local);
          }
          zero = true;
        }
      }
    }
    o = copy(buf, o, src, copied, bodyEnd);
    // Typed arrays drop writes past their end: a wrong size estimate must fail, not corrupt.
    if (o > buf.length) throw new Error(`meter: body ${i} overran its output buffer`);
    w.len = o;
    w.patch(sizeAt, o - start);
    const hinted = this.hints.length - hintsAt - 2;
    if (hinted > 0) this.hints[hintsAt + 1] = hinted;
    else this.hints.length = hintsAt;
  }
}

/** The LEB128 u32 at `p` (padded encodings too). */
function readU32(b: Uint8Array, p: number): number {
  let v = 0;
  let scale = 1;
  let x: number;
  do {
    x = b[p++];
    v += (x & 0x7f) * scale;
    scale *= 128;
  } while (x & 0x80);
  return v;
}

function skipLeb(b: Uint8Array, p: number): number {
  while (b[p++] & 0x80);
  return p;
}

function skipMemArg(b: Uint8Array, p: number): number {
  const align = b[p];
  p = skipLeb(b, p);
  if (align & 0x40) p = skipLeb(b, p); // multi-memory: a memory index
  return skipLeb(b, p); // offset
}

function skipValType(b: Uint8Array, p: number): number {
  const t = b[p++];
  return t === 0x63 || t === 0x64 ? skipLeb(b, p) : p; // (ref null? ht)
}

function skipBlockType(b: Uint8Array, p: number): number {
  const t = b[p];
  if (t === 0x40) return p + 1;
  if ((t & 0xc0) === 0x40) return skipValType(b, p);
  return skipLeb(b, p); // a type index (s33)
}

function putU32(buf: Uint8Array, o: number, v: number): number {
  while (v >= 0x80) {
    buf[o++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[o++] = v;
  return o;
}

/** Signed LEB128 of a non-negative integer below 2^31. */
function putS32(buf: Uint8Array, o: number, v: number): number {
  while (v >= 0x40) {
    buf[o++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[o++] = v;
  return o;
}

/** Copies src[a, b) to buf at o: short runs byte by byte (cheaper than a subarray), long ones with set. */
function copy(buf: Uint8Array, o: number, src: Uint8Array, a: number, b: number): number {
  if (b - a < 32) {
    while (a < b) buf[o++] = src[a++];
    return o;
  }
  buf.set(src.subarray(a, b), o);
  return o + (b - a);
}

/** Instructions granted per slice: how often a metered module calls the host to check its deadline. */
export const FUEL_SLICE = 1 << 18;

/** The invocation ran through its fuel limit. */
export class OutOfFuel extends Error {
  constructor(readonly limit: number) {
    super(`out of fuel: the function's limit is ${limit.toLocaleString('en-US')} instructions`);
    this.name = 'OutOfFuel';
  }
}

/** The invocation passed its deadline; the metered module stopped itself at a block boundary. */
export class DeadlineExceeded extends Error {
  constructor() {
    super('deadline exceeded');
    this.name = 'DeadlineExceeded';
  }
}

/**
 * The host side of metering for one instance: grants fuel in slices through `refuel`, throws
 * OutOfFuel or DeadlineExceeded from inside the module, and counts the instructions an invocation
 * used. Call `begin` before each invocation (and before instantiating, for the start function),
 * and `attach` once the instance exists.
 */
export class FuelMeter {
  private limit = Infinity;
  private deadline = Infinity;
  /** Fuel handed to the module since `begin`, including what it has not spent yet. */
  private granted = 0;
  private global: WebAssembly.Global | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The import the rewritten module calls when its slice runs out. */
  readonly refuel = (left: bigint): bigint => {
    const used = this.granted - Number(left);
    if (used > this.limit) throw new OutOfFuel(this.limit);
    if (this.deadline !== Infinity && this.now() >= this.deadline) throw new DeadlineExceeded();
    const grant = Math.min(FUEL_SLICE, this.limit - used);
    this.granted = used + grant;
    return BigInt(grant);
  };

  attach(global: WebAssembly.Global): void {
    this.global = global;
  }

  /** Starts counting a new invocation: `limit` instructions (Infinity for none), `deadline` on the `now` clock. */
  begin(limit: number, deadline = Infinity): void {
    this.limit = limit;
    this.deadline = deadline;
    this.granted = 0;
    if (this.global) this.global.value = 0n;
  }

  /**
   * Call when the export returns: forward code between checks may have run past the limit, and
   * the invocation is out of fuel all the same. Throws OutOfFuel then.
   */
  settle(): void {
    if (this.used() > this.limit) throw new OutOfFuel(this.limit);
  }

  /** Instructions charged since `begin` (exact: blocks are charged before they run). */
  used(): number {
    return this.global ? this.granted - Number(this.global.value as bigint) : this.granted;
  }
}
