// Workspace files: export/import of the whole workspace (and optionally the invocation history)
// as a JSON text file, and a preview of what an import would change.
//
// File format, version 1:
//
//     {
//       "format": "nanofaas-workspace",
//       "version": 1,
//       "exportedAt": "2025-01-31T14:03:00.000Z",
//       "workspace": { "functions": [...], "platform": {...}, "features": {...}, "open": "add" },
//       "history": [ {...Invocation...}, ... ]          // optional, oldest first, one per line
//     }
//
// `workspace` and `history` are the in-memory Workspace and Invocation objects as JSON, with values
// JSON cannot hold written as one-key tagged objects:
//     Uint8Array            { "$bytes": "<standard base64, padded>" }
//     bigint                { "$bigint": "-123" }
//     NaN, ±Infinity, -0    { "$number": "NaN" | "Infinity" | "-Infinity" | "-0" }
//     an object of the data that itself has exactly one key starting with "$" (say an env var
//     named "$bytes")       { "$object": [["$bytes", "value"]] }
// Unlike share links, every setting is written out (no defaults omitted).
import type { Invocation } from '../platform/types';
import { bytesEqual, fromBase64, toBase64 } from './bytes';
import type { FeatureFlags, Workspace, WorkspaceFunction } from './types';
import { cloneFunction, cloneWorkspace, isPlainObject, readInvocations, readWorkspace } from './validate';

export const WORKSPACE_FILE_FORMAT = 'nanofaas-workspace';
export const WORKSPACE_FILE_VERSION = 1;
/** Suggested file name extension. */
export const WORKSPACE_FILE_EXTENSION = '.nanofaas.json';

export type WorkspaceFileErrorCode = 'not-json' | 'wrong-format' | 'newer-version' | 'invalid';

export class WorkspaceFileError extends Error {
  override readonly name = 'WorkspaceFileError';
  constructor(
    readonly code: WorkspaceFileErrorCode,
    message: string,
  ) {
    super(message);
  }
}

// ---- Export -------------------------------------------------------------------------------------

function tagged(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: toBase64(value) };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { $number: 'NaN' };
    if (value === Infinity) return { $number: 'Infinity' };
    if (value === -Infinity) return { $number: '-Infinity' };
    if (Object.is(value, -0)) return { $number: '-0' };
    return value;
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0].startsWith('$')) return { $object: Object.entries(value) };
  }
  return value;
}

const toJson = (value: unknown, indent?: number) => JSON.stringify(value, tagged, indent);

/** `value` as JSON with the tags above (what a workspace file holds; also the exit journal). */
export const toTaggedJson = (value: unknown): string => toJson(value);

/**
 * The workspace (and history, if given) as the text of a workspace file. Reactive proxies are fine:
 * everything is copied field by field first.
 */
export function exportWorkspaceFile(
  ws: Workspace,
  history?: readonly Invocation[],
  options: { exportedAt?: Date } = {},
): string {
  const exportedAt = (options.exportedAt ?? new Date()).toISOString();
  const head = [
    `  "format": ${toJson(WORKSPACE_FILE_FORMAT)}`,
    `  "version": ${WORKSPACE_FILE_VERSION}`,
    `  "exportedAt": ${toJson(exportedAt)}`,
    `  "workspace": ${toJson(cloneWorkspace(ws), 2).replaceAll('\n', '\n  ')}`,
  ];
  if (history) {
    // One invocation per line keeps large histories compact and still diff-friendly.
    const lines = history.map((inv) => `    ${toJson(inv)}`);
    head.push(lines.length ? `  "history": [\n${lines.join(',\n')}\n  ]` : `  "history": []`);
  }
  return `{\n${head.join(',\n')}\n}\n`;
}

// ---- Import -------------------------------------------------------------------------------------

/** Undoes the tags written by `tagged`. Malformed tags are left as objects for the readers to reject. */
function untag(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(untag);
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0].startsWith('$')) {
    const v = value[keys[0]];
    switch (keys[0]) {
      case '$bytes':
        return (typeof v === 'string' && fromBase64(v)) || value;
      case '$bigint':
        return typeof v === 'string' && /^-?\d{1,4096}$/.test(v) ? BigInt(v) : value;
      case '$number':
        if (v === 'NaN') return NaN;
        if (v === 'Infinity') return Infinity;
        if (v === '-Infinity') return -Infinity;
        if (v === '-0') return -0;
        return value;
      case '$object':
        if (
          Array.isArray(v) &&
          v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string')
        ) {
          return Object.fromEntries((v as [string, unknown][]).map(([k, x]) => [k, untag(x)]));
        }
        return value;
    }
  }
  return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, untag(x)]));
}

/** Reads JSON written by toTaggedJson; throws a SyntaxError when it is not JSON. */
export const fromTaggedJson = (text: string): unknown => untag(JSON.parse(text));

export interface ParsedWorkspaceFile {
  workspace: Workspace;
  /** Oldest first; empty when the file has none. */
  history: Invocation[];
  /** What could not be read and was skipped or reset (sentences for the student). */
  problems: string[];
  exportedAt: string | null;
}

