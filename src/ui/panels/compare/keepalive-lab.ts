// The keep-alive lab: one seeded workload, periodic with jitter plus bursts, run under no
// keep-alive, a fixed keep-alive and the hybrid histogram policy in turn (runSides, as Compare
// runs A and B). Each policy becomes one point: the memory keeping functions warm costs (idle
// worker-seconds, as the platform reports them) against the cold starts it saves — the trade-off
// of Shahrad et al., "Serverless in the Wild" (USENIX ATC '20), on a time scale 600× shorter.
import type { LoadResult, LoadSpec } from '../../../platform/load';
import type { KeepAlivePolicy } from '../../../platform/types';
import type { CompareConfig } from './compare';

export interface LabSide {
  policy: KeepAlivePolicy;
  label: string;
  /** What the side changes over the current settings. Prewarm 0: no idle workers but the policy's. */
  set: Partial<CompareConfig>;
}

export const LAB_SIDES: readonly LabSide[] = [
  { policy: 'none', label: 'no keep-alive', set: { keepAlivePolicy: 'none', prewarm: 0 } },
  {
    policy: 'fixed',
    label: 'fixed 10 s',
    set: { keepAlivePolicy: 'fixed', keepAliveMs: 10_000, prewarm: 0 },
  },
  { policy: 'histogram', label: 'histogram', set: { keepAlivePolicy: 'histogram', prewarm: 0 } },
];

/** One call a second, each moved by up to ±20%, every 4 s one with 2 more at the same instant, for 10 s. */
export const LAB_WORKLOAD = {
  ratePerSec: 1,
  jitter: 0.2,
  bursts: { size: 2, everySec: 4 },
  durationSec: 10,
} as const;

export const LAB_SEED = 15;

/** The lab's load spec for a function (its export and arguments as the Compare form has them). */
export function labSpec(base: Pick<LoadSpec, 'fn' | 'args' | 'export'>, seed = LAB_SEED): LoadSpec {
  const spec: LoadSpec = {
    fn: base.fn,
    args: base.args,
    mode: 'open',
    arrival: 'periodic',
    ratePerSec: LAB_WORKLOAD.ratePerSec,
    jitter: LAB_WORKLOAD.jitter,
    bursts: { ...LAB_WORKLOAD.bursts },
    concurrency: 1,
    durationSec: LAB_WORKLOAD.durationSec,
    seed,
  };
  if (base.export) spec.export = base.export;
  return spec;
}

export interface LabPoint {
  policy: KeepAlivePolicy;
  label: string;
  /** Calls that ran (throttled ones left out). */
  calls: number;
  cold: number;
  coldPct: number;
  idleWorkerSec: number;
}

export function labPoint(side: LabSide, r: LoadResult): LabPoint {
  const calls = r.cold + r.warm;
  return {
    policy: side.policy,
    label: side.label,
    calls,
    cold: r.cold,
    coldPct: calls > 0 ? (r.cold / calls) * 100 : 0,
    idleWorkerSec: r.idleWorkerMs / 1000,
  };
}

/** "cold starts: no keep-alive 14/14, fixed 10 s 3/14, histogram 4/14" */
export function describeLab(points: readonly LabPoint[]): string {
  return `cold starts: ${points.map((p) => `${p.label} ${p.cold}/${p.calls}`).join(', ')}`;
}
