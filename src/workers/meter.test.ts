/// <reference types="node" />
// The metering rewriter (platform/meter.ts) on every sample: same results metered and unmetered, exact and repeatable
// counts, an exact fuel limit, deadlines that stop a stuck loop from inside, and bad input.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { createWasi } from './wasi';
import { inspectModule } from '../platform/inspect';
import { capMemory, mibToPages } from '../platform/limits';
import {
  DeadlineExceeded,
  FUEL_SLICE,
  FuelMeter,
  MeterError,
  OutOfFuel,
  meterModule,
} from '../platform/meter';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Wabt;
beforeAll(async () => {
  wabt = await wabtInit();
});

const samples = new URL('../../samples/', import.meta.url);
const wasiDir = new URL('wasi/', samples);
const enc = new TextEncoder();
const dec = new TextDecoder();

function wat(source: string): Uint8Array {
  const module = wabt.parseWat('t.wat', source, {
    multi_value: true,
    bulk_memory: true,
    reference_types: true,
    sign_extension: true,
    simd: true,
    tail_call: true,
    exceptions: true,
  });
  try {
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

interface Run {
  result?: unknown;
  error?: string;
  instructions: number | null;
  logs: string[];
}

/** Instantiates `bytes` (metered when `meter` is set) with the platform's plain imports and calls `name`. */
function runPlain(
  bytes: Uint8Array,
  name: string,
  args: unknown[],
  opts: { meter?: boolean; limit?: number; deadlineMs?: number } = {},
): Run {
  const logs: string[] = [];
  let memory: WebAssembly.Memory | null = null;
  const imports: WebAssembly.Imports = {
    platform: {
      now: () => performance.now(),
      log: (ptr: number, len: number) => logs.push(dec.decode(new Uint8Array(memory!.buffer, ptr, len))),
    },
  };
  let fuel: FuelMeter | null = null;
  let code = bytes;
  if (opts.meter) {
    const metered = meterModule(bytes);
    expect(WebAssembly.validate(metered.bytes)).toBe(true);
    code = metered.bytes;
    fuel = new FuelMeter();
    imports[metered.importModule] = { [metered.importName]: fuel.refuel };
    fuel.begin(opts.limit ?? Infinity);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(code as BufferSource), imports);
    fuel.attach(instance.exports[metered.fuelExport] as WebAssembly.Global);
    return call(instance);
  }
  return call(new WebAssembly.Instance(new WebAssembly.Module(code as BufferSource), imports));

  function call(instance: WebAssembly.Instance): Run {
    memory = (instance.exports.memory as WebAssembly.Memory) ?? null;
    fuel?.begin(opts.limit ?? Infinity, opts.deadlineMs ? performance.now() + opts.deadlineMs : Infinity);
    try {
      const result = (instance.exports[name] as (...a: unknown[]) => unknown)(...args);
      fuel?.settle();
      return { result, instructions: fuel?.used() ?? null, logs };
    } catch (err) {
      return {
        error: (err as Error).name + ': ' + (err as Error).message,
        instructions: fuel?.used() ?? null,
        logs,
      };
    }
  }
}

const plainCalls: Record<string, [string, unknown[]][]> = {
  answer: [['_start', []]],
  sum: [['_start', []]],
  sleep: [['_start', [3]]],
  fib: [
    ['_start', [20]],
    ['_start', [1]],
  ],
  counter: [['_start', []]],
  'memory-hog': [['_start', []]],
  'out-of-memory': [['_start', []]],
  trap: [
    ['divide', [7, 2]],
    ['divide', [1, 0]],
    ['unreachable', []],
    ['oob', []],
    ['_start', []],
  ],
  'hello-log': [['_start', []]],
  multi: [
    ['_start', [7n, 6n]],
    ['neg32', [1.5]],
    ['div64', [1, 3]],
    ['swap', [1, 2]],
  ],
};

describe('metering every plain sample', () => {
  const index = JSON.parse(readFileSync(new URL('index.json', samples), 'utf8')) as {
    name: string;
    file: string;
  }[];
  for (const s of index.filter((x) => x.name !== 'stuck')) {
    it(`${s.name}: same results metered and unmetered, same count every run`, () => {
      // Capped as the platform caps it: memory-hog grows until the cap refuses.
      const source = wat(readFileSync(new URL(s.file, samples), 'utf8'));
      const bytes = capMemory(source, mibToPages(16))?.bytes ?? source;
      const calls = plainCalls[s.name];
      expect(calls, `a call list for ${s.name}`).toBeDefined();
      for (const [fn, args] of calls) {
        const plain = runPlain(bytes, fn, args);
        const metered = runPlain(bytes, fn, args, { meter: true });
        const again = runPlain(bytes, fn, args, { meter: true });
        expect(metered.result).toEqual(plain.result);
        expect(metered.error).toEqual(plain.error);
        expect(metered.logs).toEqual(plain.logs);
        expect(metered.instructions).toBeGreaterThan(0);
        if (s.name !== 'sleep') expect(again.instructions).toBe(metered.instructions);
      }
    });
  }

  it('fib(20) counts more than fib(10), and a fuel limit is exact', () => {
    const bytes = wat(readFileSync(new URL('fib.wat', samples), 'utf8'));
    const small = runPlain(bytes, '_start', [10], { meter: true }).instructions!;
    const big = runPlain(bytes, '_start', [20], { meter: true }).instructions!;
    expect(big).toBeGreaterThan(small * 50);
    const exact = runPlain(bytes, '_start', [20], { meter: true, limit: big });
    expect(exact.result).toBe(6765);
    const short = runPlain(bytes, '_start', [20], { meter: true, limit: big - 1 });
    expect(short.error).toMatch(/^OutOfFuel/);
    expect(short.instructions).toBeGreaterThan(big - 1);
  });

  it('stuck: a fuel limit ends it, and so does a deadline, both from inside the module', () => {
    const bytes = wat(readFileSync(new URL('stuck.wat', samples), 'utf8'));
    const fuel = runPlain(bytes, '_start', [], { meter: true, limit: 1_000_000 });
    expect(fuel.error).toMatch(/^OutOfFuel/);
    const t0 = performance.now();
    const timed = runPlain(bytes, '_start', [], { meter: true, deadlineMs: 30 });
    const took = performance.now() - t0;
    expect(timed.error).toBe(`DeadlineExceeded: ${new DeadlineExceeded().message}`);
    expect(took).toBeGreaterThanOrEqual(30);
    expect(timed.instructions).toBeGreaterThan(0);
  });
});

interface WasiEntry {
  name: string;
  file: string;
  argv: string[];
  env?: Record<string, string>;
  stdin?: string;
  files?: Record<string, string>;
}

function runWasi(bytes: Uint8Array, e: WasiEntry, meter: boolean, limit = Infinity) {
  const files: Record<string, Uint8Array> = {};
  for (const [p, t] of Object.entries(e.files ?? {})) files[p] = enc.encode(t);
  const wasi = createWasi(
    {
      argv: [e.name, ...e.argv],
      env: { ...(e.env ?? {}) },
      stdin: e.stdin === undefined ? null : enc.encode(e.stdin),
      files,
    },
    () => {},
  );
  const imports: WebAssembly.Imports = { [wasi.moduleName]: wasi.imports };
  let code = bytes;
  let fuel: FuelMeter | null = null;
  let fuelExport = '';
  if (meter) {
    const m = meterModule(bytes);
    expect(WebAssembly.validate(m.bytes)).toBe(true);
    code = m.bytes;
    fuel = new FuelMeter();
    fuel.begin(limit);
    fuelExport = m.fuelExport;
    imports[m.importModule] = { [m.importName]: fuel.refuel };
  }
  const instance = new WebAssembly.Instance(new WebAssembly.Module(code as BufferSource), imports);
  if (fuel) fuel.attach(instance.exports[fuelExport] as WebAssembly.Global);
  wasi.attach(instance, instance.exports.memory as WebAssembly.Memory);
  let error: string | undefined;
  try {
    wasi.call(instance.exports._start as () => unknown, []);
    fuel?.settle();
  } catch (err) {
    error = String(err);
  }
  const done = wasi.finish();
  return {
    exitCode: done.exitCode,
    stdout: dec.decode(done.stdout),
    stderr: dec.decode(done.stderr),
    files: Object.fromEntries(Object.entries(done.files).map(([k, v]) => [k, dec.decode(v)])),
    error,
    instructions: fuel?.used() ?? null,
  };
}

describe('metering the seed 002 programs (samples/wasi)', () => {
  const index = JSON.parse(readFileSync(new URL('index.json', wasiDir), 'utf8')) as WasiEntry[];
  // Capped at the platform's default 64 MiB: malloc-hog mallocs until the cap refuses.
  const load = (e: WasiEntry) => {
    const bytes = new Uint8Array(readFileSync(new URL(e.file, wasiDir)));
    return capMemory(bytes, mibToPages(64))?.bytes ?? bytes;
  };
  // Each runs a real program three times (malloc-hog fills 64 MiB each time): ~4 s on a loaded
  // 2-core machine, too close to Vitest's 5 s default.
  const PROGRAM_TIMEOUT_MS = 30_000;
  for (const e of index.filter((x) => x.name !== 'spin')) {
    it(
      `${e.name}: same output metered and unmetered, same count every run`,
      { timeout: PROGRAM_TIMEOUT_MS },
      () => {
        const bytes = load(e);
        const plain = runWasi(bytes, e, false);
        const metered = runWasi(bytes, e, true);
        const again = runWasi(bytes, e, true);
        const { instructions, ...rest } = metered;
        expect(rest).toEqual(Object.fromEntries(Object.entries(plain).filter(([k]) => k !== 'instructions')));
        expect(instructions).toBeGreaterThan(0);
        expect(again.instructions).toBe(instructions);
      },
    );
  }

  it('spin (loops forever) runs out of fuel at the same count every time', () => {
    const e = index.find((x) => x.name === 'spin')!;
    const a = runWasi(load(e), e, true, 5_000_000);
    const b = runWasi(load(e), e, true, 5_000_000);
    expect(a.error).toMatch(/OutOfFuel/);
    expect(a.instructions).toBeGreaterThan(5_000_000);
    expect(b.instructions).toBe(a.instructions);
  });
});

describe('index shifting and bad input', () => {
  it('keeps calls, call_indirect through an element segment, ref.func, start and exports working', () => {
    const bytes = wat(`(module
      (import "platform" "now" (func $now (result f64)))
      (table 2 funcref)
      (elem (i32.const 0) $a $b)
      (elem declare func $b)
      (global $g (mut i32) (i32.const 0))
      (global $r funcref (ref.func $a))
      (func $a (result i32) i32.const 10)
      (func $b (result i32) i32.const 20)
      (func $init (global.set $g (i32.const 5)))
      (start $init)
      (func $tail (param i32) (result i32) (return_call $pick (local.get 0)))
      (func $pick (param i32) (result i32)
        (call_indirect (result i32) (local.get 0)))
      (func (export "run") (param i32) (result i32)
        (i32.add (call $tail (local.get 0)) (global.get $g)))
      (func (export "isnull") (result i32) (ref.is_null (ref.func $b))))`);
    for (const i of [0, 1]) {
      const plain = runPlain(bytes, 'run', [i]);
      const metered = runPlain(bytes, 'run', [i], { meter: true });
      expect(metered.result).toBe(plain.result);
      expect(metered.result).toBe(i === 0 ? 15 : 25);
    }
    expect(runPlain(bytes, 'isnull', [], { meter: true }).result).toBe(0);
  });

  it('decodes SIMD, bulk memory, sign extension and multi-value blocks', () => {
    const bytes = wat(`(module
      (memory 1)
      (func (export "run") (param i32) (result i32)
        (memory.fill (i32.const 0) (i32.const 7) (i32.const 16))
        (memory.copy (i32.const 16) (i32.const 0) (i32.const 16))
        (v128.store (i32.const 32) (i32x4.add (v128.load (i32.const 16)) (v128.const i32x4 1 2 3 4)))
        (i8x16.extract_lane_u 5 (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (v128.load (i32.const 32)) (v128.load (i32.const 0))))
        (i32.extend8_s (local.get 0))
        (block (param i32 i32) (result i32) i32.add)
        (i32.trunc_sat_f64_s (f64.const 1e300))
        i32.add))`);
    for (const i of [3, 200]) {
      expect(runPlain(bytes, 'run', [i], { meter: true }).result).toBe(runPlain(bytes, 'run', [i]).result);
    }
  });

  it('renames the fuel export and the refuel import on a collision', () => {
    const bytes = wat(`(module (global (export "nanofaas_fuel") i32 (i32.const 1))
      (func (export "f") (result i32) i32.const 2))`);
    const m = meterModule(bytes);
    expect(m.fuelExport).toBe('nanofaas_fuel_1');
    const info = inspectModule(m.bytes);
    expect(info.exports.map((e) => e.name)).toEqual(['nanofaas_fuel', 'f', 'nanofaas_fuel_1']);
    expect(runPlain(bytes, 'f', [], { meter: true }).result).toBe(2);
  });

  it('refuses a module with an instruction it does not know, with a clear message', () => {
    const bytes = wat(`(module (func (export "f") (result i32) i32.const 1))`);
    // Replace `i32.const 1` (0x41 0x01) with an unassigned opcode.
    const at = bytes.findIndex((b, i) => b === 0x41 && bytes[i + 1] === 0x01 && bytes[i + 2] === 0x0b);
    const broken = bytes.slice();
    broken[at] = 0xe0;
    expect(() => meterModule(broken)).toThrow(MeterError);
    expect(() => meterModule(broken)).toThrow(/unknown instruction 0xe0/);
  });

  it('marks every refuel branch unlikely with a branch hint placed before the code section', () => {
    const m = meterModule(readFileSync(new URL('nbody.wasm', wasiDir)));
    const b = m.bytes;
    let p = 8;
    const u32 = () => {
      let v = 0;
      for (let shift = 0; ; shift += 7) {
        const x = b[p++];
        v += (x & 0x7f) * 2 ** shift;
        if (!(x & 0x80)) return v;
      }
    };
    const name = () => {
      const n = u32();
      p += n;
      return dec.decode(b.subarray(p - n, p));
    };
    let hints: [number, number[]][] | null = null;
    const bodies: number[] = [];
    let imported = 0;
    while (p < b.length) {
      const id = b[p++];
      const end = u32() + p;
      if (id === 0 && name() === 'metadata.code.branch_hint') {
        expect(bodies, 'the hints come before the code').toEqual([]);
        hints = [];
        for (let f = u32(); f > 0; f--) {
          const func = u32();
          const offsets: number[] = [];
          for (let k = u32(); k > 0; k--) {
            offsets.push(u32());
            expect([u32(), b[p++]]).toEqual([1, 0]); // one byte: unlikely
          }
          hints.push([func, offsets]);
        }
      } else if (id === 2) {
        imported = inspectModule(b).imports.filter((i) => i.kind === 'function').length;
      } else if (id === 10) {
        for (let n = u32(); n > 0; n--) {
          const size = u32();
          bodies.push(p);
          p += size;
        }
      }
      p = end;
    }
    expect(hints).not.toBeNull();
    // Loop headers and the entries of recursive functions are checked; other bodies have no hint.
    expect(hints!.length).toBeGreaterThan(0);
    expect(hints!.length).toBeLessThanOrEqual(bodies.length);
    for (const [func, offsets] of hints!) {
      const body = bodies[func - imported];
      for (const at of offsets)
        // i64.const 0; i64.lt_s; if (empty block type): the refuel branch
        expect([...b.subarray(body + at - 3, body + at + 2)]).toEqual([0x42, 0x00, 0x53, 0x04, 0x40]);
    }
  });

  it('counts per invocation on a reused instance', () => {
    const bytes = wat(readFileSync(new URL('fib.wat', samples), 'utf8'));
    const m = meterModule(bytes);
    const fuel = new FuelMeter();
    fuel.begin(Infinity);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(m.bytes), {
      [m.importModule]: { [m.importName]: fuel.refuel },
    });
    fuel.attach(instance.exports[m.fuelExport] as WebAssembly.Global);
    const counts = [15, 15, 15].map((n) => {
      fuel.begin(Infinity);
      (instance.exports._start as (n: number) => number)(n);
      return fuel.used();
    });
    expect(new Set(counts).size).toBe(1);
    expect(() => {
      fuel.begin(10);
      (instance.exports._start as (n: number) => number)(15);
    }).toThrow(OutOfFuel);
    fuel.begin(counts[0] - 1);
    (instance.exports._start as (n: number) => number)(1); // one short call: within the limit
    expect(() => fuel.settle()).not.toThrow();
    fuel.begin(Infinity);
    (instance.exports._start as (n: number) => number)(15);
    expect(fuel.used()).toBe(counts[0]);
  });
});

