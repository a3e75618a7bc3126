// The next fresh instance of the module called last, made while the worker is idle (like a
// pooling allocator), so a warm `fresh` call does not wait for instantiation: for a 20 MB WASI
// command that is tens of milliseconds per call. One per worker, because each instance holds a
// memory reservation. Only for plain modules and WASI commands without a start function: their
// instantiation runs no user code (a start function or a reactor's _initialize belongs to a call).
// And only for modules whose instantiation costs PREPARE_MIN_MS or more: for a small module
// (0.03 ms for nop) the spare saves nothing measurable, and each one is a memory the GC must free.
// The spare is built on the worker's thread, so it helps a call that comes after the worker has
// been idle that long; a call sent while it is being built waits for it.

/** Instantiation cost from which a spare is prepared. */
export const PREPARE_MIN_MS = 1;
import type { ModuleMeta } from '../platform/wire';

export interface SpareHost<E, L> {
  /** The module loaded under this id now (it may have been evicted or replaced meanwhile). */
  loaded(mod: number): E | undefined;
  meta(entry: E): ModuleMeta;
  /** What instantiating this module last cost, in ms (0 when not known yet). */
  costMs(entry: E): number;
  instantiate(entry: E): L;
  /** Runs `fn` once the worker has nothing else to do (a timer in the worker). */
  later(fn: () => void): void;
}

export class SpareInstance<E, L> {
  private spare: { entry: E; live: L } | null = null;
  private wanted: { mod: number; entry: E } | null = null;

  constructor(private readonly host: SpareHost<E, L>) {}

  /** After a fresh call of `entry`: prepare its next instance when the worker is idle. */
  prepare(mod: number, entry: E): void {
    const meta = this.host.meta(entry);
    if (meta.hasStart || (meta.kind !== 'plain' && meta.kind !== 'wasi-command')) return;
    if (this.host.costMs(entry) < PREPARE_MIN_MS) return;
    if (this.spare?.entry === entry) return;
    this.spare = null;
    const scheduled = this.wanted !== null;
    this.wanted = { mod, entry };
    if (!scheduled) this.host.later(() => this.make());
  }

  /** The prepared instance of `entry`, once; null when there is none. */
  take(entry: E): L | null {
    if (this.spare?.entry !== entry) return null;
    const { live } = this.spare;
    this.spare = null;
    return live;
  }

  /** The module is leaving the worker. */
  drop(entry: E | undefined): void {
    if (this.spare && this.spare.entry === entry) this.spare = null;
  }

  private make(): void {
    const want = this.wanted;
    this.wanted = null;
    if (!want || this.spare || this.host.loaded(want.mod) !== want.entry) return;
    try {
      this.spare = { entry: want.entry, live: this.host.instantiate(want.entry) };
    } catch {
      // The next call instantiates itself and reports what goes wrong.
    }
  }
}
