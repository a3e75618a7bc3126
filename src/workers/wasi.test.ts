/// <reference types="node" />
// The WASI layer with the real sample binaries (samples/wasi), in Node's WebAssembly.
// The same binaries run through the whole platform in Chromium in e2e/wasi.spec.ts.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WasiInput } from '../platform/wire';
import { createWasi, MAX_OUTPUT_BYTES, pathParts, type WasiFinish } from './wasi';

const dir = new URL('../../samples/wasi/', import.meta.url);
const read = (path: string) => new Uint8Array(readFileSync(new URL(path, dir)));
const text = (path: string) => readFileSync(new URL(path, dir), 'utf8');
const enc = new TextEncoder();
const dec = new TextDecoder();

interface IndexEntry {
  name: string;
  file: string;
  argv: string[];
  env?: Record<string, string>;
  stdin?: string;
  files?: Record<string, string>;
  expected: string | null;
  expectedStderr?: string;
  expectedFiles?: Record<string, string>;
  exitCode?: number;
}
const index = JSON.parse(text('index.json')) as IndexEntry[];

function input(e: Partial<IndexEntry> & { argv: string[] }, name = 'prog'): WasiInput {
  const files: Record<string, Uint8Array> = {};
  for (const [p, t] of Object.entries(e.files ?? {})) files[p] = enc.encode(t);
  return {
    argv: [name, ...e.argv],
    env: { ...(e.env ?? {}) },
    stdin: e.stdin === undefined ? null : enc.encode(e.stdin),
    files,
  };
}

function run(
  bytes: Uint8Array,
  wasiInput: WasiInput,
  opts: { memory?: WebAssembly.Memory } = {},
): WasiFinish & { streamed: { fd: 1 | 2; text: string }[] } {
  const streamed: { fd: 1 | 2; text: string }[] = [];
  const wasi = createWasi(wasiInput, (fd, chunk) => streamed.push({ fd, text: dec.decode(chunk) }));
  const module = new WebAssembly.Module(bytes as BufferSource);
  const imports: WebAssembly.Imports = { [wasi.moduleName]: wasi.imports };
  if (opts.memory) imports.env = { memory: opts.memory };
  const instance = new WebAssembly.Instance(module, imports);
  const memory = opts.memory ?? (instance.exports.memory as WebAssembly.Memory);
  wasi.attach(instance, memory);
  wasi.call(instance.exports._start as () => unknown, []);
  return { ...wasi.finish(), streamed };
}

describe('the sample programs', () => {
  for (const e of index.filter((x) => x.expected)) {
    it(`${e.name} prints its expected output`, () => {
      const r = run(read(e.file), input(e, e.name));
      expect(dec.decode(r.stdout)).toBe(text(e.expected!));
      expect(r.exitCode).toBe(e.exitCode ?? 0);
      expect(r.exited).toBe(true);
      if (e.expectedStderr) expect(dec.decode(r.stderr)).toBe(text(e.expectedStderr));
      for (const [path, want] of Object.entries(e.expectedFiles ?? {}))
        expect(r.files[path]).toEqual(read(want));
      // Only created or changed files come back, never the unchanged inputs.
      for (const given of Object.keys(e.files ?? {})) expect(r.files[given]).toBeUndefined();
      // Everything captured was also streamed, in order.
      expect(
        r.streamed
          .filter((s) => s.fd === 1)
          .map((s) => s.text)
          .join(''),
      ).toBe(dec.decode(r.stdout));
    });
  }
});

describe('the filesystem', () => {
  const cat = read('cat-sync.wasm');
  it('finds a file by relative and absolute path, and in nested directories', () => {
    const files = { 'input.txt': enc.encode('top\n'), '/dir/sub/a.txt': enc.encode('nested\n') };
    for (const [arg, want] of [
      ['input.txt', 'top\n'],
      ['/input.txt', 'top\n'],
      ['./input.txt', 'top\n'],
      ['dir/sub/a.txt', 'nested\n'],
      ['/dir/sub/a.txt', 'nested\n'],
    ]) {
      const r = run(cat, { argv: ['cat', arg], env: {}, stdin: null, files });
      expect(dec.decode(r.stderr), arg).toBe('');
      expect(dec.decode(r.stdout), arg).toBe(want);
    }
  });

  it('reports a missing file with the program’s own error exit and cannot escape the root', () => {
    for (const arg of ['missing.txt', '../../etc/passwd', '/etc/passwd']) {
      const r = run(cat, { argv: ['cat', arg], env: {}, stdin: null, files: {} });
      expect(r.exitCode, arg).toBe(1);
      expect(dec.decode(r.stderr), arg).toMatch(/cannot open/);
    }
  });

  it('refuses input paths that leave the root', () => {
    expect(() => pathParts('../x')).toThrow(/leaves the root/);
    expect(() => pathParts('/')).toThrow(/not a file path/);
    expect(pathParts('/a/./b//c.txt')).toEqual(['a', 'b', 'c.txt']);
    expect(() =>
      createWasi(
        { argv: [], env: {}, stdin: null, files: { a: new Uint8Array(1), 'a/b': new Uint8Array(1) } },
        () => {},
      ),
    ).toThrow(/is a file/);
  });
});

