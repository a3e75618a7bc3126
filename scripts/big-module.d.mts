// Types for scripts/big-module.mjs, so TypeScript files (e2e specs, unit tests) can import it.
export declare function bigModule(options?: {
  /** Defined functions (default 30,000). */
  functions?: number;
  /** Bytes in the one data segment (default 12 MiB). */
  dataBytes?: number;
  seed?: number;
  /** Write a name section with function names (default true). */
  names?: boolean;
}): Uint8Array;
