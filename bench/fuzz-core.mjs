// The fuzzer's generator, mutators and in-page runner, shared by `npm run fuzz` (bench/fuzz.mjs,
// long runs) and e2e/fuzz.spec.ts (a short fixed-seed run inside `npm test`).
//
// Cases are generated in Node from a seed, so a run is reproducible: the same --seed and --count
// give the same cases. Five kinds:
//   bytes        random bytes, half of them behind a valid header
//   mutated      a valid module (samples, WASI samples, hand-written seeds) after 1–4 mutations:
//                bit flips, interesting bytes, truncation, inserted/deleted ranges, duplicated,
//                reordered, dropped or spliced sections, changed LEB128 sizes and counts
//   wat-soup     tokens from a WAT vocabulary, loosely bracketed
//   wat-random   a random, mostly valid module: memory, table, globals, logs, loops, traps
//   wat-mutated  sample or random WAT with tokens deleted, duplicated, swapped or replaced
// The page deploys each one and invokes what deployed (see runChunk).
import { readdirSync, readFileSync } from 'node:fs';

// ---- PRNG ------------------------------------------------------------------------------------

/** mulberry32: small, fast, good enough for choosing mutations; seeds are 32-bit integers. */
export function rng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    /** Integer in [0, n). */
    int: (n) => Math.floor(next() * n),
    /** Integer in [lo, hi]. */
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
    bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
  };
  return r;
}

// ---- Wasm encoding ---------------------------------------------------------------------------

