// The platform worker: the registry, scheduler, worker pool, records and load generator run here,
// off the page's main thread, and spawn the nanoprocess workers themselves (nested workers).
// The page talks to it through src/platform/client.ts.
import { systemClock } from '../platform/clock';
import { PlatformHost } from '../platform/host';
import { browserTimers } from '../platform/load';
import { Platform } from '../platform/platform';
import { spawnHistoryWriter, spawnNanoprocess } from '../platform/spawn';
import { writerHistorySink } from './history-sink';

const platform = new Platform({ spawnWorker: spawnNanoprocess });
new PlatformHost(
  platform,
  self as unknown as ConstructorParameters<typeof PlatformHost>[1],
  systemClock,
  browserTimers,
  writerHistorySink(spawnHistoryWriter),
);
