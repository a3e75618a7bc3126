// Share links: a pure, versioned codec between a SharePayload and a URL fragment.
//
// ## Format, version 1
//
//     #v1/<base64url( deflate-raw( envelope ) )>
//
// * `v1` is the format version. Decoders for every version ever released stay in `decoders`, so a
//   v1 link keeps opening after v2 exists. A link with a version this page does not know yet is
//   refused with a "made by a newer version" message.
// * base64url is RFC 4648 §5 (`A–Z a–z 0–9 - _`), without `=` padding, canonical (unused trailing
//   bits are zero). Whitespace inside the link (line-wrapped e-mails) is ignored.
// * deflate-raw is RFC 1951 DEFLATE with no zlib/gzip header (written by fflate at level 9; any
//   valid DEFLATE stream decodes, e.g. CompressionStream('deflate-raw') output).
// * The inflated envelope is UTF-8 text: 8 lowercase hex digits — the CRC-32 (IEEE, as in zip/PNG)
//   of the UTF-8 bytes of the JSON that follows — then a line feed (`\n`), then the JSON payload:
//
//     f7038e61
//     {"functions":[{"name":"add","wat":"(module …)"}],"open":"add"}
//
// JSON payload (every key except `functions` and `name` is optional; unknown keys are ignored):
//
//     {
//       "functions": [                       // one function (a function share) or the workspace
//         {
//           "name": "add",                   // unique, non-empty
//           "wat": "(module …)",             // WAT source text, or instead:
//           "wasm": "AGFzbQEAAAA…",          // module bytes, base64url (exactly one of wat / wasm)
//           "config": {                      // only fields that differ from DEFAULT_FUNCTION_CONFIG
//             "timeoutMs": 1000,             //   (timeoutMs 5000, memoryMiB 64, instance "fresh")
//             "memoryMiB": 128,
//             "instance": "reuse",           //   "fresh" | "reuse"
//             "entry": "main",               //   only when set
//             "meter": true,                 //   only when true; fuelLimit and provisioned
//             "fuelLimit": 100000,           //   (whole numbers) only when set
//             "provisioned": 2
//           },
//           "run": { "export": "add", "args": ["1", "2"] },  // Run panel inputs, when not empty
//           "wasi": {                        // WASI inputs, only the non-empty parts
//             "argv": ["--verbose"],
//             "env": { "LANG": "C" },
//             "stdin": "text",
//             "files": { "data.txt": "aGVsbG8" }               // path → bytes as base64url
//           }
//         }
//       ],
//       "open": "add",                       // function open in the editor; omitted when none
//       "platform": { "maxWorkers": 8 },     // only fields that differ from DEFAULT_PLATFORM_CONFIG;
//                                            //   the key itself is present only in workspace shares
//       "features": { "simd": true }         // wabt feature flags, as given
//     }
//
// Types are checked strictly on decode (any mismatch refuses the whole link): text where text is
// expected, timeoutMs/memoryMiB positive numbers, instance "fresh"|"reuse", platform values numbers (keepAlivePolicy "fixed" | "none" | "histogram", preinstantiate true | false)
// ≥ 0, feature values true/false, base64url where bytes are expected, function names unique.
//
// Omitted settings are restored from the defaults on decode, so a decoded function always has a
// complete `config`, and a decoded `platform` (when the link carries one) is a complete
// PlatformConfig. An empty `run`/`wasi` (and empty argv/env/stdin/files inside it) is dropped, so
// it decodes as absent. The `shared` flag is not encoded; the caller marks decoded functions.
//
// Limits: links longer than 2 MiB of text are refused before any decoding; the inflated envelope
// may not exceed 16 MiB (checked while inflating, so a "zip bomb" stops early). `encodeShare`
// refuses to produce a link that `decodeShare` would refuse.
import { Deflate, Inflate } from 'fflate';
import {
  DEFAULT_FUNCTION_CONFIG,
  DEFAULT_PLATFORM_CONFIG,
  KEEP_ALIVE_POLICIES,
  type FunctionConfig,
  type KeepAlivePolicy,
  type PlatformConfig,
} from '../platform/types';
import { crc32Hex, fromBase64Url, fromUtf8, toBase64Url, utf8 } from './bytes';
import type { FeatureFlags, Workspace, WorkspaceFunction } from './types';
import { PLATFORM_FIELDS, isPlainObject } from './validate';

export interface SharePayload {
  functions: WorkspaceFunction[];
  open: string | null;
  platform?: Partial<PlatformConfig>;
  features?: FeatureFlags;
}

