// Deployed functions: validated, memory-capped and compiled once, then posted to nanoprocesses.
import { BoundsError, boundModule } from './bounds';
import { inspectModule, WasmFormatError } from './inspect';
import { capMemory, mibToPages } from './limits';
import { MeterError, meterModule } from './meter';
import {
  DeployError,
  MAX_FUEL_LIMIT,
  MAX_MEMORY_MIB,
  MAX_MODULE_BYTES,
  MAX_NAME_LENGTH,
  MAX_PROVISIONED,
  MAX_TIMEOUT_MS,
} from './rules';
import type { MeterMeta, ModuleMeta } from './wire';
import {
  DEFAULT_FUNCTION_CONFIG,
  type ExportInfo,
  type FunctionConfig,
  type FunctionInfo,
  type ImportInfo,
  type ModuleInfo,
} from './types';

export interface FunctionRecord {
  info: FunctionInfo;
  /** The bytes as deployed (before the memory cap was written in), for download and disassembly. */
  bytes: Uint8Array;
  /** WAT text when deployed from source. */
  wat: string | null;
  /** Platform-wide id of the compiled module; a new one on every deploy or memory change. */
  mod: number;
  module: WebAssembly.Module;
  meta: ModuleMeta;
  /** Moving estimate of worker time per call (ms); Infinity until measured. */
  estimateMs: number;
}

/** A deployed function's record, from its prepared module (the platform's deploy, and tests). */
export function functionRecord(f: {
  name: string;
  version: number;
  bytes: Uint8Array;
  wat: string | null;
  config: FunctionConfig;
  prepared: Prepared;
  mod: number;
  deployedAt: number;
}): FunctionRecord {
  const { prepared } = f;
  return {
    info: {
      name: f.name,
      version: f.version,
      source: f.wat === null ? 'wasm' : 'wat',
      kind: prepared.info.kind,
      entry: resolveEntry(prepared.info, f.config.entry) ?? '',
      config: f.config,
      module: prepared.info,
      memory: prepared.memory,
      deployedAt: f.deployedAt,
      ...meterFields(prepared),
    },
    bytes: f.bytes,
    wat: f.wat,
    mod: f.mod,
    module: prepared.module,
    meta: prepared.meta,
    estimateMs: Infinity,
  };
}

const PLATFORM_IMPORTS: Record<string, { kind: ImportInfo['kind']; sig?: string; describe: string }> = {
  now: { kind: 'function', sig: '()->(f64)', describe: 'now() -> f64' },
  log: { kind: 'function', sig: '(i32,i32)->()', describe: 'log(ptr: i32, len: i32)' },
  memory: { kind: 'memory', describe: 'memory' },
};
const WASI_MODULE = 'wasi_snapshot_preview1';

export function validateName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw new DeployError('A function needs a name');
  if (name.length > MAX_NAME_LENGTH)
    throw new DeployError(
      `Function names are limited to ${MAX_NAME_LENGTH} characters (this one has ${name.length})`,
    );
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(name))
    throw new DeployError('Function names cannot contain control characters');
  return name;
}

