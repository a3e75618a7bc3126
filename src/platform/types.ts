// The platform's public vocabulary. Framework-free: no Svelte, no DOM.

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';
export type ExternKind = 'function' | 'table' | 'memory' | 'global' | 'tag';

export interface FuncSignature {
  params: ValType[];
  results: ValType[];
}

export interface MemoryLimits {
  /** Initial size in 64 KiB pages. */
  initialPages: number;
  /** Declared maximum in pages, or null when the module declares none. */
  maximumPages: number | null;
  shared: boolean;
  memory64: boolean;
}

export interface TableLimits {
  elementType: ValType;
  initial: number;
  maximum: number | null;
}

export interface GlobalType {
  type: ValType;
  mutable: boolean;
}

export interface ImportInfo {
  module: string;
  name: string;
  kind: ExternKind;
  signature?: FuncSignature;
  memory?: MemoryLimits;
  table?: TableLimits;
  global?: GlobalType;
}

export interface ExportInfo {
  name: string;
  kind: ExternKind;
  index: number;
  signature?: FuncSignature;
  memory?: MemoryLimits;
  table?: TableLimits;
  global?: GlobalType;
}

export interface SectionInfo {
  id: number;
  /** 'type', 'import', … or the custom section's own name for id 0. */
  name: string;
  /** Byte offset of the section's id byte. */
  offset: number;
  /** Size of the section's payload in bytes. */
  size: number;
  /** Number of entries for vector sections, else null. */
  count: number | null;
}

/** What a function's module is, as far as the platform cares. */
export type ModuleKind = 'plain' | 'wasi-command' | 'wasi-reactor';

export interface ModuleInfo {
  sizeBytes: number;
  sections: SectionInfo[];
  imports: ImportInfo[];
  exports: ExportInfo[];
  /** Memories the module defines itself (not imported). */
  memories: MemoryLimits[];
  /** Memory the module imports, if any. */
  importedMemory: (MemoryLimits & { module: string; name: string }) | null;
  tables: TableLimits[];
  hasStart: boolean;
  kind: ModuleKind;
}

export type InstancePolicy = 'fresh' | 'reuse';

export interface FunctionConfig {
  timeoutMs: number;
  memoryMiB: number;
  instance: InstancePolicy;
  /** Export invoked when none is named; defaults to `_start` or the only exported function. */
  entry?: string;
  /** Rewrite the module at deploy to count the instructions each invocation runs. */
  meter?: boolean;
  /** Instructions one invocation may run before it ends as `out-of-fuel` (metered functions). */
  fuelLimit?: number;
  /**
   * Provisioned concurrency: this many workers keep the function's module loaded at all times,
   * ahead of any call and past the keep-alive, so up to this many calls at once start warm.
   */
  provisioned?: number;
}

export interface FunctionInfo {
  name: string;
  version: number;
  /** 'wat' when deployed from text, 'wasm' when from bytes. */
  source: 'wat' | 'wasm';
  kind: ModuleKind;
  entry: string;
  config: FunctionConfig;
  module: ModuleInfo;
  /** Memory limits after the platform applied the cap. */
  memory: { declaredMaxPages: number | null; effectiveMaxPages: number; capPages: number } | null;
  deployedAt: number;
  /** Whether the deployed module counts instructions; false with `meterNote` when metering was asked for but failed. */
  metered?: boolean;
  /** Why a function deployed with `meter: true` runs unmetered. */
  meterNote?: string;
  /** Deploy-time cost of metering (ms): the rewrite, and compiling the unmetered module for comparison. */
  meterCost?: { instrumentMs: number; compileMs: number };
}

export type Outcome = 'ok' | 'trap' | 'timeout' | 'memory-limit' | 'out-of-fuel' | 'throttled' | 'error';
export const OUTCOMES: readonly Outcome[] = [
  'ok',
  'trap',
  'timeout',
  'memory-limit',
  'out-of-fuel',
  'throttled',
  'error',
];

export interface Timings {
  queue: number;
  spawn: number;
  compile: number;
  instantiate: number;
  exec: number;
  total: number;
  /**
   * The answer's trip back from the nanoprocess to the platform (posted → received), when the
   * worker stamped it. Inside `total`.
   */
  reply?: number;
  /**
   * The instance this call ran on was made ahead, while the worker was idle (pre-instantiation):
   * what making it took. Not on the call's path, so not inside `total`; `instantiate` is then
   * only handing it over.
   */
  ahead?: number;
  /**
   * HTTP calls only: from the gateway receiving the request (the service worker's receipt) to the
   * platform enqueueing the call — routing, reading the body, typing the arguments, and the hops
   * between them. It comes before `total` and is not part of it.
   */
  gateway?: number;
}

export type ArgValue = number | bigint | string;
export type ResultValue = number | bigint | null | Array<number | bigint | null>;

/** Files are given and returned as path → bytes (strings are UTF-8 encoded). */
export type FileMap = Record<string, Uint8Array>;

