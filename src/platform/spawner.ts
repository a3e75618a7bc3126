// Nanoprocesses spawned by a spawner worker (src/workers/spawner.worker.ts) instead of by the
// platform worker itself.
//
// Chromium starts a nested worker partly on its parent's thread: a trace of the `timeout` benchmark
// shows the platform worker's thread blocked 4–25 ms in `DedicatedWorker::ContinueStart` for each
// replacement nanoprocess, while the next call's answer waited behind it. A spawner is a small
// worker that only creates and terminates nanoprocesses, so that wait lands on its thread. The
// platform talks to each nanoprocess over a MessageChannel it keeps; the spawner hands the other end
// to the new worker, and passes on its error event.
import type { WorkerEndpoint } from './nanoprocess';

/** Platform → spawner. */
export type ToSpawner = { t: 'spawn'; id: number; port: MessagePort } | { t: 'terminate'; id: number };

/** Spawner → platform: a nanoprocess's error event (a script that failed to load, an uncaught error). */
export interface FromSpawner {
  t: 'error';
  id: number;
  message: string;
}

/** What the platform needs of the spawner worker: a Worker is one; tests pass a fake. */
export interface SpawnerEndpoint {
  postMessage(message: ToSpawner, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<FromSpawner>) => void) | null;
}

/** A nanoprocess the spawner started: its messages travel on our end of its port. */
class SpawnedWorker implements WorkerEndpoint {
  private readonly port: MessagePort;
  private readonly errorListeners = new Set<EventListenerOrEventListenerObject>();
  private ended = false;

  constructor(
    private readonly id: number,
    private readonly spawner: SpawnerEndpoint,
    private readonly forget: () => void,
  ) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.port.start();
    spawner.postMessage({ t: 'spawn', id, port: channel.port2 }, [channel.port2]);
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }

  addEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    if (type === 'error') this.errorListeners.add(listener);
    else this.port.addEventListener(type, listener);
  }

  removeEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    if (type === 'error') this.errorListeners.delete(listener);
    else this.port.removeEventListener(type, listener);
  }

  terminate(): void {
    if (this.ended) return;
    this.ended = true;
    this.forget();
    this.spawner.postMessage({ t: 'terminate', id: this.id });
    this.port.close();
  }

  /** The worker's error event, as the spawner saw it. */
  fail(message: string): void {
    if (this.ended) return;
    const ev = Object.assign(new Event('error', { cancelable: true }), { message });
    for (const l of this.errorListeners)
      if (typeof l === 'function') l(ev);
      else l.handleEvent(ev);
  }
}

/**
 * A `spawnWorker` for the Platform: each call starts a nanoprocess through `spawner`. The returned
 * endpoints behave as the Workers they stand for (postMessage, message and error listeners,
 * terminate()).
 */
export function spawnThrough(spawner: SpawnerEndpoint): () => WorkerEndpoint {
  const live = new Map<number, SpawnedWorker>();
  let nextId = 1;
  spawner.onmessage = (ev) => {
    const msg = ev.data;
    if (msg.t === 'error') live.get(msg.id)?.fail(msg.message);
  };
  return () => {
    const id = nextId++;
    const w = new SpawnedWorker(id, spawner, () => live.delete(id));
    live.set(id, w);
    return w;
  };
}
