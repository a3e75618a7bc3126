// Enforces a function's memory cap by rewriting the module's own memory
// limits before compilation. A declared maximum is the only limit the engine
// itself enforces: with maximum = cap, `memory.grow` past the cap returns -1
// inside the module instead of the tab running out of memory.

import { inspectModule } from './inspect';
import { WASM_PAGE_BYTES, type MemoryLimits, type ModuleInfo } from './types';

const BYTES_PER_MIB = 1024 * 1024;

// Largest maximum the binary format allows: 4 GiB for 32-bit memories,
// 2^48 pages (the whole 64-bit address space) for memory64.
const MAX_PAGES_32 = 65536;
const MAX_PAGES_64 = 2 ** 48;

/** Whole pages that fit in `mib` MiB. */
export function mibToPages(mib: number): number {
  return Math.floor((mib * BYTES_PER_MIB) / WASM_PAGE_BYTES);
}

export function pagesToMiB(pages: number): number {
  return (pages * WASM_PAGE_BYTES) / BYTES_PER_MIB;
}

/** "64", "0.06", "1.5": MiB for messages, without trailing zeros. */
function formatMiB(pages: number): string {
  return String(Math.round(pagesToMiB(pages) * 100) / 100);
}

/** The module needs more memory up front than the function is allowed. */
export class MemoryCapError extends Error {
  readonly initialPages: number;
  readonly capPages: number;

  constructor(initialPages: number, capPages: number, imported: boolean) {
    const asks = imported
      ? `imports a memory of at least ${formatMiB(initialPages)} MiB (${initialPages} pages)`
      : `asks for ${formatMiB(initialPages)} MiB of initial memory (${initialPages} pages)`;
    super(
      `This module ${asks} but the function's memory cap is ${formatMiB(capPages)} MiB (${capPages} pages). ` +
        `Raise the memory cap or lower the module's initial memory.`,
    );
    this.name = 'MemoryCapError';
    this.initialPages = initialPages;
    this.capPages = capPages;
  }
}

/** A memory's declared limits break the format's rules; the module is invalid whatever the cap. */
export class MemoryLimitsError extends Error {
  constructor(message: string) {
    super(`Invalid module: ${message}`);
    this.name = 'MemoryLimitsError';
  }
}

/**
 * Validates memory limits as the module declares them. The cap rewrites maximums (and adds one
 * where none is declared), which would otherwise turn an invalid module into a valid one.
 */
export function checkMemoryLimits(info: ModuleInfo): void {
  const memories: MemoryLimits[] = info.importedMemory
    ? [info.importedMemory, ...info.memories]
    : info.memories;
  for (const m of memories) {
    const formatMax = m.memory64 ? MAX_PAGES_64 : MAX_PAGES_32;
    const most = `a ${m.memory64 ? '64' : '32'}-bit memory has at most ${formatMax} pages (${m.memory64 ? '16 EiB' : '4 GiB'})`;
    if (m.initialPages > formatMax)
      throw new MemoryLimitsError(`the memory's initial size is ${m.initialPages} pages, but ${most}`);
    if (m.maximumPages !== null && m.maximumPages > formatMax)
      throw new MemoryLimitsError(`the memory's maximum is ${m.maximumPages} pages, but ${most}`);
    if (m.maximumPages !== null && m.initialPages > m.maximumPages)
      throw new MemoryLimitsError(
        `the memory's initial size (${m.initialPages} pages) is larger than its maximum (${m.maximumPages} pages)`,
      );
    if (m.shared && m.maximumPages === null)
      throw new MemoryLimitsError('a shared memory must declare a maximum size');
  }
}

export interface CappedModule<TBuffer extends ArrayBufferLike = ArrayBufferLike> {
  /** The rewritten module, or the input itself when no limit had to change. */
  bytes: Uint8Array<TBuffer> | Uint8Array<ArrayBuffer>;
  /** The first defined memory's declared maximum, before capping. */
  declaredMaxPages: number | null;
  /** The first defined memory's maximum after capping. */
  effectiveMaxPages: number;
  initialPages: number;
}

