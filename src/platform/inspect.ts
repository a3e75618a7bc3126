// Reads the structure of a WebAssembly binary: sections, imports, exports,
// memories, tables and signatures. Framework-free and allocation-conscious:
// it never copies the input and skips code/data payloads without decoding
// them, so it is safe on the main thread, in workers and in Node.
//
// This is a structural reader, not a validator: it rejects anything it cannot
// parse (with a WasmFormatError a student can act on) but leaves type checking
// of function bodies to WebAssembly.compile.

import type {
  ExportInfo,
  ExternKind,
  FuncSignature,
  GlobalType,
  ImportInfo,
  MemoryLimits,
  ModuleInfo,
  ModuleKind,
  SectionInfo,
  TableLimits,
  ValType,
} from './types';

/** The binary could not be read; `offset` is the byte where reading failed. */
export class WasmFormatError extends Error {
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.name = 'WasmFormatError';
    this.offset = offset;
  }
}

const SECTION_NAMES = [
  'custom',
  'type',
  'import',
  'function',
  'table',
  'memory',
  'global',
  'export',
  'start',
  'element',
  'code',
  'data',
  'datacount',
  'tag',
] as const;

/** 'type', 'import', … for a section id; 'custom' for 0. */
export function sectionName(id: number): string {
  return SECTION_NAMES[id] ?? `unknown (${id})`;
}

/** "(i32, i32) -> i32", "() -> ()", "(f64) -> (i32, i64)". */
export function formatSignature(sig: FuncSignature): string {
  const results = sig.results.length === 1 ? sig.results[0] : `(${sig.results.join(', ')})`;
  return `(${sig.params.join(', ')}) -> ${results}`;
}

// Non-custom sections must appear in this order (the tag section sits between
// memory and global, the datacount section before code).
export const SECTION_ORDER: Record<number, number> = {
  1: 1,
  2: 2,
  3: 3,
  4: 4,
  5: 5,
  13: 6,
  6: 7,
  7: 8,
  8: 9,
  9: 10,
  12: 11,
  10: 12,
  11: 13,
};

const WASI_MODULES = new Set(['wasi_snapshot_preview1', 'wasi_unstable']);

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const HEADER_BYTES = 8;

// Abstract heap types (GC / function-references proposals), by their one-byte code.
const FUNC_HEAP_TYPES = new Set([0x70 /* func */, 0x73 /* nofunc */]);
const OTHER_HEAP_TYPES = new Set([
  0x6f /* extern */, 0x72 /* noextern */, 0x6e /* any */, 0x6d /* eq */, 0x6c /* i31 */, 0x6b /* struct */,
  0x6a /* array */, 0x71 /* none */, 0x69 /* exn */, 0x74 /* noexn */,
]);

// ignoreBOM: a name that starts with U+FEFF keeps it (the decoder would drop it by default).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

/**
 * A bounds-checked cursor over `bytes[pos, end)`. `end` is the end of the
 * current section, so an entry can never read into the next section.
 */
