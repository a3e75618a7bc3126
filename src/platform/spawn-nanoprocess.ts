// The nanoprocess worker's constructor, alone in its module: Vite bundles every worker a module
// names into each worker that imports it, so the spawner (src/workers/spawner.worker.ts) imports
// this rather than spawn.ts, which names the spawner itself (a cycle Vite refuses).
export function spawnNanoprocess(): Worker {
  return new Worker(new URL('../workers/nanoprocess.worker.ts', import.meta.url), {
    type: 'module',
    name: 'nanoprocess',
  });
}
