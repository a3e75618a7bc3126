// WASI preview 1 for nanoprocesses: argv, env, clocks, randomness and exit here; the filesystem,
// descriptors and polling in ./wasi-fs.
//
// One WasiRun per instance. A command (exports _start) gets a fresh one per invocation; a reactor
// keeps its instance and is reset() with each invocation's argv/env/stdin/files. The program sees
// only what is built here: argv, env, stdin, stdout/stderr that stream to the platform, clocks,
// randomness, and an in-memory filesystem holding the invocation's files, preopened under the
// names the invocation gives (by default `/` and `.`, the same directory). Nothing else is reachable: no sockets, no host paths.
import { buildTree, DirNode, FileNode, LinkNode, WasiFs, pathParts, realtimeNs } from './wasi-fs';
import { hasKeys, type WasiInput } from '../platform/wire';

export interface WasiFinish {
  /** Set when the program called proc_exit or returned from _start. */
  exitCode: number | undefined;
  exited: boolean;
  /** What the program wrote (an empty stream is one shared empty array: transfer only non-empty ones). */
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** Files the program created or changed, path → bytes (none: one shared frozen object). */
  files: Readonly<Record<string, Uint8Array>>;
}

export interface WasiRun {
  moduleName: string;
  imports: Record<string, WebAssembly.ImportValue>;
  attach(instance: WebAssembly.Instance, memory: WebAssembly.Memory | null): void;
  /** New argv/env/stdin/files for the next invocation on a reused instance. */
  reset(input: WasiInput | null): void;
  call(fn: (...args: unknown[]) => unknown, args: unknown[]): unknown;
  finish(): WasiFinish;
}

export const WASI_MODULE = 'wasi_snapshot_preview1';
/** Captured bytes per stream and invocation; the rest is dropped with a note. */
export const MAX_OUTPUT_BYTES = 1024 * 1024;
/** How much the in-memory filesystem may grow during one invocation. */
export const MAX_FS_GROWTH_BYTES = 64 * 1024 * 1024;
/** Streamed output is sent once this much is pending… */
const FLUSH_BYTES = 4096;
/** …or at once while fewer than FLUSH_BURST messages went out in the current FLUSH_MS window. */
const FLUSH_MS = 50;
const FLUSH_BURST = 8;

const encoder = new TextEncoder();
const ERRNO_SUCCESS = 0;
const ERRNO_FAULT = 21;
const ERRNO_INVAL = 28;
const CLOCK_REALTIME = 0;
const CLOCK_THREAD_CPUTIME = 3;

export { pathParts };

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** A run that printed nothing on a stream, or changed no file, shares these (never transferred). */
const NO_BYTES = new Uint8Array(0);
const NO_FILES: Readonly<Record<string, Uint8Array>> = Object.freeze({});

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One output stream's capture, capped at MAX_OUTPUT_BYTES. */
class Capture {
  chunks: Uint8Array[] = [];
  kept = 0;
  dropped = 0;

  constructor(readonly label: 'stdout' | 'stderr') {}

  /** Empty again, for the next invocation (the chunks handed out in bytes() are copies). */
  clear(): void {
    if (this.chunks.length > 0) this.chunks = [];
    this.kept = 0;
    this.dropped = 0;
  }

  /** Returns the part that fits under the cap (possibly empty). */
  take(data: Uint8Array): Uint8Array {
    const room = MAX_OUTPUT_BYTES - this.kept;
    const part = data.byteLength <= room ? data : data.subarray(0, Math.max(0, room));
    this.dropped += data.byteLength - part.byteLength;
    if (part.byteLength > 0) {
      this.chunks.push(part);
      this.kept += part.byteLength;
    }
    return part;
  }

  note(): Uint8Array | null {
    if (this.dropped === 0) return null;
    return encoder.encode(
      `\n[${this.label} truncated: ${this.dropped} more bytes dropped; the limit is ${MAX_OUTPUT_BYTES / 1048576} MiB per invocation]\n`,
    );
  }