export class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    public end: number,
    /** What is being read, for messages: 'type section', 'module', … */
    readonly context: string,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(message: string, offset = this.pos): never {
    throw new WasmFormatError(`Malformed ${this.context} at byte ${offset}: ${message}`, offset);
  }

  private overrun(what: string, at: number): never {
    if (this.end === this.bytes.length && this.context === 'module') {
      throw new WasmFormatError(
        `Truncated module: the file ends at byte ${this.end} in the middle of ${what}`,
        this.end,
      );
    }
    this.fail(`${what} runs past the end of the section (byte ${this.end})`, at);
  }

  peek(): number {
    if (this.pos >= this.end) this.overrun('the next entry', this.pos);
    return this.bytes[this.pos];
  }

  u8(what: string): number {
    if (this.pos >= this.end) this.overrun(what, this.pos);
    return this.bytes[this.pos++];
  }

  skip(n: number, what: string): void {
    if (n > this.remaining) this.overrun(what, this.pos);
    this.pos += n;
  }

  u32(what: string): number {
    return this.leb(32, false, what);
  }

  s32(what: string): number {
    return this.leb(32, true, what);
  }

  /** Exact up to 2^53; beyond that precision is lost, which no real limit reaches. */
  u64(what: string): number {
    return this.leb(64, false, what);
  }

  s33(what: string): number {
    return this.leb(33, true, what);
  }

  s64(what: string): number {
    return this.leb(64, true, what);
  }

  /**
   * LEB128 of at most `bits` bits. Padding bytes are allowed (the spec does),
   * but not more than ceil(bits/7) bytes, and the unused high bits of the last
   * byte must be zero (unsigned) or copies of the sign bit (signed).
   * Arithmetic is on doubles, not 32-bit ints, so u32 values above 2^31 stay positive.
   */
  private leb(bits: number, signed: boolean, what: string): number {
    const start = this.pos;
    const maxBytes = Math.ceil(bits / 7);
    let result = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) this.overrun(what, start);
      const byte = this.bytes[this.pos++];
      if (i === maxBytes - 1) {
        if (byte & 0x80) {
          this.fail(`${what} is an over-long LEB128 integer (more than ${maxBytes} bytes)`, start);
        }
        const valueBits = bits - 7 * i;
        if (signed) {
          const signMask = 0x7f & ~((1 << (valueBits - 1)) - 1);
          const top = byte & signMask;
          if (top !== 0 && top !== signMask) this.fail(`${what} does not fit in ${bits} bits`, start);
        } else if (byte & 0x7f & ~((1 << valueBits) - 1)) {
          this.fail(`${what} does not fit in ${bits} bits`, start);
        }
      }
      result += (byte & 0x7f) * scale;
      scale *= 128;
      if (!(byte & 0x80)) {
        if (signed && byte & 0x40) result -= scale;
        return result;
      }
    }
  }

  /**
   * A vector length. Every entry takes at least `minEntryBytes` bytes, so a
   * count larger than what is left in the section is rejected here, before
   * any loop runs: a hostile 0xffffffff count fails instantly.
   */
  count(what: string, minEntryBytes = 1): number {
    const at = this.pos;
    const n = this.u32(`the number of ${what}`);
    if (n * minEntryBytes > this.remaining) {
      this.fail(`it declares ${n} ${what} but only ${this.remaining} bytes remain in the section`, at);
    }
    return n;
  }

  name(what: string): string {
    const at = this.pos;
    const length = this.u32(`the length of ${what}`);
    if (length > this.remaining) this.overrun(what, at);
    const start = this.pos;
    this.pos += length;
    const view = this.bytes.subarray(start, this.pos);
    try {
      // TextDecoder refuses views of a SharedArrayBuffer; names are short, so copy those.
      return utf8.decode(view.buffer instanceof ArrayBuffer ? view : view.slice());
    } catch {
      return this.fail(`${what} is not valid UTF-8`, start);
    }
  }
}

/** A function type, or null for GC struct/array types (which have no signature). */
type TypeEntry = FuncSignature | null;

// Reference types beyond funcref/externref (GC, typed function references) are
// folded into the two the platform knows: the func hierarchy → 'funcref',
// everything else → 'externref'. Good enough for display and argument checks.
function readHeapType(r: Reader, types: TypeEntry[]): ValType {
  const at = r.pos;
  const first = r.peek();
  // One-byte negative s33: an abstract heap type.
  if ((first & 0xc0) === 0x40) {
    r.pos++;
    if (FUNC_HEAP_TYPES.has(first)) return 'funcref';
    if (OTHER_HEAP_TYPES.has(first)) return 'externref';
    r.fail(`unknown heap type 0x${hex(first)}`, at);
  }
  const index = r.s33('a heap type index');
  if (index < 0) r.fail(`unknown heap type ${index}`, at);
  // Forward references inside a rec group are not known yet; assume non-func.
  return types[index] ? 'funcref' : 'externref';
}

function readValType(r: Reader, types: TypeEntry[]): ValType {
  const at = r.pos;
  const code = r.u8('a value type');
  switch (code) {
    case 0x7f:
      return 'i32';
    case 0x7e:
      return 'i64';
    case 0x7d:
      return 'f32';
    case 0x7c:
      return 'f64';
    case 0x7b:
      return 'v128';
    case 0x63: // (ref null ht)
    case 0x64: // (ref ht)
      return readHeapType(r, types);
  }
  if (FUNC_HEAP_TYPES.has(code)) return 'funcref';
  if (OTHER_HEAP_TYPES.has(code)) return 'externref';
  return r.fail(`unknown value type 0x${hex(code)}`, at);
}

function readFuncType(r: Reader, types: TypeEntry[]): FuncSignature {
  const params: ValType[] = [];
  const paramCount = r.count('parameters');
  for (let i = 0; i < paramCount; i++) params.push(readValType(r, types));
  const results: ValType[] = [];
  const resultCount = r.count('results');
  for (let i = 0; i < resultCount; i++) results.push(readValType(r, types));
  return { params, results };
}

function readFieldType(r: Reader, types: TypeEntry[]): void {
  const storage = r.peek();
  if (storage === 0x78 || storage === 0x77)
    r.pos++; // packed i8 / i16
  else readValType(r, types);
  const at = r.pos;
  const mutability = r.u8('a field mutability flag');
  if (mutability > 1) r.fail(`invalid mutability flag 0x${hex(mutability)}`, at);
}

