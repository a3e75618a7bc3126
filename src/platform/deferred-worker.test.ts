import { describe, expect, it } from 'vitest';
import { DeferredWorker, spawnAfter, type WorkerLike } from './deferred-worker';

class FakeWorker implements WorkerLike {
  posted: [unknown, Transferable[] | undefined][] = [];
  listeners: [string, EventListenerOrEventListenerObject][] = [];
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  terminated = false;
  postMessage(message: unknown, transfer?: Transferable[]) {
    this.posted.push([message, transfer]);
  }
  addEventListener(type: string, listener: EventListenerOrEventListenerObject) {
    this.listeners.push([type, listener]);
  }
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject) {
    this.listeners = this.listeners.filter(([t, l]) => t !== type || l !== listener);
  }
  terminate() {
    this.terminated = true;
  }
}

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('DeferredWorker', () => {
  it('spawns nothing until the start, then delivers what was posted in order, with listeners and handlers', async () => {
    const spawned: FakeWorker[] = [];
    const g = gate();
    const w = new DeferredWorker(() => {
      const f = new FakeWorker();
      spawned.push(f);
      return f;
    }, g.promise);
    const onmessage = () => {};
    const listener = () => {};
    const removed = () => {};
    const buffer = new ArrayBuffer(8);
    w.onmessage = onmessage;
    w.addEventListener('message', listener);
    w.addEventListener('message', removed);
    w.removeEventListener('message', removed);
    w.postMessage('first');
    w.postMessage({ second: buffer }, [buffer]);
    await tick();
    expect(spawned).toHaveLength(0);
    expect(w.started).toBe(false);

    g.open();
    await tick();
    expect(spawned).toHaveLength(1);
    const [f] = spawned;
    expect(f.posted).toEqual([
      ['first', undefined],
      [{ second: buffer }, [buffer]],
    ]);
    expect(f.onmessage).toBe(onmessage);
    expect(f.listeners).toEqual([['message', listener]]);

    // Once started it forwards directly.
    const onerror = () => {};
    w.onerror = onerror;
    w.postMessage('third');
    expect(f.onerror).toBe(onerror);
    expect(f.posted.at(-1)).toEqual(['third', undefined]);
    w.terminate();
    expect(f.terminated).toBe(true);
  });

  it('never spawns when terminated before the start', async () => {
    const g = gate();
    let spawns = 0;
    const w = new DeferredWorker(() => (spawns++, new FakeWorker()), g.promise);
    w.postMessage('lost');
    w.terminate();
    g.open();
    await tick();
    expect(spawns).toBe(0);
  });

  it('starts anyway when the start rejects, and at once for workers asked for after it', async () => {
    let spawns = 0;
    const factory = spawnAfter(() => (spawns++, new FakeWorker()), Promise.reject(new Error('no editor')));
    factory();
    await tick();
    expect(spawns).toBe(1);
    factory().postMessage('later');
    await tick();
    expect(spawns).toBe(2);
  });

  it('startNow() spawns before the start', () => {
    const w = new DeferredWorker(() => new FakeWorker(), new Promise(() => {}));
    w.startNow();
    expect(w.started).toBe(true);
  });
});
