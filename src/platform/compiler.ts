// Main-thread side of the wabt compiler worker.
import { wrap, transfer, releaseProxy, type Remote } from 'comlink';
import type { CompilerApi } from '../workers/compiler.worker';
import type { FunctionText, ModuleOutline } from './outline';
import type { WorkerLike } from './deferred-worker';

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

/** wabt answers in milliseconds; anything this slow is a crashed or wedged worker. */
const COMPILE_TIMEOUT_MS = 30_000;

export type CompileResult = { ok: true; bytes: Uint8Array } | { ok: false; diagnostics: Diagnostic[] };

export class Compiler {
  private worker: WorkerLike | null = null;
  private remote: Remote<CompilerApi> | null = null;
  private latest = 0;
  /** Which modules the current worker keeps (its id for them), so a function's text sends only an index. */
  private kept = new WeakMap<Uint8Array, number>();

  constructor(private readonly spawn: () => WorkerLike) {}

  /** Rejects every call in progress when the worker dies, so nothing waits forever. */
  private crashed: ((err: Error) => void)[] = [];

  private api(): Remote<CompilerApi> {
    if (!this.remote) {
      const worker = this.spawn();
      worker.onerror = (ev) => {
        ev.preventDefault?.();
        this.reset(
          new Error(`The WAT compiler stopped unexpectedly (${ev.message || 'worker error'}); try again`),
        );
      };
      this.worker = worker;
      this.remote = wrap<CompilerApi>(worker);
    }
    return this.remote;
  }

  /** Runs a worker call with a deadline; a stuck or dead compiler is replaced on the next call. */
  private call<T>(run: (api: Remote<CompilerApi>) => Promise<T>, timeoutMs = COMPILE_TIMEOUT_MS): Promise<T> {
    const api = this.api();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this.reset(new Error(`The WAT compiler did not answer within ${timeoutMs / 1000} s; try again`)),
        timeoutMs,
      );
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      this.crashed.push(fail);
      run(api).then(
        (v) => {
          clearTimeout(timer);
          this.crashed = this.crashed.filter((f) => f !== fail);
          resolve(v);
        },
        (err) => {
          this.crashed = this.crashed.filter((f) => f !== fail);
          fail(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  private reset(err: Error): void {
    this.remote?.[releaseProxy]();
    this.worker?.terminate();
    this.remote = null;
    this.worker = null;
    this.kept = new WeakMap();
    const waiting = this.crashed;
    this.crashed = [];
    for (const fail of waiting) fail(err);
  }

  compile(source: string, features: Record<string, boolean> = {}): Promise<CompileResult> {
    return this.call<CompileResult>((api) => api.compile(source, features));
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
    return this.call((api) => api.disassemble(transfer(copy, [copy.buffer]), features));
  }

  /** Outlines asked for, by module: the editor and the Run panel ask for the same one. */
  private outlines = new WeakMap<Uint8Array, Promise<ModuleOutline>>();

  /**
   * The module's outline (src/platform/outline.ts), read in the worker, which keeps the bytes for
   * functionText. With `blob` (the same bytes, e.g. the uploaded File) the worker reads that
   * instead, and the page copies nothing.
   */
  outline(bytes: Uint8Array, blob?: Blob): Promise<ModuleOutline> {
    let found = this.outlines.get(bytes);
    if (!found) {
      found = this.load(bytes, blob);
      this.outlines.set(bytes, found);
      found.catch(() => this.outlines.delete(bytes));
    }
    return found;
  }

  private async load(bytes: Uint8Array, blob?: Blob): Promise<ModuleOutline> {
    let sent: Uint8Array | Blob;
    if (blob) sent = blob;
    else {
      const copy = bytes.slice();
      sent = transfer(copy, [copy.buffer]);
    }
    const { id, outline } = await this.call((api) => api.outline(sent));
    this.kept.set(bytes, id);
    return outline;
  }

  /** A file's bytes, read in the worker and handed over without a copy (30 MB in one piece otherwise). */
  readBytes(file: Blob): Promise<Uint8Array> {
    return this.call((api) => api.readBytes(file));
  }

  /**
   * Defined function `definedIndex` of the module as WAT, disassembled alone in the worker and
   * clipped there to `limits` (see clipText).
   */
  async functionText(
    bytes: Uint8Array,
    definedIndex: number,
    features: Record<string, boolean> = {},
    blob?: Blob,
    limits = { maxLines: Infinity, maxChars: Infinity },
  ): Promise<FunctionText> {
    // The worker keeps two modules and a restarted worker none: then the bytes go again, once.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!this.kept.has(bytes)) await this.load(bytes, blob);
      const id = this.kept.get(bytes)!;
      const text = await this.call((api) => api.functionText(id, definedIndex, features, limits));
      if (text !== null) return text;
      this.kept.delete(bytes);
    }
    throw new Error('The compiler worker could not keep the module');
  }

  warm(): Promise<void> {
    return this.call((api) => api.warm());
  }

  dispose(): void {
    this.reset(new Error('The compiler was closed'));
  }
}