/** One composite type (func/struct/array), possibly wrapped in `sub`/`sub final`. */
function readSubType(r: Reader, types: TypeEntry[]): void {
  const prefix = r.peek();
  if (prefix === 0x50 || prefix === 0x4f) {
    r.pos++;
    const supers = r.count('supertypes');
    for (let i = 0; i < supers; i++) r.u32('a supertype index');
  }
  const at = r.pos;
  const form = r.u8('a type form');
  switch (form) {
    case 0x60:
      types.push(readFuncType(r, types));
      return;
    case 0x5f: {
      const fields = r.count('struct fields', 2);
      for (let i = 0; i < fields; i++) readFieldType(r, types);
      types.push(null);
      return;
    }
    case 0x5e:
      readFieldType(r, types);
      types.push(null);
      return;
    default:
      r.fail(`unknown type form 0x${hex(form)} (expected 0x60 for a function type)`, at);
  }
}

function readTypeSection(r: Reader, types: TypeEntry[]): number {
  const n = r.count('types');
  for (let i = 0; i < n; i++) {
    if (r.peek() === 0x4e) {
      // A GC recursion group: each member gets its own type index.
      r.pos++;
      const members = r.count('types in a recursion group');
      for (let j = 0; j < members; j++) readSubType(r, types);
    } else {
      readSubType(r, types);
    }
  }
  return n;
}

/** Limits as stored: flags byte, then min and optional max (u64 for 64-bit). */
function readLimits(r: Reader, what: string, allowShared: boolean) {
  const at = r.pos;
  const flags = r.u8(`the ${what} limits flags`);
  if (flags & 0x08) r.fail(`custom page sizes are not supported (limits flags 0x${hex(flags)})`, at);
  if (flags > 0x07 || (!allowShared && flags & 0x02)) {
    r.fail(`invalid ${what} limits flags 0x${hex(flags)}`, at);
  }
  const is64 = (flags & 0x04) !== 0;
  const min = is64 ? r.u64(`the ${what} minimum`) : r.u32(`the ${what} minimum`);
  const max = flags & 0x01 ? (is64 ? r.u64(`the ${what} maximum`) : r.u32(`the ${what} maximum`)) : null;
  return { min, max, shared: (flags & 0x02) !== 0, is64 };
}

function readMemoryType(r: Reader): MemoryLimits {
  const { min, max, shared, is64 } = readLimits(r, 'memory', true);
  return { initialPages: min, maximumPages: max, shared, memory64: is64 };
}

function readTableType(r: Reader, types: TypeEntry[]): TableLimits {
  const at = r.pos;
  const elementType = readValType(r, types);
  if (elementType !== 'funcref' && elementType !== 'externref') {
    r.fail(`a table's element type must be a reference type, not ${elementType}`, at);
  }
  const { min, max } = readLimits(r, 'table', false);
  return { elementType, initial: min, maximum: max };
}

function readGlobalType(r: Reader, types: TypeEntry[]): GlobalType {
  const type = readValType(r, types);
  const at = r.pos;
  const mutability = r.u8('a global mutability flag');
  if (mutability > 1) r.fail(`invalid global mutability flag 0x${hex(mutability)}`, at);
  return { type, mutable: mutability === 1 };
}

/**
 * Skips a constant expression up to its `end` (0x0b). Constant expressions
 * contain no blocks, so the first 0x0b opcode ends it; every immediate is
 * decoded so an immediate byte equal to 0x0b is not mistaken for `end`.
 */
function skipConstExpr(r: Reader, types: TypeEntry[], onFunc?: FuncIndexSite): void {
  for (;;) {
    const at = r.pos;
    const op = r.u8('a constant expression');
    switch (op) {
      case 0x0b: // end
        return;
      case 0x41: // i32.const
        r.s32('an i32.const immediate');
        break;
      case 0x42: // i64.const
        r.s64('an i64.const immediate');
        break;
      case 0x43: // f32.const
        r.skip(4, 'an f32.const immediate');
        break;
      case 0x44: // f64.const
        r.skip(8, 'an f64.const immediate');
        break;
      case 0x23: // global.get
        r.u32('a global index');
        break;
      case 0xd2: {
        // ref.func
        const at = r.pos;
        const index = r.u32('a function index');
        onFunc?.(index, at, r.pos);
        break;
      }
      case 0xd0: // ref.null
        readHeapType(r, types);
        break;
      // extended-const arithmetic: no immediates
      case 0x6a: // i32.add
      case 0x6b: // i32.sub
      case 0x6c: // i32.mul
      case 0x7c: // i64.add
      case 0x7d: // i64.sub
      case 0x7e: // i64.mul
        break;
      case 0xfb: {
        const sub = r.u32('a GC opcode');
        if (sub === 0 || sub === 1 || sub === 6 || sub === 7)
          r.u32('a type index'); // struct.new(_default), array.new(_default)
        else if (sub === 8) {
          r.u32('a type index'); // array.new_fixed
          r.u32('an array length');
        } else if (sub < 0x1a || sub > 0x1c) {
          // 0x1a any.convert_extern, 0x1b extern.convert_any, 0x1c ref.i31 take no immediates
          r.fail(`instruction 0xfb ${sub} is not allowed in a constant expression`, at);
        }
        break;
      }
      case 0xfd: {
        const sub = r.u32('a SIMD opcode');
        if (sub !== 12) r.fail(`instruction 0xfd ${sub} is not allowed in a constant expression`, at);
        r.skip(16, 'a v128.const immediate');
        break;
      }
      default:
        r.fail(`instruction 0x${hex(op)} is not allowed in a constant expression`, at);
    }
  }
}

