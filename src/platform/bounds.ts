// Bounds on what a module can allocate beside its linear memory. The memory cap is enforced by the
// engine through the memory's declared maximum (limits.ts). Tables and GC objects live on the
// worker's JS heap instead, and a worker that exhausts its heap takes the whole tab down with it:
// Chromium runs dedicated workers in the page's renderer process. Forty 10-million-element tables
// or an array.new loop crash the tab, so tables get a budget, written into their maximums the way
// the memory cap is, a module gets one memory, and GC struct/array types are refused.
import { allocationSites } from './inspect';
import { pushLeb } from './limits';
import type { ModuleInfo } from './types';

/** Table elements one instance may hold in all its tables together, at instantiation and after table.grow. */
export const MAX_TABLE_ELEMENTS = 1_000_000;

/** The module would allocate more than the platform allows outside its memory cap. */
export class BoundsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoundsError';
  }
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/**
 * Checks a module against the bounds and returns the bytes to compile: the input itself, or a copy
 * whose table maximums are lowered so all tables together stay within MAX_TABLE_ELEMENTS.
 * `info` describes the module (only its memories are read, so info from before capMemory will do).
 * Throws BoundsError with a message a student can act on.
 */
export function boundModule<T extends ArrayBufferLike>(
  bytes: Uint8Array<T>,
  info: ModuleInfo,
): Uint8Array<T> | Uint8Array<ArrayBuffer> {
  const memories = info.memories.length + info.imports.filter((i) => i.kind === 'memory').length;
  if (memories > 1)
    throw new BoundsError(
      `This module has ${plural(memories, 'memory', 'memories')}; the playground runs modules with one memory, ` +
        `which the function's memory cap applies to.`,
    );
  const sites = allocationSites(bytes);
  if (sites.gcTypes > 0)
    throw new BoundsError(
      `This module defines ${plural(sites.gcTypes, 'GC struct/array type')}. The playground does not run ` +
        `WebAssembly GC code: GC objects are allocated outside the function's memory cap, where one runaway ` +
        `allocation would crash the whole tab.`,
    );
  const tables = sites.tables;
  const initial = tables.reduce((n, t) => n + t.initial, 0);
  if (initial > MAX_TABLE_ELEMENTS)
    throw new BoundsError(
      `This module's ${tables.length === 1 ? 'table starts' : 'tables start'} with ${plural(initial, 'element')}; ` +
        `the playground allows ${MAX_TABLE_ELEMENTS.toLocaleString('en-US')} table elements per module ` +
        `(in all tables together, including growth).`,
    );
  // What is left of the budget is shared evenly as room to grow.
  const share = tables.length ? Math.floor((MAX_TABLE_ELEMENTS - initial) / tables.length) : 0;
  const maxima = tables.map((t) => Math.min(t.maximum ?? Infinity, t.initial + share));
  if (tables.every((t, i) => t.maximum === maxima[i])) return bytes;

  // Re-encode each table's limits and the table section's size; copy every other byte.
  const section = sites.tableSection!;
  const payload: number[] = [];
  let at = section.start;
  tables.forEach((t, i) => {
    for (let k = at; k < t.start; k++) payload.push(bytes[k]);
    payload.push(0x01 | (t.is64 ? 0x04 : 0)); // has-max, keeping the 64-bit index flag
    pushLeb(payload, t.initial);
    pushLeb(payload, maxima[i]);
    at = t.end;
  });
  for (let k = at; k < section.end; k++) payload.push(bytes[k]);
  const head = [4];
  pushLeb(head, payload.length);
  const out = new Uint8Array(section.offset + head.length + payload.length + (bytes.length - section.end));
  out.set(bytes.subarray(0, section.offset), 0);
  out.set(head, section.offset);
  out.set(payload, section.offset + head.length);
  out.set(bytes.subarray(section.end), section.offset + head.length + payload.length);
  return out;
}
