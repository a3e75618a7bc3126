import { Inflate, deflateSync, inflateSync } from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_FUNCTION_CONFIG, DEFAULT_PLATFORM_CONFIG } from '../platform/types';
import { crc32Hex, toBase64Url } from './bytes';
import {
  COMFORTABLE_LINK_BYTES,
  MAX_LINK_BYTES,
  ShareLinkError,
  decodeShare,
  decoders,
  encodeShare,
  isShareFragment,
  shareLinkSize,
  sharePayloadForFunction,
  sharePayloadForWorkspace,
  toShareJson,
  type SharePayload,
} from './share';
import type { Workspace, WorkspaceFunction } from './types';

const enc = new TextEncoder();
const dec = new TextDecoder();

const ADD_WAT = `(module
  (func (export "add") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add))`;

function watFn(name: string, text = ADD_WAT, extra: Partial<WorkspaceFunction> = {}): WorkspaceFunction {
  return { name, source: { kind: 'wat', text }, config: { ...DEFAULT_FUNCTION_CONFIG }, ...extra };
}

function roundTrip(payload: SharePayload): SharePayload {
  const link = encodeShare(payload);
  expect(link.startsWith('#v1/')).toBe(true);
  return decodeShare(link);
}

/** Builds a v1 link around arbitrary JSON text, with a correct CRC unless one is given. */
function craft(jsonText: string, crc?: string): string {
  const json = enc.encode(jsonText);
  const head = enc.encode(`${crc ?? crc32Hex(json)}\n`);
  const envelope = new Uint8Array(head.length + json.length);
  envelope.set(head);
  envelope.set(json, head.length);
  return `#v1/${toBase64Url(deflateSync(envelope))}`;
}

function craftBytes(envelope: Uint8Array): string {
  return `#v1/${toBase64Url(deflateSync(envelope))}`;
}

/** Inflates a link body by hand (independently of the codec) to look at the envelope. */
function envelopeOf(link: string): { header: string; json: string } {
  const b64 = link.slice(4).replaceAll('-', '+').replaceAll('_', '/');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  const raw = inflateSync(Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)));
  const text = dec.decode(raw);
  return { header: text.slice(0, 8), json: text.slice(9) };
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

function expectShareError(input: string, code?: ShareLinkError['code']): ShareLinkError {
  const e = catchError(() => decodeShare(input));
  expect(e).toBeInstanceOf(ShareLinkError);
  if (code) expect((e as ShareLinkError).code).toBe(code);
  expect((e as ShareLinkError).message).toMatch(/Nothing was loaded\.$/);
  return e as ShareLinkError;
}