/** Version written by encodeShare. */
export const SHARE_VERSION = 1;
/** Links up to this size paste comfortably into chats and issue trackers. */
export const COMFORTABLE_LINK_BYTES = 8192;
/** Longer fragments are refused before decoding. */
export const MAX_LINK_BYTES = 2 * 1024 * 1024;
/** Upper bound on the inflated envelope. */
export const MAX_INFLATED_BYTES = 16 * 1024 * 1024;

export type ShareLinkErrorCode =
  'empty' | 'not-a-share-link' | 'damaged' | 'newer-version' | 'unknown-version' | 'too-large' | 'invalid';

export class ShareLinkError extends Error {
  override readonly name = 'ShareLinkError';
  constructor(
    readonly code: ShareLinkErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const NOTHING_LOADED = 'Nothing was loaded.';
const kb = (bytes: number) => Math.ceil(bytes / 1024);

const damaged = () =>
  new ShareLinkError(
    'damaged',
    `This share link is damaged (it ends early or was changed). ${NOTHING_LOADED}`,
  );

const invalid = (path: string, expected: string) =>
  new ShareLinkError(
    'invalid',
    `This share link does not contain a valid nanofaas workspace (${path} should be ${expected}). ${NOTHING_LOADED}`,
  );

// ---- Encoding ---------------------------------------------------------------------------------

interface ShareFunctionJson {
  name: string;
  wat?: string;
  wasm?: string;
  config?: Partial<FunctionConfig>;
  run?: { export?: string; args?: string[] };
  wasi?: { argv?: string[]; env?: Record<string, string>; stdin?: string; files?: Record<string, string> };
}

interface ShareJsonV1 {
  functions: ShareFunctionJson[];
  open?: string;
  platform?: Partial<PlatformConfig>;
  features?: FeatureFlags;
}

function functionToJson(fn: WorkspaceFunction): ShareFunctionJson {
  const out: ShareFunctionJson = { name: fn.name };
  if (fn.source.kind === 'wat') out.wat = fn.source.text;
  else out.wasm = toBase64Url(fn.source.bytes);

  const config: Partial<FunctionConfig> = {};
  if (fn.config.timeoutMs !== DEFAULT_FUNCTION_CONFIG.timeoutMs) config.timeoutMs = fn.config.timeoutMs;
  if (fn.config.memoryMiB !== DEFAULT_FUNCTION_CONFIG.memoryMiB) config.memoryMiB = fn.config.memoryMiB;
  if (fn.config.instance !== DEFAULT_FUNCTION_CONFIG.instance) config.instance = fn.config.instance;
  if (fn.config.entry !== undefined) config.entry = fn.config.entry;
  if (fn.config.meter) config.meter = true;
  if (fn.config.fuelLimit !== undefined) config.fuelLimit = fn.config.fuelLimit;
  if (fn.config.provisioned) config.provisioned = fn.config.provisioned;
  if (Object.keys(config).length) out.config = config;

  const run: NonNullable<ShareFunctionJson['run']> = {};
  if (fn.run?.export !== undefined) run.export = fn.run.export;
  if (fn.run?.args?.length) run.args = fn.run.args;
  if (Object.keys(run).length) out.run = run;

  const w = fn.wasi;
  const wasi: NonNullable<ShareFunctionJson['wasi']> = {};
  if (w?.argv?.length) wasi.argv = w.argv;
  if (w?.env && Object.keys(w.env).length) wasi.env = w.env;
  if (w?.stdin) wasi.stdin = w.stdin;
  if (w?.files && Object.keys(w.files).length) {
    wasi.files = Object.fromEntries(Object.entries(w.files).map(([p, b]) => [p, toBase64Url(b)]));
  }
  if (Object.keys(wasi).length) out.wasi = wasi;
  return out;
}

/** The v1 JSON payload text for `payload` (what the link carries after the CRC line). */
export function toShareJson(payload: SharePayload): string {
  const json: ShareJsonV1 = { functions: payload.functions.map(functionToJson) };
  if (payload.open !== null && payload.functions.some((f) => f.name === payload.open))
    json.open = payload.open;
  if (payload.platform !== undefined) {
    const platform: Partial<PlatformConfig> = {};
    for (const key of PLATFORM_FIELDS) {
      const v = payload.platform[key];
      if (v !== undefined && v !== DEFAULT_PLATFORM_CONFIG[key]) Object.assign(platform, { [key]: v });
    }
    json.platform = platform;
  }
  if (payload.features !== undefined) json.features = payload.features;
  return JSON.stringify(json);
}

/**
 * Encodes `payload` as a fragment starting with `#v1/`. Throws ShareLinkError('too-large') when the
 * result would exceed what decodeShare accepts (export a workspace file instead).
 */
export function encodeShare(payload: SharePayload): string {
  const jsonBytes = utf8(toShareJson(payload));
  const envelope = new Uint8Array(9 + jsonBytes.length);
  envelope.set(utf8(crc32Hex(jsonBytes) + '\n'));
  envelope.set(jsonBytes, 9);
  if (envelope.length > MAX_INFLATED_BYTES) {
    throw new ShareLinkError(
      'too-large',
      `This is too large to share as a link (${kb(envelope.length)} KB of data, limit ${kb(MAX_INFLATED_BYTES)} KB). Export it to a file instead.`,
    );
  }
  const prefix = `#v${SHARE_VERSION}/`;
  const tooLarge = (size: string) =>
    new ShareLinkError(
      'too-large',
      `This is too large to share as a link (${size} KB, limit ${kb(MAX_LINK_BYTES)} KB). Export it to a file instead.`,
    );
  // Stream the compression so a hopeless case (e.g. a big binary module) stops early.
  const maxCompressed = Math.floor(((MAX_LINK_BYTES - prefix.length) * 3) / 4);
  const chunks: Uint8Array[] = [];
  let compressedSize = 0;
  const deflater = new Deflate({ level: 9 }, (chunk) => {
    compressedSize += chunk.length;
    if (compressedSize > maxCompressed) throw tooLarge(`more than ${kb(MAX_LINK_BYTES)}`);
    chunks.push(chunk);
  });
  const STEP = 256 * 1024;
  for (let i = 0; i < envelope.length; i += STEP) {
    deflater.push(envelope.subarray(i, i + STEP), i + STEP >= envelope.length);
  }
  const compressed = new Uint8Array(compressedSize);
  let offset = 0;
  for (const c of chunks) {
    compressed.set(c, offset);
    offset += c.length;
  }
  const fragment = prefix + toBase64Url(compressed);
  if (fragment.length > MAX_LINK_BYTES) throw tooLarge(String(kb(fragment.length)));
  return fragment;
}

/** A share of one function (it becomes the open one), with the feature flags it compiles with. */
export function sharePayloadForFunction(ws: Workspace, name: string): SharePayload {
  const fn = ws.functions.find((f) => f.name === name);
  if (!fn) throw new Error(`No function named "${name}" in the workspace.`);
  return { functions: [fn], open: fn.name, features: ws.features };
}

/** A share of the whole workspace, platform settings included. */
export function sharePayloadForWorkspace(ws: Workspace): SharePayload {
  return { functions: ws.functions, open: ws.open, platform: ws.platform, features: ws.features };
}

/** Size of the fragment in bytes (compare with COMFORTABLE_LINK_BYTES; add the page URL's length). */
export function shareLinkSize(fragment: string): number {
  return utf8(fragment).length;
}

// ---- Decoding ---------------------------------------------------------------------------------

/** Inflates raw DEFLATE data, refusing (early) to produce more than `cap` bytes. */
function inflateCapped(data: Uint8Array, cap: number): Uint8Array {
  if (data.length === 0) throw damaged();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > cap) {
      throw new ShareLinkError(
        'too-large',
        `This share link is too large once unpacked (more than ${kb(cap)} KB). ${NOTHING_LOADED}`,
      );
    }
    chunks.push(chunk);
  });
  // Small input steps bound what one push can produce (DEFLATE expands at most ~1032×).
  const STEP = 4096;
  try {
    for (let i = 0; i < data.length; i += STEP) {
      inflater.push(data.subarray(i, i + STEP), i + STEP >= data.length);
    }
  } catch (e) {
    if (e instanceof ShareLinkError) throw e;
    throw damaged(); // fflate: unexpected EOF, invalid block type, invalid distance, …
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Base64url → inflate → CRC check → JSON.parse. */
function openEnvelope(body: string): unknown {
  const compressed = fromBase64Url(body);
  if (!compressed) throw damaged();
  const envelope = inflateCapped(compressed, MAX_INFLATED_BYTES);
  if (envelope.length < 9 || envelope[8] !== 0x0a) throw damaged();
  const header = fromUtf8(envelope.subarray(0, 8));
  const jsonBytes = envelope.subarray(9);
  if (header === null || header !== crc32Hex(jsonBytes)) throw damaged();
  const text = fromUtf8(jsonBytes);
  if (text === null) throw damaged();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid('the content', 'JSON');
  }
}