function kindOf(imports: ImportInfo[], exports: ExportInfo[]): ModuleKind {
  const importsWasi = imports.some((i) => WASI_MODULES.has(i.module));
  const exportsFunction = (name: string) => exports.some((e) => e.kind === 'function' && e.name === name);
  if (importsWasi && exportsFunction('_start')) return 'wasi-command';
  if (exportsFunction('_initialize')) return 'wasi-reactor';
  return 'plain';
}

const EXTERN_KINDS: readonly ExternKind[] = ['function', 'table', 'memory', 'global', 'tag'];

function copySignature(sig: FuncSignature): FuncSignature {
  return { params: [...sig.params], results: [...sig.results] };
}

/**
 * Parses the structure of a WebAssembly module. Throws WasmFormatError when
 * the bytes are not a well-formed module.
 */
export function inspectModule(bytes: Uint8Array): ModuleInfo {
  checkHeader(bytes);

  const sections: SectionInfo[] = [];
  const imports: ImportInfo[] = [];
  const exports: ExportInfo[] = [];
  const memories: MemoryLimits[] = [];
  const tables: TableLimits[] = [];
  let importedMemory: ModuleInfo['importedMemory'] = null;
  let hasStart = false;

  const types: TypeEntry[] = [];
  // Index spaces: imported entries first, then the module's own.
  const funcSigs: FuncSignature[] = [];
  const tableSpace: TableLimits[] = [];
  const memorySpace: MemoryLimits[] = [];
  const globalSpace: GlobalType[] = [];
  let tagCount = 0;
  let definedFunctions = 0;
  let codeBodies: number | null = null;
  let codeOffset = bytes.length;
  const exportOffsets: number[] = [];

  const top = new Reader(bytes, HEADER_BYTES, bytes.length, 'module');
  let lastOrder = 0;
  let lastId = 0;

  const signatureOf = (r: Reader, typeIndex: number, at: number): FuncSignature => {
    const entry = types[typeIndex];
    if (entry === undefined) {
      r.fail(`type index ${typeIndex} is out of range (the module defines ${types.length} types)`, at);
    }
    if (entry === null) r.fail(`type ${typeIndex} is not a function type`, at);
    return entry;
  };

  while (top.pos < bytes.length) {
    const offset = top.pos;
    const id = top.u8('a section header');
    const size = top.u32('a section size');
    const start = top.pos;
    const end = start + size;
    if (id > 13) top.fail(`unknown section id ${id}`, offset);
    if (end > bytes.length) {
      throw new WasmFormatError(
        `Truncated module: the ${sectionName(id)} section ends at byte ${end} but the file has only ${bytes.length} bytes`,
        bytes.length,
      );
    }
    if (id !== 0) {
      const order = SECTION_ORDER[id];
      if (order === lastOrder) top.fail(`the module has a second ${sectionName(id)} section`, offset);
      if (order < lastOrder) {
        top.fail(
          `the ${sectionName(id)} section must come before the ${sectionName(lastId)} section`,
          offset,
        );
      }
      lastOrder = order;
      lastId = id;
    }

    const r = new Reader(bytes, start, end, `${sectionName(id)} section`);
    let name: string = sectionName(id);
    let count: number | null = null;

    switch (id) {
      case 0:
        name = r.name('the custom section name');
        r.pos = end;
        break;

      case 1:
        count = readTypeSection(r, types);
        break;

      case 2: {
        // module name, field name and kind: at least 3 bytes each
        count = r.count('imports', 3);
        for (let i = 0; i < count; i++) {
          const module = r.name('an import module name');
          const field = r.name('an import name');
          const at = r.pos;
          const kind = r.u8('an import kind');
          const entry: ImportInfo = { module, name: field, kind: EXTERN_KINDS[kind] ?? 'function' };
          switch (kind) {
            case 0x00: {
              const typeAt = r.pos;
              const sig = signatureOf(r, r.u32('a type index'), typeAt);
              funcSigs.push(sig);
              entry.signature = copySignature(sig);
              break;
            }
            case 0x01:
              entry.table = readTableType(r, types);
              tableSpace.push(entry.table);
              break;
            case 0x02:
              entry.memory = readMemoryType(r);
              memorySpace.push(entry.memory);
              importedMemory ??= { ...entry.memory, module, name: field };
              break;
            case 0x03:
              entry.global = readGlobalType(r, types);
              globalSpace.push(entry.global);
              break;
            case 0x04: {
              readTagAttribute(r);
              const typeAt = r.pos;
              entry.signature = copySignature(signatureOf(r, r.u32('a type index'), typeAt));
              tagCount++;
              break;
            }
            default:
              r.fail(`unknown import kind 0x${hex(kind)} for "${module}" "${field}"`, at);
          }
          imports.push(entry);
        }
        break;
      }

      case 3:
        count = r.count('functions');
        definedFunctions = count;
        for (let i = 0; i < count; i++) {
          const at = r.pos;
          funcSigs.push(signatureOf(r, r.u32('a type index'), at));
        }
        break;

      case 4:
        count = r.count('tables');
        for (let i = 0; i < count; i++) {
          // 0x40 0x00: a table with an explicit initialiser (function-references proposal)
          if (r.peek() === 0x40) {
            r.pos++;
            const at = r.pos;
            if (r.u8('a table prefix') !== 0x00) r.fail('expected 0x00 after the table prefix 0x40', at);
            const table = readTableType(r, types);
            skipConstExpr(r, types);
            tables.push(table);
          } else {
            tables.push(readTableType(r, types));
          }
          tableSpace.push(tables[tables.length - 1]);
        }
        break;

      case 5:
        count = r.count('memories');
        for (let i = 0; i < count; i++) {
          const memory = readMemoryType(r);
          memories.push(memory);
          memorySpace.push(memory);
        }
        break;

      case 6:
        count = r.count('globals', 3);
        for (let i = 0; i < count; i++) {
          globalSpace.push(readGlobalType(r, types));
          skipConstExpr(r, types);
        }
        break;

      case 7:
        count = r.count('exports', 3);
        for (let i = 0; i < count; i++) {
          const exportName = r.name('an export name');
          const at = r.pos;
          const kind = r.u8('an export kind');
          if (kind >= EXTERN_KINDS.length)
            r.fail(`unknown export kind 0x${hex(kind)} for "${exportName}"`, at);
          const index = r.u32('an export index');
          exports.push({ name: exportName, kind: EXTERN_KINDS[kind], index });
          exportOffsets.push(at);
        }
        break;

      case 8:
        r.u32('the start function index');
        hasStart = true;
        break;

      case 9: // element: only the count matters here
        count = r.count('element segments');
        r.pos = end;
        break;

      case 10:
        // Walk the size-prefixed bodies (cheap) without decoding them.
        count = r.count('function bodies');
        codeBodies = count;
        codeOffset = offset;
        for (let i = 0; i < count; i++) r.skip(r.u32('a function body size'), 'a function body');
        break;

      case 11: // data: only the count matters here
        count = r.count('data segments');
        r.pos = end;
        break;

      case 12:
        count = r.u32('the data segment count');
        break;

      case 13:
        count = r.count('tags', 2);
        for (let i = 0; i < count; i++) {
          readTagAttribute(r);
          const at = r.pos;
          signatureOf(r, r.u32('a type index'), at);
          tagCount++;
        }
        break;
    }

    if (r.pos !== end) {
      r.fail(`its contents end at byte ${r.pos} but the section is declared to end at byte ${end}`, r.pos);
    }
    sections.push({ id, name, offset, size, count });
    top.pos = end;
  }

  if ((codeBodies ?? 0) !== definedFunctions) {
    throw new WasmFormatError(
      `Malformed module: the function section declares ${definedFunctions} functions but the code section has ${codeBodies ?? 0} bodies`,
      codeOffset,
    );
  }

  resolveExports(exports, exportOffsets, { funcSigs, tableSpace, memorySpace, globalSpace, tagCount });

  return {
    sizeBytes: bytes.length,
    sections,
    imports,
    exports,
    memories,
    importedMemory,
    tables,
    hasStart,
    kind: kindOf(imports, exports),
  };
}

