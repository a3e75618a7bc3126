// Turning a file the user picked or dropped into a workspace function. Decides by the file's
// first bytes (`\0asm`) as much as by its extension, and refuses oversized files before reading
// them into memory. Every error message is meant for a student, not a debugger.
import { MAX_MODULE_BYTES } from '../platform/rules';
import { DEFAULT_FUNCTION_CONFIG } from '../platform/types';
import { rememberBlob } from '../workspace/blobs';
import type { WorkspaceFunction } from '../workspace/types';
import type { AppState } from './state.svelte';

/** An upload that cannot become a function; `message` is shown to the user as it is. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
const READ_IN_WORKER_BYTES = 1024 * 1024;
const TEXT_EXTENSIONS = new Set(['wat', 'wast']);

/** The part of `File` this module uses (so tests can pass a Blob with a name). */
export type UploadFile = Pick<File, 'name' | 'size' | 'slice' | 'arrayBuffer'>;

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : '';
}

/** The function name for a file: its name without the extension, tidied up. */
export function functionNameFor(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const base = [...(dot > 0 ? fileName.slice(0, dot) : fileName)]
    .filter((ch) => ch >= ' ' && ch !== '\u007f') // function names cannot hold control characters
    .join('')
    .trim()
    .slice(0, 100);
  return base || 'uploaded';
}

/** Tabs, newlines, form feeds and carriage returns are text; other C0 controls mean binary data. */
function isBinaryLooking(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && (c < 0x09 || c > 0x0d)) return true;
  }
  return false;
}

export function hasWasmMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && WASM_MAGIC.every((b, i) => bytes[i] === b);
}

/** UTF-8 text without NUL or other binary control characters, else null. */
function asText(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  return isBinaryLooking(text) ? null : text.replace(/^\uFEFF/, '');
}

/**
 * Reads an uploaded .wat or .wasm file into a new workspace function (the caller makes its name
 * unique). Throws an UploadError with a readable message for anything else.
 */
export async function readUpload(
  file: UploadFile,
  readBytes: (file: UploadFile) => Promise<Uint8Array> = async (f) => new Uint8Array(await f.arrayBuffer()),
): Promise<WorkspaceFunction> {
  const ext = extensionOf(file.name);
  const label = `"${file.name}"`;
  if (file.size > MAX_MODULE_BYTES) {
    throw new UploadError(
      `${label} is ${formatSize(file.size)}, which is too big: the playground accepts files up to ${formatSize(MAX_MODULE_BYTES)}.`,
    );
  }
  if (file.size === 0) throw new UploadError(`${label} is empty, so there is nothing to open.`);
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  const config = { ...DEFAULT_FUNCTION_CONFIG };
  const name = functionNameFor(file.name);

  if (hasWasmMagic(head)) {
    const bytes = await readBytes(file);
    if (typeof Blob === 'function' && file instanceof Blob) rememberBlob(bytes, file);
    return { name, source: { kind: 'wasm', bytes }, config };
  }
  if (ext === 'wasm') {
    throw new UploadError(
      `${label} is not a WebAssembly binary: a .wasm file starts with the bytes "\\0asm", and this one does not. ` +
        `If it holds WebAssembly text, rename it to .wat.`,
    );
  }
  if (!TEXT_EXTENSIONS.has(ext)) {
    throw new UploadError(
      `${label} is neither a .wat (WebAssembly text) nor a .wasm (WebAssembly binary) file.`,
    );
  }
  const text = asText(new Uint8Array(await file.arrayBuffer()));
  if (text === null) {
    throw new UploadError(
      `${label} does not contain WebAssembly text: it looks like binary data. A .wat file is plain text such as "(module …)".`,
    );
  }
  return { name, source: { kind: 'wat', text }, config };
}

/**
 * Opens each file as a new function (never replacing one), telling the user what happened.
 * Returns the names of the functions added.
 */
export async function openUploads(app: AppState, files: Iterable<UploadFile>): Promise<string[]> {
  const added: string[] = [];
  for (const file of files) {
    try {
      // A big File is read in the compiler worker: 30 MB arriving on the page's thread is a long
      // task. Small ones are read here, without waiting for a worker that may still be loading wabt.
      const fn = await readUpload(file, (f) =>
        typeof Blob === 'function' && f instanceof Blob && f.size >= READ_IN_WORKER_BYTES
          ? app.compiler.readBytes(f)
          : f.arrayBuffer().then((b) => new Uint8Array(b)),
      );
      const name = app.addFunction(fn);
      added.push(name);
      const what = fn.source.kind === 'wasm' ? 'a read-only binary' : 'WebAssembly text';
      app.notify('success', `Opened "${file.name}" as ${what} in the function "${name}".`);
    } catch (err) {
      const text =
        err instanceof UploadError
          ? err.message
          : `"${file.name}" could not be read: ${err instanceof Error ? err.message : String(err)}`;
      app.notify('error', `${text} Nothing in your workspace was changed.`);
    }
  }
  return added;
}
