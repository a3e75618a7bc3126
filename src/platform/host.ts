// The platform's side of the page ↔ platform-worker wire (src/platform/protocol.ts). Runs the
// commands the page's PlatformClient sends and streams back what happened:
//   • a reply (a settled invoke the page waits for, a call's return) goes out at the end of the
//     current task, so a sequential caller waits one hop, not a frame;
//   • everything else (records of load-test calls, pool snapshots, load progress, output) is
//     batched into at most one message per frame.
// Framework-free: the port and the clock come in, so it runs in Node tests over a MessageChannel.
import type { Clock } from './clock';
import { decodeInvokes } from './invoke-wire';
import { LoadGenerator, type LoadTimers } from './load';
import type { Platform, PlatformEvent } from './platform';
import {
  toWireError,
  type Command,
  type HistorySink,
  type HistoryTarget,
  type HostMethod,
  type LoadStartOptions,
  type Update,
} from './protocol';
import { encodeRecords, type SettledRecord } from './record-wire';
import type { Invocation, PlatformConfig } from './types';

export const FRAME_MS = 16;

export interface HostPort {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((ev: MessageEvent) => void) | null;
}

interface LoadEntry {
  gen: LoadGenerator;
  samplesSent: number;
  completionsSent: number;
  running: boolean;
}

/** What the host queues: updates, and settled records that go out packed in runs ('invs'). */
type Outgoing = Update | ({ t: 'inv' } & SettledRecord);

export class PlatformHost {
  private out: Outgoing[] = [];
  private replyScheduled = false;
  private frameTimer: unknown = null;
  private lastFrame = -Infinity;
  private poolDirty = false;
  /** Invocation id → the client's ticket waiting for it. */
  private readonly tickets = new Map<number, number>();
  /** Ticket of the invoke being started now (a throttled call settles inside start()). */
  private starting: number | null = null;
  /** Calls whose output the page wants streamed. */
  private readonly tracked = new Set<number>();
  /** name → version the page has the bytes of. */
  private readonly sentVersions = new Map<string, number>();
  private readonly loads = new Map<number, LoadEntry>();
  private restoring = false;

  constructor(
    private readonly platform: Platform,
    private readonly port: HostPort,
    private readonly clock: Clock,
    private readonly loadTimers: () => LoadTimers,
    /** Persists the page's history batches here (absent: the page writes them itself). */
    private readonly history: HistorySink | null = null,
  ) {
    platform.subscribe((ev) => this.onEvent(ev));
    port.onmessage = (ev: MessageEvent) => this.onCommands(ev.data as Command[]);
    // The page starts from the platform's state as it is.
    this.onEvent({ type: 'functions' });
    this.onEvent({ type: 'config', config: platform.currentConfig() });
    this.poolDirty = true;
    this.scheduleReply();
  }

  // ---- commands ----------------------------------------------------------------------------

  private onCommands(cmds: Command[]): void {
    for (const c of cmds) {
      if (c.k === 'invoke') this.invoke(c);
      else if (c.k === 'invokes') decodeInvokes(c.batch, (call) => this.invoke({ k: 'invoke', ...call }));
      else if (c.k === 'call') void this.call(c.ticket, c.method, c.args);
      else if (c.k === 'crash')
        this.clock.setTimer(() => {
          throw new Error('the platform worker was made to crash (a test of crash recovery)');
        }, 0);
    }
  }

  private invoke(c: Extract<Command, { k: 'invoke' }>): void {
    this.starting = c.ticket;
    try {
      const { id } = this.platform.start(c.fn, c.args, c.options);
      if (this.starting !== null) {
        this.tickets.set(id, c.ticket);
        if (c.track) {
          this.tracked.add(id);
          this.push({ t: 'id', ticket: c.ticket, id }, true);
        }
      }
    } catch (err) {
      this.push({ t: 'fail', ticket: c.ticket, error: toWireError(err) }, true);
    } finally {
      this.starting = null;
    }
  }

  private async call(ticket: number, method: HostMethod, args: unknown[]): Promise<void> {
    try {
      const value = await this.run(method, args);
      this.push({ t: 'ret', ticket, value }, true);
    } catch (err) {
      this.push({ t: 'err', ticket, error: toWireError(err) }, true);
    }
  }

