// WAT → Wasm with wabt.js, apart from the worker plumbing so it can be tested in Node with real wabt.
import type { CompileResult, Diagnostic } from '../platform/compiler';
import { functionModule, functionTextOf } from '../platform/outline';

export type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
export type Features = Record<string, boolean>;

const utf8 = new TextEncoder();
const LOCATION = /:(\d+):(\d+): error: (.*)$/gm;

/**
 * wabt counts columns in UTF-8 bytes; Monaco (and JS strings) count UTF-16 code units.
 * A byte column inside a multi-byte character maps to that character's column.
 */
export function utf16Column(line: string, byteColumn: number): number {
  let bytes = 0;
  let units = 0;
  for (const ch of line) {
    const cp = ch.codePointAt(0)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size >= byteColumn) return units + 1;
    bytes += size;
    units += ch.length;
  }
  // Past the end of the line (an error at end of input): keep the overshoot as is.
  return units + (byteColumn - bytes);
}

/**
 * wabt reports "file.wat:3:5: error: message" followed by the source line and a caret.
 * With `source`, columns are converted to UTF-16 code units, as the editor counts them, and
 * duplicates wabt gives per byte of one character ("unexpected char" for each byte of é) merge.
 */
export function parseDiagnostics(text: string, source?: string): Diagnostic[] {
  const lines = source?.split('\n');
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(LOCATION)) {
    const line = Number(m[1]);
    const byteColumn = Number(m[2]);
    const sourceLine = lines?.[line - 1];
    const column = sourceLine === undefined ? byteColumn : utf16Column(sourceLine, byteColumn);
    const message = m[3].trim();
    const key = `${line}:${column}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ line, column, message });
  }
  if (out.length === 0 && text.trim()) out.push({ line: 1, column: 1, message: text.trim().split('\n')[0] });
  return out;
}

/** Parses, validates and encodes a module; every wabt object is destroyed before returning. */
export function compileWat(wabt: Wabt, source: string, features: Features = {}): CompileResult {
  let mod: ReturnType<Wabt['parseWat']> | null = null;
  try {
    // A string would reach wabt one byte per UTF-16 unit (é as 0xE9): hand it the UTF-8 bytes.
    // The array owns its whole buffer, as wabt copies `buffer.byteLength` bytes of a view.
    mod = wabt.parseWat('function.wat', utf8.encode(source).slice(), features);
    mod.resolveNames();
    mod.validate();
    const { buffer } = mod.toBinary({ write_debug_names: true });
    return { ok: true, bytes: buffer.slice() };
  } catch (err) {
    return {
      ok: false,
      diagnostics: parseDiagnostics(err instanceof Error ? err.message : String(err), source),
    };
  } finally {
    mod?.destroy();
  }
}

/** The whole module as WAT, with names from the name section (generated where there are none). */
export function disassemble(wabt: Wabt, bytes: Uint8Array, features: Features = {}): string {
  const mod = wabt.readWasm(bytes, { readDebugNames: true, ...features });
  try {
    mod.generateNames();
    mod.applyNames();
    return mod.toText({ foldExprs: false, inlineExport: true });
  } finally {
    mod.destroy();
  }
}

/**
 * Defined function `definedIndex` as WAT, the same text as in the whole disassembly, made from a
 * stand-in module with only that body (src/platform/outline.ts): ~100 ms for a 30 MB module.
 */
export function disassembleFunction(
  wabt: Wabt,
  bytes: Uint8Array,
  definedIndex: number,
  features: Features = {},
): string {
  return functionTextOf(disassemble(wabt, functionModule(bytes, definedIndex), features), definedIndex);
}
