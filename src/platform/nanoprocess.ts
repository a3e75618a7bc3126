// One nanoprocess: owns its Worker, its Comlink control channel and its lean invoke port.
// Comlink has no timeouts and leaves promises pending after terminate(), so this class
// is the only place that talks to the worker and it settles everything it started.
import { wrap, transfer, releaseProxy, type Endpoint, type Remote } from 'comlink';
import type { NanoprocessApi } from '../workers/nanoprocess.worker';
import type { Clock } from './clock';
import type {
  DoneMessage,
  DoneTuple,
  FromWorker,
  FromWorkerPort,
  InstanceCode,
  InvTuple,
  ModuleMeta,
  ToWorker,
  WasiInput,
} from './wire';
import { expandDone, sameWasiInput } from './wire';

/**
 * What a nanoprocess needs of its worker: Comlink's endpoint (postMessage and message listeners),
 * its error event and terminate(). A Web Worker is one; tests pass a fake (src/platform/testing).
 */
export type WorkerEndpoint = Endpoint & { terminate(): void };

/**
 * How long past its timeout a metered call may take to stop itself (its deadline check runs every
 * FUEL_SLICE instructions) before the worker is terminated anyway, e.g. inside a blocking host call.
 */
export const METERED_GRACE_MS = 100;

export class NanoprocessGone extends Error {
  constructor(readonly reason: string) {
    super(`nanoprocess ended: ${reason}`);
    this.name = 'NanoprocessGone';
  }
}

/** An invocation handed to this nanoprocess; settled by `done` or by the process ending. */
export interface Dispatched {
  id: number;
  mod: number;
  export: string;
  args: unknown[];
  reuse: boolean;
  /** A fresh call whose worker makes the module's next instance ahead (PlatformConfig.preinstantiate). */
  ahead: boolean;
  wasi: WasiInput | null;
  timeoutMs: number;
  /** Metered modules check their own deadline; terminate() is then only the fallback, after a grace period. */
  metered: { fuelLimit: number } | null;
  sentAt: number;
  /** The module travelled with this invocation (a cold start). */
  transferred: boolean;
  /** Estimated worker time, used to decide how much to pipeline behind it. */
  estimateMs: number;
  /** Sent in a message of its own (a retried call): no answer is held around it (wire.ReplyHold). */
  alone?: boolean;
  /** Which message carried it to the worker (set by dispatch): calls of one batch share it. */
  batch?: number;
  onDone(msg: DoneMessage): void;
  onOutput?(fd: 1 | 2, chunk: Uint8Array): void;
  /** The process ended before this call finished. `started` says whether it was running. */
  onGone(reason: 'timeout' | 'stopped' | 'crashed', started: boolean, detail: string): void;
}

export interface NanoprocessHooks {
  /** A call finished and the process can take more. */
  onSettled(np: Nanoprocess): void;
  /** The process is gone (timeout, stop, crash, reap). */
  onEnded(np: Nanoprocess): void;
}

export type NanoprocessState = 'spawning' | 'ready' | 'ended';

export class Nanoprocess {
  state: NanoprocessState = 'spawning';
  /** Modules held in the worker: module id → last use (epoch ms). */
  readonly modules = new Map<number, number>();
  /** Calls sent and not yet answered, oldest first: the worker runs them in this order. */
  readonly inFlight: Dispatched[] = [];
  idleSince: number;
  spawnMs = 0;
  readonly ready: Promise<void>;

  private readonly worker: WorkerEndpoint;
  private readonly remote: Remote<NanoprocessApi>;
  private port: MessagePort | null = null;
  private timer: unknown = null;
  /** Deadline (epoch ms) of the call at the head of inFlight. */
  private deadline = Infinity;
  private timerAt = Infinity;
  private headId = -1;
  private endedReason: string | null = null;
  /** The module of the call blamed for ending this worker (its timeout, crash or Stop), if one was. */
  endedBy: number | null = null;
  private rejectReady: ((e: Error) => void) | null = null;
  backlogMs = 0;
  /** Set while the platform tops this worker's pipeline up in one pump pass. */
  refilling = false;
  /** Unmetered invocations dispatched in this task, posted together in a microtask. */
  private outbox: InvTuple[] = [];
  /** Counts the messages that carried calls: the number of the next one. */
  private batchSeq = 0;
  /** The last WASI input sent whole on the invoke port: the worker keeps it for calls marked "same". */
  private lastWasi: WasiInput | null = null;
  /** Idle time spent holding a module: what closed idle spells add up to, and when the open one began. */
  private heldIdleMs = 0;
  private heldIdleSince: number | null = null;