export function normalizeConfig(
  patch: Partial<FunctionConfig> | undefined,
  base: FunctionConfig = DEFAULT_FUNCTION_CONFIG,
): FunctionConfig {
  const cfg: FunctionConfig = { ...base, ...(patch ?? {}) };
  if (patch && 'entry' in patch && patch.entry === undefined) delete cfg.entry;
  if (!Number.isFinite(cfg.timeoutMs) || cfg.timeoutMs <= 0 || cfg.timeoutMs > MAX_TIMEOUT_MS)
    throw new DeployError(`timeoutMs must be between 1 and ${MAX_TIMEOUT_MS} (got ${cfg.timeoutMs})`);
  if (!Number.isFinite(cfg.memoryMiB) || cfg.memoryMiB < 1 / 16 || cfg.memoryMiB > MAX_MEMORY_MIB)
    throw new DeployError(
      `memoryMiB must be between 0.0625 (one page) and ${MAX_MEMORY_MIB} (got ${cfg.memoryMiB})`,
    );
  if (cfg.instance !== 'fresh' && cfg.instance !== 'reuse')
    throw new DeployError(`instance must be "fresh" or "reuse" (got ${JSON.stringify(cfg.instance)})`);
  if (cfg.entry !== undefined && typeof cfg.entry !== 'string')
    throw new DeployError('entry must be an export name');
  if (patch && 'fuelLimit' in patch && patch.fuelLimit === undefined) delete cfg.fuelLimit;
  if (patch && 'provisioned' in patch && !patch.provisioned) delete cfg.provisioned;
  if (
    cfg.provisioned !== undefined &&
    !(Number.isSafeInteger(cfg.provisioned) && cfg.provisioned >= 0 && cfg.provisioned <= MAX_PROVISIONED)
  )
    throw new DeployError(
      `provisioned must be a whole number of workers between 0 and ${MAX_PROVISIONED} (got ${cfg.provisioned})`,
    );
  if (cfg.meter !== undefined && typeof cfg.meter !== 'boolean')
    throw new DeployError(`meter must be true or false (got ${JSON.stringify(cfg.meter)})`);
  if (
    cfg.fuelLimit !== undefined &&
    !(Number.isSafeInteger(cfg.fuelLimit) && cfg.fuelLimit >= 1 && cfg.fuelLimit <= MAX_FUEL_LIMIT)
  )
    throw new DeployError(
      `fuelLimit must be a whole number of instructions between 1 and ${MAX_FUEL_LIMIT} (got ${cfg.fuelLimit})`,
    );
  return cfg;
}

function sigKey(imp: ImportInfo): string {
  const s = imp.signature;
  return s ? `(${s.params.join(',')})->(${s.results.join(',')})` : '';
}

/** Refuses imports the platform cannot provide, with the list of what it can. */
export function checkImports(info: ModuleInfo): void {
  for (const imp of info.imports) {
    const where = `import "${imp.module}" "${imp.name}"`;
    if (imp.module === 'platform') {
      const known = PLATFORM_IMPORTS[imp.name];
      if (!known)
        throw new DeployError(
          `Unknown ${where}: the platform module provides ${Object.values(PLATFORM_IMPORTS)
            .map((k) => k.describe)
            .join(', ')}`,
        );
      if (known.kind !== imp.kind)
        throw new DeployError(`${where} must be a ${known.kind}, not a ${imp.kind}`);
      if (known.sig && sigKey(imp) !== known.sig)
        throw new DeployError(`${where} has the wrong signature: it must be ${known.describe}`);
      continue;
    }
    if (imp.module === WASI_MODULE) {
      if (imp.kind !== 'function') throw new DeployError(`${where} must be a function`);
      continue;
    }
    if (imp.kind === 'memory' && imp.module === 'env') continue; // C toolchains import env.memory
    if (imp.module === 'wasi_unstable')
      throw new DeployError(
        `${where}: the old wasi_unstable interface is not supported; rebuild for wasi_snapshot_preview1`,
      );
    throw new DeployError(
      `Unknown import module "${imp.module}" (${where}). The platform provides "platform" (now, log, memory) and "${WASI_MODULE}".`,
    );
  }
}

export function resolveEntry(info: ModuleInfo, requested?: string): string | null {
  const fns = info.exports.filter((e) => e.kind === 'function');
  if (requested !== undefined) {
    if (!fns.some((e) => e.name === requested))
      throw new DeployError(
        `The entry export "${requested}" is not an exported function (exports: ${fns.map((e) => e.name).join(', ') || 'none'})`,
      );
    return requested;
  }
  if (fns.some((e) => e.name === '_start')) return '_start';
  if (fns.length === 1) return fns[0].name;
  return null;
}

export function functionExport(info: FunctionInfo, name: string): ExportInfo | undefined {
  return info.module.exports.find((e) => e.kind === 'function' && e.name === name);
}

export interface Prepared {
  info: ModuleInfo;
  meta: ModuleMeta;
  module: WebAssembly.Module;
  memory: FunctionInfo['memory'];
  /** Why a module deployed with `meter: true` runs unmetered. */
  meterNote?: string;
  /** What metering cost at deploy: the rewrite, against compiling the unmetered module (ms). */
  meterCost?: { instrumentMs: number; compileMs: number };
}

