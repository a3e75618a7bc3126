import type { ProgramResult } from '../../../platform/benchmarks';
import { RequestSlot } from '../../components/request-slot.svelte';

/** Choose these programs, N runs, the quick workload, and run. */
export const benchRequests = new RequestSlot<{ programs: string[]; runs: number }, ProgramResult[]>();