  constructor(
    readonly id: number,
    spawn: () => WorkerEndpoint,
    private readonly hooks: NanoprocessHooks,
    private readonly clock: Clock,
  ) {
    const t0 = clock.now();
    this.idleSince = t0;
    this.worker = spawn();
    this.worker.addEventListener('error', (ev) => {
      const err = ev as ErrorEvent;
      err.preventDefault?.();
      this.end('crashed', `the worker crashed: ${err.message || 'unknown error'}`);
    });
    this.remote = wrap<NanoprocessApi>(this.worker);
    const channel = new MessageChannel();
    const ended = new Promise<never>((_, reject) => (this.rejectReady = reject));
    ended.catch(() => {});
    this.ready = Promise.race([this.remote.attach(transfer(channel.port2, [channel.port2])), ended]).then(
      () => {
        if (this.state !== 'spawning') return;
        this.port = channel.port1;
        this.port.onmessage = (ev: MessageEvent<FromWorkerPort>) => {
          const msg = ev.data;
          if (!Array.isArray(msg)) this.receive(msg);
          else if (Array.isArray(msg[0])) for (const d of msg as DoneTuple[]) this.receive(expandDone(d));
          else this.receive(expandDone(msg as DoneTuple));
        };
        this.spawnMs = this.clock.now() - t0;
        this.state = 'ready';
        this.idleSince = this.clock.now();
        this.trackIdle();
      },
    );
  }

  get busy(): boolean {
    return this.inFlight.length > 0;
  }

  holds(mod: number): boolean {
    return this.modules.has(mod);
  }

  /** `warm`: instantiate it too, for a function that keeps its instance (a keep-alive pre-warm). */
  preload(mod: number, module: WebAssembly.Module, meta: ModuleMeta, warm = false): void {
    this.send(warm ? { t: 'load', mod, module, meta, warm } : { t: 'load', mod, module, meta });
    this.modules.set(mod, this.clock.now());
    this.trackIdle();
  }

  evict(mod: number): void {
    if (!this.modules.delete(mod)) return;
    if (this.state === 'ready') this.send({ t: 'evict', mod });
    this.trackIdle();
  }

  /** Ready, idle and holding a module: the memory a keep-alive policy pays for. */
  private get holdingIdle(): boolean {
    return this.state === 'ready' && this.inFlight.length === 0 && this.modules.size > 0;
  }

  /** Opens or closes an idle spell after anything that changes `holdingIdle`. */
  private trackIdle(): void {
    const now = this.clock.now();
    if (this.holdingIdle) this.heldIdleSince ??= now;
    else if (this.heldIdleSince !== null) {
      this.heldIdleMs += now - this.heldIdleSince;
      this.heldIdleSince = null;
    }
  }

  /** Milliseconds this process has spent ready and idle while holding a module, up to `now`. */
  idleHeldMs(now: number): number {
    return this.heldIdleMs + (this.heldIdleSince === null ? 0 : Math.max(0, now - this.heldIdleSince));
  }

  /** Sends an invocation; the module must have been loaded on this process before. */
  dispatch(call: Dispatched): void {
    this.inFlight.push(call);
    this.backlogMs += call.estimateMs;
    this.modules.set(call.mod, call.sentAt);
    this.trackIdle();
    if (call.metered === null) {
      const instance: InstanceCode = call.reuse ? 1 : call.ahead ? 2 : 0;
      const tuple: InvTuple =
        call.wasi === null
          ? [call.id, call.mod, call.export, instance, call.sentAt, call.args]
          : [call.id, call.mod, call.export, instance, call.sentAt, call.args, this.wasiOnWire(call.wasi)];
      // A retried call goes alone: the worker holds no answer while it runs (see end()).
      if (call.alone) this.flush();
      call.batch = this.batchSeq;
      this.outbox.push(tuple);
      if (call.alone) this.flush();
      // An idle worker starts at once: the platform's bookkeeping for this call (events, pool
      // top-up, the caller's ticket) then overlaps the hop instead of delaying it. Calls that
      // queue behind a running one still go out together at the end of the task.
      if (this.inFlight.length === 1 && this.outbox.length === 1) this.flush();
      else if (this.outbox.length === 1) queueMicrotask(() => this.flush());
    } else {
      if (call.wasi !== null) this.lastWasi = call.wasi;
      this.send({
        t: 'inv',
        id: call.id,
        mod: call.mod,
        export: call.export,
        args: call.args,
        reuse: call.reuse,
        ahead: call.ahead,
        sentAt: call.sentAt,
        wasi: call.wasi,
        ...(call.metered && { fuelLimit: call.metered.fuelLimit, timeoutMs: call.timeoutMs }),
      });
      call.batch = this.batchSeq++;
    }
    if (this.inFlight.length === 1) this.armHead(call.sentAt);
  }

