// Small rules the platform and the page's client both apply, without pulling in the platform.
import { KEEP_ALIVE_POLICIES, type PlatformConfig, type Timings } from './types';

/** Largest module the playground accepts; bigger uploads are refused before parsing. */
export const MAX_MODULE_BYTES = 32 * 1024 * 1024;
export const MAX_NAME_LENGTH = 128;
export const MAX_TIMEOUT_MS = 10 * 60_000;
export const MAX_MEMORY_MIB = 4096;
/** Largest fuel limit: below 2^53 so counts stay exact in a double. */
export const MAX_FUEL_LIMIT = 2 ** 52;
/** Most workers a function can keep provisioned (the pool's own limit; the pool caps it further). */
export const MAX_PROVISIONED = 64;

/**
 * `base`, or `base-2`, `base-3`, … : the first name `taken` does not hold (which then holds it).
 * How a function joins a workspace or a registry whose name it would otherwise take.
 */
export function uniqueName(taken: Set<string>, base: string): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}

export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeployError';
  }
}

/** `patch` applied to `cfg`, validated (throws RangeError); prewarm is capped at maxWorkers. */
export function applyConfig(cfg: PlatformConfig, patch: Partial<PlatformConfig>): PlatformConfig {
  const next = { ...cfg, ...patch };
  const int = (k: 'maxWorkers' | 'prewarm' | 'maxQueue' | 'historyLimit', min: number, max: number) => {
    const v = next[k];
    if (!Number.isInteger(v) || v < min || v > max)
      throw new RangeError(`${k} must be an integer from ${min} to ${max} (got ${v})`);
  };
  int('maxWorkers', 1, 64);
  int('prewarm', 0, 64);
  int('maxQueue', 0, 10_000_000);
  int('historyLimit', 1, 1_000_000);
  if (!Number.isFinite(next.keepAliveMs) || next.keepAliveMs < 0)
    throw new RangeError(`keepAliveMs must be ≥ 0`);
  if (!KEEP_ALIVE_POLICIES.includes(next.keepAlivePolicy))
    throw new RangeError(
      `keepAlivePolicy must be one of ${KEEP_ALIVE_POLICIES.join(', ')} (got ${String(next.keepAlivePolicy)})`,
    );
  if (typeof next.preinstantiate !== 'boolean')
    throw new RangeError(`preinstantiate must be true or false (got ${String(next.preinstantiate)})`);
  if (next.prewarm > next.maxWorkers) next.prewarm = next.maxWorkers;
  return next;
}

/** The error for a name no function has. */
export function notDeployed(name: string, deployed: Iterable<string>): Error {
  const names = [...deployed];
  return new Error(
    `No function named "${name}" is deployed${names.length ? ` (deployed: ${names.join(', ')})` : ''}`,
  );
}

export const ZERO_TIMINGS: Timings = { queue: 0, spawn: 0, compile: 0, instantiate: 0, exec: 0, total: 0 };