export function uleb(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

export function sleb(n) {
  const out = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export function section(id, payload) {
  return [id, ...uleb(payload.length), ...payload];
}

export function name(s) {
  const b = new TextEncoder().encode(s);
  return [...uleb(b.length), ...b];
}

/** Splits a module into its sections, leniently: stops at the first header it cannot read. */
export function sections(bytes) {
  const out = [];
  let pos = 8;
  while (pos < bytes.length) {
    const start = pos;
    const id = bytes[pos++];
    let size = 0;
    let scale = 1;
    let ok = false;
    for (let i = 0; i < 5 && pos < bytes.length; i++) {
      const b = bytes[pos++];
      size += (b & 0x7f) * scale;
      scale *= 128;
      if (!(b & 0x80)) {
        ok = true;
        break;
      }
    }
    if (!ok || pos + size > bytes.length) break;
    out.push({ id, start, payloadStart: pos, end: pos + size });
    pos += size;
  }
  return out;
}

// ---- Seeds -----------------------------------------------------------------------------------

const samplesDir = new URL('../samples/', import.meta.url);

/** Hand-written seeds that reach the corners: tables, elements, data, globals, start, imports. */
export const EXTRA_SEED_WATS = [
  `(module (import "platform" "log" (func $log (param i32 i32))) (import "platform" "now" (func $now (result f64)))
     (memory (export "memory") 1 4) (data (i32.const 0) "hello \\ff\\fe")
     (global $g (mut i32) (i32.const 7))
     (table 4 funcref) (elem (i32.const 0) $a $b)
     (type $t (func (param i32) (result i32)))
     (func $a (param i32) (result i32) (i32.add (local.get 0) (global.get $g)))
     (func $b (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
     (func (export "_start") (param i32) (result i32)
       (call $log (i32.const 0) (i32.const 8))
       (call_indirect (type $t) (local.get 0) (i32.and (local.get 0) (i32.const 3)))))`,
  `(module (memory 1) (func $s (i32.store (i32.const 0) (i32.const 1))) (start $s)
     (func (export "get") (result i32) (i32.load (i32.const 0)))
     (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`,
  `(module (import "platform" "memory" (memory 1 2))
     (func (export "_start") (param i64 f32 f64) (result i64 f64)
       (local.get 0) (f64.promote_f32 (local.get 1))))`,
  `(module (global (export "g") i32 (i32.const 1)) (table (export "t") 1 externref)
     (func (export "f") (param externref) (result i32) (ref.is_null (local.get 0))))`,
];

/** WAT text of every samples/*.wat plus the extra seeds. */
export function seedWats() {
  const files = readdirSync(samplesDir)
    .filter((f) => f.endsWith('.wat'))
    .sort();
  return [...files.map((f) => readFileSync(new URL(f, samplesDir), 'utf8')), ...EXTRA_SEED_WATS];
}

/** Small WASI sample binaries (bigger ones only slow the run down without reaching more code). */
export function seedWasiBinaries(maxBytes = 40_000) {
  const dir = new URL('wasi/', samplesDir);
  let files;
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.wasm'))
      .sort();
  } catch {
    return [];
  }
  return files.map((f) => new Uint8Array(readFileSync(new URL(f, dir)))).filter((b) => b.length <= maxBytes);
}

/** Compiles WAT seeds to binaries with wabt (pass the initialised wabt module). */
export function compileSeeds(wabt, wats) {
  const out = [];
  for (const text of wats) {
    const m = wabt.parseWat('seed.wat', text, {
      reference_types: true,
      bulk_memory: true,
      multi_value: true,
    });
    try {
      m.resolveNames();
      m.validate();
      out.push(new Uint8Array(m.toBinary({}).buffer));
    } finally {
      m.destroy();
    }
  }
  return out;
}

// ---- Binary mutators -------------------------------------------------------------------------

const INTERESTING_BYTES = [0x00, 0x01, 0x02, 0x0b, 0x40, 0x41, 0x60, 0x6f, 0x70, 0x7f, 0x80, 0xfe, 0xff];
const INTERESTING_NUMBERS = [
  0,
  1,
  2,
  127,
  128,
  255,
  256,
  16384,
  65535,
  65536,
  1 << 24,
  0x7fffffff,
  0xffffffff,
  10_000_001,
];

function concat(parts) {
  const n = parts.reduce((k, p) => k + p.length, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A LEB128 encoding of n, sometimes padded to 5 bytes (legal) or 6 (over-long). */
function lebVariant(r, n) {
  const plain = uleb(n);
  if (!r.chance(0.25)) return plain;
  const width = r.chance(0.7) ? 5 : 6;
  const out = [];
  for (let i = 0; i < width; i++) {
    const b = Math.floor(n / 128 ** i) % 128;
    out.push(i < width - 1 ? b | 0x80 : b);
  }
  return out;
}

const BYTE_MUTATORS = {
  flip(b, r) {
    const out = b.slice();
    for (let k = r.range(1, 8); k > 0 && out.length; k--) out[r.int(out.length)] ^= 1 << r.int(8);
    return out;
  },
  interesting(b, r) {
    const out = b.slice();
    for (let k = r.range(1, 4); k > 0 && out.length; k--) out[r.int(out.length)] = r.pick(INTERESTING_BYTES);
    return out;
  },
  truncate(b, r) {
    return b.slice(0, r.int(b.length + 1));
  },
  insert(b, r) {
    const at = r.int(b.length + 1);
    return concat([b.subarray(0, at), r.bytes(r.range(1, 16)), b.subarray(at)]);
  },
  remove(b, r) {
    const at = r.int(b.length + 1);
    return concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + r.range(1, 16)))]);
  },
  duplicateSection(b, r) {
    const s = sections(b);
    if (!s.length) return b;
    const one = r.pick(s);
    const at = r.chance(0.5) ? one.end : r.pick(s).start;
    return concat([b.subarray(0, at), b.subarray(one.start, one.end), b.subarray(at)]);
  },
  swapSections(b, r) {
    const s = sections(b);
    if (s.length < 2) return b;
    const i = r.int(s.length - 1);
    const j = r.range(i + 1, s.length - 1);
    const [x, y] = [s[i], s[j]];
    return concat([
      b.subarray(0, x.start),
      b.subarray(y.start, y.end),
      b.subarray(x.end, y.start),
      b.subarray(x.start, x.end),
      b.subarray(y.end),
    ]);
  },
  dropSection(b, r) {
    const s = sections(b);
    if (!s.length) return b;
    const one = r.pick(s);
    return concat([b.subarray(0, one.start), b.subarray(one.end)]);
  },
  /** A section's size field becomes something else: off by a little, zero, huge, padded. */
  sectionSize(b, r) {
    const s = sections(b);
    if (!s.length) return b;
    const one = r.pick(s);
    const size = one.end - one.payloadStart;
    const next = r.pick([
      size + 1,
      Math.max(0, size - 1),
      0,
      size * 2,
      r.pick(INTERESTING_NUMBERS),
      r.int(size + 64),
    ]);
    return concat([
      b.subarray(0, one.start + 1),
      Uint8Array.from(lebVariant(r, next)),
      b.subarray(one.payloadStart),
    ]);
  },
  /** The first LEB of a section's payload (its entry count, mostly) changes; the size is kept right. */
  entryCount(b, r) {
    const s = sections(b).filter((x) => x.end > x.payloadStart);
    if (!s.length) return b;
    const one = r.pick(s);
    let p = one.payloadStart;
    while (p < one.end && b[p] & 0x80) p++;
    const value = r.chance(0.5) ? r.pick(INTERESTING_NUMBERS) : r.int(64);
    const payload = concat([Uint8Array.from(lebVariant(r, value)), b.subarray(p + 1, one.end)]);
    return concat([
      b.subarray(0, one.start),
      Uint8Array.from([one.id, ...uleb(payload.length)]),
      payload,
      b.subarray(one.end),
    ]);
  },
  /** A LEB anywhere in the module is re-encoded with another value. */
  anyLeb(b, r) {
    if (b.length < 10) return b;
    let p = r.range(8, b.length - 1);
    const start = p;
    while (p < b.length - 1 && b[p] & 0x80 && p - start < 5) p++;
    return concat([
      b.subarray(0, start),
      Uint8Array.from(lebVariant(r, r.pick(INTERESTING_NUMBERS))),
      b.subarray(p + 1),
    ]);
  },
  customSection(b, r) {
    const junk = [
      ...name(r.pick(['name', 'producers', 'target_features', 'x', '\u0000', 'é'])),
      ...r.bytes(r.int(24)),
    ];
    const unknownId = r.chance(0.2);
    const sec = Uint8Array.from(section(unknownId ? r.range(14, 255) : 0, junk));
    const s = sections(b);
    const at = s.length && r.chance(0.5) ? r.pick(s).start : b.length;
    return concat([b.subarray(0, at), sec, b.subarray(at)]);
  },
};

