// The console API: `window.faas`, for teachers demoing from DevTools and for the tests.
import type { PlatformClient } from './platform/client';
import type {
  ArgValue,
  FunctionConfig,
  FunctionInfo,
  FunctionStats,
  Invocation,
  InvokeOptions,
  PlatformConfig,
  PoolSnapshot,
} from './platform/types';

export interface FaasApi {
  deploy(
    name: string,
    code: string | Uint8Array | ArrayBuffer,
    config?: Partial<FunctionConfig>,
  ): Promise<FunctionInfo>;
  invoke(name: string, args?: ArgValue[], options?: InvokeOptions): Promise<Invocation>;
  functions(): FunctionInfo[];
  stats(name: string): FunctionStats;
  invocations(name?: string): Invocation[];
  config(patch?: Partial<PlatformConfig>): PlatformConfig;
  undeploy(name: string): Promise<void>;
  /** Ends an invocation (queued or running) by id; resolves with whether there was one to end. */
  stop(id: number): Promise<boolean>;
  /** Ends every invocation of a function (or of all functions), queued or running; resolves with how many. */
  stopAll(name?: string): Promise<number>;
  /** The worker pool, from the page's mirror: at most a frame behind the platform worker. */
  pool(): PoolSnapshot;
  /** The worker pool as the platform worker has it after every command sent before this one. */
  syncPool(): Promise<PoolSnapshot>;
  /** The deployed module's bytes. */
  bytes(name: string): Uint8Array;
  clearHistory(): void;
}

export function createFaasApi(platform: PlatformClient): FaasApi {
  return Object.freeze({
    deploy: (name, code, config) => platform.deploy(name, code, config),
    // Calls typed in DevTools are 'console'; the gateway, built on this API, says 'http'.
    invoke: (name, args, options) => platform.invoke(name, args, { trigger: 'console', ...options }),
    functions: () => platform.functions(),
    stats: (name) => platform.stats(name),
    invocations: (name) => platform.invocations(name),
    config: (patch) => platform.config(patch),
    undeploy: (name) => platform.undeploy(name),
    stop: (id) => platform.stop(id),
    stopAll: (name) => platform.stopAll(name),
    pool: () => platform.pool(),
    syncPool: () => platform.syncPool(),
    bytes: (name) => platform.bytes(name),
    clearHistory: () => platform.clearHistory(),
  } satisfies FaasApi);
}