  private async run(method: HostMethod, a: unknown[]): Promise<unknown> {
    const p = this.platform;
    switch (method) {
      case 'deploy': {
        const [name, bytes, config, wat] = a as Parameters<Platform['deploy']>;
        return p.deploy(name, bytes, config, wat);
      }
      case 'reconfigure':
        return p.reconfigure(a[0] as string, a[1] as Parameters<Platform['reconfigure']>[1]);
      case 'undeploy':
        return p.undeploy(a[0] as string);
      case 'config':
        return p.config(a[0] as Partial<PlatformConfig>);
      case 'stop':
        return p.stop(a[0] as number);
      case 'stopAll':
        return p.stopAll(a[0] as string | undefined);
      case 'clearHistory':
        p.clearHistory();
        return undefined;
      case 'restoreHistory':
        // The page applied these to its mirror already; the platform's 'history-cleared' is not a clear.
        this.restoring = true;
        try {
          p.restoreHistory(a[0] as Parameters<Platform['restoreHistory']>[0]);
        } finally {
          this.restoring = false;
        }
        return undefined;
      case 'persistHistory':
        return this.persistHistory(a[0] as number[], a[1] as HistoryTarget);
      case 'loadStart':
        return this.loadStart(a[0] as number, a[1] as LoadGenerator['spec'], a[2] as LoadStartOptions);
      case 'loadStop':
        void this.loads.get(a[0] as number)?.gen.stop();
        return undefined;
      case 'loadCancel':
        return this.loads.get(a[0] as number)?.gen.cancelInFlight() ?? 0;
      case 'pool':
        return p.pool();
    }
  }

  /**
   * Writes the records with these ids (a batch the page's history recorder took) to the page's
   * history store, in the order given; resolves with the ids it no longer holds (evicted from the
   * ring, or from before a restart), which the page writes itself.
   */
  private async persistHistory(ids: number[], target: HistoryTarget): Promise<number[]> {
    if (!this.history) throw new Error('this platform worker does not write the history');
    const found = this.platform.invocationsById(ids);
    const records: Invocation[] = [];
    const missing: number[] = [];
    for (const id of ids) {
      const inv = found.get(id);
      if (inv) records.push(inv);
      else missing.push(id);
    }
    if (records.length) await this.history.append(target, records);
    return missing;
  }

  private loadStart(lid: number, spec: LoadGenerator['spec'], o: LoadStartOptions): void {
    const gen = new LoadGenerator(this.platform, spec, { ...o, timers: this.loadTimers() });
    const entry: LoadEntry = { gen, samplesSent: 0, completionsSent: 0, running: true };
    this.loads.set(lid, entry);
    void gen.start().then((result) => {
      entry.running = false;
      this.pushLoad(lid, entry);
      this.loads.delete(lid);
      this.push({ t: 'loadDone', lid, result }, true);
    });
    this.scheduleFrame();
  }

  private pushLoad(lid: number, e: LoadEntry): void {
    const g = e.gen;
    this.out.push({
      t: 'load',
      lid,
      samples: g.samples.rows(e.samplesSent),
      completions: g.completions.rows(e.completionsSent),
      state: {
        elapsedMs: g.elapsedMs,
        plannedDurationMs: g.plannedDurationMs,
        planned: g.planned,
        issued: g.issued,
        settled: g.settled,
        inFlight: g.inFlight,
      },
    });
    e.samplesSent = g.samples.length;
    e.completionsSent = g.completions.length;
  }

  // ---- platform events ----------------------------------------------------------------------

