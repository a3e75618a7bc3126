// The wire between the page's PlatformClient (src/platform/client.ts) and the PlatformHost
// (src/platform/host.ts) in the platform worker. Commands go in; updates come out in one ordered
// stream, so a reply is always applied after the events that came before it.
import type { InvokeBatch } from './invoke-wire';
import type { LoadResult, LoadSpec } from './load';
import type { PriceModel } from './metrics/billing';
import type { RecordBatch } from './record-wire';
import type {
  ArgValue,
  FunctionInfo,
  Invocation,
  InvokeOptions,
  PlatformConfig,
  PoolSnapshot,
} from './types';

/** Platform methods the host runs for a `call` command (answered by `ret` or `err`). */
export type HostMethod =
  | 'deploy'
  | 'reconfigure'
  | 'undeploy'
  | 'config'
  | 'stop'
  | 'stopAll'
  | 'clearHistory'
  | 'restoreHistory'
  | 'persistHistory'
  | 'loadStart'
  | 'loadStop'
  | 'loadCancel'
  | 'pool';

export type Command =
  /** `track`: the caller wants the id at once and the call's streamed output (the Run panel). */
  | { k: 'invoke'; ticket: number; fn: string; args: ArgValue[]; options: InvokeOptions; track: boolean }
  /** A run of invokes with numeric arguments and no options beyond trigger and export, packed (invoke-wire.ts). */
  | { k: 'invokes'; batch: InvokeBatch }
  | { k: 'call'; ticket: number; method: HostMethod; args: unknown[] }
  /** Testing and diagnostics: throw an uncaught error in the platform worker. */
  | { k: 'crash' };

/** Where the page keeps its invocation history: the IndexedDB database and how many records it holds. */
export interface HistoryTarget {
  name: string;
  historyLimit: number;
}

/**
 * Writes settled records into the page's history store from the platform worker, so that the
 * IndexedDB work (a structured clone and a request per record) stays off the page's main thread.
 */
export interface HistorySink {
  append(target: HistoryTarget, invocations: Invocation[]): Promise<void>;
}

export interface LoadStartOptions {
  priceModel?: PriceModel;
  sampleEveryMs?: number;
}

/** New rows of a load run's columns since the last update. */
export type ColumnRows = Record<string, Float64Array>;

export interface LoadState {
  elapsedMs: number;
  plannedDurationMs: number | null;
  planned: number | null;
  issued: number;
  settled: number;
  inFlight: number;
}

export type Update =
  | {
      t: 'fns';
      infos: FunctionInfo[];
      /** Bytes and WAT of versions the page has not seen yet. */
      code: { name: string; version: number; bytes: Uint8Array; wat: string | null }[];
    }
  /**
   * Settled records, in order, packed (record-wire.ts); each carries the ticket of the client
   * invoke waiting for it, if one is.
   */
  | { t: 'invs'; batch: RecordBatch }
  | { t: 'id'; ticket: number; id: number }
  | { t: 'fail'; ticket: number; error: WireError }
  | { t: 'out'; id: number; fn: string; fd: 1 | 2; chunk: Uint8Array }
  | { t: 'pool'; pool: PoolSnapshot }
  | { t: 'config'; config: PlatformConfig }
  | { t: 'cleared' }
  | { t: 'ret'; ticket: number; value: unknown }
  | { t: 'err'; ticket: number; error: WireError }
  | { t: 'load'; lid: number; samples: ColumnRows; completions: ColumnRows; state: LoadState }
  | { t: 'loadDone'; lid: number; result: LoadResult };

export interface WireError {
  name: string;
  message: string;
  diagnostics?: unknown;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof Error) {
    const out: WireError = { name: err.name, message: err.message };
    const diags = (err as { diagnostics?: unknown }).diagnostics;
    if (diags !== undefined) out.diagnostics = diags;
    return out;
  }
  return { name: 'Error', message: String(err) };
}

/** An Error with the original's name and message (RangeError and TypeError keep their class). */
export function fromWireError(w: WireError): Error {
  const err =
    w.name === 'RangeError'
      ? new RangeError(w.message)
      : w.name === 'TypeError'
        ? new TypeError(w.message)
        : new Error(w.message);
  if (err.name !== w.name) err.name = w.name;
  if (w.diagnostics !== undefined) (err as { diagnostics?: unknown }).diagnostics = w.diagnostics;
  return err;
}

export type { LoadSpec };
