// A worker that starts later than it is asked for: `deferredWorker(spawn, start)` returns at once an
// object that behaves like the Worker (`postMessage`, `onmessage`/`onerror`, `addEventListener`,
// `terminate`) and spawns the real one when `start` settles. Messages posted before are delivered
// in order, with their transfer lists, once it exists; listeners are attached to it as they were
// given. Terminated before the start, it never spawns.
//
// Why: on a first visit the page's own workers (the platform and its prewarmed nanoprocess, the
// WAT compiler with wabt) compile their scripts on threads that compete with Monaco's compile for
// the CPU; on a 2-core machine that delays the editor. main.ts starts them once the editor shows
// the code. Nothing is lost meanwhile: calls wait in the queue, as they would for a worker still
// loading its script.

type Listener = EventListenerOrEventListenerObject;

export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent) => void) | null;
  onerror: ((ev: ErrorEvent) => void) | null;
  addEventListener(type: string, listener: Listener, options?: boolean | AddEventListenerOptions): void;
  removeEventListener(type: string, listener: Listener, options?: boolean | EventListenerOptions): void;
  terminate(): void;
}

export class DeferredWorker implements WorkerLike {
  private worker: WorkerLike | null = null;
  private terminated = false;
  private readonly queued: [unknown, Transferable[] | undefined][] = [];
  private readonly listeners: [string, Listener, (boolean | AddEventListenerOptions)?][] = [];
  private onMessage: ((ev: MessageEvent) => void) | null = null;
  private onError: ((ev: ErrorEvent) => void) | null = null;

  constructor(
    private readonly spawn: () => WorkerLike,
    start: Promise<unknown>,
  ) {
    const go = () => this.startNow();
    void start.then(go, go);
  }

  /** Spawns the worker now (if it is not running or terminated yet). */
  startNow(): void {
    if (this.worker || this.terminated) return;
    const w = this.spawn();
    this.worker = w;
    w.onmessage = this.onMessage;
    w.onerror = this.onError;
    for (const [type, listener, options] of this.listeners.splice(0))
      w.addEventListener(type, listener, options);
    for (const [message, transfer] of this.queued.splice(0))
      if (transfer) w.postMessage(message, transfer);
      else w.postMessage(message);
  }

  get started(): boolean {
    return this.worker !== null;
  }

  postMessage(message: unknown, transfer?: Transferable[]): void {
    if (this.terminated) return;
    if (!this.worker) this.queued.push([message, transfer]);
    else if (transfer) this.worker.postMessage(message, transfer);
    else this.worker.postMessage(message);
  }

  get onmessage(): ((ev: MessageEvent) => void) | null {
    return this.onMessage;
  }
  set onmessage(fn: ((ev: MessageEvent) => void) | null) {
    this.onMessage = fn;
    if (this.worker) this.worker.onmessage = fn;
  }

  get onerror(): ((ev: ErrorEvent) => void) | null {
    return this.onError;
  }
  set onerror(fn: ((ev: ErrorEvent) => void) | null) {
    this.onError = fn;
    if (this.worker) this.worker.onerror = fn;
  }

  addEventListener(type: string, listener: Listener, options?: boolean | AddEventListenerOptions): void {
    if (this.worker) this.worker.addEventListener(type, listener, options);
    else this.listeners.push([type, listener, options]);
  }

  removeEventListener(type: string, listener: Listener, options?: boolean | EventListenerOptions): void {
    if (this.worker) {
      this.worker.removeEventListener(type, listener, options);
      return;
    }
    const i = this.listeners.findIndex(([t, l]) => t === type && l === listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  terminate(): void {
    this.terminated = true;
    this.queued.length = 0;
    this.worker?.terminate();
  }
}

/** A spawn factory whose workers start when `start` settles (in a microtask once it has). */
export function spawnAfter<W extends WorkerLike>(
  spawn: () => W,
  start: Promise<unknown>,
): () => DeferredWorker {
  return () => new DeferredWorker(spawn, start);
}
