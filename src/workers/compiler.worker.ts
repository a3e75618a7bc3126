// WAT ⇄ Wasm in a worker: wabt is 700 KB of Emscripten output and never touches the main thread.
import { expose, transfer } from 'comlink';
import type { CompileResult } from '../platform/compiler';
import { clipText, moduleOutline, type FunctionText, type ModuleOutline } from '../platform/outline';
import { compileWat, disassemble, disassembleFunction, type Features, type Wabt } from './wat';

let wabtPromise: Promise<Wabt> | null = null;

/** Loads wabt on first use so the worker answers its first message at once. */
function loadWabt(): Promise<Wabt> {
  // wabt is CommonJS (`export =`): the bundler hands it over as the default export.
  wabtPromise ??= import('wabt').then((m) => (m as unknown as { default: () => Promise<Wabt> }).default());
  return wabtPromise;
}

const KEPT_MODULES = 2;
const modules = new Map<number, Uint8Array>();
let lastModuleId = 0;

const api = {
  async compile(source: string, features: Features = {}): Promise<CompileResult> {
    const result = compileWat(await loadWabt(), source, features);
    return result.ok ? transfer(result, [result.bytes.buffer]) : result;
  },

  async disassemble(bytes: Uint8Array, features: Features = {}): Promise<string> {
    return disassemble(await loadWabt(), bytes, features);
  },

  /**
   * Reads a module's outline and keeps its bytes here under the returned id, so opening one of
   * its functions later sends only an index.
   */
  async outline(module: Uint8Array | Blob): Promise<{ id: number; outline: ModuleOutline }> {
    const bytes = module instanceof Uint8Array ? module : new Uint8Array(await module.arrayBuffer());
    const outline = moduleOutline(bytes);
    const id = ++lastModuleId;
    modules.set(id, bytes);
    // Keep the two newest: a 30 MB module is enough to hold on to.
    for (const key of modules.keys()) if (modules.size > KEPT_MODULES) modules.delete(key);
    return { id, outline };
  },

  /**
   * Defined function `definedIndex` of module `id` as WAT, clipped to what the editor can take
   * (only the head crosses to the page); null when the module is no longer kept.
   */
  async functionText(
    id: number,
    definedIndex: number,
    features: Features = {},
    limits = { maxLines: Infinity, maxChars: Infinity },
  ): Promise<FunctionText | null> {
    const bytes = modules.get(id);
    if (!bytes) return null;
    const text = disassembleFunction(await loadWabt(), bytes, definedIndex, features);
    return clipText(text, limits.maxLines, limits.maxChars);
  },

  async readBytes(file: Blob): Promise<Uint8Array> {
    const bytes = new Uint8Array(await file.arrayBuffer());
    return transfer(bytes, [bytes.buffer]);
  },

  /** Preloads wabt; the playground calls this while the user reads the page. */
  async warm(): Promise<void> {
    await loadWabt();
  },
};

export type CompilerApi = typeof api;

expose(api);
