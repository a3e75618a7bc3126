// Shared helpers for expected.sh, check.mjs and bench.mjs: load index.json, stage a sandbox
// directory, run a program natively or as wasm32-wasi under node:wasi (in a worker thread, so
// runaway programs can be stopped), and emulate the platform's memory cap.
//
// When loaded as a worker thread (workerData.nanofaasWasi set) it runs one WASI module.

import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import v8 from 'node:v8';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

// node:wasi's V8 fast-API-call path keeps using the memory's old backing store after the module
// grows its memory (memory.grow), so a WASI call after a large malloc can crash node (SIGSEGV,
// SIGTRAP "Check failed") or silently lose output — seen here with malloc-hog on Node 20.20 about
// one run in two. Disabling fast API calls makes node:wasi re-read the memory on every call.
// V8 flags are process-wide, so this also covers the worker threads.
v8.setFlagsFromString('--no-turbo-fast-api-calls');

export const here = dirname(fileURLToPath(import.meta.url));

/** @returns {any[]} the entries of index.json */
export function loadIndex() {
  return JSON.parse(readFileSync(join(here, 'index.json'), 'utf8'));
}

/** A fresh temporary directory holding the entry's input files. */
export function stage(entry) {
  const dir = mkdtempSync(join(tmpdir(), `nanofaas-${entry.name}-`));
  for (const [path, content] of Object.entries(entry.files ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

export function cleanup(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Runs a native executable with the entry's argv/env/stdin in `dir`.
 * @returns {{ exitCode: number, stdout: Buffer, stderr: Buffer, ms: number, timedOut: boolean }}
 */
export function runNative(exe, entry, argv, dir, timeoutMs = 60_000) {
  const t0 = performance.now();
  const r = spawnSync(exe, argv, {
    cwd: dir,
    env: entry.env ?? {},
    input: entry.stdin ?? '',
    argv0: entry.name,
    timeout: timeoutMs,
    maxBuffer: 1 << 30,
  });
  const ms = performance.now() - t0;
  if (r.error && r.error.code !== 'ETIMEDOUT') throw r.error;
  return {
    exitCode: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    ms,
    timedOut: r.error?.code === 'ETIMEDOUT',
  };
}

/**
 * Runs a wasm32-wasi command under node:wasi in a worker thread, with `dir` preopened as "/"
 * (the working directory), args [entry.name, ...argv], the entry's env and stdin.
 * @param {Uint8Array} bytes module bytes (already memory-capped if wanted)
 * @returns {Promise<{ exitCode: number|null, stdout: Buffer, stderr: Buffer, timedOut: boolean,
 *   error?: string, compileMs: number, instantiateMs: number, execMs: number, ms: number }>}
 */
export function runWasi(bytes, entry, argv, dir, timeoutMs = 60_000) {
  const io = mkdtempSync(join(tmpdir(), `nanofaas-io-${entry.name}-`));
  const paths = { stdin: join(io, 'stdin'), stdout: join(io, 'stdout'), stderr: join(io, 'stderr') };
  writeFileSync(paths.stdin, entry.stdin ?? '');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const worker = new Worker(fileURLToPath(import.meta.url), {
      workerData: { nanofaasWasi: true, bytes, name: entry.name, argv, env: entry.env ?? {}, dir, paths },
    });
    let result = null;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void worker.terminate();
    }, timeoutMs);
    worker.on('message', (m) => (result = m));
    worker.on('error', (e) => (result = { error: String(e?.stack ?? e) }));
    worker.on('exit', () => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      try {
        resolve({
          exitCode: null,
          compileMs: NaN,
          instantiateMs: NaN,
          execMs: NaN,
          ...result,
          stdout: readFileSync(paths.stdout),
          stderr: readFileSync(paths.stderr),
          timedOut,
          ms,
        });
      } catch (e) {
        reject(e);
      } finally {
        cleanup(io);
      }
    });
  });
}

async function workerMain() {
  // node:wasi prints an ExperimentalWarning on load; it is expected here, so keep the output clean.
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning, ...rest) =>
    String(warning).includes('WASI') ? undefined : emitWarning.call(process, warning, ...rest);
  const { WASI } = await import('node:wasi');
  const { bytes, name, argv, env, dir, paths } = workerData;
  const fds = {
    stdin: openSync(paths.stdin, 'r'),
    stdout: openSync(paths.stdout, 'w'),
    stderr: openSync(paths.stderr, 'w'),
  };
  const wasi = new WASI({
    version: 'preview1',
    args: [name, ...argv],
    env,
    preopens: { '/': dir },
    returnOnExit: true,
    ...fds,
  });
  try {
    const t0 = performance.now();
    const module = await WebAssembly.compile(bytes);
    const t1 = performance.now();
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
    const t2 = performance.now();
    const exitCode = wasi.start(instance);
    const t3 = performance.now();
    parentPort.postMessage({
      exitCode,
      compileMs: t1 - t0,
      instantiateMs: t2 - t1,
      execMs: t3 - t2,
    });
  } catch (e) {
    parentPort.postMessage({ exitCode: null, error: String(e?.stack ?? e) });
  } finally {
    for (const fd of Object.values(fds)) closeSync(fd);
  }
}

function readLeb(bytes, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[pos++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [value, pos];
  }
}

function leb(value) {
  const out = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

/**
 * Returns a copy of the module whose defined memories have maximum min(declared, maxPages),
 * like the platform's memory cap (memoryMiB). Imported memories are left alone.
 */
export function capMemory(bytes, maxPages) {
  const src = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const out = [...src.subarray(0, 8)];
  let pos = 8;
  while (pos < src.length) {
    const id = src[pos];
    const [size, start] = readLeb(src, pos + 1);
    const end = start + size;
    if (id !== 5) {
      out.push(...src.subarray(pos, end));
    } else {
      let p = start;
      const [count, p1] = readLeb(src, p);
      p = p1;
      const body = [...leb(count)];
      for (let i = 0; i < count; i++) {
        const flags = src[p++];
        if (flags & ~0x03) throw new Error(`capMemory: unsupported memory flags ${flags}`);
        const [initial, p2] = readLeb(src, p);
        p = p2;
        let max = maxPages;
        if (flags & 1) {
          const [declared, p3] = readLeb(src, p);
          p = p3;
          max = Math.min(declared, maxPages);
        }
        if (initial > max) throw new Error(`capMemory: initial ${initial} pages > cap ${max}`);
        body.push(flags | 1, ...leb(initial), ...leb(max));
      }
      out.push(5, ...leb(body.length), ...body);
    }
    pos = end;
  }
  return new Uint8Array(out);
}

/** Reads the files listed in entry.outputs from `dir` (null for a missing one). */
export function readOutputs(entry, dir) {
  const files = {};
  for (const path of entry.outputs ?? []) {
    const full = join(dir, path);
    files[path] = existsSync(full) ? readFileSync(full) : null;
  }
  return files;
}

if (!isMainThread && workerData?.nanofaasWasi) await workerMain();