function readTagAttribute(r: Reader): void {
  const at = r.pos;
  const attribute = r.u8('a tag attribute');
  if (attribute !== 0) r.fail(`unknown tag attribute 0x${hex(attribute)}`, at);
}

function checkHeader(bytes: Uint8Array): void {
  if (bytes.length === 0) throw new WasmFormatError('Not a WebAssembly module: the file is empty', 0);
  const head = bytes.subarray(0, 4);
  if (!head.every((b, i) => b === MAGIC[i])) {
    const shown = Array.from(head, hex).join(' ');
    // '(' or whitespace first usually means someone uploaded WAT text
    const looksLikeText = /^[\s(;]/.test(String.fromCharCode(head[0]));
    throw new WasmFormatError(
      `Not a WebAssembly module: the file does not start with \\0asm (it starts with ${shown})` +
        (looksLikeText ? '. It looks like text; if it is WAT, deploy it as WAT source.' : ''),
      0,
    );
  }
  if (bytes.length < HEADER_BYTES) {
    throw new WasmFormatError(
      `Truncated module: the file has only ${bytes.length} bytes but the module header alone is ${HEADER_BYTES}`,
      bytes.length,
    );
  }
  const version = (bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24)) >>> 0;
  if (version !== 1) {
    // Components share the magic but carry version 0x0d and layer 1 in the upper half.
    const isComponent = (version & 0xffff) === 0x0d && version >>> 16 === 1;
    throw new WasmFormatError(
      isComponent
        ? 'Unsupported binary version 13 (expected 1): this is a WebAssembly component, not a core module'
        : `Unsupported binary version ${version} (expected 1)`,
      4,
    );
  }
}

