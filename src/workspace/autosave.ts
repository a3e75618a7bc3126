// Timing for persistence, free of any framework and of IndexedDB itself:
//
// * `createAutosaver` writes the workspace shortly after it changes: a trailing debounce
//   (`debounceMs`, 300 ms) capped by `maxWaitMs` (1 s) so continuous typing still saves every
//   second; one save at a time, changes during a save are saved right after it. `flush()` saves at
//   once (tab hidden, page closing). While paused (another tab saved newer changes) changes are
//   remembered but not written, so this tab never silently overwrites the other one.
// * `createHistoryRecorder` appends invocation records in batches (every `intervalMs`, 500 ms): a
//   load test settles thousands of calls a second and one transaction per call would not keep up.
//
// Timers are passed in so tests can drive them.

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface AutosaverOptions {
  /** Writes the current state; rejects on failure (the change stays unsaved until the next try). */
  save: () => Promise<void>;
  /** Told about every failed save. */
  onError?: (error: unknown) => void;
  debounceMs?: number;
  maxWaitMs?: number;
  timers?: Timers;
}

export interface Autosaver {
  /** Something changed: save soon. */
  schedule(): void;
  /** Saves now if anything is unsaved (or `force`), and waits for it. Never rejects. */
  flush(options?: { force?: boolean }): Promise<void>;
  /** Changes not yet written. */
  readonly dirty: boolean;
  readonly paused: boolean;
  /** Stop writing (changes are still tracked). */
  pause(): void;
  /** Start writing again; saves soon if anything changed meanwhile. */
  resume(): void;
  /**
   * For a caller that writes the state itself (the page is going away): whether there is anything
   * to write — unsaved changes, or a save still under way (never while paused); the saver then
   * counts it as saved. Call `schedule()` if that write fails.
   */
  takeUnsaved(): boolean;
  dispose(): void;
}

export function createAutosaver(options: AutosaverOptions): Autosaver {
  const { save, onError } = options;
  const debounceMs = options.debounceMs ?? 300;
  const maxWaitMs = options.maxWaitMs ?? 1000;
  const timers = options.timers ?? realTimers;

  let dirty = false;
  let paused = false;
  let disposed = false;
  let timer: unknown = null;
  /** When the oldest unsaved change happened (for maxWaitMs). */
  let firstChangeAt: number | null = null;
  /** The save in progress, if any. */
  let inFlight: Promise<void> | null = null;

  const cancelTimer = () => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
  };

  /** A save has started and not finished: its state is not known to be stored yet. */
  let writing = false;

  const writeOnce = async (): Promise<void> => {
    dirty = false;
    firstChangeAt = null;
    writing = true;
    try {
      await save();
    } catch (e) {
      dirty = true; // retried with the next change or flush, not in a tight loop
      onError?.(e);
    } finally {
      writing = false;
    }
  };

  const run = (force: boolean): Promise<void> => {
    cancelTimer();
    if (disposed || paused || (!dirty && !force)) return inFlight ?? Promise.resolve();
    // Saves never overlap: a save requested during one starts after it, with the newest state.
    const previous = inFlight ?? Promise.resolve();
    const mine: Promise<void> = previous.then(() => {
      if (disposed || paused || (!dirty && !force)) return;
      return writeOnce();
    });
    inFlight = mine;
    void mine.then(() => {
      if (inFlight === mine) inFlight = null;
    });
    return mine;
  };

  const schedule = () => {
    if (disposed) return;
    dirty = true;
    const now = timers.now();
    firstChangeAt ??= now;
    if (paused) return;
    cancelTimer();
    const wait = Math.max(0, Math.min(debounceMs, firstChangeAt + maxWaitMs - now));
    timer = timers.setTimeout(() => {
      timer = null;
      void run(false);
    }, wait);
  };

  return {
    schedule,
    flush(opts = {}) {
      return run(!!opts.force);
    },
    get dirty() {
      return dirty;
    },
    get paused() {
      return paused;
    },
    pause() {
      paused = true;
      cancelTimer();
    },
    resume() {
      if (!paused) return;
      paused = false;
      if (dirty) {
        firstChangeAt = null;
        schedule();
      }
    },
    takeUnsaved() {
      // A save under way counts: it may never finish if the page goes.
      if (disposed || paused || (!dirty && !writing)) return false;
      cancelTimer();
      dirty = false;
      firstChangeAt = null;
      return true;
    },
    dispose() {
      disposed = true;
      cancelTimer();
    },
  };
}

