import { afterEach, describe, expect, it } from 'vitest';
import { spawnThrough, type FromSpawner, type SpawnerEndpoint, type ToSpawner } from './spawner';

/** A spawner that records what it is asked and answers for its "workers" on their ports. */
function fakeSpawner() {
  const asked: ToSpawner[] = [];
  const ports = new Map<number, MessagePort>();
  const spawner: SpawnerEndpoint = {
    onmessage: null,
    postMessage(msg) {
      asked.push(msg);
      if (msg.t === 'spawn') ports.set(msg.id, msg.port);
      else ports.get(msg.id)?.close();
    },
  };
  const report = (msg: FromSpawner) => spawner.onmessage?.(new MessageEvent('message', { data: msg }));
  return { spawner, asked, ports, report };
}

const next = (port: MessagePort | { addEventListener: MessagePort['addEventListener'] }) =>
  new Promise<unknown>((resolve) =>
    port.addEventListener('message', (ev) => resolve((ev as MessageEvent).data), { once: true }),
  );

const opened: MessagePort[] = [];
afterEach(() => opened.splice(0).forEach((p) => p.close()));

describe('spawnThrough (nanoprocesses started by the spawner worker)', () => {
  it('asks the spawner for each worker and talks to it over the port it handed over', async () => {
    const f = fakeSpawner();
    const spawn = spawnThrough(f.spawner);
    const a = spawn();
    const b = spawn();
    expect(f.asked.map((m) => [m.t, m.id])).toEqual([
      ['spawn', 1],
      ['spawn', 2],
    ]);
    const portA = f.ports.get(1)!;
    opened.push(portA);
    portA.start();
    const received = next(portA);
    a.postMessage({ hello: 'a' });
    expect(await received).toEqual({ hello: 'a' });
    const answer = next(a);
    portA.postMessage({ answer: 42 });
    expect(await answer).toEqual({ answer: 42 });
    b.terminate();
    a.terminate();
  });

  it("passes on a worker's error event to that worker's listeners only, until it is terminated", () => {
    const f = fakeSpawner();
    const spawn = spawnThrough(f.spawner);
    const a = spawn();
    const b = spawn();
    const seen: string[] = [];
    a.addEventListener('error', (ev) => seen.push(`a: ${(ev as ErrorEvent).message}`));
    b.addEventListener('error', (ev) => seen.push(`b: ${(ev as ErrorEvent).message}`));
    f.report({ t: 'error', id: 2, message: 'the script failed to load' });
    expect(seen).toEqual(['b: the script failed to load']);
    a.terminate();
    f.report({ t: 'error', id: 1, message: 'too late' });
    expect(seen).toEqual(['b: the script failed to load']);
    b.terminate();
  });

  it('terminate() asks the spawner once and closes the port', () => {
    const f = fakeSpawner();
    const w = spawnThrough(f.spawner)();
    w.terminate();
    w.terminate();
    expect(f.asked.map((m) => m.t)).toEqual(['spawn', 'terminate']);
  });
});