describe('share links: round trips', () => {
  it('round-trips one WAT function with Run inputs', () => {
    const payload: SharePayload = {
      functions: [watFn('add', ADD_WAT, { run: { export: 'add', args: ['1', '2'] } })],
      open: 'add',
    };
    expect(roundTrip(payload)).toEqual(payload);
  });

  it('round-trips binary modules and WASI files byte-exactly (all 256 byte values)', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const payload: SharePayload = {
      functions: [
        {
          name: 'bin',
          source: { kind: 'wasm', bytes: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...all]) },
          config: { ...DEFAULT_FUNCTION_CONFIG },
          wasi: {
            argv: ['a b', ''],
            env: { HOME: '/', EMPTY: '' },
            stdin: 'line 1\nline 2\n',
            files: { 'data/all.bin': all, 'empty.bin': new Uint8Array(0), '1.bin': new Uint8Array([7]) },
          },
        },
      ],
      open: 'bin',
    };
    const out = roundTrip(payload);
    expect(out).toEqual(payload);
    const src = out.functions[0].source;
    expect(src.kind === 'wasm' && src.bytes).toBeInstanceOf(Uint8Array);
    expect(out.functions[0].wasi?.files?.['data/all.bin']).toBeInstanceOf(Uint8Array);
  });

  it('round-trips Unicode text (emoji, CJK, RTL, combining marks, lone surrogates)', () => {
    const text = ';; 👋🏽 héllo — 你好世界 — مرحبا بالعالم — שלום — e\u0301 — \u202Eevil\u202C — \uD800 lone';
    const payload: SharePayload = {
      functions: [watFn('数学 ➕ مجموع', `(module) ${text}`, { run: { args: ['🎉', 'ÿ'] } })],
      open: '数学 ➕ مجموع',
      features: { 'ünïcode-flag': true },
    };
    const out = roundTrip(payload);
    expect(out).toEqual(payload);
    expect(out.functions[0].source).toEqual({ kind: 'wat', text: `(module) ${text}` });
  });

  it('round-trips HTML-looking text byte-exactly (it is data, not markup)', () => {
    const text = '<img src=x onerror=alert(1)> &amp; &lt;/script> "quotes" \'single\' \\ \u0000 \u2028';
    const out = roundTrip({ functions: [watFn('x<b>', text)], open: null });
    const src = out.functions[0].source;
    expect(src.kind).toBe('wat');
    expect(src.kind === 'wat' && src.text).toBe(text);
    expect(out.functions[0].name).toBe('x<b>');
  });

  it('round-trips an empty workspace', () => {
    expect(roundTrip({ functions: [], open: null })).toEqual({ functions: [], open: null });
    const ws: Workspace = {
      functions: [],
      platform: { ...DEFAULT_PLATFORM_CONFIG },
      features: {},
      open: null,
    };
    expect(roundTrip(sharePayloadForWorkspace(ws))).toEqual({
      functions: [],
      open: null,
      platform: DEFAULT_PLATFORM_CONFIG,
      features: {},
    });
  });

  it('round-trips a whole workspace with settings', () => {
    const ws: Workspace = {
      functions: [
        watFn('a', ADD_WAT, { config: { timeoutMs: 100, memoryMiB: 16, instance: 'reuse', entry: 'add' } }),
        watFn('b', '(module)', {
          config: { ...DEFAULT_FUNCTION_CONFIG, meter: true, fuelLimit: 100_000, provisioned: 2 },
        }),
        {
          name: 'c',
          source: { kind: 'wasm', bytes: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) },
          config: { ...DEFAULT_FUNCTION_CONFIG, memoryMiB: 1024 },
          run: { export: '_start' },
        },
      ],
      platform: {
        maxWorkers: 8,
        prewarm: 0,
        keepAliveMs: 60_000,
        keepAlivePolicy: 'fixed',
        maxQueue: 50,
        historyLimit: 1000,
        preinstantiate: false,
      },
      features: { simd: true, threads: false },
      open: 'b',
    };
    expect(roundTrip(sharePayloadForWorkspace(ws))).toEqual({
      functions: ws.functions,
      open: 'b',
      platform: ws.platform,
      features: ws.features,
    });
  });

  it('shares one function as the open one with the feature flags', () => {
    const ws: Workspace = {
      functions: [watFn('a'), watFn('b', '(module)')],
      platform: { ...DEFAULT_PLATFORM_CONFIG, maxWorkers: 1 },
      features: { simd: true },
      open: 'a',
    };
    const out = roundTrip(sharePayloadForFunction(ws, 'b'));
    expect(out).toEqual({ functions: [ws.functions[1]], open: 'b', features: { simd: true } });
    expect(out.platform).toBeUndefined();
    expect(() => sharePayloadForFunction(ws, 'nope')).toThrow(/No function named "nope"/);
  });

  it('drops the `shared` flag and empty run/wasi (they decode as absent)', () => {
    const fn = watFn('a', ADD_WAT, {
      shared: true,
      run: { args: [] },
      wasi: { argv: [], env: {}, stdin: '', files: {} },
    });
    const out = roundTrip({ functions: [fn], open: 'a' });
    expect(out.functions[0]).toEqual(watFn('a'));
  });

  it('accepts a whole URL, no leading #, and line-wrapped links', () => {
    const payload: SharePayload = { functions: [watFn('add')], open: 'add' };
    const link = encodeShare(payload);
    expect(decodeShare(`https://example.test/nanofaas/${link}`)).toEqual(payload);
    expect(decodeShare(link.slice(1))).toEqual(payload);
    const wrapped = link.replace(/(.{20})/g, '$1\n  ');
    expect(wrapped).not.toBe(link);
    expect(decodeShare(wrapped)).toEqual(payload);
    expect(isShareFragment(link)).toBe(true);
    expect(isShareFragment('#/functions/add')).toBe(false);
  });
});

