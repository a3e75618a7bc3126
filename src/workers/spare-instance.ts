// The next fresh instance of the module called last, made while the worker is idle (like a
// pooling allocator), so a warm `fresh` call does not wait for instantiation: for a 20 MB WASI
// command that is tens of milliseconds per call, and even for nop it is 0.04 ms in Chromium (a new
// Wasm memory each time), a third of what a warm call costs the platform. One per worker, because
// each instance holds a memory reservation; it is the instance the next call would have made, so
// it adds no garbage. Only for plain modules and WASI commands without a start function: their
// instantiation runs no user code (a start function or a reactor's _initialize belongs to a call).
// The spare is built on the worker's thread, so it helps a call that comes after the worker has
// been idle that long; a call sent while it is being built waits for it.
//
// When it is built: right after the answer while calls come back to back (the next one is near),
// but SPARE_DELAY_MS later when the worker had been idle that long before the call (calls come
// now and then). Built at once, it runs while the answer is on its way, and on a machine with
// few cores the thread the answer wakes can land on this worker's core and wait for it: in
// `npm run bench` (wasi, floor rounds 2 ms apart, 2 vCPUs) the answer's trip back took 0.13 ms
// with the spare made at once and 0.065 ms with it made 1 ms later, as with no spare at all.
import type { ModuleMeta } from '../platform/wire';

/**
 * How long after the answer a spare is made when the worker had been idle at least this long
 * before the call: the shortest timer, and shorter than the gap such a caller leaves.
 */
export const SPARE_DELAY_MS = 1;

export interface SpareHost<E, L> {
  /** The module loaded under this id now (it may have been evicted or replaced meanwhile). */
  loaded(mod: number): E | undefined;
  meta(entry: E): ModuleMeta;
  instantiate(entry: E): L;
  /** Runs `fn` in a later task, `ms` from now (a timer in the worker; 0: as soon as it is idle). */
  later(fn: () => void, ms: number): void;
  /** A clock in ms, to say how long making the spare took. */
  now(): number;
}

/** A spare handed to a call: the instance and what making it took (ms), off the call's path. */
export interface Taken<L> {
  live: L;
  ms: number;
}

export class SpareInstance<E, L> {
  private spare: { entry: E; live: L; ms: number } | null = null;
  private wanted: { mod: number; entry: E } | null = null;

  constructor(private readonly host: SpareHost<E, L>) {}

  /**
   * After a fresh call of `entry`: prepare its next instance when the worker is idle. `idleMs`:
   * how long the worker had been idle when the call came (back to back: the spare is made at
   * once; otherwise SPARE_DELAY_MS later, out of the way of the answer).
   */
  prepare(mod: number, entry: E, idleMs = 0): void {
    const meta = this.host.meta(entry);
    if (meta.hasStart || (meta.kind !== 'plain' && meta.kind !== 'wasi-command')) return;
    if (this.spare?.entry === entry) return;
    this.spare = null;
    const scheduled = this.wanted !== null;
    this.wanted = { mod, entry };
    if (!scheduled) this.host.later(() => this.make(), idleMs >= SPARE_DELAY_MS ? SPARE_DELAY_MS : 0);
  }

  /** The prepared instance of `entry`, once; null when there is none. */
  take(entry: E): Taken<L> | null {
    if (this.spare?.entry !== entry) return null;
    const { live, ms } = this.spare;
    this.spare = null;
    return { live, ms };
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
      const t0 = this.host.now();
      const live = this.host.instantiate(want.entry);
      this.spare = { entry: want.entry, live, ms: this.host.now() - t0 };
    } catch {
      // The next call instantiates itself and reports what goes wrong.
    }
  }
}