// Strict readers: any field with the wrong type rejects the whole link.

function str(v: unknown, path: string): string {
  if (typeof v !== 'string') throw invalid(path, 'text');
  return v;
}

function strArray(v: unknown, path: string): string[] {
  if (!Array.isArray(v)) throw invalid(path, 'a list of text');
  return v.map((x, i) => str(x, `${path}[${i}]`));
}

function obj(v: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(v)) throw invalid(path, 'an object');
  return v;
}

function record<T>(v: unknown, path: string, read: (x: unknown, p: string) => T): Record<string, T> {
  // fromEntries defines own properties, so a key named "__proto__" cannot change the prototype.
  return Object.fromEntries(
    Object.entries(obj(v, path)).map(([k, x]) => [k, read(x, `${path}[${JSON.stringify(k)}]`)]),
  );
}

function positive(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw invalid(path, 'a positive number');
  return v;
}

function nonNegative(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw invalid(path, 'a number ≥ 0');
  return v;
}

function bytes(v: unknown, path: string): Uint8Array {
  const b = fromBase64Url(str(v, path));
  if (!b) throw invalid(path, 'base64url bytes');
  return b;
}

function readFunctionV1(raw: unknown, path: string): WorkspaceFunction {
  const f = obj(raw, path);
  const name = str(f.name, `${path}.name`);
  if (name === '') throw invalid(`${path}.name`, 'a non-empty name');
  let source: WorkspaceFunction['source'];
  if (f.wat !== undefined && f.wasm === undefined) source = { kind: 'wat', text: str(f.wat, `${path}.wat`) };
  else if (f.wasm !== undefined && f.wat === undefined)
    source = { kind: 'wasm', bytes: bytes(f.wasm, `${path}.wasm`) };
  else throw invalid(path, 'a function with exactly one of "wat" or "wasm"');

  const config: FunctionConfig = { ...DEFAULT_FUNCTION_CONFIG };
  if (f.config !== undefined) {
    const c = obj(f.config, `${path}.config`);
    if (c.timeoutMs !== undefined) config.timeoutMs = positive(c.timeoutMs, `${path}.config.timeoutMs`);
    if (c.memoryMiB !== undefined) config.memoryMiB = positive(c.memoryMiB, `${path}.config.memoryMiB`);
    if (c.instance !== undefined) {
      if (c.instance !== 'fresh' && c.instance !== 'reuse')
        throw invalid(`${path}.config.instance`, '"fresh" or "reuse"');
      config.instance = c.instance;
    }
    if (c.entry !== undefined) config.entry = str(c.entry, `${path}.config.entry`);
    if (c.meter !== undefined) {
      if (typeof c.meter !== 'boolean') throw invalid(`${path}.config.meter`, 'true or false');
      config.meter = c.meter;
    }
    if (c.fuelLimit !== undefined) {
      config.fuelLimit = positive(c.fuelLimit, `${path}.config.fuelLimit`);
      if (!Number.isSafeInteger(config.fuelLimit))
        throw invalid(`${path}.config.fuelLimit`, 'a whole number');
    }
    if (c.provisioned !== undefined) {
      config.provisioned = nonNegative(c.provisioned, `${path}.config.provisioned`);
      if (!Number.isSafeInteger(config.provisioned))
        throw invalid(`${path}.config.provisioned`, 'a whole number');
    }
  }
  const fn: WorkspaceFunction = { name, source, config };

  if (f.run !== undefined) {
    const r = obj(f.run, `${path}.run`);
    const run: NonNullable<WorkspaceFunction['run']> = {};
    if (r.export !== undefined) run.export = str(r.export, `${path}.run.export`);
    if (r.args !== undefined) run.args = strArray(r.args, `${path}.run.args`);
    fn.run = run;
  }
  if (f.wasi !== undefined) {
    const w = obj(f.wasi, `${path}.wasi`);
    const wasi: NonNullable<WorkspaceFunction['wasi']> = {};
    if (w.argv !== undefined) wasi.argv = strArray(w.argv, `${path}.wasi.argv`);
    if (w.env !== undefined) wasi.env = record(w.env, `${path}.wasi.env`, str);
    if (w.stdin !== undefined) wasi.stdin = str(w.stdin, `${path}.wasi.stdin`);
    if (w.files !== undefined) wasi.files = record(w.files, `${path}.wasi.files`, bytes);
    fn.wasi = wasi;
  }
  return fn;
}

