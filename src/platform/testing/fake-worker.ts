// A fake nanoprocess worker for unit tests of the platform. It speaks the real protocol: Comlink
// for `attach` (exposed on an in-process endpoint pair) and the lean invoke port with tuples and
// done messages (src/platform/wire.ts), but runs no Wasm: each call is answered by a script the
// test sets, on the test's manual clock. So pool, scheduler and timeout behaviour is tested in
// milliseconds, with nothing timing-sensitive.
import { expose, type Endpoint } from 'comlink';
import type { WorkerEndpoint } from '../nanoprocess';
import type { ResultValue, Outcome } from '../types';
import {
  ReplyHold,
  type DoneMessage,
  type DoneTuple,
  type InvTuple,
  type ModuleMeta,
  type ToWorker,
  type WasiInput,
} from '../wire';
import type { ManualClock } from './manual-clock';

type Listener = (ev: { data: unknown }) => void;

/** One side of an in-process message pipe: delivery is asynchronous (a microtask), like a port. */
class PipeEnd implements Endpoint {
  peer!: PipeEnd;
  closed = false;
  private readonly listeners = new Set<Listener>();

  postMessage(message: unknown): void {
    const peer = this.peer;
    queueMicrotask(() => {
      if (this.closed || peer.closed) return;
      for (const l of peer.listeners) l({ data: message });
    });
  }

  addEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    if (type === 'message') this.listeners.add(listener as unknown as Listener);
  }

  removeEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    if (type === 'message') this.listeners.delete(listener as unknown as Listener);
  }
}

