// Main-thread side of the wabt compiler worker.
import { wrap, transfer, releaseProxy, type Remote } from 'comlink';
import type { CompilerApi } from '../workers/compiler.worker';

export interface Diagnostic {
  line: number;
  column: number;
  message: string;
}

/** WAT that does not compile; `diagnostics` carry line:column for editor markers. */
export class WatError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(
      'The WAT does not compile:\n' +
        diagnostics.map((d) => `  line ${d.line}, column ${d.column}: ${d.message}`).join('\n'),
    );
    this.name = 'WatError';
  }
}

export type CompileResult = { ok: true; bytes: Uint8Array } | { ok: false; diagnostics: Diagnostic[] };

export class Compiler {
  private worker: Worker | null = null;
  private remote: Remote<CompilerApi> | null = null;
  private latest = 0;

  constructor(private readonly spawn: () => Worker) {}

  private api(): Remote<CompilerApi> {
    if (!this.remote) {
      this.worker = this.spawn();
      this.remote = wrap<CompilerApi>(this.worker);
    }
    return this.remote;
  }

  compile(source: string, features: Record<string, boolean> = {}): Promise<CompileResult> {
    return this.api().compile(source, features);
  }

  /**
   * Compile for the editor: resolves null when a newer request was made meanwhile,
   * so a slow old compile never overwrites the markers of a newer one.
   */
  async compileLatest(source: string, features: Record<string, boolean> = {}): Promise<CompileResult | null> {
    const ticket = ++this.latest;
    const result = await this.compile(source, features);
    return ticket === this.latest ? result : null;
  }

  /** Compiles or throws a WatError. */
  async toBinary(source: string, features: Record<string, boolean> = {}): Promise<Uint8Array> {
    const r = await this.compile(source, features);
    if (!r.ok) throw new WatError(r.diagnostics);
    return r.bytes;
  }

  disassemble(bytes: Uint8Array, features: Record<string, boolean> = {}): Promise<string> {
    const copy = bytes.slice();
    return this.api().disassemble(transfer(copy, [copy.buffer]), features);
  }

  warm(): Promise<void> {
    return this.api().warm();
  }

  dispose(): void {
    this.remote?.[releaseProxy]();
    this.worker?.terminate();
    this.remote = null;
    this.worker = null;
  }
}