interface IndexSpaces {
  funcSigs: FuncSignature[];
  tableSpace: TableLimits[];
  memorySpace: MemoryLimits[];
  globalSpace: GlobalType[];
  tagCount: number;
}

/** Attaches the type of each export, looked up in its (imports-first) index space. */
function resolveExports(exports: ExportInfo[], offsets: number[], spaces: IndexSpaces): void {
  exports.forEach((e, i) => {
    const outOfRange = (size: number): never => {
      throw new WasmFormatError(
        `Malformed export section at byte ${offsets[i]}: export "${e.name}" refers to ${e.kind} ${e.index} but the module has only ${size}`,
        offsets[i],
      );
    };
    switch (e.kind) {
      case 'function': {
        const sig = spaces.funcSigs[e.index] ?? outOfRange(spaces.funcSigs.length);
        e.signature = copySignature(sig);
        break;
      }
      case 'table':
        e.table = { ...(spaces.tableSpace[e.index] ?? outOfRange(spaces.tableSpace.length)) };
        break;
      case 'memory':
        e.memory = { ...(spaces.memorySpace[e.index] ?? outOfRange(spaces.memorySpace.length)) };
        break;
      case 'global':
        e.global = { ...(spaces.globalSpace[e.index] ?? outOfRange(spaces.globalSpace.length)) };
        break;
      case 'tag':
        if (e.index >= spaces.tagCount) outOfRange(spaces.tagCount);
        break;
    }
  });
}

/**
 * What kind of module this is (see kindOf), from its import and export sections alone: every
 * other section is skipped by its size, so a 30 MB module answers at once. Throws
 * WasmFormatError when those sections cannot be read.
 */
export function moduleKind(bytes: Uint8Array): ModuleKind {
  checkHeader(bytes);
  const imports: ImportInfo[] = [];
  const exports: ExportInfo[] = [];
  const top = new Reader(bytes, HEADER_BYTES, bytes.length, 'module');
  while (top.pos < bytes.length) {
    const id = top.u8('a section header');
    const size = top.u32('a section size');
    const r = new Reader(bytes, top.pos, top.pos + size, `${sectionName(id)} section`);
    top.skip(size, `the ${sectionName(id)} section`);
    if (id === 2) {
      const n = r.count('imports', 3);
      for (let i = 0; i < n; i++) {
        const module = r.name('an import module name');
        const name = r.name('an import name');
        const kind = r.u8('an import kind');
        if (kind === 0x00) r.u32('a type index');
        else if (kind === 0x01) readTableType(r, NO_TYPES);
        else if (kind === 0x02) readMemoryType(r);
        else if (kind === 0x03) readGlobalType(r, NO_TYPES);
        else if (kind === 0x04) {
          readTagAttribute(r);
          r.u32('a type index');
        } else r.fail(`unknown import kind 0x${hex(kind)} for "${module}" "${name}"`);
        imports.push({ module, name, kind: EXTERN_KINDS[kind] });
      }
    } else if (id === 7) {
      const n = r.count('exports', 3);
      for (let i = 0; i < n; i++) {
        const name = r.name('an export name');
        const kind = EXTERN_KINDS[r.u8('an export kind')] ?? 'function';
        exports.push({ name, kind, index: r.u32('an export index') });
      }
    }
  }
  return kindOf(imports, exports);
}

/** Where a defined table's limits are encoded (flags byte through maximum), for rewriting them. */
export interface TableLimitsSite {
  start: number;
  end: number;
  initial: number;
  maximum: number | null;
  is64: boolean;
}

/**
 * What a module can allocate outside its linear memory, which the memory cap does not bound:
 * its defined tables (with where their limits sit) and how many GC struct/array types it defines.
 * Call it on bytes inspectModule has accepted.
 */
export function allocationSites(bytes: Uint8Array): {
  tables: TableLimitsSite[];
  /** The table section: offset of its id byte, and where its payload starts and ends. */
  tableSection: { offset: number; start: number; end: number } | null;
  gcTypes: number;
} {
  const types: TypeEntry[] = [];
  const tables: TableLimitsSite[] = [];
  let tableSection: { offset: number; start: number; end: number } | null = null;
  const top = new Reader(bytes, HEADER_BYTES, bytes.length, 'module');
  while (top.pos < bytes.length) {
    const offset = top.pos;
    const id = top.u8('a section header');
    const size = top.u32('a section size');
    const r = new Reader(bytes, top.pos, top.pos + size, `${sectionName(id)} section`);
    top.pos += size;
    if (id === 1) readTypeSection(r, types);
    else if (id === 4) {
      tableSection = { offset, start: r.pos, end: r.end };
      const n = r.count('tables');
      for (let i = 0; i < n; i++) {
        const withInit = r.peek() === 0x40;
        if (withInit) r.pos += 2; // 0x40 0x00
        readValType(r, types);
        const start = r.pos;
        const { min, max, is64 } = readLimits(r, 'table', false);
        tables.push({ start, end: r.pos, initial: min, maximum: max, is64 });
        if (withInit) skipConstExpr(r, types);
      }
    }
  }
  return { tables, tableSection, gcTypes: types.filter((t) => t === null).length };
}