function pipe(): [PipeEnd, PipeEnd] {
  const a = new PipeEnd();
  const b = new PipeEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** A call as the fake worker received it. */
export interface FakeCall {
  id: number;
  mod: number;
  label: string;
  export: string;
  args: unknown[];
  reuse: boolean;
  /** A fresh call asking for the next instance to be made ahead (pre-instantiation). */
  ahead: boolean;
  wasi: boolean;
  /** How the WASI input travelled: whole, 0 for "the same as the last one", absent (an object message or none). */
  wasiOnWire?: WasiInput | 0;
  /** Virtual time the worker received it. */
  at: number;
  /** Another call of the same message runs after it (its answer may be held: wire.ReplyHold). */
  more: boolean;
  worker: FakeWorker;
}

/** How the fake answers a call. `hang` never answers (the platform's timeout or Stop ends it). */
export type FakeReply =
  | 'hang'
  | {
      result?: ResultValue;
      outcome?: Outcome;
      error?: string;
      /** Virtual time the call runs; the worker answers after it and runs later calls after that. */
      execMs?: number;
      /** The instantiation failed for lack of Wasm memory reservations (see DoneMessage). */
      exhausted?: boolean;
      /** How long the answer was on its way back (its postedAt stamp is this much earlier). */
      replyMs?: number;
    };

/** What the fake says making an instance ahead took. */
export const FAKE_AHEAD_MS = 0.25;

export class FakeWorker implements WorkerEndpoint {
  terminated = false;
  readonly modules = new Map<number, ModuleMeta>();
  /** Modules with a live instance (what `reuse` keeps). */
  readonly live = new Set<number>();
  /** The module whose next instance was made ahead (one per worker, like the real one). */
  private spare: number | null = null;
  readonly received: FakeCall[] = [];
  private port: MessagePort | null = null;
  private readonly outer: PipeEnd;
  private readonly inner: PipeEnd;
  private readonly errorListeners = new Set<(ev: unknown) => void>();
  /** Calls waiting behind the one running, in arrival order. */
  private readonly backlog: FakeCall[] = [];
  private running = false;
  /** Answers travel as the real worker's do: a batch's together. */
  private readonly hold = new ReplyHold(
    (m) => this.port!.postMessage(m),
    () => this.host.clock.now(),
  );

  constructor(
    readonly id: number,
    private readonly host: FakeWorkers,
  ) {
    [this.outer, this.inner] = pipe();
    expose(
      {
        attach: (p: MessagePort) =>
          new Promise<number>((resolve) => {
            host.clock.setTimer(() => {
              if (this.terminated) return;
              this.port = p;
              p.onmessage = (ev) => this.receive(ev.data as ToWorker | InvTuple | InvTuple[]);
              resolve(host.clock.now());
            }, host.spawnMs);
          }),
        describe: () => ({
          modules: [...this.modules.values()].map((m) => m.label),
          live: [...this.live].map((m) => this.modules.get(m)?.label ?? `#${m}`),
        }),
      },
      this.inner,
    );
  }

  postMessage(message: unknown): void {
    this.outer.postMessage(message);
  }

  addEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    if (type === 'error') this.errorListeners.add(listener as unknown as (ev: unknown) => void);
    else this.outer.addEventListener(type, listener);
  }

  removeEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    if (type === 'error') this.errorListeners.delete(listener as unknown as (ev: unknown) => void);
    else this.outer.removeEventListener(type, listener);
  }

  terminate(): void {
    this.terminated = true;
    this.outer.closed = this.inner.closed = true;
    this.port?.close();
  }

  /** Makes the worker fail as an uncaught error in a real worker would. */
  crash(message: string): void {
    for (const l of this.errorListeners) l({ message, preventDefault() {} });
  }

  private receive(msg: ToWorker | InvTuple | InvTuple[]): void {
    if (this.terminated) return;
    if (Array.isArray(msg)) {
      const tuples = Array.isArray(msg[0]) ? (msg as InvTuple[]) : [msg as InvTuple];
      tuples.forEach((t, i) =>
        this.enqueue({
          more: i < tuples.length - 1,
          id: t[0],
          mod: t[1],
          export: t[2],
          reuse: t[3] === 1,
          ahead: t[3] === 2,
          args: t[5],
          wasi: t.length > 6,
          ...(t.length > 6 && { wasiOnWire: t[6] }),
        }),
      );
      return;
    }
    if (msg.t === 'load') {
      this.modules.set(msg.mod, msg.meta);
      if (msg.warm) this.live.add(msg.mod);
    } else if (msg.t === 'evict') {
      this.modules.delete(msg.mod);
      this.live.delete(msg.mod);
    } else
      this.enqueue({
        id: msg.id,
        mod: msg.mod,
        export: msg.export,
        reuse: msg.reuse,
        ahead: msg.ahead === true,
        args: msg.args,
        wasi: msg.wasi !== null,
        more: false,
      });
  }

  private enqueue(c: Omit<FakeCall, 'at' | 'worker' | 'label'>): void {
    const call: FakeCall = {
      ...c,
      label: this.modules.get(c.mod)?.label ?? `#${c.mod}`,
      at: this.host.clock.now(),
      worker: this,
    };
    this.received.push(call);
    this.host.received.push(call);
    this.backlog.push(call);
    this.runNext();
  }

  /** Runs calls one at a time, like a worker's single thread. */
  private runNext(): void {
    if (this.running || this.terminated) return;
    const call = this.backlog.shift();
    if (!call) return;
    this.running = true;
    const recvAt = this.host.clock.now();
    const reply = this.host.script(call);
    if (reply !== 'hang' && !('result' in reply)) reply.result = (call.args[0] as number | undefined) ?? null;
    if (reply === 'hang') return; // stays running: only terminate() ends it
    const execMs = reply.execMs ?? 0;
    this.host.clock.setTimer(() => {
      if (this.terminated) return;
      this.running = false;
      this.answer(call, reply, recvAt, execMs);
      this.runNext();
    }, execMs);
  }

  private answer(call: FakeCall, reply: Exclude<FakeReply, 'hang'>, recvAt: number, execMs: number): void {
    if (!this.modules.has(call.mod)) {
      this.hold.flush();
      this.port!.postMessage({
        t: 'done',
        id: call.id,
        outcome: 'error',
        error: 'internal: module not loaded',
        result: undefined,
        logs: [],
        instance: 'new',
        recvAt,
        instantiateMs: 0,
        execMs: 0,
        memoryBytes: 0,
      } satisfies DoneMessage);
      return;
    }
    const reused = call.reuse && this.live.has(call.mod);
    // A spare made ahead (0.25 ms, off the call's path) is handed over in 0.01 ms.
    const ahead = !call.reuse && call.ahead && this.spare === call.mod ? FAKE_AHEAD_MS : null;
    if (!call.reuse) this.spare = call.ahead ? call.mod : null;
    const instantiateMs = reused ? 0 : ahead !== null ? 0.01 : 0.5;
    const outcome = reply.outcome ?? 'ok';
    if (call.reuse && !reply.exhausted) this.live.add(call.mod);
    if (outcome !== 'ok' || reply.exhausted || call.wasi) {
      const done: DoneMessage = {
        t: 'done',
        id: call.id,
        outcome,
        result: outcome === 'ok' ? (reply.result ?? null) : undefined,
        error: reply.error,
        logs: [],
        instance: reused ? 'reused' : 'new',
        recvAt,
        instantiateMs,
        execMs,
        memoryBytes: 65536,
      };
      if (ahead !== null) done.aheadMs = ahead;
      if (reply.exhausted) done.exhausted = true;
      this.hold.flush();
      this.port!.postMessage(done);
      return;
    }
    const tuple: DoneTuple = [
      call.id,
      reply.result ?? null,
      recvAt,
      instantiateMs,
      execMs,
      65536,
      reused ? 1 : 0,
      ahead,
      this.host.clock.now() - (reply.replyMs ?? 0),
    ];
    this.hold.answer(tuple, call.more, instantiateMs + execMs);
  }
}

/** The worker factory handed to the platform in tests, and a view of every worker it made. */
export class FakeWorkers {
  readonly workers: FakeWorker[] = [];
  /** Every call any worker received, in order. */
  readonly received: FakeCall[] = [];
  /** Virtual time from spawn until the worker answers `attach`. */
  spawnMs = 20;
  /** Answers each call; by default `ok` at once, with the first argument as the result. */
  script: (call: FakeCall) => FakeReply = (c) => ({ result: (c.args[0] as number | undefined) ?? null });

  constructor(readonly clock: ManualClock) {}

  readonly spawn = (): FakeWorker => {
    const w = new FakeWorker(this.workers.length + 1, this);
    this.workers.push(w);
    return w;
  };

  get alive(): FakeWorker[] {
    return this.workers.filter((w) => !w.terminated);
  }
}
