// The outline of a module too big to disassemble whole (CRuby's WASI build is 30 MB and ~320 M
// characters of WAT): sections, imports, exports and the function list with body sizes, read
// with inspect.ts's Reader in one pass that skips code and data payloads. A function's text is
// then made from a small stand-in module (functionModule) that keeps every index space but only
// that one body, so the disassembler prints names and indices exactly as for the whole module.
import {
  formatSignature,
  inspectModule,
  readConstExpr,
  Reader,
  typeSignatures,
  WasmFormatError,
} from './inspect';
import type { ModuleInfo } from './types';

/** Above this many bytes the editor shows the outline and one function at a time, not the whole text. */
export const FULL_TEXT_MAX_BYTES = 1024 * 1024;
/** Above this many defined functions, likewise. */
export const FULL_TEXT_MAX_FUNCTIONS = 5_000;

const HEADER_BYTES = 8;

export interface ModuleOutline {
  info: ModuleInfo;
  /** Function indices below this are imports; defined function i has index importedFunctions + i. */
  importedFunctions: number;
  /** Per defined function, in index order (columns, so 40,000 functions cross postMessage cheaply). */
  functions: {
    /** From the name section, else the first export name, else null. */
    names: (string | null)[];
    /** Index into `signatures`. */
    types: Uint32Array;
    /** Offset of the body (its size prefix) in the module, and the body's size in bytes. */
    offsets: Uint32Array;
    sizes: Uint32Array;
  };
  /** "(i32, i32) -> i32" per type index ('' for GC struct and array types). */
  signatures: string[];
  codeBytes: number;
  dataSegments: number;
  dataBytes: number;
  /** Whether the whole disassembly is built (the module is within both caps). */
  fullText: boolean;
}

export function withinFullTextCaps(sizeBytes: number, definedFunctions: number): boolean {
  return sizeBytes <= FULL_TEXT_MAX_BYTES && definedFunctions <= FULL_TEXT_MAX_FUNCTIONS;
}

interface Section {
  id: number;
  /** The id byte, the payload's first byte, the byte after the payload. */
  offset: number;
  start: number;
  end: number;
}

function sectionsOf(bytes: Uint8Array): Section[] {
  const out: Section[] = [];
  const top = new Reader(bytes, HEADER_BYTES, bytes.length, 'module');
  while (top.pos < bytes.length) {
    const offset = top.pos;
    const id = top.u8('a section header');
    const size = top.u32('a section size');
    out.push({ id, offset, start: top.pos, end: top.pos + size });
    top.skip(size, 'a section');
  }
  return out;
}

function customName(bytes: Uint8Array, s: Section): string {
  return new Reader(bytes, s.start, s.end, 'custom section').name('the custom section name');
}

/** Function names from the "name" section (subsection 1); empty when there is none or it is malformed. */
function functionNames(bytes: Uint8Array, s: Section): Map<number, string> {
  const names = new Map<number, string>();
  try {
    const r = new Reader(bytes, s.start, s.end, 'name section');
    r.name('the custom section name');
    while (r.pos < r.end) {
      const sub = r.u8('a name subsection id');
      const size = r.u32('a name subsection size');
      const end = r.pos + size;
      if (sub === 1) {
        const n = r.count('function names', 2);
        for (let i = 0; i < n; i++) names.set(r.u32('a function index'), r.name('a function name'));
      }
      r.pos = end;
    }
  } catch {
    // Names are a nicety: a malformed name section leaves the functions unnamed.
  }
  return names;
}

/**
 * Reads the outline of a module. Throws WasmFormatError (from inspectModule) when the bytes are
 * not a well-formed module. Linear in the number of sections, functions and data segments; code
 * and data payloads are skipped, not decoded.
 */
