import type { LoadResult } from '../../../platform/load';
import { RequestSlot } from '../../components/request-slot.svelte';
import type { WorkloadDraft } from '../load/draft';
import type { CompareConfig } from './compare';
import type { LabPoint } from './keepalive-lab';

/** Fill in the Compare form (workload and both sides, over the current settings) and run it. */
export const compareRequests = new RequestSlot<
  { workload: Partial<WorkloadDraft>; a: Partial<CompareConfig>; b: Partial<CompareConfig> },
  { a: LoadResult; b: LoadResult }
>();

/** Fill in the Compare form's function and arguments and run the keep-alive lab on it. */
export const labRequests = new RequestSlot<{ workload: Partial<WorkloadDraft>; seed?: number }, LabPoint[]>();
