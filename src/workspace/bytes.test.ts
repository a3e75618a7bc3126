import { describe, expect, it } from 'vitest';
import { crc32, crc32Hex, fromBase64, fromBase64Url, fromUtf8, toBase64, toBase64Url } from './bytes';

function sample(length: number): Uint8Array {
  let x = 0x9e3779b9 ^ length;
  return Uint8Array.from({ length }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x & 0xff;
  });
}

/** Independent reference: the platform's btoa over a binary string. */
function oracleBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

describe('bytes', () => {
  it('encodes base64 and base64url exactly like btoa for every length up to 300', () => {
    for (let n = 0; n <= 300; n++) {
      const b = sample(n);
      const std = oracleBase64(b);
      const url = std.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
      expect(toBase64(b)).toBe(std);
      expect(toBase64Url(b)).toBe(url);
      expect(fromBase64(std)).toEqual(b);
      expect(fromBase64Url(url)).toEqual(b);
    }
  });

  it('rejects non-canonical or foreign base64', () => {
    expect(fromBase64Url('A')).toBeNull(); // impossible length
    expect(fromBase64Url('AB')).toBeNull(); // unused bits set (canonical is 'AA')
    expect(fromBase64Url('AA')).toEqual(new Uint8Array([0]));
    expect(fromBase64Url('AA==')).toBeNull(); // no padding in base64url
    expect(fromBase64Url('+/')).toBeNull(); // standard alphabet
    expect(fromBase64Url('é')).toBeNull();
    expect(fromBase64('AA')).toBeNull(); // padding required
    expect(fromBase64('AA==')).toEqual(new Uint8Array([0]));
    expect(fromBase64('-_==')).toBeNull();
    expect(fromBase64('A===')).toBeNull();
    expect(fromBase64Url('')).toEqual(new Uint8Array(0));
  });

  it('computes the standard CRC-32', () => {
    expect(crc32Hex(new TextEncoder().encode('123456789'))).toBe('cbf43926');
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32Hex(new TextEncoder().encode('The quick brown fox jumps over the lazy dog'))).toBe(
      '414fa339',
    );
  });

  it('decodes UTF-8 strictly', () => {
    expect(fromUtf8(new TextEncoder().encode('héllo 👋'))).toBe('héllo 👋');
    expect(fromUtf8(new Uint8Array([0xc3, 0x28]))).toBeNull();
    expect(fromUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe('\ufeffA'); // BOM kept, not eaten
  });
});