  private onEvent(ev: PlatformEvent): void {
    switch (ev.type) {
      case 'invocation': {
        const id = ev.invocation.id;
        let ticket = this.tickets.get(id);
        if (ticket !== undefined) this.tickets.delete(id);
        else if (this.starting !== null) {
          // Settled inside start() (throttled): it belongs to the invoke being started.
          ticket = this.starting;
          this.starting = null;
        }
        this.tracked.delete(id);
        const u: Outgoing = { t: 'inv', inv: ev.invocation, memoryMiB: ev.memoryMiB };
        if (ticket !== undefined) u.ticket = ticket;
        this.push(u, ticket !== undefined);
        this.poolDirty = true;
        break;
      }
      case 'output':
        if (this.tracked.has(ev.id))
          this.push({ t: 'out', id: ev.id, fn: ev.fn, fd: ev.fd, chunk: ev.chunk }, false);
        break;
      case 'dispatched':
      case 'pool':
        this.poolDirty = true;
        this.scheduleFrame();
        break;
      case 'functions': {
        const infos = this.platform.functions();
        const code: Extract<Update, { t: 'fns' }>['code'] = [];
        for (const f of infos) {
          if (this.sentVersions.get(f.name) === f.version) continue;
          this.sentVersions.set(f.name, f.version);
          code.push({
            name: f.name,
            version: f.version,
            bytes: this.platform.bytes(f.name),
            wat: this.platform.source(f.name),
          });
        }
        for (const name of [...this.sentVersions.keys()])
          if (!infos.some((f) => f.name === name)) this.sentVersions.delete(name);
        this.push({ t: 'fns', infos, code }, true);
        break;
      }
      case 'config':
        this.push({ t: 'config', config: ev.config }, true);
        break;
      case 'history-cleared':
        if (!this.restoring) this.push({ t: 'cleared' }, true);
        break;
    }
  }

  // ---- the outgoing stream ---------------------------------------------------------------------

  private push(u: Outgoing, reply: boolean): void {
    this.out.push(u);
    if (reply) this.scheduleReply();
    else this.scheduleFrame();
  }

  /**
   * Replies go out at the end of this task when nothing else is in flight (a sequential caller
   * waits no longer than it must). While other calls are running, they wait one task more, so
   * the answers of calls settling back to back travel in one message instead of one each.
   */
  private scheduleReply(): void {
    if (this.replyScheduled) return;
    this.replyScheduled = true;
    const run = () => {
      this.replyScheduled = false;
      this.flush(false);
    };
    if (this.platform.unsettled > 0) this.nextTask(run);
    else queueMicrotask(run);
  }

  private readonly hop = new MessageChannel();
  private hopQueue: (() => void)[] = [];

  /** Runs `fn` in a later task, behind the messages already queued (a zero timeout may be clamped). */
  private nextTask(fn: () => void): void {
    if (this.hopQueue.length === 0) {
      this.hop.port1.onmessage ??= () => {
        const q = this.hopQueue;
        this.hopQueue = [];
        for (const f of q) f();
      };
      this.hop.port2.postMessage(0);
    }
    this.hopQueue.push(fn);
  }

  private scheduleFrame(): void {
    if (this.frameTimer !== null) return;
    const wait = Math.max(0, this.lastFrame + FRAME_MS - this.clock.now());
    this.frameTimer = this.clock.setTimer(() => {
      this.frameTimer = null;
      this.flush(true);
    }, wait);
  }

  /** Sends what is waiting. A frame flush also carries the pool and the progress of running loads. */
  private flush(frame: boolean): void {
    if (frame) {
      this.lastFrame = this.clock.now();
      if (this.poolDirty) {
        this.poolDirty = false;
        this.out.push({ t: 'pool', pool: this.platform.pool() });
      }
      for (const [lid, e] of this.loads) if (e.running) this.pushLoad(lid, e);
      if ([...this.loads.values()].some((e) => e.running)) this.scheduleFrame();
    } else if (this.poolDirty || this.out.some((u) => u.t === 'inv' && u.ticket === undefined)) {
      this.scheduleFrame();
    }
    if (this.out.length === 0) return;
    const queued = this.out;
    this.out = [];
    // Runs of settled records travel packed, each run where it stood in the stream.
    const batch: Update[] = [];
    const transfer: Transferable[] = [];
    let run: SettledRecord[] = [];
    const endRun = () => {
      if (!run.length) return;
      const packed = encodeRecords(run);
      batch.push({ t: 'invs', batch: packed.batch });
      transfer.push(...packed.transfer);
      run = [];
    };
    for (const u of queued) {
      if (u.t === 'inv') run.push(u);
      else {
        endRun();
        batch.push(u);
      }
    }
    endRun();
    this.port.postMessage(batch, transfer);
  }
}
