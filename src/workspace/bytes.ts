// Byte helpers shared by the share-link codec and the workspace file format: base64 (standard and
// URL-safe) without atob/btoa, UTF-8 via TextEncoder/TextDecoder, and a table-driven CRC-32.
// Pure and framework-free; works in browsers, workers and Node 20.

const STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function reverseTable(alphabet: string): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}

const utf8Encoder = new TextEncoder();
const asciiDecoder = new TextDecoder();

const STD_REVERSE = reverseTable(STD_ALPHABET);
const URL_REVERSE = reverseTable(URL_ALPHABET);

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  const table = utf8Encoder.encode(alphabet);
  const full = Math.floor(bytes.length / 3) * 3;
  const rest = bytes.length - full;
  const outLength = (full / 3) * 4 + (rest === 0 ? 0 : pad ? 4 : rest + 1);
  // Write ASCII codes into a byte array and decode once: far faster than string concatenation.
  const out = new Uint8Array(outLength);
  let o = 0;
  for (let i = 0; i < full; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = table[(n >> 18) & 63];
    out[o++] = table[(n >> 12) & 63];
    out[o++] = table[(n >> 6) & 63];
    out[o++] = table[n & 63];
  }
  if (rest) {
    const n = (bytes[full] << 16) | (rest === 2 ? bytes[full + 1] << 8 : 0);
    out[o++] = table[(n >> 18) & 63];
    out[o++] = table[(n >> 12) & 63];
    if (rest === 2) out[o++] = table[(n >> 6) & 63];
    if (pad) out.fill(61 /* = */, o); // one or two
  }
  return asciiDecoder.decode(out);
}

/**
 * Strict decoder: only alphabet characters, canonical trailing bits (unused bits must be zero), and
 * padding only when `padded` (then it is required). Returns null for anything else.
 */
function decode(text: string, reverse: Int16Array, padded: boolean): Uint8Array | null {
  let len = text.length;
  if (padded) {
    if (len % 4 !== 0) return null;
    if (len > 0 && text.charCodeAt(len - 1) === 61 /* = */) len--;
    if (len > 0 && text.charCodeAt(len - 1) === 61) len--;
  }
  if (len % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? reverse[c] : -1;
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits (2 or 4) must be zero, so every byte string has exactly one spelling.
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

/** RFC 4648 §5 base64url, no padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return encode(bytes, URL_ALPHABET, false);
}

/** Inverse of toBase64Url; null when the text is not canonical unpadded base64url. */
export function fromBase64Url(text: string): Uint8Array | null {
  return decode(text, URL_REVERSE, false);
}

/** RFC 4648 §4 standard base64 with `=` padding. */
export function toBase64(bytes: Uint8Array): string {
  return encode(bytes, STD_ALPHABET, true);
}

/** Inverse of toBase64; null when the text is not canonical padded base64. */
export function fromBase64(text: string): Uint8Array | null {
  return decode(text, STD_REVERSE, true);
}

export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Strict UTF-8 decode; null on invalid sequences. */
export function fromUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

let crcTable: Uint32Array | null = null;

function makeCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 (IEEE 802.3, as in zip/PNG/gzip) of the bytes, as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array): number {
  const table = (crcTable ??= makeCrcTable());
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 as 8 lowercase hex digits. */
export function crc32Hex(bytes: Uint8Array): string {
  return crc32(bytes).toString(16).padStart(8, '0');
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
