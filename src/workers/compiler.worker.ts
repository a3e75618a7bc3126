// WAT ⇄ Wasm in a worker: wabt is 700 KB of Emscripten output and never touches the main thread.
import { expose, transfer } from 'comlink';
import type { CompileResult } from '../platform/compiler';
import { compileWat, type Features, type Wabt } from './wat';

let wabtPromise: Promise<Wabt> | null = null;

/** Loads wabt on first use so the worker answers its first message at once. */
function loadWabt(): Promise<Wabt> {
  // wabt is CommonJS (`export =`): the bundler hands it over as the default export.
  wabtPromise ??= import('wabt').then((m) => (m as unknown as { default: () => Promise<Wabt> }).default());
  return wabtPromise;
}

const api = {
  async compile(source: string, features: Features = {}): Promise<CompileResult> {
    const result = compileWat(await loadWabt(), source, features);
    return result.ok ? transfer(result, [result.bytes.buffer]) : result;
  },

  async disassemble(bytes: Uint8Array, features: Features = {}): Promise<string> {
    const wabt = await loadWabt();
    const mod = wabt.readWasm(bytes, { readDebugNames: true, ...features });
    try {
      mod.generateNames();
      mod.applyNames();
      return mod.toText({ foldExprs: false, inlineExport: true });
    } finally {
      mod.destroy();
    }
  },

  /** Preloads wabt; the playground calls this while the user reads the page. */
  async warm(): Promise<void> {
    await loadWabt();
  },
};

export type CompilerApi = typeof api;

expose(api);
