// The user's workspace: what is saved, exported and shared. Framework-free.
import type { FunctionConfig, PlatformConfig } from '../platform/types';

/** wabt feature flags the editor compiles with (names as wabt spells them). */
export type FeatureFlags = Record<string, boolean>;

export interface WorkspaceFunction {
  name: string;
  /** WAT text, or the raw module bytes for an uploaded .wasm. */
  source: { kind: 'wat'; text: string } | { kind: 'wasm'; bytes: Uint8Array };
  config: FunctionConfig;
  /** Export selected in the Run panel and the argument strings typed for it. */
  run?: { export?: string; args?: string[] };
  /** WASI inputs (argv after argv[0], env, stdin, files) kept with the function. */
  wasi?: {
    argv?: string[];
    env?: Record<string, string>;
    stdin?: string;
    files?: Record<string, Uint8Array>;
  };
  /** Set on a function that came from a share link and has not been kept yet. */
  shared?: boolean;
}

export interface Workspace {
  functions: WorkspaceFunction[];
  platform: PlatformConfig;
  features: FeatureFlags;
  /** Name of the function open in the editor. */
  open: string | null;
}
