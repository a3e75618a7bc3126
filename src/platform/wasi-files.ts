// Checks and converts the `files` of WASI invoke options: path → file content (string or bytes),
// empty directory ({ directory: true }) or symlink ({ symlink: target }).
import { ArgumentError } from './args';
import type { WasiFileOption } from './types';
import type { WasiEntry } from './wire';

const enc = new TextEncoder();

export function wasiFiles(given: Record<string, WasiFileOption>): Record<string, WasiEntry> {
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw new ArgumentError('files must be an object mapping paths to contents');
  const files: Record<string, WasiEntry> = {};
  const leaves: string[] = [];
  // Checked as unknown: the console API takes whatever a person types.
  for (const [path, content] of Object.entries(given as Record<string, unknown>)) {
    const parts = path.replace(/^\.?\//, '').split('/');
    if (!path || path.includes('\0') || parts.some((part) => part === '' || part === '.' || part === '..'))
      throw new ArgumentError(
        `file path "${path}" must be a relative path like "input.txt" or "dir/data.bin", without "." or ".." parts`,
      );
    if (typeof content === 'string') files[path] = enc.encode(content);
    else if (content instanceof Uint8Array) files[path] = new Uint8Array(content);
    else if (isObject(content) && content.directory === true && Object.keys(content).length === 1) {
      files[path] = { directory: true };
      continue;
    } else if (
      isObject(content) &&
      typeof content.symlink === 'string' &&
      Object.keys(content).length === 1
    ) {
      const target = content.symlink as string;
      if (target === '' || target.includes('\0'))
        throw new ArgumentError(`symlink "${path}" needs a target: a non-empty path without NUL`);
      files[path] = { symlink: target };
    } else
      throw new ArgumentError(
        `file "${path}" must be a string, a Uint8Array, { directory: true } or { symlink: "target" }`,
      );
    leaves.push(parts.join('/'));
  }
  const all = Object.keys(files).map((p) => p.replace(/^\.?\//, ''));
  for (const p of leaves)
    if (all.some((q) => q.startsWith(p + '/')))
      throw new ArgumentError(
        `"${p}" cannot be both a ${'symlink' in (files[p] ?? {}) ? 'symlink' : 'file'} and a directory`,
      );
  return files;
}

/** The preopened directory names, or undefined for the default. */
export function wasiPreopens(given: unknown): string[] | undefined {
  if (given === undefined) return undefined;
  if (!Array.isArray(given) || given.some((p) => typeof p !== 'string' || p === '' || p.includes('\0')))
    throw new ArgumentError(
      'preopens must be an array of directory names such as ["/"] or ["/", "."] (or [] for none)',
    );
  return [...(given as string[])];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
