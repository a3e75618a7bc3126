// What the open function's source exports, before (or without) deploying it: WAT goes through the
// compiler worker, uploaded bytes are read directly. The Run panel labels its inputs from this.
import type { Compiler } from '../../../platform/compiler';
import { inspectModule } from '../../../platform/inspect';
import type { ModuleInfo } from '../../../platform/types';
import type { FeatureFlags, WorkspaceFunction } from '../../../workspace/types';
import { localNames } from './names';

export interface SourceModule {
  info: ModuleInfo;
  /** Local (parameter) names by function index, from the name section. */
  names: Map<number, Map<number, string>>;
}

export type SourceResult = { ok: true; module: SourceModule } | { ok: false; error: string };

export function readModule(bytes: Uint8Array): SourceResult {
  try {
    return { ok: true, module: { info: inspectModule(bytes), names: localNames(bytes) } };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

export async function inspectSource(
  compiler: Compiler,
  source: WorkspaceFunction['source'],
  features: FeatureFlags,
): Promise<SourceResult> {
  if (source.kind === 'wasm') return readModule(source.bytes);
  const r = await compiler.compile(source.text, features);
  if (!r.ok) {
    const first = r.diagnostics[0];
    return {
      ok: false,
      error: first ? `line ${first.line}: ${first.message}` : 'The WAT does not compile',
    };
  }
  return readModule(r.bytes);
}

/** The export Run invokes when none is picked: config.entry, else _start, else the only function. */
export function defaultEntry(info: ModuleInfo, configured?: string): string | null {
  const fns = info.exports.filter((e) => e.kind === 'function');
  if (configured && fns.some((e) => e.name === configured)) return configured;
  if (fns.some((e) => e.name === '_start')) return '_start';
  if (fns.length === 1) return fns[0].name;
  return fns[0]?.name ?? null;
}