function decodeV1(body: string): SharePayload {
  const root = obj(openEnvelope(body), 'the content');
  if (!Array.isArray(root.functions)) throw invalid('functions', 'a list');
  const functions = root.functions.map((f, i) => readFunctionV1(f, `functions[${i}]`));
  const names = new Set<string>();
  for (const fn of functions) {
    if (names.has(fn.name)) throw invalid(`the function name "${fn.name}"`, 'unique');
    names.add(fn.name);
  }
  let open: string | null = null;
  if (root.open !== undefined && root.open !== null) {
    const name = str(root.open, 'open');
    if (names.has(name)) open = name;
  }
  const payload: SharePayload = { functions, open };
  if (root.platform !== undefined) {
    const p = obj(root.platform, 'platform');
    const platform: PlatformConfig = { ...DEFAULT_PLATFORM_CONFIG };
    for (const key of PLATFORM_FIELDS) {
      if (p[key] === undefined) continue;
      if (key === 'keepAlivePolicy') {
        if (!KEEP_ALIVE_POLICIES.includes(p[key] as KeepAlivePolicy))
          throw invalid(`platform.${key}`, KEEP_ALIVE_POLICIES.map((k) => `"${k}"`).join(' | '));
        platform.keepAlivePolicy = p[key] as KeepAlivePolicy;
      } else if (key === 'preinstantiate') {
        if (typeof p[key] !== 'boolean') throw invalid(`platform.${key}`, 'true or false');
        platform.preinstantiate = p[key];
      } else platform[key] = nonNegative(p[key], `platform.${key}`);
    }
    payload.platform = platform;
  }
  if (root.features !== undefined) {
    payload.features = record(root.features, 'features', (v, path) => {
      if (typeof v !== 'boolean') throw invalid(path, 'true or false');
      return v;
    });
  }
  return payload;
}