// ---- Invocation history ---------------------------------------------------------------------------

export interface HistoryRecorderOptions<T> {
  append: (records: T[]) => Promise<void>;
  clear: () => Promise<void>;
  onError?: (error: unknown) => void;
  intervalMs?: number;
  /** Records kept for a retry after a failed append (the newest). */
  maxPending?: number;
  timers?: Timers;
}

export interface HistoryRecorder<T> {
  add(record: T): void;
  /** Forget what is pending and clear what is stored (after the appends already under way). */
  clear(): Promise<void>;
  /** Append what is pending now, and wait for it. Never rejects. */
  flush(): Promise<void>;
  readonly pending: number;
  /**
   * Takes the records not known to be stored (pending, and batches queued or under way) for a
   * caller that writes them itself (the page is going away).
   */
  drain(): T[];
  dispose(): void;
}

export function createHistoryRecorder<T>(options: HistoryRecorderOptions<T>): HistoryRecorder<T> {
  const { append, clear, onError } = options;
  const intervalMs = options.intervalMs ?? 500;
  const maxPending = options.maxPending ?? 100_000;
  const timers = options.timers ?? realTimers;

  let pending: T[] = [];
  let timer: unknown = null;
  let disposed = false;
  /** Bumped by clear(), so a batch that failed before it is not retried after it. */
  let generation = 0;
  /** Every write runs after the one before, so a clear never overtakes an append (or vice versa). */
  let chain: Promise<void> = Promise.resolve();

  const enqueue = (work: () => Promise<void>): Promise<void> => {
    const next = chain.then(work).catch((e: unknown) => onError?.(e));
    chain = next;
    return next;
  };

  /** Batches taken from `pending` whose append has not finished (queued or under way). */
  const unconfirmed = new Set<{ records: T[]; handedOver: boolean }>();

  const flush = (): Promise<void> => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    if (disposed || pending.length === 0) return chain;
    const batch = { records: pending, handedOver: false };
    const batchGeneration = generation;
    pending = [];
    unconfirmed.add(batch);
    return enqueue(async () => {
      try {
        if (!batch.handedOver) await append(batch.records);
      } catch (e) {
        // Keep them for the next batch (bounded): a transient failure loses nothing.
        if (batchGeneration === generation && !batch.handedOver) {
          pending = [...batch.records, ...pending].slice(-maxPending);
        }
        throw e;
      } finally {
        unconfirmed.delete(batch);
      }
    });
  };

  return {
    add(record) {
      if (disposed) return;
      pending.push(record);
      if (pending.length > maxPending) pending.splice(0, pending.length - maxPending);
      timer ??= timers.setTimeout(() => {
        timer = null;
        void flush();
      }, intervalMs);
    },
    clear() {
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      pending = [];
      for (const batch of unconfirmed) batch.handedOver = true; // no longer to be appended
      unconfirmed.clear();
      generation++;
      if (disposed) return chain;
      return enqueue(() => clear());
    },
    flush,
    get pending() {
      return pending.length;
    },
    drain() {
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      // An append under way may never finish if the page goes: its records are handed over too
      // (the store skips records it already has when it recovers them).
      const taken: T[] = [];
      for (const batch of unconfirmed) {
        batch.handedOver = true;
        taken.push(...batch.records);
      }
      unconfirmed.clear();
      taken.push(...pending);
      pending = [];
      return taken;
    },
    dispose() {
      disposed = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
    },
  };
}
