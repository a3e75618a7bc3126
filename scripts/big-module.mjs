// A large, valid, deterministic WebAssembly module for the "big upload" bench, e2e spec and unit
// tests: tens of thousands of functions (loops, loads, stores, calls; sizes from tens of bytes to
// tens of KB), a name section, and one big data segment, shaped like a WASI reactor such as
// CRuby's ruby+stdlib.wasm. Written with a tiny binary writer, so nothing needs wabt, and the
// same options always give the same bytes.
//
//   bigModule()                                           → ~30 MB, 30,000 functions
//   bigModule({ functions: 6_000, dataBytes: 1 << 20 })     → ~3.5 MB

const encoder = new TextEncoder();

function uleb(n, out) {
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
}

function sleb(n, out) {
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

function name(s, out) {
  const b = encoder.encode(s);
  uleb(b.length, out);
  for (const x of b) out.push(x);
}

/** A small, fixed-seed PRNG (mulberry32). */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WASI = [
  ['fd_write', 0],
  ['fd_read', 0],
  ['fd_close', 1],
  ['fd_seek', 2],
  ['clock_time_get', 3],
  ['random_get', 4],
  ['args_get', 4],
  ['args_sizes_get', 4],
  ['environ_get', 4],
  ['environ_sizes_get', 4],
  ['proc_exit', 5],
];

/**
 * One function body, (param i32 i32) (result i32) with two i32 locals: a loop that loads, adds,
 * stores and calls earlier functions, repeated until it reaches about `targetBytes`.
 */
function body(index, imported, targetBytes, rand) {
  const code = [1, 2, 0x7f]; // one local declaration: 2 × i32
  const op = (...xs) => code.push(...xs);
  while (code.length < targetBytes) {
    const kind = rand();
    if (kind < 0.35) {
      // local.get 0; local.get 1; i32.add; i32.const k; i32.xor; local.set 2
      op(0x20, 0, 0x20, 1, 0x6a, 0x41);
      sleb(Math.floor(rand() * 100_000) - 50_000, code);
      op(0x73, 0x21, 2);
    } else if (kind < 0.6) {
      // block; loop; local.get 2; i32.const 1; i32.sub; local.tee 2; i32.eqz; br_if 1; br 0; end; end
      op(0x02, 0x40, 0x03, 0x40, 0x20, 2, 0x41, 1, 0x6b, 0x22, 2, 0x45, 0x0d, 1, 0x0c, 0, 0x0b, 0x0b);
    } else if (kind < 0.8) {
      // local.get 0; i32.load offset=k; local.get 1; i32.store offset=k
      const offset = Math.floor(rand() * 4096) * 4;
      op(0x20, 0, 0x28, 2);
      uleb(offset, code);
      op(0x20, 1, 0x36, 2);
      uleb(offset + 4, code);
    } else if (index > 1) {
      // local.get 2; local.get 3; call <an earlier (i32 i32) -> i32 function>; local.set 3
      const callee = imported + 1 + Math.floor(rand() * (index - 1));
      op(0x20, 2, 0x20, 3, 0x10);
      uleb(callee, code);
      op(0x21, 3);
    } else {
      op(0x01); // nop
    }
  }
  op(0x20, 2, 0x0b); // local.get 2; end
  return code;
}

function section(id, payload, parts) {
  const head = [id];
  uleb(payload.length, head);
  parts.push(Uint8Array.from(head), payload instanceof Uint8Array ? payload : Uint8Array.from(payload));
}

/**
 * @param {{ functions?: number, dataBytes?: number, seed?: number, names?: boolean }} [options]
 * @returns {Uint8Array}
 */
export function bigModule({ functions = 30_000, dataBytes = 12 << 20, seed = 12, names = true } = {}) {
  const rand = random(seed);
  const parts = [Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])];
  // Types: 0 (i32 i32 i32 i32) -> i32 (fd_write & co), 1 (i32) -> i32, 2 (i32 i64 i32 i32) -> i32,
  // 3 (i32 i64 i32) -> i32, 4 (i32 i32) -> i32 (also every defined function), 5 (i32) -> (), 6 () -> ()
  const types = [
    [[0x7f, 0x7f, 0x7f, 0x7f], [0x7f]],
    [[0x7f], [0x7f]],
    [[0x7f, 0x7e, 0x7f, 0x7f], [0x7f]],
    [[0x7f, 0x7e, 0x7f], [0x7f]],
    [[0x7f, 0x7f], [0x7f]],
    [[0x7f], []],
    [[], []],
  ];
  const typeSec = [types.length];
  for (const [p, r] of types) typeSec.push(0x60, p.length, ...p, r.length, ...r);
  section(1, typeSec, parts);

  const importSec = [];
  uleb(WASI.length, importSec);
  for (const [field, type] of WASI) {
    name('wasi_snapshot_preview1', importSec);
    name(field, importSec);
    importSec.push(0x00, type);
  }
  section(2, importSec, parts);
  const imported = WASI.length;

  // Defined functions: 0 is _initialize (type 6), the rest (i32 i32) -> i32.
  const funcSec = [];
  uleb(functions, funcSec);
  for (let i = 0; i < functions; i++) funcSec.push(i === 0 ? 6 : 4);
  section(3, funcSec, parts);

  section(5, [1, 0x00, ...ulebBytes(Math.ceil((dataBytes + 65536) / 65536) + 16)], parts); // no max
  section(6, [1, 0x7f, 0x01, 0x41, ...slebBytes(1 << 20), 0x0b], parts); // mutable stack pointer

  const exportSec = [];
  const exported = [
    ['memory', 2, 0],
    ['_initialize', 0, imported],
    ['rb_eval_string_protect', 0, imported + Math.min(1, functions - 1)],
    ['rb_funcallv', 0, imported + Math.min(2, functions - 1)],
  ];
  uleb(exported.length, exportSec);
  for (const [n, kind, index] of exported) {
    name(n, exportSec);
    exportSec.push(kind);
    uleb(index, exportSec);
  }
  section(7, exportSec, parts);
  section(12, [1], parts); // data count: one segment

  // Code: mostly small functions, some medium, a few of tens of KB (like an interpreter's loop).
  const bodies = [];
  let codeBytes = 0;
  for (let i = 0; i < functions; i++) {
    let b;
    if (i === 0) b = [0, 0x0b];
    else {
      const r = rand();
      const target = r < 0.75 ? 40 + rand() * 260 : r < 0.985 ? 300 + rand() * 1200 : 4000 + rand() * 20_000;
      b = body(i, imported, Math.floor(target), rand);
    }
    const sized = [];
    uleb(b.length, sized);
    const entry = new Uint8Array(sized.length + b.length);
    entry.set(sized);
    entry.set(b, sized.length);
    bodies.push(entry);
    codeBytes += entry.length;
  }
  const countBytes = [];
  uleb(functions, countBytes);
  const code = new Uint8Array(countBytes.length + codeBytes);
  code.set(countBytes);
  let at = countBytes.length;
  for (const e of bodies) {
    code.set(e, at);
    at += e.length;
  }
  section(10, code, parts);

  // Data: one active segment of text-like bytes (a bundled standard library, say).
  const dataHead = [1, 0x00, 0x41, ...slebBytes(1024), 0x0b];
  uleb(dataBytes, dataHead);
  const data = new Uint8Array(dataHead.length + dataBytes);
  data.set(dataHead);
  const words = encoder.encode('def each_with_index(&block) yield self end # frozen_string_literal: true\n');
  for (let i = 0; i < dataBytes; i++) data[dataHead.length + i] = words[i % words.length];
  section(11, data, parts);

  if (names) {
    // name section, function names subsection
    const fnNames = [];
    uleb(functions, fnNames);
    for (let i = 0; i < functions; i++) {
      uleb(imported + i, fnNames);
      name(i === 0 ? '_initialize' : `rb_fn_${i}_${Math.floor(rand() * 1e6).toString(36)}`, fnNames);
    }
    const nameSec = [];
    name('name', nameSec);
    nameSec.push(1);
    uleb(fnNames.length, nameSec);
    const head = Uint8Array.from(nameSec);
    const payload = new Uint8Array(head.length + fnNames.length);
    payload.set(head);
    payload.set(fnNames, head.length);
    section(0, payload, parts);
  }

  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function ulebBytes(n) {
  const out = [];
  uleb(n, out);
  return out;
}

function slebBytes(n) {
  const out = [];
  sleb(n, out);
  return out;
}
