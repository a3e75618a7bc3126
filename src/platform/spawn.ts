// Where workers are constructed (with spawn-nanoprocess.ts). Vite needs the literal
// `new Worker(new URL(…))` form to bundle them; everything else receives these factories as
// parameters.

export function spawnCompiler(): Worker {
  return new Worker(new URL('../workers/compiler.worker.ts', import.meta.url), {
    type: 'module',
    name: 'wabt-compiler',
  });
}

/** The Benchmarks panel's baseline: runs modules directly, without the platform (src/workers/baseline.worker.ts). */
export function spawnBaseline(): Worker {
  return new Worker(new URL('../workers/baseline.worker.ts', import.meta.url), {
    type: 'module',
    name: 'benchmark-baseline',
  });
}

/** The platform worker's history writer (src/workers/history-writer.worker.ts), spawned by the platform worker. */
export function spawnHistoryWriter(): Worker {
  return new Worker(new URL('../workers/history-writer.worker.ts', import.meta.url), {
    type: 'module',
    name: 'history-writer',
  });
}

/** The platform worker's spawner (src/workers/spawner.worker.ts), which starts the nanoprocesses. */
export function spawnSpawner(): Worker {
  return new Worker(new URL('../workers/spawner.worker.ts', import.meta.url), {
    type: 'module',
    name: 'spawner',
  });
}

/** The platform worker (src/workers/platform.worker.ts); its spawner starts the nanoprocesses. */
export function spawnPlatform(): Worker {
  return new Worker(new URL('../workers/platform.worker.ts', import.meta.url), {
    type: 'module',
    name: 'platform',
  });
}
