// Keeps the open function's module structure (exports, signatures, parameter names) up to date
// while the user types, so Run and Settings can offer its exports before anything is deployed.
import { untrack } from 'svelte';
import { FULL_TEXT_MAX_BYTES } from '../../../platform/outline';
import { blobOf } from '../../../workspace/blobs';
import type { AppState } from '../../state.svelte';
import { inspectSource, readModule, type SourceModule, type SourceResult } from './source-module';

/** Parameter names of a module read in the worker: none (never written to). */
const NO_NAMES: SourceModule['names'] = new Map();

/** Waits this long after the last keystroke before compiling for inspection. */
const DEBOUNCE_MS = 300;

export class SourceInspector {
  /** The last module the source compiled to, and the function it belongs to. */
  current = $state<{ name: string; module: SourceModule } | null>(null);
  /** Why the current source does not compile, if it does not. */
  error = $state<string | null>(null);
  private ticket = 0;

  constructor(private readonly getApp: () => AppState) {}

  private get app(): AppState {
    return this.getApp();
  }

  /** Starts following app.current; call once during component initialisation. */
  watch(): void {
    $effect(() => {
      const f = this.app.current;
      if (!f) return;
      const name = f.name;
      const src = f.source;
      const mine = ++this.ticket;
      if (src.kind === 'wasm') {
        if (src.bytes.length <= FULL_TEXT_MAX_BYTES) {
          this.apply(name, readModule(src.bytes));
          return;
        }
        // A big module is read in the compiler worker (the editor asks for the same outline);
        // parameter names are left out, which costs the Run panel only its input labels.
        const bytes = src.bytes;
        // After a task boundary: the editor renders the same outline when it arrives, and the two
        // together would make one long task.
        const later = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
        void this.app.compiler
          .outline(bytes, blobOf(bytes))
          .then(async (o) => {
            await later();
            return o;
          })
          .then(
            (o) =>
              mine === this.ticket &&
              this.apply(name, { ok: true, module: { info: o.info, names: NO_NAMES } }),
            (err: unknown) =>
              mine === this.ticket &&
              this.apply(name, { ok: false, error: err instanceof Error ? err.message : String(err) }),
          );
        return;
      }
      const text = src.text;
      const features = $state.snapshot(this.app.features);
      const same = untrack(() => this.current?.name === name);
      const timer = setTimeout(
        async () => {
          const r = await inspectSource(this.app.compiler, { kind: 'wat', text }, features);
          if (mine === this.ticket) this.apply(name, r);
        },
        same ? DEBOUNCE_MS : 0,
      );
      return () => clearTimeout(timer);
    });
  }

  /** The module for `name`, if the last inspection was of that function. */
  moduleOf(name: string | undefined): SourceModule | undefined {
    return name !== undefined && this.current?.name === name ? this.current.module : undefined;
  }

  private apply(name: string, r: SourceResult): void {
    if (r.ok) {
      this.current = { name, module: r.module };
      this.error = null;
    } else {
      this.error = r.error;
      if (this.current?.name !== name) this.current = null;
    }
  }
}