function cappedMaximum(memory: MemoryLimits, capPages: number): number {
  const formatMax = memory.memory64 ? MAX_PAGES_64 : MAX_PAGES_32;
  return Math.min(memory.maximumPages ?? Infinity, capPages, formatMax);
}

/** Appends `value` as an unsigned LEB128. */
export function pushLeb(out: number[], value: number): void {
  // Division, not bit shifts, so memory64 values above 2^32 encode correctly.
  do {
    const low = value % 128;
    value = Math.floor(value / 128);
    out.push(value > 0 ? low | 0x80 : low);
  } while (value > 0);
}

/**
 * Caps every memory the module defines at `capPages`. Returns null when the
 * module defines no memory (an imported memory is created by the host with
 * maximum = cap, so there is nothing to rewrite). Throws MemoryCapError when
 * a memory's initial size already exceeds the cap, and MemoryLimitsError when the declared
 * limits are invalid (checked before anything is rewritten).
 *
 * Only the memory section is re-encoded; every other byte is copied as is.
 * Generic over the buffer so a Uint8Array<ArrayBuffer> in gives one out,
 * which WebAssembly.compile accepts as a BufferSource.
 */
export function capMemory<TBuffer extends ArrayBufferLike = ArrayBufferLike>(
  bytes: Uint8Array<TBuffer>,
  capPages: number,
  info: ModuleInfo = inspectModule(bytes),
): CappedModule<TBuffer> | null {
  if (!Number.isInteger(capPages) || capPages < 0) {
    throw new RangeError(`The memory cap must be a whole number of pages, got ${capPages}`);
  }
  checkMemoryLimits(info);
  const imported = info.importedMemory;
  if (imported && imported.initialPages > capPages) {
    throw new MemoryCapError(imported.initialPages, capPages, true);
  }
  if (info.memories.length === 0) return null;

  for (const memory of info.memories) {
    if (memory.initialPages > capPages) throw new MemoryCapError(memory.initialPages, capPages, false);
  }

  const first = info.memories[0];
  const result = {
    declaredMaxPages: first.maximumPages,
    effectiveMaxPages: cappedMaximum(first, capPages),
    initialPages: first.initialPages,
  };
  if (info.memories.every((m) => m.maximumPages !== null && m.maximumPages === cappedMaximum(m, capPages))) {
    return { bytes, ...result };
  }

  const section = info.sections.find((s) => s.id === 5);
  if (!section || bytes[section.offset] !== 5) {
    throw new Error('capMemory: the module info does not match the bytes (no memory section found)');
  }

  const payload: number[] = [];
  pushLeb(payload, info.memories.length);
  for (const memory of info.memories) {
    // Keep the shared (0x02) and memory64 (0x04) bits; always set has-max (0x01).
    payload.push(0x01 | (memory.shared ? 0x02 : 0) | (memory.memory64 ? 0x04 : 0));
    pushLeb(payload, memory.initialPages);
    pushLeb(payload, cappedMaximum(memory, capPages));
  }
  const header = [5];
  pushLeb(header, payload.length);

  // The old section's size field may be padded, so measure it rather than assume.
  let sizeFieldEnd = section.offset + 1;
  while (bytes[sizeFieldEnd] & 0x80) sizeFieldEnd++;
  const oldEnd = sizeFieldEnd + 1 + section.size;

  const out = new Uint8Array(section.offset + header.length + payload.length + (bytes.length - oldEnd));
  out.set(bytes.subarray(0, section.offset), 0);
  out.set(header, section.offset);
  out.set(payload, section.offset + header.length);
  out.set(bytes.subarray(oldEnd), section.offset + header.length + payload.length);
  return { bytes: out, ...result };
}