export function moduleOutline(bytes: Uint8Array): ModuleOutline {
  const info = inspectModule(bytes);
  const importedFunctions = info.imports.filter((i) => i.kind === 'function').length;
  let signatures: string[] = [];
  let types = new Uint32Array(0);
  let offsets = new Uint32Array(0);
  let sizes = new Uint32Array(0);
  let named = new Map<number, string>();
  let codeBytes = 0;
  let dataSegments = 0;
  let dataBytes = 0;
  for (const s of sectionsOf(bytes)) {
    const r = new Reader(bytes, s.start, s.end, 'section');
    if (s.id === 1) {
      signatures = typeSignatures(bytes, s.start, s.end).map((t) => (t ? formatSignature(t) : ''));
    } else if (s.id === 3) {
      const n = r.count('functions');
      types = new Uint32Array(n);
      for (let i = 0; i < n; i++) types[i] = r.u32('a type index');
    } else if (s.id === 10) {
      const n = r.count('function bodies');
      offsets = new Uint32Array(n);
      sizes = new Uint32Array(n);
      codeBytes = s.end - s.start;
      for (let i = 0; i < n; i++) {
        offsets[i] = r.pos;
        const size = r.u32('a function body size');
        sizes[i] = size;
        r.skip(size, 'a function body');
      }
    } else if (s.id === 11) {
      for (const seg of dataSegmentsOf(bytes, s)) {
        dataSegments++;
        dataBytes += seg.payloadEnd - seg.payloadStart;
      }
    } else if (s.id === 0 && customName(bytes, s) === 'name') {
      named = functionNames(bytes, s);
    }
  }
  const exportNames = new Map<number, string>();
  for (const e of info.exports) {
    if (e.kind === 'function' && !exportNames.has(e.index)) exportNames.set(e.index, e.name);
  }
  const names: (string | null)[] = new Array(types.length);
  for (let i = 0; i < types.length; i++) {
    const index = importedFunctions + i;
    names[i] = named.get(index) ?? exportNames.get(index) ?? null;
  }
  return {
    info,
    importedFunctions,
    functions: { names, types, offsets, sizes },
    signatures,
    codeBytes,
    dataSegments,
    dataBytes,
    fullText: withinFullTextCaps(bytes.length, types.length),
  };
}

interface DataSegment {
  /** The segment's first byte, and where its bytes (after their length) start and end. */
  start: number;
  payloadStart: number;
  payloadEnd: number;
  /** The byte holding the length of the payload. */
  lengthAt: number;
}

function dataSegmentsOf(bytes: Uint8Array, s: Section): DataSegment[] {
  const r = new Reader(bytes, s.start, s.end, 'data section');
  const n = r.count('data segments');
  const out: DataSegment[] = [];
  for (let i = 0; i < n; i++) {
    const start = r.pos;
    const at = r.pos;
    const mode = r.u32('a data segment mode');
    if (mode === 2) r.u32('a memory index');
    if (mode === 0 || mode === 2) readConstExpr(r);
    else if (mode !== 1) r.fail(`unknown data segment mode ${mode}`, at);
    const lengthAt = r.pos;
    const length = r.u32('a data segment length');
    const payloadStart = r.pos;
    r.skip(length, 'a data segment');
    out.push({ start, lengthAt, payloadStart, payloadEnd: r.pos });
  }
  return out;
}

function uleb(n: number, out: number[]): void {
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
}

/** `n` bodies of 3 bytes each: size 2, no locals, `end`. */
function standInBodies(n: number): Uint8Array {
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < out.length; i += 3) {
    out[i] = 2;
    out[i + 2] = 0x0b;
  }
  return out;
}

/**
 * A stand-in for `bytes` that disassembles to the same text for defined function `definedIndex`
 * and to one line for every other function: other bodies become `end`, data segments lose their
 * bytes, custom sections other than "name" are dropped. Every index space is kept, so calls,
 * exports, elements and names print as they do in the whole module. About 3 bytes per function
 * plus the non-code sections: ~200 KB for CRuby's 30 MB module.
 */
