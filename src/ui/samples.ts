// The sample functions: the WAT samples in samples/ and the WASI programs in samples/wasi/ (C
// compiled to wasm32-wasi, seed 002's benchmark suite among them). Both indexes are bundled with
// the app; each .wat, .wasm and .c file is its own small asset loaded on demand (so samples work
// offline once the app is cached).
import index from '../../samples/index.json';
import wasiIndex from '../../samples/wasi/index.json';
import { DEFAULT_FUNCTION_CONFIG, type FunctionConfig } from '../platform/types';
import type { WorkspaceFunction } from '../workspace/types';
import type { AppState } from './state.svelte';

export interface SampleInfo {
  name: string;
  /** `wat`: a .wat file in samples/; `wasi`: a prebuilt .wasm in samples/wasi/ with its C source. */
  kind: 'wat' | 'wasi';
  file: string;
  description: string;
  /** Default Run panel arguments. */
  args?: string[];
  /** Default export to run, when not the module's entry. */
  export?: string;
  config?: Partial<FunctionConfig>;
  /** WASI samples: the C source file the binary was built from. */
  source?: string;
  /** WASI samples: the default inputs (argv after argv[0], env, stdin, input files). */
  argv?: string[];
  env?: Record<string, string>;
  stdin?: string;
  files?: Record<string, string>;
}

export const SAMPLES: readonly SampleInfo[] = [
  ...(index as Omit<SampleInfo, 'kind'>[]).map((s) => ({ ...s, kind: 'wat' as const })),
  ...(wasiIndex as Omit<SampleInfo, 'kind'>[]).map((s) => ({ ...s, kind: 'wasi' as const })),
];

/** The sample every empty workspace starts with. */
export const FIRST_SAMPLE = 'sum';

const sources = import.meta.glob<string>('/samples/*.wat', { query: '?raw', import: 'default' });
const cSources = import.meta.glob<string>('/samples/wasi/*.c', { query: '?raw', import: 'default' });
const wasmUrls = import.meta.glob<string>('/samples/wasi/*.wasm', {
  query: '?url&no-inline',
  import: 'default',
  eager: true,
});

export function findSample(name: string): SampleInfo | undefined {
  return SAMPLES.find((s) => s.name === name);
}

export async function sampleSource(sample: SampleInfo): Promise<string> {
  const path = sample.kind === 'wat' ? `/samples/${sample.file}` : `/samples/wasi/${sample.source}`;
  const load = sample.kind === 'wat' ? sources[path] : cSources[path];
  if (!load) throw new Error(`The sample "${sample.name}" has no source file (${path})`);
  return load();
}