describe('share links: format', () => {
  it('leaves settings equal to the defaults out of the JSON and restores them on decode', () => {
    const payload: SharePayload = {
      functions: [watFn('add', ADD_WAT, { run: {}, wasi: {} })],
      open: 'add',
      platform: { ...DEFAULT_PLATFORM_CONFIG },
    };
    const link = encodeShare(payload);
    const { header, json } = envelopeOf(link);
    expect(json).toBe(toShareJson(payload));
    expect(header).toBe(crc32Hex(enc.encode(json)));
    expect(JSON.parse(json)).toEqual({
      functions: [{ name: 'add', wat: ADD_WAT }],
      open: 'add',
      platform: {},
    });
    for (const key of [
      'config',
      'timeoutMs',
      'memoryMiB',
      'instance',
      'entry',
      'run',
      'wasi',
      'maxWorkers',
    ]) {
      expect(json).not.toContain(`"${key}"`);
    }
    const out = decodeShare(link);
    expect(out.functions[0].config).toEqual(DEFAULT_FUNCTION_CONFIG);
    expect(out.platform).toEqual(DEFAULT_PLATFORM_CONFIG);
  });

  it('writes only the non-default fields', () => {
    const json = JSON.parse(
      toShareJson({
        functions: [watFn('a', '(module)', { config: { ...DEFAULT_FUNCTION_CONFIG, memoryMiB: 128 } })],
        open: null,
        platform: { ...DEFAULT_PLATFORM_CONFIG, maxWorkers: 2 },
      }),
    ) as Record<string, unknown>;
    expect(json).toEqual({
      functions: [{ name: 'a', wat: '(module)', config: { memoryMiB: 128 } }],
      platform: { maxWorkers: 2 },
    });
  });

  it('carries a keep-alive policy other than the default, by name', () => {
    const payload = {
      functions: [],
      open: null,
      platform: { ...DEFAULT_PLATFORM_CONFIG, keepAlivePolicy: 'histogram' as const },
    };
    expect(JSON.parse(toShareJson(payload))).toEqual({
      functions: [],
      platform: { keepAlivePolicy: 'histogram' },
    });
    expect(decodeShare(encodeShare(payload)).platform).toEqual(payload.platform);
  });

  it('stores binary as base64url inside the JSON', () => {
    const json = toShareJson({
      functions: [
        {
          name: 'w',
          source: { kind: 'wasm', bytes: new Uint8Array([0xfb, 0xff, 0xfe]) },
          config: { ...DEFAULT_FUNCTION_CONFIG },
        },
      ],
      open: null,
    });
    expect(JSON.parse(json)).toEqual({ functions: [{ name: 'w', wasm: '-__-' }] });
  });

  it('reports the link size against the comfortable limit', () => {
    expect(COMFORTABLE_LINK_BYTES).toBe(8192);
    expect(shareLinkSize('#v1/abc')).toBe(7);
    const link = encodeShare({ functions: [watFn('add')], open: 'add' });
    expect(shareLinkSize(link)).toBe(link.length);
    expect(shareLinkSize(link)).toBeLessThan(COMFORTABLE_LINK_BYTES);
  });

  it('refuses to encode what it could not decode', () => {
    const random = new Uint8Array(3 * 1024 * 1024);
    let x = 2463534242;
    for (let i = 0; i < random.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      random[i] = x & 0xff;
    }
    const big: SharePayload = {
      functions: [
        { name: 'big', source: { kind: 'wasm', bytes: random }, config: { ...DEFAULT_FUNCTION_CONFIG } },
      ],
      open: null,
    };
    const e1 = catchError(() => encodeShare(big)) as ShareLinkError;
    expect(e1).toBeInstanceOf(ShareLinkError);
    expect(e1.code).toBe('too-large');
    expect(e1.message).toMatch(/Export it to a file/);

    const e2 = catchError(() =>
      encodeShare({ functions: [watFn('huge', 'x'.repeat(17 * 1024 * 1024))], open: null }),
    ) as ShareLinkError;
    expect(e2.code).toBe('too-large');
  }, 20_000);
});