const BYTE_MUTATOR_NAMES = Object.keys(BYTE_MUTATORS);

/** Splices a section of the same id from another seed in place of one of this module's. */
function splice(b, donor, r) {
  const mine = sections(b);
  const theirs = sections(donor);
  if (!mine.length || !theirs.length) return b;
  const one = r.pick(mine);
  const match = theirs.filter((x) => x.id === one.id);
  const other = match.length ? r.pick(match) : r.pick(theirs);
  return concat([b.subarray(0, one.start), donor.subarray(other.start, other.end), b.subarray(one.end)]);
}

export function mutateBytes(bytes, r, donors = []) {
  let b = bytes;
  const applied = [];
  for (let k = r.range(1, 4); k > 0; k--) {
    if (donors.length && r.chance(0.1)) {
      b = splice(b, r.pick(donors), r);
      applied.push('splice');
    } else {
      const m = r.pick(BYTE_MUTATOR_NAMES);
      b = BYTE_MUTATORS[m](b, r);
      applied.push(m);
    }
  }
  return { bytes: b, applied };
}

export function randomBytes(r) {
  const body = r.bytes(r.int(256));
  return r.chance(0.5) ? concat([Uint8Array.from(HEADER), body]) : body;
}

// ---- WAT generators --------------------------------------------------------------------------