/** Where a function index sits in the binary (value, first byte, byte after): shifted when imports are added. */
export type FuncIndexSite = (index: number, at: number, end: number) => void;

/** Prefixed opcodes are reported as `prefix << 16 | sub`, e.g. memory.fill is 0xfc000b. */
export const PREFIX_SHIFT = 16;

/** Receives every instruction of a function body, in order. */
export interface InstructionVisitor {
  /** `at` is the opcode's first byte, `end` the byte after its immediates. */
  instruction(op: number, at: number, end: number): void;
  funcIndex?: FuncIndexSite;
}

const NO_TYPES: TypeEntry[] = [];

/** The number of type indices the type section payload `[start, end)` defines (rec groups count each member). */
export function typeIndexCount(bytes: Uint8Array, start: number, end: number): number {
  const types: TypeEntry[] = [];
  readTypeSection(new Reader(bytes, start, end, 'type section'), types);
  return types.length;
}

/** The signature of each type index the type section payload `[start, end)` defines (null: a GC struct/array type). */
export function typeSignatures(bytes: Uint8Array, start: number, end: number): (FuncSignature | null)[] {
  const types: TypeEntry[] = [];
  readTypeSection(new Reader(bytes, start, end, 'type section'), types);
  return types;
}

/** Reads a constant expression (global initialisers, element offsets), reporting ref.func indices. */
export function readConstExpr(r: Reader, onFunc?: FuncIndexSite): void {
  skipConstExpr(r, NO_TYPES, onFunc);
}

/** Reads a value or reference type (for element kinds and table types). */
export function readValueType(r: Reader): ValType {
  return readValType(r, NO_TYPES);
}

/** Reads a table type (element type and limits). */
export function skipTableType(r: Reader): void {
  readTableType(r, NO_TYPES);
}

function readBlockType(r: Reader): void {
  const b = r.peek();
  if (b === 0x40) r.pos++;
  else if ((b & 0xc0) === 0x40) readValType(r, NO_TYPES);
  else if (r.s33('a block type index') < 0) r.fail('invalid block type');
}

function readMemArg(r: Reader): void {
  const align = r.u32('an alignment');
  if (align & 0x40) r.u32('a memory index'); // multi-memory
  r.u64('a memory offset');
}

/**
 * Decodes every instruction of one function body's expression, `r.pos` to `r.end` (after the locals),
 * down to the immediates, including the post-MVP proposals the platform accepts: bulk memory,
 * reference types, sign extension, multi-value block types, SIMD (0xfd), threads (0xfe),
 * tail calls, exception handling and typed function references. GC instructions (0xfb) and
 * unknown opcodes throw WasmFormatError: a module using them cannot be rewritten.
 */
