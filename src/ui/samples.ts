// The sample functions in samples/: the index is bundled with the app, each .wat file is its own
// small chunk loaded on demand (so samples work offline once the app is cached).
import index from '../../samples/index.json';
import { DEFAULT_FUNCTION_CONFIG, type FunctionConfig } from '../platform/types';
import type { WorkspaceFunction } from '../workspace/types';
import type { AppState } from './state.svelte';

export interface SampleInfo {
  name: string;
  file: string;
  description: string;
  /** Default Run panel arguments. */
  args?: string[];
  /** Default export to run, when not the module's entry. */
  export?: string;
  config?: Partial<FunctionConfig>;
}

export const SAMPLES: readonly SampleInfo[] = index as SampleInfo[];

/** The sample every empty workspace starts with. */
export const FIRST_SAMPLE = 'sum';

const sources = import.meta.glob<string>('/samples/*.wat', { query: '?raw', import: 'default' });

export function findSample(name: string): SampleInfo | undefined {
  return SAMPLES.find((s) => s.name === name);
}

export async function sampleSource(sample: SampleInfo): Promise<string> {
  const load = sources[`/samples/${sample.file}`];
  if (!load) throw new Error(`The sample "${sample.name}" has no source file (${sample.file})`);
  return load();
}

/** The workspace function a sample becomes, named after the sample. */
export async function sampleFunction(sample: SampleInfo): Promise<WorkspaceFunction> {
  const text = await sampleSource(sample);
  const fn: WorkspaceFunction = {
    name: sample.name,
    source: { kind: 'wat', text },
    config: { ...DEFAULT_FUNCTION_CONFIG, ...sample.config },
  };
  if (sample.args?.length || sample.export) {
    fn.run = {};
    if (sample.export) fn.run.export = sample.export;
    if (sample.args) fn.run.args = [...sample.args];
  }
  return fn;
}

/**
 * Opens a sample in the editor. A function of the same name that still holds the sample's own
 * source and settings is replaced by a fresh copy (its Run inputs are kept); one the user changed
 * is left alone and the sample opens beside it as `name-2`. Returns the name it opened under.
 */
export async function openSample(app: AppState, sample: SampleInfo): Promise<string> {
  const fn = await sampleFunction(sample);
  const existing = app.functions.find((f) => f.name === sample.name);
  if (!existing) return app.addFunction(fn);
  if (isUnmodified(existing, fn)) {
    app.upsertFunction({ ...fn, run: existing.run ? copyRun(existing.run) : fn.run });
    return fn.name;
  }
  return app.addFunction(fn);
}

function copyRun(run: NonNullable<WorkspaceFunction['run']>): WorkspaceFunction['run'] {
  const out: NonNullable<WorkspaceFunction['run']> = {};
  if (run.export !== undefined) out.export = run.export;
  if (run.args) out.args = [...run.args];
  return out;
}

function isUnmodified(existing: WorkspaceFunction, fresh: WorkspaceFunction): boolean {
  if (existing.source.kind !== 'wat' || fresh.source.kind !== 'wat') return false;
  if (existing.source.text !== fresh.source.text) return false;
  const keys = new Set([...Object.keys(existing.config), ...Object.keys(fresh.config)]) as Set<
    keyof FunctionConfig
  >;
  return [...keys].every((k) => existing.config[k] === fresh.config[k]);
}

/**
 * What the page opens with: `?sample=NAME` opens that sample; otherwise an empty workspace gets
 * the first sample so the editor is never blank. `location` is passed in so tests can swap it.
 */
export async function openInitialSample(app: AppState, location: Pick<Location, 'search'>): Promise<void> {
  const wanted = new URLSearchParams(location.search).get('sample');
  if (wanted !== null) {
    const sample = findSample(wanted.trim());
    if (sample) {
      await openSample(app, sample);
      return;
    }
    const names = SAMPLES.map((s) => s.name).join(', ');
    app.notify('warning', `There is no sample called "${wanted}". The samples are: ${names}.`);
  }
  if (app.functions.length === 0) {
    const first = findSample(FIRST_SAMPLE) ?? SAMPLES[0];
    if (first) await openSample(app, first);
  }
}
