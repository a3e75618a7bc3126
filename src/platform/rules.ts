// Small rules the platform and the page's client both apply, without pulling in the platform.
import { KEEP_ALIVE_POLICIES, type PlatformConfig, type Timings } from './types';

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
