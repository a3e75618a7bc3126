import type { LoadResult } from '../../../platform/load';
import { RequestSlot } from '../../components/request-slot.svelte';
import type { WorkloadDraft } from './draft';

/** Fill in the Load test form with these fields and start it. */
export const loadRequests = new RequestSlot<Partial<WorkloadDraft>, LoadResult>();
