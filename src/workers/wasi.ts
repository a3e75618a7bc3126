// WASI preview 1 for nanoprocesses, on @bjorn3/browser_wasi_shim.
//
// One WasiRun per instance. A command (exports _start) gets a fresh one per invocation; a reactor
// keeps its instance and is reset() with each invocation's argv/env/stdin/files. The program sees
// only what is built here: argv, env, stdin, stdout/stderr that stream to the platform, clocks,
// randomness, and an in-memory filesystem preopened at `/` (and `.`, same directory) holding
// the invocation's files. Nothing else is reachable: no sockets, no host paths.
import {
  ConsoleStdout,
  Directory,
  File,
  OpenFile,
  PreopenDirectory,
  WASI,
  WASIProcExit,
  wasi as defs,
  type Fd,
  type Inode,
} from '@bjorn3/browser_wasi_shim';
import type { WasiInput } from '../platform/wire';

export interface WasiFinish {
  /** Set when the program called proc_exit or returned from _start. */
  exitCode: number | undefined;
  exited: boolean;
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** Files the program created or changed, path → bytes. */
  files: Record<string, Uint8Array>;
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

/** Splits a file path from WasiInput.files into components: "/a/./b.txt" → ["a", "b.txt"]. */
export function pathParts(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) throw new TypeError(`files: "${path}" is not a file path`);
  if (parts.includes('..')) throw new TypeError(`files: "${path}" leaves the root; ".." is not allowed`);
  if (path.includes('\0'))
    throw new TypeError(`files: "${path.replaceAll('\0', '\\0')}" contains a NUL byte`);
  return parts;
}

interface TreeNode {
  files: Map<string, Uint8Array>;
  dirs: Map<string, TreeNode>;
}

