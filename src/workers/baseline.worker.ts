// The benchmark baseline: a plain worker that runs a WASI module directly, with no platform in
// between (no scheduler, no invoke port, no capture or streaming, no memory cap), and the
// JavaScript versions of the compute benchmarks. The Benchmarks panel compares the platform's
// numbers with these (src/platform/benchmarks.ts). Times are taken inside this worker, around
// the instantiation and the `_start` call only, so messaging costs are not part of them.
import { expose } from 'comlink';
import { ConsoleStdout, File, OpenFile, PreopenDirectory, WASI, type Inode } from '@bjorn3/browser_wasi_shim';
import { jsBenchmarks } from '../../samples/wasi/js/benchmarks';
import { createWasi } from './wasi';

export interface DirectRun {
  instantiateMs: number;
  execMs: number;
  exitCode: number;
  stdout: string;
}

export interface JsRunResult {
  execMs: number;
  stdout: string;
}

export type DirectWasi = 'platform' | 'shim';

const modules = new Map<string, WebAssembly.Module>();

function memoryOf(instance: WebAssembly.Instance): WebAssembly.Memory | null {
  for (const v of Object.values(instance.exports)) if (v instanceof WebAssembly.Memory) return v;
  return null;
}
const decoder = new TextDecoder();

/** The smallest WASI the shim offers: argv, stdout/stderr collected, the files preopened at / and `.`. */
function minimalWasi(argv: string[], files: Record<string, Uint8Array>, out: Uint8Array[]): WASI {
  const contents = new Map<string, Inode>(
    Object.entries(files).map(([path, bytes]) => [path.replace(/^\/+/, ''), new File(bytes)]),
  );
  const slash = new PreopenDirectory('/', contents);
  const dot = new PreopenDirectory('.', new Map());
  dot.dir = slash.dir;
  const collect = new ConsoleStdout((b) => out.push(b));
  // debug: false explicitly — the shim logs every call to the console when the option is left out.
  return new WASI(argv, [], [new OpenFile(new File([])), collect, new ConsoleStdout(() => {}), slash, dot], {
    debug: false,
  });
}

const api = {
  /** Compiles a module once and keeps it under `key`; returns the compile time in ms. */
  async load(key: string, bytes: Uint8Array): Promise<number> {
    const t0 = performance.now();
    modules.set(key, await WebAssembly.compile(bytes as BufferSource));
    return performance.now() - t0;
  },

  /**
   * One run of a loaded WASI command on a new instance, as the platform runs a command. `wasi`
   * picks the implementation: the platform's own (src/workers/wasi.ts, the same filesystem and
   * capture, output not streamed), so that warm vs direct measures the platform and not two
   * filesystems; or the upstream shim at its smallest, the floor for a call's fixed cost.
   */
  runWasm(
    key: string,
    argv: string[],
    files: Record<string, Uint8Array>,
    wasi: DirectWasi = 'platform',
  ): DirectRun {
    const module = modules.get(key);
    if (!module) throw new Error(`baseline: no module loaded as "${key}"`);
    if (wasi === 'shim') {
      const out: Uint8Array[] = [];
      const shim = minimalWasi(argv, files, out);
      const t0 = performance.now();
      const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: shim.wasiImport });
      const t1 = performance.now();
      const exitCode = shim.start(instance as unknown as Parameters<WASI['start']>[0]);
      const t2 = performance.now();
      return {
        instantiateMs: t1 - t0,
        execMs: t2 - t1,
        exitCode,
        stdout: out.map((b) => decoder.decode(b, { stream: true })).join('') + decoder.decode(),
      };
    }
    const run = createWasi({ argv, env: {}, stdin: null, files }, () => {});
    const t0 = performance.now();
    const instance = new WebAssembly.Instance(module, { [run.moduleName]: run.imports });
    const t1 = performance.now();
    run.attach(instance, memoryOf(instance));
    run.call(instance.exports._start as () => unknown, []);
    const t2 = performance.now();
    const done = run.finish();
    return {
      instantiateMs: t1 - t0,
      execMs: t2 - t1,
      exitCode: done.exitCode ?? -1,
      stdout: decoder.decode(done.stdout),
    };
  },

  /** Which programs have a JavaScript version. */
  jsPrograms(): string[] {
    return Object.keys(jsBenchmarks);
  },

  /** One run of the JavaScript version of a benchmark, with the same argv (without argv[0]). */
  runJs(name: string, args: string[]): JsRunResult {
    const fn = jsBenchmarks[name];
    if (!fn) throw new Error(`baseline: no JavaScript version of "${name}"`);
    const t0 = performance.now();
    const r = fn(args);
    const t1 = performance.now();
    return { execMs: t1 - t0, stdout: r.stdout };
  },

  unload(key: string): void {
    modules.delete(key);
  },
};

export type BaselineApi = typeof api;

expose(api);