describe('share links: versions', () => {
  // Made by encodeShare when v1 was introduced. It must keep decoding to exactly this, forever.
  const V1_FIXTURE =
    '#v1/XVBBTsMwELzzCmtPrZRGIS0I5RYh2ktBqgTiQKrKTTaphWNHjgOFyC_gxAt65g_c-iGewLpIFWDJ0u7M7M7YccRLfo6Tkx7KTuVWaNVC8tCD4jVCArwoIIBnbqke1LroJLKBV7IBbhttLMu8JoMhGzTc8JqJcewv9QbbTtpDkynGpM65DCu0LPpVn3o-pBXDIRnlWpWigqQHK2rUnb2mNPFZ5AIwnfL4j-sxGTeVzwsx1ZMIls4Fx-yV2X_ud8i-du9vh0e0NaHpbPq6XlyldP4YCtVarnI_aLBrkUhU1rxQvyKGPCkE7RBeTLZP3nakSDaGpdcS0MM8vZnRxGV4dzsdXfiR1haCksNm_yGlzvxAKSRSau8Zrg9kupivwDlHi3SDHvkXvpHcltrQA3qo-fZem0c0_m_IoURuO_psz7WiLiCxpsMA7MYgLwguuWzRuW8';

  it('decodes the checked-in v1 fixture', () => {
    expect(decodeShare(V1_FIXTURE)).toEqual({
      functions: [
        {
          name: 'add',
          source: {
            kind: 'wat',
            text: '(module (func (export "add") (param i32 i32) (result i32)\n  local.get 0 local.get 1 i32.add))',
          },
          config: { timeoutMs: 250, memoryMiB: 64, instance: 'fresh' },
          run: { export: 'add', args: ['2', '40'] },
        },
        {
          name: 'grüße 👋',
          source: { kind: 'wasm', bytes: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]) },
          config: { timeoutMs: 5000, memoryMiB: 64, instance: 'reuse', entry: '_start' },
          wasi: {
            argv: ['-n', '3'],
            env: { LANG: 'C.UTF-8' },
            stdin: 'héllo\n',
            files: { 'in.bin': new Uint8Array([1, 2, 255]) },
          },
        },
      ],
      open: 'grüße 👋',
      platform: { ...DEFAULT_PLATFORM_CONFIG, maxWorkers: 2 },
      features: { simd: true, threads: false },
    } satisfies SharePayload);
  });

  it('keeps a decoder per version', () => {
    expect(Object.keys(decoders)).toContain('v1');
    expect(decoders.v1(V1_FIXTURE.slice(4)).open).toBe('grüße 👋');
  });

  it('explains links from a newer version', () => {
    const e = expectShareError('#v7/AAAA', 'newer-version');
    expect(e.message).toContain('This share link was made by a newer version (v7)');
    expect(e.message).toContain('up to v1');
  });

  it('refuses versions that never existed', () => {
    expectShareError('#v0/AAAA', 'unknown-version');
    expectShareError('#v01/AAAA', 'unknown-version');
  });
});