/** Reads a workspace file. Throws WorkspaceFileError when it is not one at all. */
export function parseWorkspaceFile(text: string): ParsedWorkspaceFile {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    const hint = /^\s*(https?:\/\/\S*)?#v\d+\//.test(text)
      ? ' It looks like a share link: open it in the browser instead.'
      : ' Choose a file made with "Export workspace".';
    throw new WorkspaceFileError(
      'not-json',
      `This file is not a nanofaas workspace (it is not JSON text).${hint}`,
    );
  }
  if (!isPlainObject(root) || root.format !== WORKSPACE_FILE_FORMAT) {
    throw new WorkspaceFileError(
      'wrong-format',
      `This JSON file is not a nanofaas workspace export (its "format" should be "${WORKSPACE_FILE_FORMAT}").`,
    );
  }
  const version = root.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new WorkspaceFileError(
      'wrong-format',
      'This workspace file has no valid "version", so it cannot be read.',
    );
  }
  if (version > WORKSPACE_FILE_VERSION) {
    throw new WorkspaceFileError(
      'newer-version',
      `This workspace file was made by a newer version of nanofaas (file version ${version}; this page reads ` +
        `version ${WORKSPACE_FILE_VERSION}). Reload the page to update nanofaas, then import it again.`,
    );
  }
  const problems: string[] = [];
  let workspace: Workspace | null;
  let rawHistory: unknown;
  try {
    workspace = readWorkspace(untag(root.workspace), problems);
    rawHistory = root.history === undefined ? undefined : untag(root.history);
  } catch {
    // e.g. absurdly deep nesting
    throw new WorkspaceFileError('invalid', 'This workspace file is damaged and cannot be read.');
  }
  if (!workspace) {
    throw new WorkspaceFileError('invalid', 'This workspace file does not contain a readable workspace.');
  }
  let history: Invocation[] = [];
  if (Array.isArray(rawHistory)) history = readInvocations(rawHistory, problems);
  else if (rawHistory !== undefined) problems.push('The invocation history in the file could not be read.');
  return {
    workspace,
    history,
    problems,
    exportedAt: typeof root.exportedAt === 'string' ? root.exportedAt : null,
  };
}

// ---- Import preview -------------------------------------------------------------------------------

export type ImportMode = 'merge' | 'replace';

export interface ImportPreview {
  /** In the file, not in the current workspace. */
  added: string[];
  /** In both, different: the file's version wins. */
  replaced: string[];
  /** In the current workspace, gone after the import (replace mode only). */
  removed: string[];
  /** In both and identical. */
  unchanged: string[];
  /** Only in the current workspace and kept as they are (merge mode only). */
  kept: string[];
  /** The workspace after the import. */
  result: Workspace;
}

/** Deep equality for workspace data: key order does not matter, undefined equals absent. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && bytesEqual(a, b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
    );
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) if (!deepEqual(ra[k], rb[k])) return false;
  return true;
}

/** The parts of a function that matter for "did it change": no `shared` flag, no empty run/wasi. */
function comparable(fn: WorkspaceFunction): WorkspaceFunction {
  const c = cloneFunction(fn);
  delete c.shared;
  if (c.run && !c.run.export && !c.run.args?.length) delete c.run;
  if (c.wasi) {
    const w = c.wasi;
    if (!w.argv?.length) delete w.argv;
    if (w.env && !Object.keys(w.env).length) delete w.env;
    if (!w.stdin) delete w.stdin;
    if (w.files && !Object.keys(w.files).length) delete w.files;
    if (!Object.keys(w).length) delete c.wasi;
  }
  return c;
}

export function sameFunction(a: WorkspaceFunction, b: WorkspaceFunction): boolean {
  return deepEqual(comparable(a), comparable(b));
}

/**
 * What importing `incoming` into `current` would do.
 *
 * - replace: the result is `incoming` (copied).
 * - merge: functions are matched by name. A function of the file whose name exists in the current
 *   workspace and differs REPLACES the current one in place (listed in `replaced`, so the UI can ask
 *   first); new ones are appended in the file's order; the others are kept. The current platform
 *   settings stay; feature flags are the union (a flag on in either stays on); the file's open
 *   function is opened if it has one, otherwise the current one stays open.
 */
export function previewImport(current: Workspace, incoming: Workspace, mode: ImportMode): ImportPreview {
  const currentByName = new Map(current.functions.map((f) => [f.name, f]));
  const incomingByName = new Map(incoming.functions.map((f) => [f.name, f]));
  const added: string[] = [];
  const replaced: string[] = [];
  const unchanged: string[] = [];
  for (const fn of incoming.functions) {
    const mine = currentByName.get(fn.name);
    if (!mine) added.push(fn.name);
    else if (sameFunction(mine, fn)) unchanged.push(fn.name);
    else replaced.push(fn.name);
  }
  const notInFile = current.functions.filter((f) => !incomingByName.has(f.name)).map((f) => f.name);

  if (mode === 'replace') {
    return { added, replaced, removed: notInFile, unchanged, kept: [], result: cloneWorkspace(incoming) };
  }

  const functions = [
    ...current.functions.map((f) => cloneFunction(incomingByName.get(f.name) ?? f)),
    ...incoming.functions.filter((f) => !currentByName.has(f.name)).map(cloneFunction),
  ];
  const features: FeatureFlags = Object.fromEntries(Object.entries(current.features));
  for (const [flag, on] of Object.entries(incoming.features)) {
    if (on || !Object.hasOwn(features, flag)) features[flag] = on;
  }
  const names = new Set(functions.map((f) => f.name));
  const open =
    incoming.open !== null && names.has(incoming.open)
      ? incoming.open
      : current.open !== null && names.has(current.open)
        ? current.open
        : null;
  return {
    added,
    replaced,
    removed: [],
    unchanged,
    kept: notInFile,
    result: { functions, platform: { ...current.platform }, features, open },
  };
}