/** A WASI sample's module bytes. `fetchFn` is passed in so tests can serve the files. */
export async function sampleBytes(sample: SampleInfo, fetchFn: typeof fetch = fetch): Promise<Uint8Array> {
  const url = wasmUrls[`/samples/wasi/${sample.file}`];
  if (!url) throw new Error(`The sample "${sample.name}" has no binary (${sample.file})`);
  const res = await fetchFn(url);
  if (!res.ok)
    throw new Error(`The sample "${sample.name}" could not be loaded (${sample.file}: ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The workspace function a sample becomes, named after the sample. */
export async function sampleFunction(
  sample: SampleInfo,
  fetchFn: typeof fetch = fetch,
): Promise<WorkspaceFunction> {
  const fn: WorkspaceFunction = {
    name: sample.name,
    source:
      sample.kind === 'wat'
        ? { kind: 'wat', text: await sampleSource(sample) }
        : { kind: 'wasm', bytes: await sampleBytes(sample, fetchFn) },
    config: { ...DEFAULT_FUNCTION_CONFIG, ...sample.config },
  };
  if (sample.args?.length || sample.export) {
    fn.run = {};
    if (sample.export) fn.run.export = sample.export;
    if (sample.args) fn.run.args = [...sample.args];
  }
  if (sample.kind === 'wasi') fn.wasi = wasiInputs(sample);
  return fn;
}

function wasiInputs(sample: SampleInfo): NonNullable<WorkspaceFunction['wasi']> {
  const wasi: NonNullable<WorkspaceFunction['wasi']> = { argv: [...(sample.argv ?? [])] };
  if (sample.env) wasi.env = { ...sample.env };
  if (sample.stdin !== undefined) wasi.stdin = sample.stdin;
  if (sample.files) {
    const enc = new TextEncoder();
    wasi.files = Object.fromEntries(
      Object.entries(sample.files).map(([path, text]) => [path, enc.encode(text)]),
    );
  }
  return wasi;
}

/**
 * The WASI sample a binary function was opened from, found by its name (`nbody`, or `nbody-2`
 * beside a changed copy) and confirmed by its bytes, so an upload that only shares the name is
 * not taken for the sample. Its C source is what the editor shows beside the disassembly.
 */
export async function wasiSampleOf(
  fn: Pick<WorkspaceFunction, 'name' | 'source'>,
  fetchFn: typeof fetch = fetch,
): Promise<SampleInfo | undefined> {
  if (fn.source.kind !== 'wasm') return undefined;
  const sample = findSample(fn.name.replace(/-\d+$/, ''));
  if (sample?.kind !== 'wasi') return undefined;
  return sameBytes(await sampleBytes(sample, fetchFn), fn.source.bytes) ? sample : undefined;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

function sameSource(a: WorkspaceFunction['source'], b: WorkspaceFunction['source']): boolean {
  if (a.kind === 'wat' && b.kind === 'wat') return a.text === b.text;
  return a.kind === 'wasm' && b.kind === 'wasm' && sameBytes(a.bytes, b.bytes);
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
    app.upsertFunction({
      ...fn,
      run: existing.run ? copyRun(existing.run) : fn.run,
      wasi: existing.wasi ?? fn.wasi,
    });
    return fn.name;
  }
  return app.addFunction(fn);
}

/** The function a preset runs: the workspace's own when it has one by that name, else the sample opened. */
export async function ensureSample(app: AppState, name: string): Promise<string> {
  const info = findSample(name);
  if (!info || app.functions.some((f) => f.name === name)) return name;
  return openSample(app, info);
}

function copyRun(run: NonNullable<WorkspaceFunction['run']>): WorkspaceFunction['run'] {
  const out: NonNullable<WorkspaceFunction['run']> = {};
  if (run.export !== undefined) out.export = run.export;
  if (run.args) out.args = [...run.args];
  return out;
}

function isUnmodified(existing: WorkspaceFunction, fresh: WorkspaceFunction): boolean {
  if (!sameSource(existing.source, fresh.source)) return false;
  const keys = new Set([...Object.keys(existing.config), ...Object.keys(fresh.config)]) as Set<
    keyof FunctionConfig
  >;
  return [...keys].every((k) => existing.config[k] === fresh.config[k]);
}

/**
 * What the page opens with: `?sample=NAME` opens that sample; otherwise an empty workspace gets
 * the first sample so the editor is never blank, and its name is returned (it is not the user's
 * work yet). `location` is passed in so tests can swap it.
 */
export async function openInitialSample(
  app: AppState,
  location: Pick<Location, 'search'>,
): Promise<string | null> {
  const wanted = new URLSearchParams(location.search).get('sample');
  if (wanted !== null) {
    const sample = findSample(wanted.trim());
    if (sample) {
      await openSample(app, sample);
      return null;
    }
    const names = SAMPLES.map((s) => s.name).join(', ');
    app.notify('warning', `There is no sample called "${wanted}". The samples are: ${names}.`);
  }
  if (app.functions.length === 0) {
    const first = findSample(FIRST_SAMPLE) ?? SAMPLES[0];
    if (!first) return null;
    const fn = await sampleFunction(first);
    // Something opened while the sample's source loaded (an upload, New) is the page now: the
    // first sample only fills a workspace that is still empty.
    if (app.functions.length === 0) return app.addFunction(fn);
  }
  return null;
}
