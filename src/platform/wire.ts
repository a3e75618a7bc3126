// Messages on the lean invoke port between the platform and a nanoprocess worker.
// Comlink carries the control calls (attach, describe); invocations take this path
// because Comlink's per-call proxy bookkeeping would cost more than the call itself.
// Type-only: both realms import it, neither pulls code from the other.

import type { ModuleKind, Outcome, ResultValue } from './types';

/** What a worker needs to know to instantiate a module. */
export interface ModuleMeta {
  /** Display name, e.g. "sum@3". */
  label: string;
  kind: ModuleKind;
  /** Memory cap in pages; the limit the platform enforces. */
  capPages: number;
  /** The memory the module imports from the host, if any. */
  importedMemory: { module: string; name: string; initialPages: number; shared: boolean } | null;
  /** Whether the cap (not the module's own declared maximum) is the binding limit. */
  capBinds: boolean;
  /** Host imports the module asks for, as "module.name". */
  imports: string[];
  /** Set when the module was rewritten for metering (meter.ts). */
  meter: MeterMeta | null;
  /** The module has a start function (it runs at instantiation, so it belongs to a call). */
  hasStart: boolean;
}

export interface MeterMeta {
  importModule: string;
  importName: string;
  fuelExport: string;
}

/** A file's bytes, an empty directory, or a symlink (its target, relative to the link). */
export type WasiEntry = Uint8Array | { directory: true } | { symlink: string };

export interface WasiInput {
  argv: string[];
  env: Record<string, string>;
  /** Read as a pipe: these bytes, then end of file. */
  stdin: Uint8Array | null;
  files: Record<string, WasiEntry>;
  /** Names the root directory is preopened under; absent: "/" and "."; empty: none. */
  preopens?: string[];
}

export type ToWorker =
  /** `warm`: also make the instance a `reuse` call keeps (a keep-alive pre-warm), so the next call finds it. */
  | { t: 'load'; mod: number; module: WebAssembly.Module; meta: ModuleMeta; warm?: boolean }
  | { t: 'evict'; mod: number }
  | {
      t: 'inv';
      id: number;
      mod: number;
      export: string;
      args: unknown[];
      reuse: boolean;
      /** A fresh call: make the module's next instance ahead once the worker is idle (pre-instantiation). */
      ahead?: boolean;
      /** Epoch ms (timeOrigin + now) when the platform posted the message. */
      sentAt: number;
      wasi: WasiInput | null;
      /** Metered modules only: instructions allowed (Infinity for no limit) and the timeout the module checks itself. */
      fuelLimit?: number;
      timeoutMs?: number;
    };

export interface DoneMessage {
  t: 'done';
  id: number;
  outcome: Outcome;
  result: ResultValue | undefined;
  error?: string;
  logs: string[];
  instance: 'new' | 'reused';
  /** The new instance was made ahead while the worker was idle: what making it took (ms). */
  aheadMs?: number;
  /** Epoch ms when the worker began handling the invocation. */
  recvAt: number;
  /** Epoch ms when the worker posted this answer (its trip back is timings.reply). */
  postedAt?: number;
  instantiateMs: number;
  execMs: number;
  memoryBytes: number;
  /** Instructions the call ran, for metered modules. */
  instructions?: number;
  /** Instantiation failed because this worker ran out of Wasm memory reservations, not the function. */
  exhausted?: boolean;
  exitCode?: number;
  stdout?: Uint8Array;
  stderr?: Uint8Array;
  files?: Record<string, Uint8Array>;
}

/** A chunk of stdout/stderr streamed while a WASI program runs. */
export interface OutputMessage {
  t: 'out';
  id: number;
  fd: 1 | 2;
  chunk: Uint8Array;
}

export type FromWorker = DoneMessage | OutputMessage;

/**
 * Compact forms for the hot path: structured clone pays per property, so an unmetered invocation
 * travels as a tuple and comes back as one when it ended ok without logs. A WASI call that ended
 * ok without logs and changed no files comes back as one too, with its exit code and its output
 * (copied, not transferred: a small transfer costs more than the copy); a 20-property object with
 * transferred buffers took 0.08 ms more on the way back than the tuple (bench/scenarios/wasi.mjs).
 * Several InvTuples dispatched in the same task travel as one array of them.
 */
/** The instance a call runs on: 0 a new one, 1 the kept one (`reuse`), 2 a new one, and the next made ahead. */
export type InstanceCode = 0 | 1 | 2;
type InvHead = [
  id: number,
  mod: number,
  exportName: string,
  instance: InstanceCode,
  sentAt: number,
  args: unknown[],
];
export type InvTuple =
  | InvHead
  /**
   * A WASI call (not metered): its argv, env, stdin and files as the seventh element, or 0 when
   * they equal the last input sent whole on this port (sameWasiInput), which the worker keeps.
   */
  | [...InvHead, wasi: WasiInput | 0];