describe('where the fuel is kept (a local per function, the global around calls)', () => {
  // run(n): per iteration 4 (test) + 3 (call $mid, local.set) + 4 (increment) + 1 (br) = 12, and
  // $mid (3) calls $leaf (3) twice = 9 more; then the last test (4) and local.get (1): 21 n + 5.
  const program = `(module
    (memory 1)
    (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func $mid (param i32) (result i32) (call $leaf (call $leaf (local.get 0))))
    (func (export "run") (param $n i32) (result i32) (local $i i32) (local $acc i32)
      (block $done
        (loop $top
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $acc (call $mid (local.get $acc)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $top)))
      (local.get $acc))
    (func (export "divAfterCall") (result i32)
      (drop (call $leaf (i32.const 1)))
      (i32.div_s (i32.const 1) (i32.const 0)))
    (func $boom (param i32) (result i32) (if (local.get 0) (then unreachable)) (local.get 0))
    (func (export "unreachableAfterCall") (result i32)
      (drop (call $leaf (i32.const 1)))
      (call $boom (i32.const 1)))
    (func (export "oobAfterLoop") (param $n i32) (result i32) (local $i i32)
      (loop $top
        (local.set $i (call $mid (local.get $i)))
        (br_if $top (i32.lt_u (local.get $i) (local.get $n))))
      (i32.load (i32.const 0x7fffffff)))
    (func $fib (param i32) (result i32)
      (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
        (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                       (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
    (func (export "fib") (param i32) (result i32) (call $fib (local.get 0))))`;

  function instance(limit = Infinity) {
    const m = meterModule(wat(program));
    const fuel = new FuelMeter();
    fuel.begin(limit);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(m.bytes), {
      [m.importModule]: { [m.importName]: fuel.refuel },
    });
    fuel.attach(inst.exports[m.fuelExport] as WebAssembly.Global);
    return { fuel, exports: inst.exports as Record<string, (...a: number[]) => number> };
  }

  it('counts exactly across calls between functions that keep the fuel differently', () => {
    const { fuel, exports } = instance();
    for (const n of [0, 1, 10, 1000]) {
      fuel.begin(Infinity);
      expect(exports.run(n)).toBe(2 * n);
      fuel.settle();
      expect(fuel.used()).toBe(21 * n + 5);
    }
  });

  it('a fuel limit lands exactly at the count, through calls and slices', () => {
    const { fuel, exports } = instance();
    const n = 20_000; // 420,005 instructions: more than one slice
    fuel.begin(21 * n + 5);
    expect(exports.run(n)).toBe(2 * n);
    expect(() => fuel.settle()).not.toThrow();
    fuel.begin(21 * n + 4);
    expect(() => {
      exports.run(n);
      fuel.settle();
    }).toThrow(OutOfFuel);
    expect(fuel.used()).toBeGreaterThan(21 * n + 4);
  });

  it('a trap counts what reached the global: `unreachable` exactly, others at most one slice low', () => {
    const { fuel, exports } = instance();
    // The fuel travels between functions in registers and reaches the global at host calls,
    // refuels, exits to the host and before `unreachable`: an explicit trap counts exactly.
    // One block of the export (i32.const, call + $leaf's 3, drop, i32.const, call) = 8, then
    // $boom's test (local.get, if) 2 and its `unreachable` 1.
    fuel.begin(Infinity);
    expect(() => exports.unreachableAfterCall()).toThrow(WebAssembly.RuntimeError);
    expect(fuel.used()).toBe(11);
    // Any other trap loses what ran since the global was last written — less than one slice.
    // (i32.const, call + 3, drop, i32.const, i32.const, i32.div_s = 9 ran; nothing reached it.)
    fuel.begin(Infinity);
    expect(() => exports.divAfterCall()).toThrow(WebAssembly.RuntimeError);
    expect(fuel.used()).toBeLessThanOrEqual(9);
    // 50,000 loop iterations ($i: 0 → 2 → … → 100,000) of 7 + $mid's 9, then the trapping block
    // (i32.const, i32.load): three slices and more ran; the count is short by less than one.
    const ran = 50_000 * 16 + 2;
    fuel.begin(Infinity);
    expect(() => exports.oobAfterLoop(100_000)).toThrow(WebAssembly.RuntimeError);
    expect(fuel.used()).toBeLessThanOrEqual(ran);
    expect(fuel.used()).toBeGreaterThan(ran - FUEL_SLICE);
    expect(ran).toBeGreaterThan(3 * FUEL_SLICE);
    // The instance is still usable and counts from zero again.
    fuel.begin(Infinity);
    expect(exports.run(10)).toBe(20);
    expect(fuel.used()).toBe(215);
  });

  it('passes the fuel through direct calls, out of every exit, counting as if kept in the global', () => {
    // $first displaces its first local with the fuel parameter and leaves by br_if, return, br
    // and its end; $bare has no locals; $pick's br_table may leave through the function's label,
    // so it keeps the fuel in the global. Exporting every function (so none is passed the fuel)
    // must give the same results and the same counts.
    const source = (exportAll: boolean) => {
      const ex = (name: string) => (exportAll ? `(export "${name}")` : '');
      return `(module
        (func $first ${ex('first')} (param i32) (result i32) (local $a i32) (local $b i64)
          (local.set $a (i32.mul (local.get 0) (i32.const 3)))
          (local.set $b (i64.const 7))
          (br_if 0 (local.get $a) (i32.eqz (local.get 0)))
          (drop)
          (if (i32.gt_u (local.get 0) (i32.const 100)) (then (return (i32.const -1))))
          (if (i32.gt_u (local.get 0) (i32.const 50)) (then (br 1 (i32.const -2))))
          (i32.add (local.tee $a (local.get $a)) (i32.wrap_i64 (local.get $b))))
        (func $bare ${ex('bare')} (param i32) (result i32) (call $first (local.get 0)))
        (func $pick ${ex('pick')} (param i32) (result i32)
          (block $outer (result i32)
            (block $inner (result i32)
              (br_table $inner $outer 2 (i32.const 9) (local.get 0)))
            (i32.add (i32.const 1)))
          (i32.add (i32.const 2)))
        (func (export "run") (param i32) (result i32)
          (i32.add (call $bare (local.get 0)) (call $pick (local.get 0)))))`;
    };
    const passed = meterModule(wat(source(false)));
    const text = wabt.readWasm(passed.bytes, { multi_value: true }).toText({});
    expect(text).toMatch(/\(param i32 i64\) \(result i32 i64\)/); // $first and $bare
    const xs = [0, 1, 2, 3, 7, 60, 200];
    const runAll = (exportAll: boolean) =>
      xs.map((x) => {
        const r = runPlain(wat(source(exportAll)), 'run', [x], { meter: true });
        expect(r.error).toBeUndefined();
        return [r.result, r.instructions];
      });
    const plain = xs.map((x) => runPlain(wat(source(false)), 'run', [x]).result);
    const threaded = runAll(false);
    expect(threaded.map(([result]) => result)).toEqual(plain);
    expect(threaded).toEqual(runAll(true));
  });

  it('recursion without loops still meets the deadline (recursive entries are checked)', () => {
    const m = meterModule(wat(program));
    let t = 0;
    const fuel = new FuelMeter(() => t);
    fuel.begin(Infinity);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(m.bytes), {
      [m.importModule]: { [m.importName]: fuel.refuel },
    });
    fuel.attach(inst.exports[m.fuelExport] as WebAssembly.Global);
    fuel.begin(Infinity, 1); // the deadline is passed once the clock moves
    t = 2;
    expect(() => (inst.exports.fib as (n: number) => number)(60)).toThrow(DeadlineExceeded);
  });

  it('fib counts the same as summing its blocks by hand', () => {
    // $fib: 4 (test, if), then 1 (n < 2) or 9 (two subs, two calls, add); the export adds 2.
    const { fuel, exports } = instance();
    const count = (n: number): number => (n < 2 ? 5 : 4 + 9 + count(n - 1) + count(n - 2));
    for (const n of [0, 1, 2, 10]) {
      fuel.begin(Infinity);
      exports.fib(n);
      fuel.settle();
      expect(fuel.used()).toBe(count(n) + 2);
    }
  });

  it('a host call that unwinds the stack (as proc_exit does) still sees every charge before it', () => {
    // run: one block of 6 (local.get, call, drop, local.get, call, i32.const), $pure 3, $inner 4.
    const bytes = wat(`(module
      (import "platform" "exit" (func $exit (param i32)))
      (func $inner (param i32) (call $exit (i32.add (local.get 0) (i32.const 1))))
      (func $pure (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
      (func (export "run") (param i32) (result i32)
        (drop (call $pure (local.get 0)))
        (call $inner (local.get 0))
        (i32.const 7)))`);
    const m = meterModule(bytes);
    const fuel = new FuelMeter();
    let throws = true;
    const inst = new WebAssembly.Instance(new WebAssembly.Module(m.bytes), {
      [m.importModule]: { [m.importName]: fuel.refuel },
      platform: {
        exit: (code: number) => {
          if (throws) throw new Error(`exit ${code}`);
        },
      },
    });
    fuel.attach(inst.exports[m.fuelExport] as WebAssembly.Global);
    const run = inst.exports.run as (n: number) => number;
    fuel.begin(Infinity);
    expect(() => run(4)).toThrow('exit 5');
    expect(fuel.used()).toBe(13);
    throws = false;
    fuel.begin(Infinity);
    expect(run(4)).toBe(7);
    expect(fuel.used()).toBe(13);
  });

  it('exceptions: a throw caught by a caller counts the same as running the blocks by hand', () => {
    const bytes = wat(`(module
      (tag $boom (param i32))
      (func $thrower (param i32) (result i32)
        (if (local.get 0) (then (throw $boom (i32.const 7))))
        (i32.const 1))
      (func $loopy (param i32) (result i32) (local i32)
        (loop $l
          (local.set 1 (i32.add (local.get 1) (call $thrower (i32.const 0))))
          (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
        (local.get 1))
      (func (export "run") (param i32) (result i32)
        (try (result i32)
          (do (call $thrower (local.get 0)))
          (catch $boom (i32.add (i32.const 100)))))
      (func (export "loop") (param i32) (result i32)
        (try (result i32)
          (do (drop (call $loopy (local.get 0))) (call $thrower (i32.const 1)))
          (catch $boom))))`);
    for (const [fn, arg] of [
      ['run', 0],
      ['run', 1],
      ['loop', 5],
    ] as const) {
      const plain = runPlain(bytes, fn, [arg]);
      const a = runPlain(bytes, fn, [arg], { meter: true });
      const b = runPlain(bytes, fn, [arg], { meter: true });
      expect(a.result).toEqual(plain.result);
      expect(a.instructions).toBeGreaterThan(0);
      expect(b.instructions).toBe(a.instructions);
    }
    // $thrower(0): local.get, if (2), i32.const (1) = 3; run(0): local.get, call (2) + 3 = 5.
    expect(runPlain(bytes, 'run', [0], { meter: true }).instructions).toBe(5);
    // $thrower(1): local.get, if (2), i32.const, throw (2) = 4; run(1): 2 + 4 + catch: i32.const, i32.add (2) = 8.
    expect(runPlain(bytes, 'run', [1], { meter: true }).instructions).toBe(8);
    // $loopy(5): 5 iterations of 9 + $thrower(0)'s 3, then local.get = 61; loop(5): its try block
    // (local.get, call, drop, i32.const, call) 5 + 61 + $thrower(1)'s 4; the catch does nothing.
    expect(runPlain(bytes, 'loop', [5], { meter: true }).instructions).toBe(70);
  });
});