/**
 * Decoders by version tag. Never remove an entry: links live in chats, issues and bookmarks.
 * Each receives the text after `v<N>/` (whitespace already removed).
 */
export const decoders: Record<string, (body: string) => SharePayload> = {
  v1: decodeV1,
};

const LINK_RE = /^v(\d{1,9})\/(.*)$/s;

/** Whether `fragment` looks like a share link (cheap; for routing). Accepts a leading `#`. */
export function isShareFragment(fragment: string): boolean {
  return /^#?v\d{1,9}\//.test(fragment);
}

/**
 * Decodes a fragment (`#v1/…`, `v1/…`, or a whole URL containing `#v1/…`). Throws ShareLinkError
 * with a message meant for the student; nothing else is thrown.
 */
export function decodeShare(fragment: string): SharePayload {
  if (typeof fragment !== 'string' || fragment.trim() === '' || fragment.trim() === '#') {
    throw new ShareLinkError('empty', `This share link is empty. ${NOTHING_LOADED}`);
  }
  // Size first: nothing below may run on an enormous input.
  if (fragment.length > MAX_LINK_BYTES) {
    throw new ShareLinkError(
      'too-large',
      `This share link is too large (${kb(fragment.length)} KB, limit ${kb(MAX_LINK_BYTES)} KB). ${NOTHING_LOADED}`,
    );
  }
  const hash = fragment.indexOf('#');
  const text = (hash >= 0 ? fragment.slice(hash + 1) : fragment).replace(/\s+/g, '');
  const m = LINK_RE.exec(text);
  if (!m) {
    throw new ShareLinkError(
      'not-a-share-link',
      `This is not a nanofaas share link (it should start with "#v${SHARE_VERSION}/"). ${NOTHING_LOADED}`,
    );
  }
  const [, digits, body] = m;
  const decoder = Object.hasOwn(decoders, `v${digits}`) ? decoders[`v${digits}`] : undefined;
  if (!decoder) {
    const newest = Math.max(...Object.keys(decoders).map((k) => Number(k.slice(1))));
    if (Number(digits) > newest) {
      throw new ShareLinkError(
        'newer-version',
        `This share link was made by a newer version (v${digits}) of nanofaas; this page reads links up to v${newest}. ` +
          `Reload the page to update it, then open the link again. ${NOTHING_LOADED}`,
      );
    }
    throw new ShareLinkError(
      'unknown-version',
      `This share link has a version (v${digits}) nanofaas never made. ${NOTHING_LOADED}`,
    );
  }
  return decoder(body);
}