export function functionModule(bytes: Uint8Array, definedIndex: number): Uint8Array {
  const parts: Uint8Array[] = [bytes.subarray(0, HEADER_BYTES)];
  const section = (id: number, payload: Uint8Array[]) => {
    const head = [id];
    uleb(
      payload.reduce((n, p) => n + p.length, 0),
      head,
    );
    parts.push(Uint8Array.from(head), ...payload);
  };
  let found = false;
  for (const s of sectionsOf(bytes)) {
    if (s.id === 10) {
      const r = new Reader(bytes, s.start, s.end, 'code section');
      const n = r.count('function bodies');
      if (definedIndex < 0 || definedIndex >= n || !Number.isInteger(definedIndex)) {
        throw new WasmFormatError(
          `The module defines ${n} functions; there is no function ${definedIndex}`,
          0,
        );
      }
      const count: number[] = [];
      uleb(n, count);
      const before = standInBodies(definedIndex);
      const after = standInBodies(n - definedIndex - 1);
      for (let i = 0; i < definedIndex; i++) r.skip(r.u32('a function body size'), 'a function body');
      const start = r.pos;
      r.skip(r.u32('a function body size'), 'a function body');
      section(10, [Uint8Array.from(count), before, bytes.subarray(start, r.pos), after]);
      found = true;
    } else if (s.id === 11) {
      const segments = dataSegmentsOf(bytes, s);
      const count: number[] = [];
      uleb(segments.length, count);
      const payload: Uint8Array[] = [Uint8Array.from(count)];
      for (const seg of segments) payload.push(bytes.subarray(seg.start, seg.lengthAt), Uint8Array.of(0));
      section(11, payload);
    } else if (s.id !== 0 || customName(bytes, s) === 'name') {
      parts.push(bytes.subarray(s.offset, s.end));
    }
  }
  if (!found)
    throw new WasmFormatError(`The module defines no functions; there is no function ${definedIndex}`, 0);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Cuts defined function `definedIndex` out of the text of a functionModule (wabt's layout: each
 * top-level form starts a line with two spaces; imports print as `(import …`, so the k-th
 * `  (func ` line is defined function k). Returns it unindented by one level.
 */
export function functionTextOf(moduleText: string, definedIndex: number): string {
  let at = -1;
  for (let k = 0; k <= definedIndex; k++) {
    at = moduleText.indexOf('\n  (func ', at + 1);
    if (at < 0) throw new Error(`The disassembly has no function ${definedIndex}`);
  }
  const next = [moduleText.indexOf('\n  (', at + 1), moduleText.indexOf('\n)', at + 1)].filter((i) => i >= 0);
  const end = next.length ? Math.min(...next) : moduleText.length;
  return moduleText
    .slice(at + 1, end)
    .split('\n')
    .map((line) => (line.startsWith('  ') ? line.slice(2) : line))
    .join('\n');
}

/** One function's text as the editor gets it, and how many lines of it were left out. */
export interface FunctionText {
  text: string;
  omittedLines: number;
}

/**
 * The head of `text`: at most `maxLines` lines and `maxChars` characters, cut at a line end.
 * CRuby's longest function is 66,000 lines and 40 M characters (blocks nested thousands deep
 * indent each line by thousands of spaces), more than the editor can take at once.
 */
export function clipText(text: string, maxLines: number, maxChars: number): FunctionText {
  let end = -1;
  for (let n = 0; n < maxLines; n++) {
    const next = text.indexOf('\n', end + 1);
    if (next < 0 || next > maxChars) {
      if (next < 0 && text.length <= maxChars) return { text, omittedLines: 0 };
      break;
    }
    end = next;
  }
  if (end < 0) end = Math.min(text.length, maxChars); // one huge first line: cut inside it
  let omittedLines = 1;
  for (let i = text.indexOf('\n', end + 1); i >= 0; i = text.indexOf('\n', i + 1)) omittedLines++;
  return { text: text.slice(0, end), omittedLines };
}
