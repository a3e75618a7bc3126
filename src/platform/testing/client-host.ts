// Test harness: the page's PlatformClient and the platform worker's PlatformHost joined by a real
// MessageChannel (structured clone and all), over a real Platform whose nanoprocesses are fakes on
// a manual clock. Everything the app does through the client can be unit-tested this way.
import { afterEach, beforeAll } from 'vitest';
import { PlatformClient, type ClientEvent, type HostWorker } from '../client';
import type { Compiler } from '../compiler';
import { PlatformHost, type HostPort } from '../host';
import { Platform } from '../platform';
import type { HistorySink } from '../protocol';
import type { PlatformConfig } from '../types';
import { FakeWorkers } from './fake-worker';
import { flush, ManualClock } from './manual-clock';
import { watCompiler } from './wat';

export interface ConnectOptions {
  /** Gets a function that terminates each platform "worker" started; call them after the test. */
  cleanups: (() => void)[];
  /** For deploys from WAT text (the client compiles on the page, as the app does). */
  compiler?: Pick<Compiler, 'toBinary'>;
  config?: Partial<PlatformConfig>;
  /** Where the host writes the page's history batches (absent: it refuses to). */
  history?: HistorySink;
}

/** A platform "worker": a host on one end of a MessageChannel; counts the messages each way. */
export function connectClient(options: ConnectOptions) {
  const clock = new ManualClock({ settle: () => flush(3) });
  const fakes = new FakeWorkers(clock);
  const hosts: { platform: Platform; channel: MessageChannel; sent: unknown[][]; received: unknown[][] }[] =
    [];
  const spawnHost = (): HostWorker => {
    const channel = new MessageChannel();
    const platform = new Platform({
      spawnWorker: fakes.spawn,
      clock,
      config: { prewarm: 0, ...options.config },
    });
    const sent: unknown[][] = [];
    const received: unknown[][] = [];
    const port: HostPort = {
      postMessage: (m, transfer) => {
        sent.push(m as unknown[]);
        channel.port1.postMessage(m, transfer);
      },
      onmessage: null,
    };
    channel.port1.onmessage = (ev) => port.onmessage?.(ev);
    new PlatformHost(platform, port, clock, () => clock, options.history ?? null);
    hosts.push({ platform, channel, sent, received });
    const page = channel.port2;
    const worker: HostWorker = {
      postMessage: (m, transfer = []) => {
        received.push(m as unknown[]);
        page.postMessage(m, transfer);
      },
      onmessage: null,
      onerror: null,
      terminate: () => {
        platform.dispose();
        channel.port1.close();
        page.close();
      },
    };
    page.onmessage = (ev) => worker.onmessage?.(ev);
    options.cleanups.push(() => worker.terminate());
    return worker;
  };
  const client = new PlatformClient({
    spawnHost,
    now: clock.now,
    compiler: options.compiler as Compiler | undefined,
  });
  const events: ClientEvent[] = [];
  client.subscribe((ev) => events.push(ev));
  return { clock, fakes, client, hosts, events };
}

/**
 * For a test file (or a describe block): compiles WAT once the tests start, and ends every platform
 * "worker" a test connected after it. `connect` is connectClient without the bookkeeping.
 */
export function clientHostFixture() {
  let compile: ((source: string) => Uint8Array) | null = null;
  const cleanups: (() => void)[] = [];
  beforeAll(async () => {
    compile = await watCompiler();
  });
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  return {
    wat: (source: string): Uint8Array => compile!(source),
    connect: (options: Omit<ConnectOptions, 'cleanups'> = {}) => connectClient({ ...options, cleanups }),
  };
}