const WAT_WORDS = [
  'module',
  'func',
  'param',
  'result',
  'local',
  'export',
  'import',
  'memory',
  'data',
  'table',
  'elem',
  'global',
  'mut',
  'start',
  'type',
  'funcref',
  'externref',
  'i32',
  'i64',
  'f32',
  'f64',
  'v128',
  'block',
  'loop',
  'if',
  'then',
  'else',
  'end',
  'br',
  'br_if',
  'br_table',
  'return',
  'call',
  'call_indirect',
  'unreachable',
  'nop',
  'drop',
  'select',
  'local.get',
  'local.set',
  'local.tee',
  'global.get',
  'global.set',
  'i32.const',
  'i64.const',
  'f32.const',
  'f64.const',
  'i32.add',
  'i32.sub',
  'i32.mul',
  'i32.div_s',
  'i32.div_u',
  'i32.rem_s',
  'i32.eqz',
  'i32.lt_s',
  'i32.load',
  'i32.store',
  'i64.load',
  'i32.load8_u',
  'memory.grow',
  'memory.size',
  'memory.fill',
  'memory.copy',
  'table.grow',
  'table.size',
  'ref.null',
  'ref.func',
  'ref.is_null',
  'f64.sqrt',
  'i64.div_s',
  'i32.trunc_f64_s',
  'i32.wrap_i64',
  'offset=',
  'align=',
  '$f',
  '$g',
  '$l',
  '$x',
  '"_start"',
  '"platform"',
  '"log"',
  '"now"',
  '"memory"',
  '"wasi_snapshot_preview1"',
  '"fd_write"',
  '"env"',
  '"\\ff\\fe"',
  '"<img src=x>"',
];
const WAT_NUMBERS = [
  '0',
  '1',
  '-1',
  '2',
  '42',
  '65535',
  '65536',
  '2147483647',
  '-2147483648',
  '4294967295',
  '4294967296',
  '9223372036854775807',
  '0x7fffffff',
  '0xffffffffffffffff',
  '1e309',
  'nan',
  'inf',
  '-0',
  '0.5',
  'nan:0x1',
  '10000000',
  '1_000',
];

export function watSoup(r) {
  const tokens = r.chance(0.8) ? ['(', 'module'] : [];
  let depth = tokens.length ? 1 : 0;
  for (let n = r.range(3, 80); n > 0; n--) {
    const x = r.next();
    if (x < 0.22) {
      tokens.push('(');
      depth++;
      tokens.push(r.pick(WAT_WORDS));
    } else if (x < 0.4 && depth > 0) {
      tokens.push(')');
      depth--;
    } else if (x < 0.6) tokens.push(r.pick(WAT_NUMBERS));
    else tokens.push(r.pick(WAT_WORDS));
  }
  if (r.chance(0.85)) while (depth-- > 0) tokens.push(')');
  return tokens.join(r.chance(0.9) ? ' ' : '\n');
}

/** A random module that is usually valid: every function body keeps a one-i32 stack discipline. */
export function randomWatModule(r) {
  const hasMemory = r.chance(0.8);
  const hasLog = hasMemory && r.chance(0.5);
  const hasTable = r.chance(0.2);
  const globals = r.int(3);
  const fnCount = r.range(1, 3);
  const lines = ['(module'];
  if (hasLog) lines.push('  (import "platform" "log" (func $log (param i32 i32)))');
  if (r.chance(0.2)) lines.push('  (import "platform" "now" (func $now (result f64)))');
  if (hasMemory) {
    const min = r.pick([0, 1, 1, 2, 16]);
    lines.push(`  (memory (export "memory") ${min}${r.chance(0.3) ? ` ${min + r.int(8)}` : ''})`);
    if (r.chance(0.5)) lines.push(`  (data (i32.const ${r.int(200)}) "${escapeBytes(r.bytes(r.int(24)))}")`);
  }
  if (hasTable) lines.push(`  (table ${r.pick([0, 1, 4, 100])} funcref)`);
  for (let g = 0; g < globals; g++)
    lines.push(`  (global $g${g} (mut i32) (i32.const ${r.pick(WAT_NUMBERS.slice(0, 9))}))`);
  for (let f = 0; f < fnCount; f++) {
    const name = f === 0 ? '"_start"' : `"f${f}"`;
    const body = randomBody(r, { hasMemory, hasLog, globals, depth: 0 });
    lines.push(`  (func $f${f} (export ${name}) (param $a i32) (param $b i32) (result i32) (local $i i32)`);
    lines.push(`    ${body.join('\n    ')})`);
  }
  if (r.chance(0.1)) {
    lines.push(
      `  (func $init ${hasMemory ? '(i32.store (i32.const 0) (i32.const 1))' : 'nop'})`,
      '  (start $init)',
    );
  }
  lines.push(')');
  return lines.join('\n');
}

function escapeBytes(b) {
  return Array.from(b, (x) => `\\${x.toString(16).padStart(2, '0')}`).join('');
}

