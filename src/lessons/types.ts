// A lesson is data: a few steps of text, the functions they use and one-click actions. The UI
// (src/ui/lessons/) turns actions into calls on the app's own machinery (AppState, the Load test
// session, the Compare and Benchmarks panels, the price model); nothing here runs anything.
import type { FunctionConfig, KeepAlivePolicy, PlatformConfig } from '../platform/types';
import type { WorkloadDraft } from '../ui/panels/load/draft';

/** A function a lesson needs: a sample from samples/, a WASI program from samples/wasi/, or its own WAT. */
export type LessonFunction =
  | { name: string; sample: string; config?: Partial<FunctionConfig>; args?: string[] }
  | { name: string; wasi: string; argv?: string[]; env?: Record<string, string> }
  | { name: string; wat: string; config?: Partial<FunctionConfig>; args?: string[] };

/** The Load test form's fields a lesson sets; the others keep their defaults. */
export type LessonWorkload = Partial<WorkloadDraft> & { fn: string };

/** The settings a Compare side changes (as the Compare panel's presets do). */
export interface CompareSide {
  maxWorkers?: number;
  prewarm?: number;
  keepAliveMs?: number;
  keepAlivePolicy?: KeepAlivePolicy;
  memoryMiB?: number;
}

/** One primitive; a button runs its actions in order. */
export type LessonAction =
  /** Saves platform settings (as the Settings panel does). */
  | { do: 'platform'; set: Partial<PlatformConfig> }
  /** Saves function settings and applies them to the deployed function. */
  | { do: 'config'; fn: string; set: Partial<FunctionConfig> }
  /** Redeploys, so the next call has to load the module again. */
  | { do: 'deploy'; fn: string }
  /** Ends every idle worker (prewarm and keep-alive 0 until the pool is empty), then restores the settings. */
  | { do: 'empty-pool' }
  /** Runs the function `times` times one after the other, as the Run button does. */
  | { do: 'run'; fn: string; times?: number; args?: string[] }
  /** Starts `count` calls at once. */
  | { do: 'burst'; fn: string; count: number; args?: string[] }
  | { do: 'wait'; ms: number }
  /** Fills in the Load test panel's form and starts it. */
  | { do: 'load'; workload: LessonWorkload }
  /** Fills in the Compare panel (the workload, sides A and B) and runs it. */
  | { do: 'compare'; workload: LessonWorkload; a: CompareSide; b: CompareSide }
  /**
   * Runs the keep-alive lab in the Compare panel on the workload's function and arguments: no
   * keep-alive, a fixed keep-alive and the histogram policy in turn, on one seeded workload.
   */
  | { do: 'keep-alive-lab'; workload: LessonWorkload; seed?: number }
  /** Runs programs of the WASI suite in the Benchmarks panel (cold, warm, plain worker, JavaScript). */
  | { do: 'benchmark'; programs: string[]; runs: number }
  /** Sets the billing granularity of the price model. */
  | { do: 'price'; granularityMs: number }
  /**
   * Sends an HTTP request to the gateway (`/api/…`, `{fn}` replaced by the lesson function's
   * workspace name): a real fetch through the service worker when it serves this tab, otherwise
   * the same gateway answering in this tab. The response is shown under the button.
   */
  | { do: 'http'; fn: string; method?: string; path: string; body?: string; contentType?: string };

export interface LessonButton {
  label: string;
  actions: LessonAction[];
  /** Panel to show when clicked: run, metrics, load, compare, benchmarks, settings, … */
  panel?: string;
  /** A CSS selector inside that panel to scroll into view once the actions are done. */
  reveal?: string;
}

export interface LessonStep {
  /** A sentence or two. `{cores}` is replaced by navigator.hardwareConcurrency. */
  text: string;
  /** The function the step is about (opened in the editor). */
  fn?: string;
  buttons?: LessonButton[];
}

export interface Lesson {
  id: string;
  title: string;
  /** Menu order. */
  order: number;
  /** One line: what the lesson shows. */
  summary: string;
  functions: LessonFunction[];
  steps: LessonStep[];
}