/** What FunctionInfo says about metering, from a prepared module. */
export function meterFields(p: Prepared): Pick<FunctionInfo, 'metered' | 'meterNote' | 'meterCost'> {
  if (p.meterNote) return { metered: false, meterNote: p.meterNote };
  return p.meterCost ? { metered: true, meterCost: p.meterCost } : { metered: false };
}

/** Validates, caps memory and compiles: everything a deploy does except naming and versioning. */
export async function prepareModule(
  bytes: Uint8Array,
  config: FunctionConfig,
  label: string,
): Promise<Prepared> {
  if (bytes.byteLength > MAX_MODULE_BYTES)
    throw new DeployError(
      `The module is ${(bytes.byteLength / 1048576).toFixed(1)} MB; the playground accepts modules up to ${MAX_MODULE_BYTES / 1048576} MB`,
    );
  let info: ModuleInfo;
  try {
    info = inspectModule(bytes);
  } catch (err) {
    if (err instanceof WasmFormatError) throw new DeployError(err.message);
    throw err;
  }
  checkImports(info);
  if (
    info.kind !== 'plain' &&
    !info.imports.some((i) => i.module === WASI_MODULE) &&
    info.kind === 'wasi-command'
  ) {
    // A module exporting _start without WASI imports is a plain function with a conventional name.
    info = { ...info, kind: 'plain' };
  }
  if (info.kind === 'plain' && info.imports.some((i) => i.module === WASI_MODULE)) {
    // Imports WASI but exports neither _start nor _initialize (a library built for WASI): it cannot
    // instantiate without the WASI imports, so it runs as a reactor that has no initialiser.
    info = { ...info, kind: 'wasi-reactor' };
  }
  const capPages = mibToPages(config.memoryMiB);
  // Validates the declared memory limits before writing the cap in (MemoryLimitsError), then
  // throws MemoryCapError with both sizes when the initial memory is over the cap.
  const capped = capMemory(bytes, capPages, info);
  let bounded: Uint8Array;
  try {
    bounded = boundModule(capped?.bytes ?? bytes, info); // one memory, a table budget, no GC heap
  } catch (err) {
    if (err instanceof BoundsError || err instanceof WasmFormatError) throw new DeployError(err.message);
    throw err;
  }
  let module: WebAssembly.Module;
  const compileStart = performance.now();
  try {
    module = await WebAssembly.compile(bounded as BufferSource);
  } catch (err) {
    throw new DeployError(`Invalid module: ${err instanceof Error ? err.message : String(err)}`);
  }
  const compileMs = performance.now() - compileStart;
  let meter: MeterMeta | null = null;
  let meterNote: string | undefined;
  let meterCost: Prepared['meterCost'];
  if (config.meter) {
    // A module the rewriter cannot handle runs unmetered with a note, never broken.
    try {
      const rewriteStart = performance.now();
      const metered = meterModule(bounded, info);
      meterCost = { instrumentMs: performance.now() - rewriteStart, compileMs };
      module = await WebAssembly.compile(metered.bytes);
      meter = {
        importModule: metered.importModule,
        importName: metered.importName,
        fuelExport: metered.fuelExport,
      };
    } catch (err) {
      if (!(err instanceof MeterError || err instanceof WebAssembly.CompileError)) throw err;
      meterNote = `Deployed unmetered: the metering rewriter could not handle this module (${err.message})`;
    }
  }
  const im = info.importedMemory;
  const declaredMax = capped ? capped.declaredMaxPages : (im?.maximumPages ?? null);
  const effectiveMax = capped
    ? capped.effectiveMaxPages
    : im
      ? Math.min(im.maximumPages ?? capPages, capPages)
      : capPages;
  const hasMemory = capped !== null || im !== null;
  const meta: ModuleMeta = {
    label,
    kind: info.kind,
    capPages: im ? effectiveMax : capPages,
    capBinds: effectiveMax === capPages,
    importedMemory: im
      ? { module: im.module, name: im.name, initialPages: im.initialPages, shared: im.shared }
      : null,
    imports: info.imports.map((i) => `${i.module}.${i.name}`),
    meter,
    hasStart: info.hasStart,
  };
  return {
    info,
    meta,
    module,
    memory: hasMemory ? { declaredMaxPages: declaredMax, effectiveMaxPages: effectiveMax, capPages } : null,
    meterNote,
    meterCost,
  };
}