describe('output', () => {
  // A program that writes `count` copies of a line with one fd_write each, then returns.
  function writer(count: number, line: string): Uint8Array {
    const bytes = enc.encode(line);
    const data = [...bytes].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
    const wat = `(module
      (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "${data}")
      (func (export "_start") (local $i i32)
        (i32.store (i32.const 0) (i32.const 16))
        (i32.store (i32.const 4) (i32.const ${bytes.length}))
        (block $done (loop $l
          (br_if $done (i32.ge_u (local.get $i) (i32.const ${count})))
          (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))))`;
    return watToWasm(wat);
  }

  it('caps captured stdout at 1 MiB with a note, and batches what it streams', async () => {
    const line = 'a line of output that is 40 bytes long\n';
    const bin = writer(100_000, line); // 4 MB
    const r = run(bin, { argv: ['w'], env: {}, stdin: null, files: {} });
    const out = dec.decode(r.stdout);
    expect(out.startsWith(line.repeat(10))).toBe(true);
    expect(out).toMatch(/\[stdout truncated: \d+ more bytes dropped; the limit is 1 MiB per invocation\]\n$/);
    expect(r.stdout.byteLength).toBeLessThan(MAX_OUTPUT_BYTES + 200);
    expect(r.exitCode).toBe(0);
    // ~26 000 lines were kept: far fewer messages than writes.
    expect(r.streamed.length).toBeLessThan(400);
    expect(r.streamed.map((s) => s.text).join('')).toBe(out);
  });
});

describe('one WasiRun for many calls (how a worker runs a command)', () => {
  it('reset gives each call its own argv, files, output and exit code', () => {
    const mod = new WebAssembly.Module(read('cat-sync.wasm') as BufferSource);
    const wasi = createWasi(null, () => {});
    const runOnce = (input: WasiInput) => {
      wasi.reset(input);
      const instance = new WebAssembly.Instance(mod, { [wasi.moduleName]: wasi.imports });
      wasi.attach(instance, instance.exports.memory as WebAssembly.Memory);
      wasi.call(instance.exports._start as () => unknown, []);
      const r = wasi.finish();
      return { exitCode: r.exitCode, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
    };
    const files = { 'a.txt': enc.encode('first\n') };
    expect(runOnce({ argv: ['cat', 'a.txt'], env: {}, stdin: null, files })).toEqual({
      exitCode: 0,
      stdout: 'first\n',
      stderr: '',
    });
    const second = runOnce({ argv: ['cat', 'a.txt'], env: {}, stdin: null, files: {} });
    expect(second.exitCode).toBe(1);
    expect(second.stdout).toBe('');
    expect(second.stderr).toMatch(/cannot open 'a.txt'/);
    expect(
      runOnce({ argv: ['cat', 'b.txt'], env: {}, stdin: null, files: { 'b.txt': enc.encode('2') } }),
    ).toEqual({
      exitCode: 0,
      stdout: '2',
      stderr: '',
    });
  });
});

describe('one WasiRun, the same input object again (a call marked "same" on the wire)', () => {
  it('runs with that argv and env again, and with fresh output each time', () => {
    const mod = new WebAssembly.Module(read('env-echo.wasm') as BufferSource);
    const wasi = createWasi(null, () => {});
    const input: WasiInput = {
      argv: ['env-echo', 'one', 'two'],
      env: { GREETING: 'hi' },
      stdin: null,
      files: {},
    };
    const runOnce = (i: WasiInput | null) => {
      wasi.reset(i);
      const instance = new WebAssembly.Instance(mod, { [wasi.moduleName]: wasi.imports });
      wasi.attach(instance, instance.exports.memory as WebAssembly.Memory);
      wasi.call(instance.exports._start as () => unknown, []);
      const r = wasi.finish();
      return { exitCode: r.exitCode, stdout: dec.decode(r.stdout) };
    };
    const first = runOnce(input);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain('one');
    expect(first.stdout).toContain('GREETING=hi');
    // A spare instance is made with no input, then handed the call's: the encoding is kept.
    runOnce(null);
    expect(runOnce(input)).toEqual(first);
    expect(runOnce(input)).toEqual(first);
    const other = runOnce({ ...input, argv: ['env-echo', 'three'] });
    expect(other.stdout).toContain('three');
    expect(other.stdout).not.toContain('one');
  });
});

describe('exit codes', () => {
  const program = (body: string) =>
    watToWasm(`(module
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (func (export "_start") ${body}))`);
  const none = { argv: ['p'], env: {}, stdin: null, files: {} };

  it('returning from _start is exit code 0; proc_exit(n) is n, even above 127', () => {
    expect(run(program(''), none)).toMatchObject({ exitCode: 0, exited: true });
    expect(run(program('(call $exit (i32.const 7)) unreachable'), none)).toMatchObject({
      exitCode: 7,
      exited: true,
    });
    expect(run(program('(call $exit (i32.const 300))'), none).exitCode).toBe(300);
  });

  it('a trap has no exit code', () => {
    const wasi = createWasi(none, () => {});
    const instance = new WebAssembly.Instance(
      new WebAssembly.Module(program('unreachable') as BufferSource),
      {
        [wasi.moduleName]: wasi.imports,
      },
    );
    wasi.attach(instance, instance.exports.memory as WebAssembly.Memory);
    expect(() => wasi.call(instance.exports._start as () => unknown, [])).toThrow(WebAssembly.RuntimeError);
    expect(wasi.finish()).toMatchObject({ exitCode: undefined, exited: false });
  });
});

// wabt is a dependency of the app (the compiler worker); it also assembles the test programs here.
type WabtInit = typeof import('wabt');
let wabt: Awaited<ReturnType<WabtInit>>;
beforeAll(async () => {
  // wabt is CommonJS (`export =`): its function arrives as the default export.
  const init = ((await import('wabt')) as unknown as { default: WabtInit }).default;
  wabt = await init();
});

function watToWasm(wat: string): Uint8Array {
  const mod = wabt.parseWat('t.wat', wat);
  try {
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}