describe('share links: rejection', () => {
  const sample = encodeShare({
    functions: [
      watFn('add', ADD_WAT, { run: { export: 'add', args: ['1', '2'] } }),
      {
        name: 'bin',
        source: { kind: 'wasm', bytes: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) },
        config: { ...DEFAULT_FUNCTION_CONFIG },
      },
    ],
    open: 'add',
    features: { simd: true },
  });
  const samplePayload = decodeShare(sample);

  it('rejects empty input', () => {
    expectShareError('', 'empty');
    expectShareError('#', 'empty');
    expectShareError('   ', 'empty');
    expect(expectShareError('').message).toBe('This share link is empty. Nothing was loaded.');
  });

  it('rejects a wrong prefix', () => {
    expectShareError('#hello', 'not-a-share-link');
    expectShareError('#/v1/abc', 'not-a-share-link');
    expectShareError('#V1/abc', 'not-a-share-link');
    expectShareError('#v1', 'not-a-share-link');
    expectShareError('#x1/' + sample.slice(4), 'not-a-share-link');
    expectShareError('#v1234567890/AAAA', 'not-a-share-link');
  });

  it('rejects bad base64', () => {
    const damagedMessage = 'This share link is damaged (it ends early or was changed). Nothing was loaded.';
    expect(expectShareError('#v1/abc$', 'damaged').message).toBe(damagedMessage);
    expectShareError('#v1/' + sample.slice(4, -1) + '+', 'damaged'); // standard alphabet, not url-safe
    expectShareError('#v1/' + sample.slice(4) + '=', 'damaged'); // padding
    expectShareError('#v1/A', 'damaged'); // impossible length
    expectShareError('#v1/AB', 'damaged'); // non-zero unused bits
    expectShareError('#v1/', 'damaged');
  });

  it('rejects every truncation of a link with ShareLinkError and nothing else', () => {
    expect(sample.length).toBeGreaterThan(100);
    for (let len = 0; len < sample.length; len++) {
      const e = catchError(() => decodeShare(sample.slice(0, len)));
      if (!(e instanceof ShareLinkError)) throw new Error(`length ${len}: ${String(e)}`, { cause: e });
    }
    expect(decodeShare(sample)).toEqual(samplePayload);
  });

  it('rejects a flipped character in the middle', () => {
    const mid = Math.floor(sample.length / 2);
    const flipped = sample.slice(0, mid) + (sample[mid] === 'A' ? 'B' : 'A') + sample.slice(mid + 1);
    expectShareError(flipped, 'damaged');
  });

  it('never yields different data for any single changed character', () => {
    let rejected = 0;
    let positions = 0;
    for (let i = 4; i < sample.length; i++) {
      for (const c of ['A', 'z', '-']) {
        if (sample[i] === c) continue;
        positions++;
        const tampered = sample.slice(0, i) + c + sample.slice(i + 1);
        let out: SharePayload;
        try {
          out = decodeShare(tampered);
        } catch (e) {
          if (!(e instanceof ShareLinkError)) throw new Error(`position ${i}: ${String(e)}`, { cause: e });
          rejected++;
          continue;
        }
        // DEFLATE can spell the same bytes differently (e.g. a match at another equal distance).
        expect(out, `position ${i}`).toEqual(samplePayload);
      }
    }
    expect(rejected / positions).toBeGreaterThan(0.95);
  });

  it('detects content changed under a valid compression (CRC-32)', () => {
    const json = toShareJson(samplePayload);
    const wrongCrc = crc32Hex(enc.encode(json.replace('"add"', '"adx"')));
    expectShareError(craft(json, wrongCrc), 'damaged');
    expectShareError(craft(json, 'ZZZZZZZZ'), 'damaged');
    expect(decodeShare(craft(json))).toEqual(samplePayload); // control: correct CRC decodes
    expectShareError(craftBytes(enc.encode(json)), 'damaged'); // no CRC line at all
    expectShareError(craftBytes(new Uint8Array(0)), 'damaged');
    const badUtf8 = new Uint8Array([0xc3, 0x28]);
    expectShareError(
      craftBytes(new Uint8Array([...enc.encode(`${crc32Hex(badUtf8)}\n`), ...badUtf8])),
      'damaged',
    );
  });

  it('rejects content that is not JSON or has the wrong shape', () => {
    expectShareError(craft('not json'), 'invalid');
    const bad: [string, RegExp][] = [
      ['[]', /the content should be an object/],
      ['null', /the content should be an object/],
      ['{}', /functions should be a list/],
      ['{"functions":{}}', /functions should be a list/],
      ['{"functions":[1]}', /functions\[0\] should be an object/],
      ['{"functions":[{"wat":""}]}', /functions\[0\]\.name should be text/],
      ['{"functions":[{"name":"","wat":""}]}', /non-empty name/],
      ['{"functions":[{"name":7,"wat":""}]}', /functions\[0\]\.name should be text/],
      ['{"functions":[{"name":"a"}]}', /exactly one of "wat" or "wasm"/],
      ['{"functions":[{"name":"a","wat":"","wasm":""}]}', /exactly one of "wat" or "wasm"/],
      ['{"functions":[{"name":"a","wat":1}]}', /functions\[0\]\.wat should be text/],
      ['{"functions":[{"name":"a","wasm":"A"}]}', /functions\[0\]\.wasm should be base64url bytes/],
      ['{"functions":[{"name":"a","wasm":[0,97]}]}', /functions\[0\]\.wasm should be text/],
      ['{"functions":[{"name":"a","wat":"","config":[]}]}', /config should be an object/],
      [
        '{"functions":[{"name":"a","wat":"","config":{"timeoutMs":"5"}}]}',
        /timeoutMs should be a positive number/,
      ],
      ['{"functions":[{"name":"a","wat":"","config":{"memoryMiB":-1}}]}', /memoryMiB should be a positive/],
      ['{"functions":[{"name":"a","wat":"","config":{"instance":"often"}}]}', /"fresh" or "reuse"/],
      ['{"functions":[{"name":"a","wat":"","config":{"entry":false}}]}', /entry should be text/],
      ['{"functions":[{"name":"a","wat":"","config":{"meter":1}}]}', /meter should be true or false/],
      ['{"functions":[{"name":"a","wat":"","config":{"fuelLimit":0}}]}', /fuelLimit should be a positive/],
      ['{"functions":[{"name":"a","wat":"","config":{"fuelLimit":1.5}}]}', /fuelLimit should be a whole/],
      ['{"functions":[{"name":"a","wat":"","config":{"provisioned":-1}}]}', /provisioned should be a number/],
      ['{"functions":[{"name":"a","wat":"","run":"x"}]}', /run should be an object/],
      ['{"functions":[{"name":"a","wat":"","run":{"args":[1]}}]}', /run\.args\[0\] should be text/],
      ['{"functions":[{"name":"a","wat":"","run":{"export":1}}]}', /run\.export should be text/],
      ['{"functions":[{"name":"a","wat":"","wasi":{"argv":"x"}}]}', /argv should be a list of text/],
      ['{"functions":[{"name":"a","wat":"","wasi":{"env":{"A":1}}}]}', /env\["A"\] should be text/],
      ['{"functions":[{"name":"a","wat":"","wasi":{"stdin":[]}}]}', /stdin should be text/],
      [
        '{"functions":[{"name":"a","wat":"","wasi":{"files":{"f":"@@"}}}]}',
        /files\["f"\] should be base64url/,
      ],
      ['{"functions":[{"name":"a","wat":""},{"name":"a","wat":""}]}', /"a" should be unique/],
      ['{"functions":[],"open":3}', /open should be text/],
      ['{"functions":[],"platform":{"maxWorkers":-1}}', /platform\.maxWorkers should be a number/],
      ['{"functions":[],"platform":{"maxQueue":"9"}}', /platform\.maxQueue should be a number/],
      ['{"functions":[],"platform":7}', /platform should be an object/],
      [
        '{"functions":[],"platform":{"keepAlivePolicy":"sometimes"}}',
        /platform\.keepAlivePolicy should be "fixed" \| "none" \| "histogram"/,
      ],
      [
        '{"functions":[],"platform":{"preinstantiate":0}}',
        /platform\.preinstantiate should be true or false/,
      ],
      ['{"functions":[],"features":{"simd":"yes"}}', /features\["simd"\] should be true or false/],
    ];
    for (const [json, message] of bad) {
      const e = expectShareError(craft(json), 'invalid');
      expect(e.message, json).toMatch(message);
    }
  });

  it('ignores unknown fields and an open name that is not in the link', () => {
    const out = decodeShare(
      craft(
        '{"functions":[{"name":"a","wat":"x","color":"red","config":{"gpu":true}}],"open":"b","theme":1}',
      ),
    );
    expect(out).toEqual({ functions: [watFn('a', 'x')], open: null });
    const proto = decodeShare(
      craft('{"functions":[{"name":"a","wat":"","wasi":{"env":{"__proto__":"x"}}}]}'),
    );
    const env = proto.functions[0].wasi?.env ?? {};
    expect(Object.getPrototypeOf(env)).toBe(Object.prototype);
    expect(Object.keys(env)).toEqual(['__proto__']);
  });

  it('rejects oversized input before decoding it', () => {
    const huge = '#v1/' + '$'.repeat(MAX_LINK_BYTES); // would be "damaged" if it were decoded
    const e = expectShareError(huge, 'too-large');
    expect(e.message).toBe('This share link is too large (2049 KB, limit 2048 KB). Nothing was loaded.');
    expectShareError('#v99/' + 'A'.repeat(MAX_LINK_BYTES), 'too-large');
  });

  it('stops inflating a valid-looking payload past 16 MiB', async () => {
    // Correct envelopes (valid CRC), compressed by the platform's (zlib) CompressionStream: one just
    // under the limit, one just over.
    const linkFor = async (watLength: number) => {
      const json = enc.encode(JSON.stringify({ functions: [{ name: 'a', wat: 'a'.repeat(watLength) }] }));
      const stream = new Blob([enc.encode(`${crc32Hex(json)}\n`), json])
        .stream()
        .pipeThrough(new CompressionStream('deflate-raw'));
      return `#v1/${toBase64Url(new Uint8Array(await new Response(stream).arrayBuffer()))}`;
    };
    const under = decodeShare(await linkFor(16 * 1024 * 1024 - 100));
    expect(under.functions[0].source.kind === 'wat' && under.functions[0].source.text.length).toBe(
      16 * 1024 * 1024 - 100,
    );
    const over = await linkFor(16 * 1024 * 1024);
    expect(over.length).toBeLessThan(MAX_LINK_BYTES);
    expectShareError(over, 'too-large');
  }, 20_000);

  it('stops a DEFLATE bomb early', () => {
    // Hand-made fixed-Huffman block: one literal 0, then "copy 258 bytes from distance 1" over and
    // over (13 bits → 258 bytes), i.e. a ~1.4 MB stream that would inflate to ~230 MB.
    const matches = 870_000;
    const data = new Uint8Array(Math.ceil((3 + 8 + matches * 13 + 7) / 8));
    let pos = 0;
    const put = (value: number, n: number) => {
      for (let i = 0; i < n; i++, pos++) data[pos >> 3] |= ((value >> i) & 1) << (pos & 7);
    };
    const code = (value: number, n: number) => {
      for (let i = n - 1; i >= 0; i--, pos++) data[pos >> 3] |= ((value >> i) & 1) << (pos & 7);
    };
    put(1, 1); // BFINAL
    put(1, 2); // BTYPE = fixed Huffman
    code(0x30, 8); // literal 0
    for (let i = 0; i < matches; i++) {
      code(0b11000101, 8); // length symbol 285 = 258 bytes
      code(0, 5); // distance code 0 = 1
    }
    code(0, 7); // end of block
    const link = `#v1/${toBase64Url(data)}`;
    expect(link.length).toBeLessThan(MAX_LINK_BYTES);
    // Sanity: the stream really expands ~640× (inflate its first 4 KB with plain fflate).
    let prefixOut = 0;
    new Inflate((chunk) => (prefixOut += chunk.length)).push(data.subarray(0, 4096), false);
    expect(prefixOut).toBeGreaterThan(600 * 1024);

    // Count the 4 KB steps the decoder feeds to the inflater: all ~350 of them would mean it
    // inflated everything and only then looked at the size.
    const push = vi.spyOn(Inflate.prototype, 'push');
    try {
      const e = expectShareError(link, 'too-large');
      expect(e.message).toMatch(/too large once unpacked \(more than 16384 KB\)/);
      expect(push.mock.calls.length).toBeGreaterThan(10);
      expect(push.mock.calls.length).toBeLessThan(40); // ≈ 16 MiB / 650 KB per step
    } finally {
      push.mockRestore();
    }
  }, 20_000);
});