/** Instructions that leave exactly one i32 on the stack. */
function randomBody(r, ctx) {
  const out = [];
  let stack = 0;
  const push = (ins) => {
    out.push(ins);
    stack++;
  };
  const operand = () => {
    const x = r.next();
    if (x < 0.3) return `(local.get $${r.pick(['a', 'b', 'i'])})`;
    if (x < 0.4 && ctx.globals) return `(global.get $g${r.int(ctx.globals)})`;
    if (x < 0.5 && ctx.hasMemory) return '(memory.size)';
    return `(i32.const ${r.pick(WAT_NUMBERS.slice(0, 9))})`;
  };
  for (let n = r.range(1, 12); n > 0; n--) {
    const x = r.next();
    if (x < 0.25) push(operand());
    else if (x < 0.45 && stack >= 2) {
      out.push(
        r.pick([
          'i32.add',
          'i32.sub',
          'i32.mul',
          'i32.div_s',
          'i32.div_u',
          'i32.rem_s',
          'i32.and',
          'i32.shl',
          'i32.rotl',
          'i32.lt_s',
        ]),
      );
      stack--;
    } else if (x < 0.5 && stack >= 1) out.push('i32.eqz');
    else if (x < 0.58 && ctx.hasMemory && stack >= 1)
      out.push(r.pick(['i32.load', 'i32.load8_u offset=65530', 'memory.grow']));
    else if (x < 0.63 && ctx.hasMemory) out.push(`(i32.store ${operand()} ${operand()})`);
    else if (x < 0.68 && ctx.hasLog) out.push(`(call $log ${operand()} ${operand()})`);
    else if (x < 0.72 && ctx.globals) out.push(`(global.set $g${r.int(ctx.globals)} ${operand()})`);
    else if (x < 0.8 && ctx.depth < 2) {
      // A counted loop, sometimes with a bound that never comes (the timeout ends it).
      const bound = r.pick([
        '(i32.const 10)',
        '(i32.const 1000)',
        '(i32.const 100000)',
        '(local.get $a)',
        '(i32.const -1)',
      ]);
      const inner = randomBody(r, { ...ctx, depth: ctx.depth + 1 });
      const l = `$l${ctx.depth}`;
      out.push(
        '(local.set $i (i32.const 0))',
        `(loop ${l} ${inner.join(' ')} drop (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if ${l} (i32.ne (local.get $i) ${bound})))`,
      );
    } else if (x < 0.83) out.push(r.pick(['unreachable', 'nop']));
    else if (x < 0.9 && stack >= 1) {
      out.push('drop');
      stack--;
    } else if (ctx.depth < 2 && stack >= 1) {
      const a = randomBody(r, { ...ctx, depth: ctx.depth + 1 });
      const b = randomBody(r, { ...ctx, depth: ctx.depth + 1 });
      out.push(`(if (result i32) (then ${a.join(' ')}) (else ${b.join(' ')}))`);
    } else push(operand());
  }
  while (stack > 1) {
    out.push('drop');
    stack--;
  }
  if (stack === 0) out.push(operand());
  return out;
}

const WAT_TOKEN = /\(|\)|"(?:[^"\\]|\\.)*"|;;[^\n]*|[^\s()"]+/g;

export function mutateWat(text, r) {
  let t = text.match(WAT_TOKEN) ?? [];
  for (let k = r.range(1, 2); k > 0 && t.length; k--) {
    const i = r.int(t.length);
    const x = r.next();
    if (x < 0.2) t.splice(i, 1);
    else if (x < 0.35) t.splice(i, 0, t[i]);
    else if (x < 0.5 && i + 1 < t.length) [t[i], t[i + 1]] = [t[i + 1], t[i]];
    else if (x < 0.7) t[i] = /^-?\d|^nan|^inf/.test(t[i]) ? r.pick(WAT_NUMBERS) : r.pick(WAT_WORDS);
    else if (x < 0.85) t.splice(i, 0, r.pick(r.chance(0.5) ? WAT_WORDS : WAT_NUMBERS));
    else {
      // Move a bracketed chunk elsewhere.
      const j = r.int(t.length);
      const chunk = t.splice(i, r.range(1, 6));
      t = [...t.slice(0, j), ...chunk, ...t.slice(j)];
    }
  }
  // A line comment runs to the end of its line.
  return t.map((x) => (x.startsWith(';;') ? `${x}\n` : x)).join(' ');
}