export function decodeInstructions(r: Reader, visit: InstructionVisitor): void {
  let depth = 1;
  while (depth > 0) {
    const at = r.pos;
    const op = r.u8('an instruction');
    let code = op;
    switch (op) {
      case 0x02: // block
      case 0x03: // loop
      case 0x04: // if
      case 0x06: // try
        readBlockType(r);
        depth++;
        break;
      case 0x1f: {
        // try_table: block type, then catch clauses
        readBlockType(r);
        const n = r.count('catch clauses', 2);
        for (let i = 0; i < n; i++) {
          const kind = r.u8('a catch kind');
          if (kind > 3) r.fail(`unknown catch kind ${kind}`, r.pos - 1);
          if (kind < 2) r.u32('a tag index');
          r.u32('a label index');
        }
        depth++;
        break;
      }
      case 0x0b: // end
      case 0x18: // delegate (ends a try)
        if (op === 0x18) r.u32('a label index');
        depth--;
        break;
      case 0x00: // unreachable
      case 0x01: // nop
      case 0x05: // else
      case 0x0a: // throw_ref
      case 0x0f: // return
      case 0x19: // catch_all
      case 0x1a: // drop
      case 0x1b: // select
      case 0xd1: // ref.is_null
      case 0xd3: // ref.eq
      case 0xd4: // ref.as_non_null
        break;
      case 0x07: // catch
      case 0x08: // throw
      case 0x09: // rethrow
      case 0x0c: // br
      case 0x0d: // br_if
      case 0x14: // call_ref
      case 0x15: // return_call_ref
      case 0x20: // local.get
      case 0x21: // local.set
      case 0x22: // local.tee
      case 0x23: // global.get
      case 0x24: // global.set
      case 0x25: // table.get
      case 0x26: // table.set
      case 0x3f: // memory.size
      case 0x40: // memory.grow
      case 0xd5: // br_on_null
      case 0xd6: // br_on_non_null
        r.u32('an index immediate');
        break;
      case 0x0e: {
        // br_table
        const n = r.count('br_table labels');
        for (let i = 0; i <= n; i++) r.u32('a label index');
        break;
      }
      case 0x10: // call
      case 0x12: // return_call
      case 0xd2: {
        // ref.func
        const immAt = r.pos;
        const index = r.u32('a function index');
        visit.funcIndex?.(index, immAt, r.pos);
        break;
      }
      case 0x11: // call_indirect
      case 0x13: // return_call_indirect
        r.u32('a type index');
        r.u32('a table index');
        break;
      case 0x1c: {
        // select t*
        const n = r.count('select types');
        for (let i = 0; i < n; i++) readValType(r, NO_TYPES);
        break;
      }
      case 0x41:
        r.s32('an i32.const immediate');
        break;
      case 0x42:
        r.s64('an i64.const immediate');
        break;
      case 0x43:
        r.skip(4, 'an f32.const immediate');
        break;
      case 0x44:
        r.skip(8, 'an f64.const immediate');
        break;
      case 0xd0: // ref.null
        readHeapType(r, NO_TYPES);
        break;
      case 0xfc:
        code = (op << PREFIX_SHIFT) | readPrefixedFC(r, at);
        break;
      case 0xfd:
        code = (op << PREFIX_SHIFT) | readPrefixedSIMD(r, at);
        break;
      case 0xfe:
        code = (op << PREFIX_SHIFT) | readPrefixedAtomic(r, at);
        break;
      default:
        if (op >= 0x28 && op <= 0x3e)
          readMemArg(r); // loads and stores
        else if (!(op >= 0x45 && op <= 0xc4)) r.fail(`unknown instruction 0x${hex(op)}`, at); // numeric ops
    }
    visit.instruction(code, at, r.pos);
  }
  if (r.pos !== r.end) r.fail(`the function body continues after its final end (to byte ${r.end})`);
}

function readPrefixedFC(r: Reader, at: number): number {
  const sub = r.u32('a 0xfc opcode');
  if (sub <= 7) return sub; // saturating truncations
  switch (sub) {
    case 8: // memory.init
      r.u32('a data index');
      r.u32('a memory index');
      break;
    case 10: // memory.copy
    case 12: // table.init
    case 14: // table.copy
      r.u32('an index');
      r.u32('an index');
      break;
    case 9: // data.drop
    case 11: // memory.fill
    case 13: // elem.drop
    case 15: // table.grow
    case 16: // table.size
    case 17: // table.fill
      r.u32('an index');
      break;
    default:
      r.fail(`unknown instruction 0xfc ${sub}`, at);
  }
  return sub;
}

function readPrefixedSIMD(r: Reader, at: number): number {
  const sub = r.u32('a SIMD opcode');
  if (sub <= 11 || sub === 92 || sub === 93)
    readMemArg(r); // v128 loads/stores, load32/64_zero
  else if (sub === 12 || sub === 13)
    r.skip(16, 'a v128 immediate'); // v128.const, i8x16.shuffle
  else if (sub >= 21 && sub <= 34)
    r.u8('a lane index'); // extract/replace lane
  else if (sub >= 84 && sub <= 91) {
    readMemArg(r); // load/store lane
    r.u8('a lane index');
  } else if (sub > 0x113) r.fail(`unknown instruction 0xfd ${sub}`, at); // beyond relaxed SIMD
  return sub;
}

function readPrefixedAtomic(r: Reader, at: number): number {
  const sub = r.u32('an atomic opcode');
  if (sub === 3) r.u8('atomic.fence flags');
  else if (sub <= 2 || (sub >= 0x10 && sub <= 0x4e)) readMemArg(r);
  else r.fail(`unknown instruction 0xfe ${sub}`, at);
  return sub;
}

/** The parameter count of each function the module defines, in function-section order. */
export function definedParamCounts(bytes: Uint8Array): number[] {
  const types: TypeEntry[] = [];
  const out: number[] = [];
  const top = new Reader(bytes, HEADER_BYTES, bytes.length, 'module');
  while (top.pos < bytes.length) {
    const id = top.u8('a section header');
    const size = top.u32('a section size');
    const r = new Reader(bytes, top.pos, top.pos + size, `${sectionName(id)} section`);
    top.pos += size;
    if (id === 1) readTypeSection(r, types);
    else if (id === 3) {
      const n = r.count('functions');
      for (let i = 0; i < n; i++) out.push(types[r.u32('a type index')]?.params.length ?? 0);
    }
  }
  return out;
}