  bytes(): Uint8Array {
    if (this.kept === 0 && this.dropped === 0) return NO_BYTES;
    const note = this.note();
    return note
      ? concat([...this.chunks, note], this.kept + note.byteLength)
      : concat(this.chunks, this.kept);
  }
}

/**
 * Batches streamed output so a program printing a million lines sends a few hundred messages:
 * the first writes in each 50 ms window go out at once (so a line printed before a long
 * computation shows while it runs), later ones wait until 4 KiB are pending or the window ends.
 * stdout and stderr share one queue so their interleaving is kept.
 */
class Streamer {
  private pending: { fd: 1 | 2; data: Uint8Array }[] = [];
  private pendingBytes = 0;
  private windowStart = -Infinity;
  private sentInWindow = 0;

  constructor(private readonly onOutput: (fd: 1 | 2, chunk: Uint8Array) => void) {}

  /** Drops what is pending (an earlier call that failed before finish) and starts a new window. */
  clear(): void {
    if (this.pending.length > 0) this.pending = [];
    this.pendingBytes = 0;
    this.windowStart = -Infinity;
    this.sentInWindow = 0;
  }

  write(fd: 1 | 2, data: Uint8Array): void {
    if (data.byteLength === 0) return;
    this.pending.push({ fd, data });
    this.pendingBytes += data.byteLength;
    const now = performance.now();
    if (now - this.windowStart >= FLUSH_MS) {
      this.windowStart = now;
      this.sentInWindow = 0;
    }
    if (this.pendingBytes >= FLUSH_BYTES || this.sentInWindow < FLUSH_BURST) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    let i = 0;
    while (i < this.pending.length) {
      const fd = this.pending[i].fd;
      let j = i;
      let total = 0;
      while (j < this.pending.length && this.pending[j].fd === fd) total += this.pending[j++].data.byteLength;
      const run = this.pending.slice(i, j).map((p) => p.data);
      // Always a fresh buffer: the captured chunks must stay intact whatever the receiver does.
      this.onOutput(fd, run.length === 1 ? run[0].slice() : concat(run, total));
      this.sentInWindow++;
      i = j;
    }
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** Thrown by proc_exit to unwind the program; call() turns it into the exit code. */
class ProcExit extends Error {
  constructor(readonly code: number) {
    super(`exit with code ${code}`);
  }
}

type Imports = Record<string, (...args: never[]) => unknown>;
const FS_CALLS = Object.keys(new WasiFs(emptyFsOptions()).imports());

function emptyFsOptions() {
  return {
    stdin: null,
    stdout: () => {},
    stderr: () => {},
    root: new DirNode(),
    preopens: [],
    grow: () => false,
    memory: () => {
      throw new Error('no memory');
    },
  };
}

/** Strings as NUL-terminated UTF-8, for args_get and environ_get. */
function cStrings(list: string[]): Uint8Array[] {
  return list.map((s) => {
    const b = encoder.encode(s);
    const out = new Uint8Array(b.byteLength + 1);
    out.set(b);
    return out;
  });
}

class WasiProgram implements WasiRun {
  readonly moduleName = WASI_MODULE;
  readonly imports: Record<string, WebAssembly.ImportValue>;
  private memory: WebAssembly.Memory | null = null;
  private start: unknown = null;
  private readonly stdout = new Capture('stdout');
  private readonly stderr = new Capture('stderr');
  private readonly streamer: Streamer;
  private input!: WasiInput | null;
  /** The descriptor table and its imports, made once and reset for each invocation. */
  private fsCore: { fs: WasiFs; calls: Imports } | null = null;
  /** This invocation's tree, built on the first filesystem call (a program that only computes never pays for it). */
  private fsRoot: DirNode | null = null;
  private given = new Map<string, Uint8Array>();
  private args: Uint8Array[] = [];
  private env: Uint8Array[] = [];
  /** The input argv and env were last encoded for: a call given the same object reuses them. */
  private encodedFor: WasiInput | null = null;
  private encoded: { args: Uint8Array[]; env: Uint8Array[] } = { args: [], env: [] };
  private fsGrowth = 0;
  private exitCode: number | undefined = undefined;
  private exited = false;

  constructor(input: WasiInput | null, onOutput: (fd: 1 | 2, chunk: Uint8Array) => void) {
    this.streamer = new Streamer(onOutput);
    this.reset(input);
    this.imports = this.buildImports();
  }

  reset(input: WasiInput | null): void {
    this.input = input;
    this.fsRoot = null;
    if (this.given.size > 0) this.given = new Map();
    if (input === null) {
      this.args = [];
      this.env = [];
    } else {
      // The platform sends an unchanged input once and the worker hands the same object again
      // (wire.sameWasiInput): its strings are encoded already. The arrays are only read.
      if (input !== this.encodedFor) {
        this.encoded = {
          args: cStrings(input.argv),
          env: cStrings(Object.entries(input.env).map(([k, v]) => `${k}=${v}`)),
        };
        this.encodedFor = input;
      }
      this.args = this.encoded.args;
      this.env = this.encoded.env;
    }
    this.stdout.clear();
    this.stderr.clear();
    // Output an earlier call left pending (it failed before finish) must not reach this one.
    this.streamer.clear();
    this.fsGrowth = 0;
    this.exitCode = undefined;
    this.exited = false;
    if (input && hasKeys(input.files)) this.fs(); // a bad tree fails before the run
  }

  private fs(): Imports {
    if (this.fsRoot && this.fsCore) return this.fsCore.calls;
    const { files = {}, stdin = null, preopens = ['/', '.'] } = this.input ?? {};
    const root = buildTree(files);
    for (const [path, entry] of Object.entries(files))
      if (entry instanceof Uint8Array) this.given.set(pathParts(path).join('/'), entry);
    const out = (capture: Capture, fd: 1 | 2) => (data: Uint8Array) => {
      const part = capture.take(data);
      if (part.byteLength > 0) this.streamer.write(fd, part);
    };
    const options = {
      stdin,
      stdout: out(this.stdout, 1),
      stderr: out(this.stderr, 2),
      root,
      // wasi-libc resolves relative paths against the cwd ("/") in newer releases and against a
      // "." preopen in older ones: by default offer both, on the same directory.
      preopens,
      grow: (bytes: number) => {
        if (this.fsGrowth + bytes > MAX_FS_GROWTH_BYTES) return false;
        this.fsGrowth += bytes;
        return true;
      },
      memory: () => this.mem(),
    };
    if (this.fsCore) this.fsCore.fs.reset(options);
    else {
      const fs = new WasiFs(options);
      this.fsCore = { fs, calls: fs.imports() as Imports };
    }
    this.fsRoot = root;
    return this.fsCore.calls;
  }

  private mem(): WebAssembly.Memory {
    if (!this.memory)
      throw new WebAssembly.RuntimeError('a WASI call needs the module to export or import its memory');
    return this.memory;
  }

  attach(instance: WebAssembly.Instance, memory: WebAssembly.Memory | null): void {
    this.memory = memory;
    const ex = instance.exports;
    this.start = ex._start ?? null;
    if (typeof ex._start !== 'function' && typeof ex._initialize === 'function') {
      this.call(ex._initialize as () => unknown, []);
      if (this.exited)
        throw new Error(`_initialize called proc_exit(${this.exitCode}); the reactor cannot be used`);
    }
  }

  call(fn: (...args: unknown[]) => unknown, args: unknown[]): unknown {
    try {
      const result = fn(...args);
      if (fn === this.start) {
        this.exitCode = 0;
        this.exited = true;
      }
      return result;
    } catch (err) {
      if (err instanceof ProcExit) {
        this.exitCode = err.code;
        this.exited = true;
        return undefined;
      }
      throw err;
    }
  }

  finish(): WasiFinish {
    const outNote = this.stdout.note();
    if (outNote) this.streamer.write(1, outNote);
    const errNote = this.stderr.note();
    if (errNote) this.streamer.write(2, errNote);
    this.streamer.flush();
    return {
      exitCode: this.exitCode,
      exited: this.exited,
      stdout: this.stdout.bytes(),
      stderr: this.stderr.bytes(),
      files: this.changedFiles(),
    };
  }

  /** Files that are new or differ from the input, by path relative to the root. */
  private changedFiles(): Record<string, Uint8Array> {
    if (!this.fsRoot) return NO_FILES;
    const out: Record<string, Uint8Array> = {};
    const walk = (dir: DirNode, prefix: string) => {
      for (const [name, entry] of dir.entries) {
        const path = prefix + name;
        if (entry instanceof DirNode) walk(entry, `${path}/`);
        else if (entry instanceof FileNode) {
          const before = this.given.get(path);
          if (!before || !sameBytes(before, entry.data)) out[path] = entry.data.slice();
        } else if (!(entry instanceof LinkNode)) throw new Error('unknown node');
      }
    };
    walk(this.fsRoot, '');
    return out;
  }

  private view(): DataView {
    return new DataView(this.mem().buffer);
  }

  private putStrings(list: Uint8Array[], ptrs: number, buf: number): number {
    const view = this.view();
    const bytes = new Uint8Array(view.buffer);
    for (const s of list) {
      view.setUint32(ptrs, buf, true);
      bytes.set(s, buf);
      ptrs += 4;
      buf += s.byteLength;
    }
    return ERRNO_SUCCESS;
  }

  private putSizes(list: Uint8Array[], count: number, size: number): number {
    const view = this.view();
    view.setUint32(count, list.length, true);
    view.setUint32(
      size,
      list.reduce((n, s) => n + s.byteLength, 0),
      true,
    );
    return ERRNO_SUCCESS;
  }

  private buildImports(): Record<string, WebAssembly.ImportValue> {
    const imports: Imports = {
      args_get: (ptrs: number, buf: number) => this.putStrings(this.args, ptrs, buf),
      args_sizes_get: (count: number, size: number) => this.putSizes(this.args, count, size),
      environ_get: (ptrs: number, buf: number) => this.putStrings(this.env, ptrs, buf),
      environ_sizes_get: (count: number, size: number) => this.putSizes(this.env, count, size),
      // CPU-time clocks read the monotonic clock, so C's clock() measures something.
      clock_time_get: (id: number, _precision: bigint, out: number) => {
        let ns: bigint;
        if (id === CLOCK_REALTIME) ns = realtimeNs();
        else if (id > CLOCK_REALTIME && id <= CLOCK_THREAD_CPUTIME)
          ns = BigInt(Math.round(performance.now() * 1e6));
        else return ERRNO_INVAL;
        this.view().setBigUint64(out, ns, true);
        return ERRNO_SUCCESS;
      },
      clock_res_get: (id: number, out: number) => {
        if (id < CLOCK_REALTIME || id > CLOCK_THREAD_CPUTIME) return ERRNO_INVAL;
        this.view().setBigUint64(out, 1000n, true);
        return ERRNO_SUCCESS;
      },
      random_get: (buf: number, len: number) => {
        const mem = this.mem();
        if (buf + len > mem.buffer.byteLength) return ERRNO_FAULT;
        // getRandomValues refuses views over shared memory and more than 64 KiB at a time.
        const scratch = new Uint8Array(Math.min(len, 65536));
        for (let at = 0; at < len; at += scratch.byteLength) {
          const n = Math.min(scratch.byteLength, len - at);
          crypto.getRandomValues(scratch.subarray(0, n));
          new Uint8Array(mem.buffer, buf + at, n).set(scratch.subarray(0, n));
        }
        return ERRNO_SUCCESS;
      },
      proc_exit: (code: number) => {
        throw new ProcExit(code >>> 0);
      },
      proc_raise: (sig: number) => {
        throw new WebAssembly.RuntimeError(`the program raised signal ${sig}`);
      },
      sched_yield: () => ERRNO_SUCCESS,
    };
    for (const name of FS_CALLS)
      imports[name] = (...args: never[]) => (this.fs()[name] as (...a: never[]) => unknown)(...args);
    return imports as Record<string, WebAssembly.ImportValue>;
  }
}

export function createWasi(
  input: WasiInput | null,
  onOutput: (fd: 1 | 2, chunk: Uint8Array) => void,
): WasiRun {
  return new WasiProgram(input, onOutput);
}