// ---- Cases -----------------------------------------------------------------------------------

/** Names and configs the deploy call must refuse or survive; most cases use a plain slot name. */
const HOSTILE_NAMES = [
  '',
  ' ',
  'x'.repeat(129),
  'a\u0000b',
  'line\nbreak',
  '<img src=x onerror=window.__xss=1>',
  '𝔘𝔫𝔦',
  '__proto__',
  'constructor',
];
const HOSTILE_CONFIGS = [
  { timeoutMs: 0 },
  { timeoutMs: -1 },
  { timeoutMs: NaN },
  { memoryMiB: 0 },
  { memoryMiB: 1e9 },
  { instance: 'shared' },
  { entry: 'nope' },
  { memoryMiB: 0.0625 },
  { instance: 'reuse' },
];

function toBase64(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Generates `count` cases from `seed`, starting at case number `from` (so chunks can be
 * generated lazily and still be the same as one big batch).
 * @param {{ seed: number; count: number; from?: number; seedBinaries: Uint8Array[]; seedWats: string[] }} o
 */
export function generateCases({ seed, count, from = 0, seedBinaries, seedWats }) {
  const cases = [];
  for (let i = from; i < from + count; i++) {
    // One PRNG per case: case i is the same whatever the chunking.
    const r = rng((seed * 0x9e3779b1) ^ (i * 0x85ebca77));
    const x = r.next();
    const c = { i, seed: r.int(2 ** 31) };
    if (x < 0.2) {
      c.kind = 'bytes';
      c.b64 = toBase64(randomBytes(r));
    } else if (x < 0.55) {
      c.kind = 'mutated';
      const { bytes, applied } = mutateBytes(r.pick(seedBinaries), r, seedBinaries);
      c.b64 = toBase64(bytes);
      c.mutations = applied;
    } else if (x < 0.68) {
      c.kind = 'wat-soup';
      c.wat = watSoup(r);
    } else if (x < 0.86) {
      c.kind = 'wat-random';
      c.wat = randomWatModule(r);
    } else {
      c.kind = 'wat-mutated';
      c.wat = mutateWat(r.chance(0.6) ? r.pick(seedWats) : randomWatModule(r), r);
    }
    if (r.chance(0.03)) c.name = r.pick(HOSTILE_NAMES);
    if (r.chance(0.05)) c.config = r.pick(HOSTILE_CONFIGS);
    cases.push(c);
  }
  return cases;
}

// ---- In the page -----------------------------------------------------------------------------

/**
 * Runs a chunk of cases in the page through window.faas. Passed to page.evaluate, so it must be
 * self-contained. Every deploy and invoke races a deadline; one that loses is reported as
 * unsettled. `slots` cases run at once, each under its own function name.
 */
export async function runChunk({ cases, deadlineMs, slots, timeoutMs, memoryMiB }) {
  const f = window.faas;
  const EXPECTED_DEPLOY = new Set(['DeployError', 'WatError', 'MemoryCapError']);
  const EXPECTED_INVOKE = new Set(['ArgumentError']);
  const settle = (p, ms) => {
    let timer;
    return Promise.race([
      p.then(
        (value) => ({ value }),
        (error) => ({ error }),
      ),
      new Promise((res) => (timer = setTimeout(() => res({ unsettled: true }), ms))),
    ]).finally(() => clearTimeout(timer));
  };
  const prng = (seed) => {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  };
  const VALUES = {
    i32: [0, 1, -1, 7, 2147483647, -2147483648, '0x10', 65536],
    i64: ['0', '1', '-1', '9223372036854775807', '-9223372036854775808', 42],
    f32: [0, 1.5, -0, 'NaN', 'Infinity', 3.4e38],
    f64: [0, 0.1, 'NaN', '-Infinity', 1e308, -2.5],
  };
  const argsFor = (sig, rand) => {
    const pick = (arr) => arr[Math.floor(rand() * arr.length)];
    if (rand() < 0.05) return [pick(['x', 1.5, '', '1e3'])]; // wrong count or type
    return sig.params.map((t) => (VALUES[t] ? pick(VALUES[t]) : 0));
  };
  const describeError = (e) => {
    const nameOf = e && typeof e === 'object' && 'name' in e ? String(e.name) : typeof e;
    const message = e && typeof e === 'object' && 'message' in e ? String(e.message) : String(e);
    return { name: nameOf, message: message.slice(0, 200) };
  };
  const results = [];
  const queue = [...cases];
  // Cases with a given (hostile) name share it across slots, so they take turns.
  let named = Promise.resolve();
  async function worker(slot) {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const t0 = performance.now();
      const rand = prng(c.seed);
      const res = { i: c.i, kind: c.kind, deploy: 'ok', invokes: [], anomalies: [] };
      const name = c.name ?? `fz${slot}`;
      let release = () => {};
      if (c.name !== undefined) {
        const turn = named;
        named = new Promise((res) => (release = res));
        await turn;
      }
      let code;
      if (c.wat !== undefined) code = c.wat;
      else {
        const bin = atob(c.b64);
        code = new Uint8Array(bin.length);
        for (let k = 0; k < bin.length; k++) code[k] = bin.charCodeAt(k);
      }
      const config = { timeoutMs, memoryMiB, ...(c.config ?? {}) };
      const d = await settle(f.deploy(name, code, config), deadlineMs);
      if (d.unsettled) {
        res.deploy = 'unsettled';
        res.anomalies.push('deploy did not settle');
      } else if (d.error) {
        const e = describeError(d.error);
        res.deploy = `rejected:${e.name}`;
        if (!EXPECTED_DEPLOY.has(e.name)) res.anomalies.push(`deploy threw ${e.name}: ${e.message}`);
      } else {
        const info = d.value;
        const fns = info.module.exports.filter((e) => e.kind === 'function' && e.signature);
        const calls = fns.slice(0, 3).map((e) => ({ export: e.name, args: argsFor(e.signature, rand) }));
        if (rand() < 0.1) calls.push({ export: 'no such export', args: [] });
        for (const call of calls) {
          const inv = await settle(f.invoke(name, call.args, { export: call.export }), deadlineMs);
          if (inv.unsettled) {
            res.invokes.push('unsettled');
            res.anomalies.push(`invoke ${call.export} did not settle`);
          } else if (inv.error) {
            const e = describeError(inv.error);
            res.invokes.push(`rejected:${e.name}`);
            if (!EXPECTED_INVOKE.has(e.name)) res.anomalies.push(`invoke threw ${e.name}: ${e.message}`);
          } else {
            const v = inv.value;
            res.invokes.push(v.outcome);
            if (
              v.outcome === 'error' &&
              /^(TypeError|ReferenceError|SyntaxError|internal)/.test(v.error ?? '')
            )
              res.anomalies.push(`invoke ended in error: ${String(v.error).slice(0, 200)}`);
            if (v.outcome === 'throttled') res.anomalies.push('throttled');
          }
        }
        await settle(f.undeploy(name), deadlineMs);
      }
      release();
      res.ms = performance.now() - t0;
      if (res.anomalies.length === 0) delete res.anomalies;
      results.push(res);
    }
  }
  await Promise.all(Array.from({ length: slots }, (_, s) => worker(s)));
  return results;
}

// ---- Summaries -------------------------------------------------------------------------------

/** Outcome histogram: deploy results, invoke outcomes, per kind. */
export function summarize(results) {
  const h = { cases: results.length, deploy: {}, invoke: {}, byKind: {}, anomalies: [] };
  const inc = (o, k) => (o[k] = (o[k] ?? 0) + 1);
  for (const r of results) {
    inc(h.deploy, r.deploy);
    const k = (h.byKind[r.kind] ??= { cases: 0, deployed: 0 });
    k.cases++;
    if (r.deploy === 'ok') k.deployed++;
    for (const o of r.invokes) inc(h.invoke, o);
    for (const a of r.anomalies ?? []) h.anomalies.push({ case: r.i, kind: r.kind, anomaly: a });
  }
  return h;
}