/** Builds the filesystem bottom-up so every Directory knows its parent (for `..` in readdir). */
function buildRoot(files: Record<string, Uint8Array>): { root: Directory; given: Map<string, Uint8Array> } {
  const top: TreeNode = { files: new Map(), dirs: new Map() };
  const given = new Map<string, Uint8Array>();
  for (const [path, bytes] of Object.entries(files)) {
    const parts = pathParts(path);
    const name = parts.pop()!;
    let node = top;
    for (const dir of parts) {
      if (node.files.has(dir))
        throw new TypeError(`files: "${path}" puts a file inside "${dir}", which is a file`);
      let next = node.dirs.get(dir);
      if (!next) node.dirs.set(dir, (next = { files: new Map(), dirs: new Map() }));
      node = next;
    }
    if (node.dirs.has(name)) throw new TypeError(`files: "${path}" is both a file and a directory`);
    node.files.set(name, bytes);
    given.set([...parts, name].join('/'), bytes);
  }
  const toDirectory = (node: TreeNode): Directory => {
    const entries: [string, Inode][] = [];
    for (const [name, child] of node.dirs) entries.push([name, toDirectory(child)]);
    for (const [name, bytes] of node.files) entries.push([name, new File(bytes)]); // File copies the bytes
    return new Directory(entries);
  };
  return { root: toDirectory(top), given };
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

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

/** stdout/stderr as a character device, so wasi-libc line-buffers stdout as on a terminal. */
function outputFd(capture: Capture, fd: 1 | 2, streamer: Streamer): Fd {
  return new ConsoleStdout((data) => {
    const part = capture.take(data);
    if (part.byteLength > 0) streamer.write(fd, part);
  });
}

type Imports = Record<string, (...args: never[]) => unknown>;

class WasiProgram implements WasiRun {
  readonly moduleName = WASI_MODULE;
  readonly imports: Record<string, WebAssembly.ImportValue>;
  private readonly wasi: WASI;
  private memory: WebAssembly.Memory | null = null;
  private start: unknown = null;
  private stdout!: Capture;
  private stderr!: Capture;
  private streamer: Streamer;
  private root!: Directory;
  private given!: Map<string, Uint8Array>;
  private fsGrowth = 0;
  private exitCode: number | undefined = undefined;
  private exited = false;

  constructor(input: WasiInput | null, onOutput: (fd: 1 | 2, chunk: Uint8Array) => void) {
    this.streamer = new Streamer(onOutput);
    // debug: false explicitly — the shim logs every call to the console when the option is left out.
    this.wasi = new WASI([], [], [], { debug: false });
    this.reset(input);
    this.imports = this.buildImports();
  }

  reset(input: WasiInput | null): void {
    const { argv = [], env = {}, stdin = null, files = {} } = input ?? {};
    const { root, given } = buildRoot(files);
    this.root = root;
    this.given = given;
    this.stdout = new Capture('stdout');
    this.stderr = new Capture('stderr');
    this.fsGrowth = 0;
    this.exitCode = undefined;
    this.exited = false;
    const slash = new PreopenDirectory('/', new Map());
    slash.dir = root;
    // wasi-libc resolves relative paths against the cwd ("/") in newer releases and against a
    // "." preopen in older ones: offer both, on the same directory.
    const dot = new PreopenDirectory('.', new Map());
    dot.dir = root;
    this.wasi.args = [...argv];
    this.wasi.env = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    this.wasi.fds = [
      new OpenFile(new File(stdin ?? new Uint8Array(0), { readonly: true })),
      outputFd(this.stdout, 1, this.streamer),
      outputFd(this.stderr, 2, this.streamer),
      slash,
      dot,
    ];
  }

  attach(instance: WebAssembly.Instance, memory: WebAssembly.Memory | null): void {
    this.memory = memory;
    // The shim reads memory through inst.exports.memory; modules that import theirs (env.memory) have none there.
    const exports = {} as { memory: WebAssembly.Memory };
    Object.defineProperty(exports, 'memory', {
      get: () => {
        if (!this.memory)
          throw new WebAssembly.RuntimeError('a WASI call needs the module to export or import its memory');
        return this.memory;
      },
    });
    this.wasi.inst = { exports };
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
      if (err instanceof WASIProcExit) {
        this.exitCode = err.code | 0;
        this.exited = true;
        return undefined;
      }
      throw err;
    }
  }

  finish(): WasiFinish {
    for (const c of [this.stdout, this.stderr]) {
      const note = c.note();
      if (note) this.streamer.write(c === this.stdout ? 1 : 2, note);
    }
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
    const out: Record<string, Uint8Array> = {};
    const walk = (dir: Directory, prefix: string) => {
      for (const [name, entry] of dir.contents) {
        const path = prefix + name;
        if (entry instanceof Directory) walk(entry, `${path}/`);
        else if (entry instanceof File) {
          const before = this.given.get(path);
          if (!before || !sameBytes(before, entry.data)) out[path] = entry.data.slice();
        }
      }
    };
    walk(this.root, '');
    return out;
  }

  private view(): DataView {
    return new DataView(this.wasi.inst.exports.memory.buffer);
  }

  /**
   * Makes room for a write that ends at `end`, within the filesystem budget. Grows the file's
   * storage geometrically (the shim reallocates to the exact size on every write, which is
   * quadratic for a file written in many small pieces) and leaves `data` sized to the file.
   */
  private reserve(file: File, end: bigint): number {
    const size = file.data.byteLength;
    if (end <= BigInt(size)) return defs.ERRNO_SUCCESS;
    const growth = end - BigInt(size);
    if (BigInt(this.fsGrowth) + growth > BigInt(MAX_FS_GROWTH_BYTES)) return defs.ERRNO_NOSPC;
    this.fsGrowth += Number(growth);
    const want = Number(end);
    const buf = file.data.buffer;
    if (file.data.byteOffset === 0 && buf instanceof ArrayBuffer && want <= buf.byteLength) {
      const grown = new Uint8Array(buf, 0, want);
      grown.fill(0, size);
      file.data = grown;
    } else {
      const storage = new Uint8Array(Math.max(want, size * 2, 4096));
      storage.set(file.data);
      file.data = storage.subarray(0, want);
    }
    return defs.ERRNO_SUCCESS;
  }

  private iovecBytes(iovs: number, count: number): number {
    let total = 0;
    for (const v of defs.Ciovec.read_bytes_array(this.view(), iovs, count)) total += v.buf_len;
    return total;
  }

  private writableFile(fd: number): OpenFile | null {
    const target = this.wasi.fds[fd];
    return target instanceof OpenFile && !target.file.readonly ? target : null;
  }

  private buildImports(): Record<string, WebAssembly.ImportValue> {
    const base = this.wasi.wasiImport as Imports;
    const w = this.wasi;
    const overrides: Imports = {
      // The shim counts UTF-16 units instead of UTF-8 bytes, which overflows argv_buf for non-ASCII argv.
      args_sizes_get: (argc: number, bufSize: number) => {
        const v = this.view();
        v.setUint32(argc, w.args.length, true);
        v.setUint32(
          bufSize,
          w.args.reduce((n, a) => n + encoder.encode(a).byteLength + 1, 0),
          true,
        );
        return defs.ERRNO_SUCCESS;
      },
      // The shim gives 0 for the CPU-time clocks, which makes C's clock() useless: use the monotonic clock.
      clock_time_get: (id: number, _precision: bigint, out: number) => {
        let ns: bigint;
        if (id === defs.CLOCKID_REALTIME)
          ns = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
        else if (id >= defs.CLOCKID_MONOTONIC && id <= defs.CLOCKID_THREAD_CPUTIME_ID)
          ns = BigInt(Math.round(performance.now() * 1e6));
        else return defs.ERRNO_INVAL;
        this.view().setBigUint64(out, ns, true);
        return defs.ERRNO_SUCCESS;
      },
      clock_res_get: (id: number, out: number) => {
        if (id < defs.CLOCKID_REALTIME || id > defs.CLOCKID_THREAD_CPUTIME_ID) return defs.ERRNO_INVAL;
        this.view().setBigUint64(out, 1000n, true);
        return defs.ERRNO_SUCCESS;
      },
      random_get: (buf: number, len: number) => {
        const mem = this.wasi.inst.exports.memory;
        if (buf + len > mem.buffer.byteLength) return defs.ERRNO_FAULT;
        // getRandomValues refuses views over shared memory and more than 64 KiB at a time.
        const scratch = new Uint8Array(Math.min(len, 65536));
        for (let at = 0; at < len; at += scratch.byteLength) {
          const n = Math.min(scratch.byteLength, len - at);
          crypto.getRandomValues(scratch.subarray(0, n));
          new Uint8Array(mem.buffer, buf + at, n).set(scratch.subarray(0, n));
        }
        return defs.ERRNO_SUCCESS;
      },
      fd_write: (fd: number, iovs: number, count: number, nwritten: number) => {
        const f = this.writableFile(fd);
        if (f) {
          const err = this.reserve(f.file, f.file_pos + BigInt(this.iovecBytes(iovs, count)));
          if (err !== defs.ERRNO_SUCCESS) return err;
        }
        return (base.fd_write as (...a: number[]) => number)(fd, iovs, count, nwritten);
      },
      fd_pwrite: (fd: number, iovs: number, count: number, offset: bigint, nwritten: number) => {
        const f = this.writableFile(fd);
        if (f) {
          const err = this.reserve(f.file, offset + BigInt(this.iovecBytes(iovs, count)));
          if (err !== defs.ERRNO_SUCCESS) return err;
        }
        return (base.fd_pwrite as (...a: (number | bigint)[]) => number)(fd, iovs, count, offset, nwritten);
      },
      fd_allocate: (fd: number, offset: bigint, len: bigint) => {
        const f = this.writableFile(fd);
        if (f) {
          const err = this.reserve(f.file, offset + len);
          if (err !== defs.ERRNO_SUCCESS) return err;
        }
        return (base.fd_allocate as (...a: (number | bigint)[]) => number)(fd, offset, len);
      },
      fd_filestat_set_size: (fd: number, size: bigint) => {
        const f = this.writableFile(fd);
        if (f) {
          const err = this.reserve(f.file, size);
          if (err !== defs.ERRNO_SUCCESS) return err;
        }
        return (base.fd_filestat_set_size as (...a: (number | bigint)[]) => number)(fd, size);
      },
      proc_raise: (sig: number) => {
        throw new WebAssembly.RuntimeError(`the program raised signal ${sig}`);
      },
      sock_accept: () => defs.ERRNO_NOTSUP,
      sock_recv: () => defs.ERRNO_NOTSUP,
      sock_send: () => defs.ERRNO_NOTSUP,
      sock_shutdown: () => defs.ERRNO_NOTSUP,
    };
    return { ...base, ...overrides } as Record<string, WebAssembly.ImportValue>;
  }
}

export function createWasi(
  input: WasiInput | null,
  onOutput: (fd: 1 | 2, chunk: Uint8Array) => void,
): WasiRun {
  return new WasiProgram(input, onOutput);
}
