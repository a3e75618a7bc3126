// Load-test presets, one per concept: a workload (and the sample it runs) whose effect shows on a
// 2-core laptop as well as a big machine. Data only; the Load test panel fills its form from them.
import type { PlatformConfig } from '../../../platform/types';
import type { WorkloadDraft } from './draft';

export interface LoadPreset {
  id: string;
  label: string;
  /** What to look for, in a sentence. */
  about: string;
  /** The sample it runs and its arguments (opened when not in the workspace). */
  sample: { name: string; args: string };
  workload: Partial<WorkloadDraft>;
  /** Platform settings it needs (applied in Settings, where they stay until changed back). */
  platform?: Partial<PlatformConfig>;
}

const OPEN = { mode: 'open', burstsOn: false, count: null } as const;
const SUM = { name: 'sum', args: '5, 2' };
// fib(33) takes 10–30 ms: 250 calls a second is more than 2 cores, or the default 4 workers, run.
const OVERLOAD = {
  sample: { name: 'fib', args: '33' },
  workload: { ...OPEN, arrival: 'constant', rate: 250, duration: 4 },
} as const;

export const LOAD_PRESETS: readonly LoadPreset[] = [
  {
    id: 'cold-warm',
    label: 'cold vs warm',
    about:
      'A few calls a second on sum: the first on each worker is cold, every later one warm (Metrics panel).',
    sample: SUM,
    workload: { ...OPEN, arrival: 'constant', rate: 5, duration: 5 },
  },
  {
    id: 'bursts',
    label: 'bursts',
    about:
      'Quiet traffic with 200 calls at once every second: the queue spikes and drains (queue length chart).',
    sample: SUM,
    workload: {
      ...OPEN,
      arrival: 'constant',
      rate: 20,
      burstsOn: true,
      burstSize: 200,
      burstEvery: 1,
      duration: 5,
    },
  },
  {
    id: 'queueing',
    label: 'queueing',
    about:
      'fib(33) arriving 250 times a second is more work than the workers can do: the queue grows and latency with it.',
    ...OVERLOAD,
  },
  {
    id: 'throttling',
    label: 'throttling',
    about:
      'The same overload with max queue 20 (set in Settings): once 20 calls wait, new ones end at once as throttled.',
    ...OVERLOAD,
    platform: { maxQueue: 20 },
  },
];