  /** The input whole, or 0 when it equals the last one this port carried (the worker keeps that one). */
  private wasiOnWire(wasi: WasiInput): WasiInput | 0 {
    if (this.lastWasi !== null && sameWasiInput(wasi, this.lastWasi)) return 0;
    this.lastWasi = wasi;
    return wasi;
  }

  /**
   * Ends the process: terminate() is the only way to stop a running Wasm call. `headRunning` is
   * false when the call at the head of the line has not started (nothing is running).
   */
  end(
    reason: 'timeout' | 'stopped' | 'crashed' | 'reaped',
    detail: string = reason,
    headRunning = true,
  ): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.trackIdle();
    this.endedReason = detail;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    this.worker.terminate();
    this.port?.close();
    this.remote[releaseProxy]();
    this.rejectReady?.(new NanoprocessGone(detail));
    // With another call of its batch behind it, the head may have finished with its answer held
    // (wire.ReplyHold) while a later one ran: which one was running is unknown, so none is blamed
    // and all go back in line (the scheduler then sends each alone, where it can be placed).
    const second = this.inFlight[1];
    const placed = headRunning && !(second && this.mayBeRunning(second.id));
    if (placed && reason !== 'reaped') this.endedBy = this.inFlight[0]?.mod ?? null;
    const calls = this.inFlight.splice(0);
    this.backlogMs = 0;
    const why = reason === 'reaped' ? 'crashed' : reason;
    calls.forEach((c, i) => c.onGone(why, placed && i === 0, detail));
    this.hooks.onEnded(this);
  }

  /**
   * The call may be the one running: it is the head of the line, or went to the worker in the
   * head's batch, whose answers may be held while a later one runs (wire.ReplyHold).
   */
  mayBeRunning(id: number): boolean {
    const head = this.inFlight[0];
    return head !== undefined && this.inFlight.some((c) => c.id === id && c.batch === head.batch);
  }

  /** Ask the worker what it holds (for the live pool view); never hangs. */
  async describe(): Promise<{ modules: string[]; live: string[] } | null> {
    if (this.state !== 'ready') return null;
    const gone = new Promise<null>((resolve) => this.clock.setTimer(() => resolve(null), 500));
    return Promise.race([this.remote.describe(), gone]).catch(() => null);
  }

  get reason(): string | null {
    return this.endedReason;
  }

  /** Posts the pending unmetered invocations: one tuple, or an array of them. */
  private flush(): void {
    const box = this.outbox;
    this.outbox = [];
    if (this.state === 'ended' || box.length === 0) return;
    this.batchSeq++;
    this.port!.postMessage(box.length === 1 ? box[0] : box);
  }

  private send(msg: ToWorker): void {
    if (this.outbox.length) this.flush(); // keep order: a load or evict never overtakes earlier calls
    this.port!.postMessage(msg);
  }

  /** The head call's clock starts when the worker can start it: on dispatch or when the previous one ends. */
  private armHead(from: number): void {
    const head = this.inFlight[0];
    if (!head) {
      this.deadline = Infinity;
      this.headId = -1;
      return;
    }
    this.headId = head.id;
    this.deadline = from + head.timeoutMs + (head.metered ? METERED_GRACE_MS : 0);
    // One timer per process, re-armed lazily: no clearTimeout churn at thousands of calls a second.
    // It only moves earlier when the new head's deadline comes before the armed one.
    if (this.timer !== null && this.deadline < this.timerAt) {
      this.clock.clearTimer(this.timer);
      this.timer = null;
    }
    if (this.timer === null) this.schedule(this.deadline - this.clock.now());
  }

  private schedule(ms: number): void {
    this.timerAt = this.clock.now() + ms;
    this.timer = this.clock.setTimer(
      () => {
        this.timer = null;
        if (this.state === 'ended' || this.headId === -1) return;
        const left = this.deadline - this.clock.now();
        if (left <= 0.5) {
          const head = this.inFlight[0];
          this.end('timeout', `timed out after ${head?.timeoutMs ?? 0} ms`);
        } else this.schedule(left);
      },
      Math.max(0, ms),
    );
  }

  private receive(msg: FromWorker): void {
    if (msg.t === 'out') {
      const call = this.inFlight.find((c) => c.id === msg.id);
      call?.onOutput?.(msg.fd, msg.chunk);
      return;
    }
    const head = this.inFlight[0];
    if (!head || head.id !== msg.id) return; // answer from a call already settled elsewhere
    this.inFlight.shift();
    this.backlogMs = Math.max(0, this.backlogMs - head.estimateMs);
    const now = this.clock.now();
    this.armHead(now);
    if (this.inFlight.length === 0) this.idleSince = now;
    this.trackIdle();
    head.onDone(msg);
    this.hooks.onSettled(this);
  }
}