/** A file's content (strings are UTF-8 encoded), an empty directory, or a symlink and its target. */
export type WasiFileOption = string | Uint8Array | { directory: true } | { symlink: string };

export interface WasiOptions {
  argv?: string[];
  env?: Record<string, string>;
  /** Read as a pipe: these bytes, then end of file (nothing given: end of file at once). */
  stdin?: string | Uint8Array;
  files?: Record<string, WasiFileOption>;
  /** Names the files' root directory is preopened under; default ["/", "."]; [] for none. */
  preopens?: string[];
}

/** How an invocation arrived: the UI, `window.faas`, the load generator or the HTTP gateway. */
export type Trigger = 'ui' | 'console' | 'load' | 'http';
export const TRIGGERS: readonly Trigger[] = ['ui', 'console', 'load', 'http'];

export interface InvokeOptions extends WasiOptions {
  export?: string;
  /** Where the call came from (recorded on the invocation); 'console' when not given. */
  trigger?: Trigger;
  /** Epoch ms when the request reached the HTTP gateway; recorded as `timings.gateway`. */
  receivedAt?: number;
}

export interface Invocation {
  id: number;
  fn: string;
  version: number;
  export: string;
  args: ArgValue[];
  /** How it arrived; records saved before triggers existed have none. */
  trigger?: Trigger;
  start: 'cold' | 'warm';
  instance: 'new' | 'reused';
  outcome: Outcome;
  result: ResultValue | undefined;
  error?: string;
  logs: string[];
  timings: Timings;
  memoryBytes: number;
  worker: number | null;
  /** Epoch ms when the invocation was enqueued (performance.timeOrigin based). */
  enqueuedAt: number;
  /** Epoch ms when it settled. */
  endedAt: number;
  /** Instructions this invocation ran (metered functions): exact and deterministic. */
  instructions?: number;
  /** How a timeout ended: the module stopped itself at its deadline check, or the worker was terminated. */
  timeoutBy?: 'trap' | 'terminate';
  /**
   * Why the platform ran it on another worker than the one it was first sent to (or spawned for):
   * that worker ran out of address space for Wasm memories, ended while the call waited in it, or
   * never came up. Such a call may start cold through no choice of its own.
   */
  retried?: string;
  /** WASI fields, present for WASI commands and reactors. */
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  stdoutBytes?: Uint8Array;
  stderrBytes?: Uint8Array;
  files?: FileMap;
}

/**
 * How long an idle function stays loaded: `fixed` keeps it keepAliveMs after its last call (the
 * default); `none` unloads it when its call ends; `histogram` learns each function's idle times
 * and pre-warms and keeps alive around the predicted next call (src/platform/keepalive.ts).
 */
export type KeepAlivePolicy = 'fixed' | 'none' | 'histogram';
export const KEEP_ALIVE_POLICIES: readonly KeepAlivePolicy[] = ['fixed', 'none', 'histogram'];

export interface PlatformConfig {
  maxWorkers: number;
  prewarm: number;
  keepAliveMs: number;
  keepAlivePolicy: KeepAlivePolicy;
  maxQueue: number;
  /** How many invocation records are kept (ring buffer). */
  historyLimit: number;
  /**
   * After a `fresh` call, the worker makes that module's next instance while it is idle, so the
   * next warm call does not wait for instantiation (timings.ahead says how long it took).
   */
  preinstantiate: boolean;
}

export interface PercentileSummary {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface FunctionStats {
  fn: string;
  invocations: number;
  outcomes: Record<Outcome, number>;
  cold: number;
  warm: number;
  total: PercentileSummary;
  exec: PercentileSummary;
  maxMemoryBytes: number;
  /** memoryMiB/1024 × exec seconds, summed. */
  gbSeconds: number;
  /** Instructions per call over metered invocations, and their sum; absent when none was metered. */
  instructions?: PercentileSummary & { total: number; calls: number };
}

export type WorkerState = 'spawning' | 'idle' | 'busy' | 'terminating';

export interface WorkerSnapshot {
  id: number;
  state: WorkerState;
  /** Functions (name@version) whose modules this worker holds. */
  modules: string[];
  inFlight: number;
  idleSinceMs: number | null;
}

export interface PoolSnapshot {
  workers: WorkerSnapshot[];
  queueLength: number;
  inFlight: number;
  /**
   * Idle worker-milliseconds since the platform started: summed over workers, the time each spent
   * ready and idle while holding a module (the memory keeping functions warm costs).
   */
  idleWorkerMs: number;
}

export const DEFAULT_FUNCTION_CONFIG: FunctionConfig = {
  timeoutMs: 5000,
  memoryMiB: 64,
  instance: 'fresh',
};

export const DEFAULT_PLATFORM_CONFIG: PlatformConfig = {
  maxWorkers: 4,
  prewarm: 1,
  keepAliveMs: 60_000,
  keepAlivePolicy: 'fixed',
  maxQueue: 10_000,
  historyLimit: 100_000,
  preinstantiate: true,
};

export const WASM_PAGE_BYTES = 65536;
