// The platform worker: the registry, scheduler, worker pool, records and load generator run here,
// off the page's main thread. The nanoprocess workers are nested workers, started by a spawner
// worker of its own (src/platform/spawner.ts says why). The page talks to it through
// src/platform/client.ts.
import { systemClock } from '../platform/clock';
import { PlatformHost } from '../platform/host';
import { browserTimers } from '../platform/load';
import { Platform } from '../platform/platform';
import { spawnHistoryWriter, spawnSpawner } from '../platform/spawn';
import { spawnThrough } from '../platform/spawner';
import { writerHistorySink } from './history-sink';

const platform = new Platform({ spawnWorker: spawnThrough(spawnSpawner()) });
new PlatformHost(
  platform,
  self as unknown as ConstructorParameters<typeof PlatformHost>[1],
  systemClock,
  browserTimers,
  writerHistorySink(spawnHistoryWriter),
);
