// The platform's spawner (src/platform/spawner.ts): creates and terminates the nanoprocess workers
// for the platform worker, so that the part of a worker's start Chromium runs on the parent's
// thread (4–25 ms each on a busy 2-core machine) never holds up the platform. It does nothing else:
// each new nanoprocess gets the platform's end of a MessageChannel and talks to the platform there.
import { spawnNanoprocess } from '../platform/spawn-nanoprocess';
import type { FromSpawner, ToSpawner } from '../platform/spawner';

const workers = new Map<number, Worker>();

self.onmessage = (ev: MessageEvent<ToSpawner>) => {
  const msg = ev.data;
  if (msg.t === 'spawn') {
    const { id, port } = msg;
    const w = spawnNanoprocess();
    workers.set(id, w);
    w.addEventListener('error', (e) => {
      e.preventDefault();
      const report: FromSpawner = { t: 'error', id, message: e.message || 'unknown error' };
      self.postMessage(report);
    });
    // The handoff: the first message carries this worker's end of the platform's channel, nothing else.
    w.postMessage(null, [port]);
  } else {
    workers.get(msg.id)?.terminate();
    workers.delete(msg.id);
  }
};