export type DoneHead = [
  id: number,
  result: ResultValue | undefined,
  recvAt: number,
  instantiateMs: number,
  execMs: number,
  memoryBytes: number,
  reused: 0 | 1,
  /** ms the instance took to make ahead (pre-instantiation), or null when the call made its own. */
  aheadMs: number | null,
  postedAt: number,
];
export type DoneTuple =
  | DoneHead
  | [
      ...DoneHead,
      /** WASI: the exit code, or null when the program has not exited (a reactor). */
      exitCode: number | null,
      /** WASI: stdout and stderr, or null for none. */
      stdout: Uint8Array | null,
      stderr: Uint8Array | null,
    ];

/** What the worker posts on the invoke port: a done or output message, one DoneTuple, or several (ReplyHold). */
export type FromWorkerPort = FromWorker | DoneTuple | DoneTuple[];

/** Longest a finished call's answer waits for the answers of the calls after it in the same batch. */
export const REPLY_HOLD_MS = 0.5;

/**
 * The worker's side of the answers to a batch of calls (an array of InvTuples, sent when calls
 * queue behind a running one). Each answer is one message the platform's thread must wake for,
 * so the answers of short calls finishing back to back in one batch travel together: the answer
 * of a call that ran under `holdMs` waits while another call of the same batch runs next, for at
 * most `holdMs` after the oldest one waiting; everything waiting goes out at the end of the batch
 * and before any other message. Calls that run longer answer at once, as before.
 *
 * The wait is the answer's return transit (DoneHead.postedAt is stamped when the call ends, so
 * the record's `reply` time includes it). A call that runs long after a held answer keeps it
 * until it ends; the platform therefore never blames the first of a batch for a timeout it cannot
 * place (Nanoprocess.end), and sends a retried call on its own, where nothing is held around it.
 */
export class ReplyHold {
  private held: DoneTuple[] = [];
  private since = 0;

  constructor(
    private readonly post: (msg: DoneTuple | DoneTuple[]) => void,
    private readonly now: () => number,
    private readonly holdMs = REPLY_HOLD_MS,
  ) {}

  /** A finished call's answer; `more` when another call of the same batch runs next; `ranMs` its work. */
  answer(t: DoneTuple, more: boolean, ranMs: number): void {
    const held = this.held;
    if (more && ranMs < this.holdMs && (held.length === 0 || this.now() - this.since < this.holdMs)) {
      if (held.length === 0) this.since = this.now();
      held.push(t);
      return;
    }
    if (held.length === 0) return this.post(t);
    held.push(t);
    this.held = [];
    this.post(held);
  }

  /** Sends what is held: at the end of a batch, and before any other message (order is kept). */
  flush(): void {
    if (this.held.length === 0) return;
    const held = this.held;
    this.held = [];
    this.post(held);
  }

  get holding(): number {
    return this.held.length;
  }
}

export function expandDone(d: DoneTuple): DoneMessage {
  const msg: DoneMessage = {
    t: 'done',
    id: d[0],
    outcome: 'ok',
    result: d[1],
    logs: [],
    instance: d[6] ? 'reused' : 'new',
    recvAt: d[2],
    postedAt: d[8],
    instantiateMs: d[3],
    execMs: d[4],
    memoryBytes: d[5],
  };
  if (d[7] !== null) msg.aheadMs = d[7];
  if (d.length > 9) {
    if (d[9] !== null) msg.exitCode = d[9];
    msg.stdout = d[10] ?? new Uint8Array(0);
    msg.stderr = d[11] ?? new Uint8Array(0);
    msg.files = {};
  }
  return msg;
}

function sameStrings(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether an object has an enumerable key (without building the list Object.keys would). */
export function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/**
 * Whether a call's WASI input may travel as "the same as the last one": equal argv, env and
 * preopens, and neither has stdin or files. Bytes are never kept for a later call (a program may
 * change its files in place, and comparing them would cost what copying them does).
 */
export function sameWasiInput(a: WasiInput, b: WasiInput): boolean {
  if (a.stdin !== null || b.stdin !== null || hasKeys(a.files) || hasKeys(b.files)) return false;
  if (!sameStrings(a.argv, b.argv) || !sameStrings(a.preopens, b.preopens)) return false;
  const ka = Object.keys(a.env);
  if (ka.length !== Object.keys(b.env).length) return false;
  for (const k of ka) if (!Object.hasOwn(b.env, k) || a.env[k] !== b.env[k]) return false;
  return true;
}

/**
 * When a metered call's time starts in the worker (performance.now() of the worker's clock), so
 * that its deadline check fires no later than the platform's timer expects. The platform counts a
 * call's timeout from when it sent the call, or, for a call that waited in the worker behind
 * another, from the answer before it (Nanoprocess.armHead). Counted from when the call reached the
 * worker instead, a call that reached a starved worker late would stop itself late too, and lose
 * to the platform's fallback (terminate(), METERED_GRACE_MS after the timeout): a cold start for
 * the next call. `sentAt` is the platform's epoch stamp; `answeredAt` the worker's last answer.
 */
export function callStartedAt(sentAt: number, answeredAt: number, now: number, timeOrigin: number): number {
  return Math.min(now, Math.max(sentAt - timeOrigin, answeredAt));
}
