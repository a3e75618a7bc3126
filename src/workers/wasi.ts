// WASI preview 1 for nanoprocesses. The seam the worker uses; implemented with
// @bjorn3/browser_wasi_shim (see the WASI issue).
import type { WasiInput } from '../platform/wire';

export interface WasiFinish {
  /** Set when the program called proc_exit or returned from _start. */
  exitCode: number | undefined;
  exited: boolean;
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** Files the program created or changed, path → bytes. */
  files: Record<string, Uint8Array>;
}

export interface WasiRun {
  moduleName: string;
  imports: Record<string, WebAssembly.ImportValue>;
  attach(instance: WebAssembly.Instance, memory: WebAssembly.Memory | null): void;
  /** New argv/env/stdin/files for the next invocation on a reused instance. */
  reset(input: WasiInput | null): void;
  call(fn: (...args: unknown[]) => unknown, args: unknown[]): unknown;
  finish(): WasiFinish;
}

export function createWasi(_input: WasiInput | null, _onOutput: (fd: 1 | 2, chunk: Uint8Array) => void): WasiRun {
  throw new Error('WASI programs are not supported yet');
}
