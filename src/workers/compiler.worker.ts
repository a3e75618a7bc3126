// WAT ⇄ Wasm in a worker: wabt is 700 KB of Emscripten output and never touches the main thread.
import { expose, transfer } from 'comlink';
import type { Diagnostic } from '../platform/compiler';

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
type Features = Record<string, boolean>;

let wabtPromise: Promise<Wabt> | null = null;

/** Loads wabt on first use so the worker answers its first message at once. */
function loadWabt(): Promise<Wabt> {
  // wabt is CommonJS (`export =`): the bundler hands it over as the default export.
  wabtPromise ??= import('wabt').then((m) => (m as unknown as { default: () => Promise<Wabt> }).default());
  return wabtPromise;
}

const LOCATION = /:(\d+):(\d+): error: (.*)$/gm;

/** wabt reports "file.wat:3:5: error: message" followed by the source line and a caret. */
export function parseDiagnostics(text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of text.matchAll(LOCATION)) {
    out.push({ line: Number(m[1]), column: Number(m[2]), message: m[3].trim() });
  }
  if (out.length === 0 && text.trim()) out.push({ line: 1, column: 1, message: text.trim().split('\n')[0] });
  return out;
}

const api = {
  async compile(
    source: string,
    features: Features = {},
  ): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; diagnostics: Diagnostic[] }> {
    const wabt = await loadWabt();
    let mod: ReturnType<Wabt['parseWat']> | null = null;
    try {
      mod = wabt.parseWat('function.wat', source, features);
      mod.resolveNames();
      mod.validate();
      const { buffer } = mod.toBinary({ write_debug_names: true });
      const bytes = buffer.slice();
      return transfer({ ok: true as const, bytes }, [bytes.buffer]);
    } catch (err) {
      return { ok: false, diagnostics: parseDiagnostics(err instanceof Error ? err.message : String(err)) };
    } finally {
      mod?.destroy();
    }
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
