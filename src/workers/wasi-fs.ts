// WASI preview 1's filesystem and descriptor table, in memory: files, directories and symlinks
// with timestamps and link counts, capability-confined path resolution (no `..` above a preopen,
// no absolute symlinks), descriptors with rights and flags, stdio, and every fd_* / path_* /
// poll_oneoff / sock_* call. Framework-free and DOM-free so it runs in Node's Vitest too.
//
// Why not @bjorn3/browser_wasi_shim's Fd classes: they have no symlinks, no rights, no timestamps,
// fd flags that never change, and their path lookup cannot be extended without replacing it; the
// fixes we needed are listed (for upstream) in docs/wasi-shim-fixes.md.
const E = {
  SUCCESS: 0,
  BADF: 8,
  EXIST: 20,
  FAULT: 21,
  INVAL: 28,
  ISDIR: 31,
  LOOP: 32,
  NAMETOOLONG: 37,
  NOENT: 44,
  NOSPC: 51,
  NOTDIR: 54,
  NOTEMPTY: 55,
  NOTSOCK: 57,
  NOTSUP: 58,
  PERM: 63,
  SPIPE: 70,
  XDEV: 75,
  NOTCAPABLE: 76,
} as const;

const R = (bit: number) => 1n << BigInt(bit);
export const RIGHTS = {
  FD_DATASYNC: R(0),
  FD_READ: R(1),
  FD_SEEK: R(2),
  FD_FDSTAT_SET_FLAGS: R(3),
  FD_SYNC: R(4),
  FD_TELL: R(5),
  FD_WRITE: R(6),
  FD_ADVISE: R(7),
  FD_ALLOCATE: R(8),
  PATH_CREATE_DIRECTORY: R(9),
  PATH_CREATE_FILE: R(10),
  PATH_LINK_SOURCE: R(11),
  PATH_LINK_TARGET: R(12),
  PATH_OPEN: R(13),
  FD_READDIR: R(14),
  PATH_READLINK: R(15),
  PATH_RENAME_SOURCE: R(16),
  PATH_RENAME_TARGET: R(17),
  PATH_FILESTAT_GET: R(18),
  PATH_FILESTAT_SET_SIZE: R(19),
  PATH_FILESTAT_SET_TIMES: R(20),
  FD_FILESTAT_GET: R(21),
  FD_FILESTAT_SET_SIZE: R(22),
  FD_FILESTAT_SET_TIMES: R(23),
  PATH_SYMLINK: R(24),
  PATH_REMOVE_DIRECTORY: R(25),
  PATH_UNLINK_FILE: R(26),
  POLL_FD_READWRITE: R(27),
  SOCK_SHUTDOWN: R(28),
  SOCK_ACCEPT: R(29),
};
const union = (...r: bigint[]) => r.reduce((a, b) => a | b, 0n);
/** What a directory descriptor can do itself. */
const DIR_RIGHTS = union(
  RIGHTS.PATH_CREATE_DIRECTORY,
  RIGHTS.PATH_CREATE_FILE,
  RIGHTS.PATH_LINK_SOURCE,
  RIGHTS.PATH_LINK_TARGET,
  RIGHTS.PATH_OPEN,
  RIGHTS.FD_READDIR,
  RIGHTS.PATH_READLINK,
  RIGHTS.PATH_RENAME_SOURCE,
  RIGHTS.PATH_RENAME_TARGET,
  RIGHTS.PATH_FILESTAT_GET,
  RIGHTS.PATH_FILESTAT_SET_SIZE,
  RIGHTS.PATH_FILESTAT_SET_TIMES,
  RIGHTS.FD_FILESTAT_GET,
  RIGHTS.FD_FILESTAT_SET_TIMES,
  RIGHTS.PATH_SYMLINK,
  RIGHTS.PATH_REMOVE_DIRECTORY,
  RIGHTS.PATH_UNLINK_FILE,
  RIGHTS.FD_SYNC,
  RIGHTS.FD_DATASYNC,
  RIGHTS.FD_ADVISE,
);
/** What a regular-file descriptor can do. */
const FILE_RIGHTS = union(
  RIGHTS.FD_DATASYNC,
  RIGHTS.FD_READ,
  RIGHTS.FD_SEEK,
  RIGHTS.FD_FDSTAT_SET_FLAGS,
  RIGHTS.FD_SYNC,
  RIGHTS.FD_TELL,
  RIGHTS.FD_WRITE,
  RIGHTS.FD_ADVISE,
  RIGHTS.FD_ALLOCATE,
  RIGHTS.FD_FILESTAT_GET,
  RIGHTS.FD_FILESTAT_SET_SIZE,
  RIGHTS.FD_FILESTAT_SET_TIMES,
  RIGHTS.POLL_FD_READWRITE,
);
const STDIO_RIGHTS = union(
  RIGHTS.FD_READ,
  RIGHTS.FD_WRITE,
  RIGHTS.FD_FDSTAT_SET_FLAGS,
  RIGHTS.FD_FILESTAT_GET,
  RIGHTS.POLL_FD_READWRITE,
);

const FILETYPE = { CHAR: 2, DIR: 3, FILE: 4, LINK: 7 } as const;
const FDFLAGS_APPEND = 1;
const FDFLAGS_ALL = 0x1f;
const OFLAGS = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
const LOOKUP_FOLLOW = 1;
const FST = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;
const MAX_SYMLINKS = 40;

/** Wall-clock nanoseconds, for timestamps. */
export function realtimeNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e3)) * 1000n;
}

let nextIno = 1n;

abstract class Node {
  readonly ino = nextIno++;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
  nlink = 1n;
  constructor() {
    this.atim = this.mtim = this.ctim = realtimeNs();
  }
  abstract readonly filetype: number;
  get size(): bigint {
    return 0n;
  }
  touch(): void {
    this.mtim = this.ctim = realtimeNs();
  }
}

export class FileNode extends Node {
  readonly filetype = FILETYPE.FILE;
  /** The file's bytes; may be a view over larger storage (see WasiFs.reserve). */
  data: Uint8Array;
  constructor(data: Uint8Array = new Uint8Array(0)) {
    super();
    this.data = data;
  }
  override get size(): bigint {
    return BigInt(this.data.byteLength);
  }
}

export class DirNode extends Node {
  readonly filetype = FILETYPE.DIR;
  readonly entries = new Map<string, Node>();
  constructor(public parent: DirNode | null = null) {
    super();
  }
}

export class LinkNode extends Node {
  readonly filetype = FILETYPE.LINK;
  constructor(readonly target: string) {
    super();
  }
  override get size(): bigint {
    return BigInt(new TextEncoder().encode(this.target).byteLength);
  }
}

/** An entry of the initial filesystem: file bytes, an empty directory, or a symlink. */
export type FsEntry = Uint8Array | { directory: true } | { symlink: string };

/** Splits an input path into components; refuses "..", NUL and empty paths. */
export function pathParts(path: string): string[] {
  if (path.includes('\0'))
    throw new TypeError(`files: "${path.replaceAll('\0', '\\0')}" contains a NUL byte`);
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) throw new TypeError(`files: "${path}" is not a file path`);
  if (parts.includes('..')) throw new TypeError(`files: "${path}" leaves the root; ".." is not allowed`);
  return parts;
}

/** Builds a directory tree from path → entry. */
export function buildTree(files: Record<string, FsEntry>): DirNode {
  const root = new DirNode();
  for (const [path, entry] of Object.entries(files)) {
    const parts = pathParts(path);
    const name = parts.pop()!;
    let dir = root;
    for (const part of parts) {
      let next = dir.entries.get(part);
      if (next === undefined) dir.entries.set(part, (next = new DirNode(dir)));
      if (!(next instanceof DirNode))
        throw new TypeError(`files: "${path}" puts an entry inside "${part}", which is a file`);
      dir = next;
    }
    const existing = dir.entries.get(name);
    if (entry instanceof Uint8Array) {
      if (existing) throw new TypeError(`files: "${path}" is both a file and a directory`);
      dir.entries.set(name, new FileNode(entry.slice()));
    } else if ('symlink' in entry) {
      if (existing) throw new TypeError(`files: "${path}" is given twice`);
      dir.entries.set(name, new LinkNode(entry.symlink));
    } else if (!existing) dir.entries.set(name, new DirNode(dir));
    else if (!(existing instanceof DirNode))
      throw new TypeError(`files: "${path}" is both a file and a directory`);
  }
  return root;
}

type Desc =
  | { kind: 'file'; node: FileNode; pos: bigint }
  | { kind: 'dir'; node: DirNode; preopen: string | null }
  | { kind: 'stdin'; data: Uint8Array; pos: number }
  | { kind: 'out'; write: (bytes: Uint8Array) => void };

interface OpenFd {
  desc: Desc;
  base: bigint;
  inheriting: bigint;
  flags: number;
}

interface Resolved {
  err: number;
  /** The directory holding the last component. */
  parent: DirNode;
  /** The last component; "." or ".." when the path names a directory by those. */
  name: string;
  node: Node | undefined;
  /** The path ended with "/". */
  slash: boolean;
}

export interface FsOptions {
  stdin: Uint8Array | null;
  stdout: (bytes: Uint8Array) => void;
  stderr: (bytes: Uint8Array) => void;
  root: DirNode;
  preopens: string[];
  /** Checks and grants growth of the filesystem by this many bytes; false: no space. */
  grow: (bytes: number) => boolean;
  memory: () => WebAssembly.Memory;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export class WasiFs {
  readonly fds: (OpenFd | undefined)[] = [];

  private o!: FsOptions;

  constructor(o: FsOptions) {
    this.reset(o);
  }

  /** Starts over with new stdio, tree and preopens; the imports() already handed out stay valid. */
  reset(o: FsOptions): void {
    this.o = o;
    this.fds.length = 0;
    this.fds.push(
      {
        desc: { kind: 'stdin', data: o.stdin ?? new Uint8Array(0), pos: 0 },
        base: STDIO_RIGHTS,
        inheriting: 0n,
        flags: 0,
      },
      { desc: { kind: 'out', write: o.stdout }, base: STDIO_RIGHTS, inheriting: 0n, flags: 0 },
      { desc: { kind: 'out', write: o.stderr }, base: STDIO_RIGHTS, inheriting: 0n, flags: 0 },
    );
    for (const name of o.preopens)
      this.fds.push({
        desc: { kind: 'dir', node: o.root, preopen: name },
        base: DIR_RIGHTS,
        inheriting: DIR_RIGHTS | FILE_RIGHTS,
        flags: 0,
      });
  }

  private mem(): { view: DataView; bytes: Uint8Array } {
    const buf = this.o.memory().buffer;
    return { view: new DataView(buf), bytes: new Uint8Array(buf) };
  }

  private str(ptr: number, len: number): string {
    return dec.decode(this.mem().bytes.slice(ptr, ptr + len));
  }

  private dirFd(fd: number): { f: OpenFd; dir: DirNode } | number {
    const f = this.fds[fd];
    if (!f) return E.BADF;
    if (f.desc.kind !== 'dir') return E.NOTDIR;
    return { f, dir: f.desc.node };
  }

  /** Resolves `path` below `start`, following symlinks in the middle and, if asked, at the end. */
  resolve(start: DirNode, path: string, followLast: boolean): Resolved {
    const fail = (err: number): Resolved => ({ err, parent: start, name: '', node: undefined, slash: false });
    if (path.includes('\0')) return fail(E.INVAL);
    if (path === '') return fail(E.NOENT);
    if (path.startsWith('/')) return fail(E.NOTCAPABLE);
    let slash = path.endsWith('/');
    let parts = path.split('/').filter((p) => p !== '');
    const stack: DirNode[] = [start];
    let links = 0;
    for (;;) {
      const dir = stack[stack.length - 1];
      if (parts.length === 0) return { err: E.SUCCESS, parent: dir, name: '.', node: dir, slash };
      const name = parts.shift()!;
      const last = parts.length === 0;
      if (name === '.') {
        if (last) return { err: E.SUCCESS, parent: dir, name, node: dir, slash };
        continue;
      }
      if (name === '..') {
        if (stack.length === 1) return fail(E.NOTCAPABLE);
        stack.pop();
        if (last)
          return {
            err: E.SUCCESS,
            parent: stack[stack.length - 1],
            name,
            node: stack[stack.length - 1],
            slash,
          };
        continue;
      }
      const node = dir.entries.get(name);
      if (node instanceof LinkNode && (!last || followLast || slash)) {
        if (++links > MAX_SYMLINKS) return fail(E.LOOP);
        if (node.target.startsWith('/')) return fail(E.NOTCAPABLE);
        if (node.target.endsWith('/')) slash = true;
        parts = [...node.target.split('/').filter((p) => p !== ''), ...parts];
        if (parts.length === 0) parts = ['.'];
        continue;
      }
      if (last) return { err: E.SUCCESS, parent: dir, name, node, slash };
      if (node === undefined) return fail(E.NOENT);
      if (!(node instanceof DirNode)) return fail(E.NOTDIR);
      stack.push(node);
    }
  }

  private stat(node: Node | null, out: number, filetype = node?.filetype ?? FILETYPE.CHAR): void {
    const { view } = this.mem();
    view.setBigUint64(out, 1n, true); // dev
    view.setBigUint64(out + 8, node ? node.ino : 0n, true);
    view.setUint8(out + 16, filetype);
    for (let i = 17; i < 24; i++) view.setUint8(out + i, 0);
    view.setBigUint64(out + 24, node ? node.nlink : 1n, true);
    view.setBigUint64(out + 32, node ? node.size : 0n, true);
    view.setBigUint64(out + 40, node ? node.atim : 0n, true);
    view.setBigUint64(out + 48, node ? node.mtim : 0n, true);
    view.setBigUint64(out + 56, node ? node.ctim : 0n, true);
  }

  private setTimes(node: Node, atim: bigint, mtim: bigint, flags: number): number {
    if (flags & ~0xf) return E.INVAL;
    if ((flags & FST.ATIM && flags & FST.ATIM_NOW) || (flags & FST.MTIM && flags & FST.MTIM_NOW))
      return E.INVAL;
    const now = realtimeNs();
    if (flags & FST.ATIM) node.atim = atim;
    if (flags & FST.ATIM_NOW) node.atim = now;
    if (flags & FST.MTIM) node.mtim = mtim;
    if (flags & FST.MTIM_NOW) node.mtim = now;
    node.ctim = now;
    return E.SUCCESS;
  }

  /** Grows a file's storage geometrically (one copy per doubling), within the filesystem budget. */
  private reserve(file: FileNode, end: bigint): number {
    const size = file.data.byteLength;
    if (end <= BigInt(size)) return E.SUCCESS;
    if (end > BigInt(Number.MAX_SAFE_INTEGER) || !this.o.grow(Number(end) - size)) return E.NOSPC;
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
    return E.SUCCESS;
  }

  private truncate(file: FileNode, size: bigint): number {
    if (size > BigInt(file.data.byteLength)) return this.reserve(file, size);
    file.data = file.data.subarray(0, Number(size));
    return E.SUCCESS;
  }

  private iovecs(ptr: number, count: number): { buf: number; len: number }[] {
    const { view } = this.mem();
    const out = [];
    for (let i = 0; i < count; i++)
      out.push({ buf: view.getUint32(ptr + 8 * i, true), len: view.getUint32(ptr + 8 * i + 4, true) });
    return out;
  }

  private writeBytes(fd: number, iovs: number, count: number, at: bigint | null, outPtr: number): number {
    const f = this.fds[fd];
    if (!f) return E.BADF;
    if (!(f.base & RIGHTS.FD_WRITE)) return E.BADF;
    const { bytes } = this.mem();
    const chunks = this.iovecs(iovs, count).map((v) => bytes.slice(v.buf, v.buf + v.len));
    const total = chunks.reduce((n, c) => n + c.byteLength, 0);
    const d = f.desc;
    if (d.kind === 'out') {
      if (at !== null) return E.SPIPE;
      for (const c of chunks) d.write(c);
    } else if (d.kind === 'file') {
      // O_APPEND puts every write at the end (pwrite too, as on Linux).
      let pos = f.flags & FDFLAGS_APPEND ? d.node.size : (at ?? d.pos);
      const err = this.reserve(d.node, pos + BigInt(total));
      if (err) return err;
      for (const c of chunks) {
        d.node.data.set(c, Number(pos));
        pos += BigInt(c.byteLength);
      }
      if (at === null) d.pos = pos;
      if (total > 0) d.node.touch();
    } else if (d.kind === 'dir') return E.ISDIR;
    else return E.BADF;
    this.mem().view.setUint32(outPtr, total, true);
    return E.SUCCESS;
  }

  private readBytes(fd: number, iovs: number, count: number, at: bigint | null, outPtr: number): number {
    const f = this.fds[fd];
    if (!f) return E.BADF;
    const d = f.desc;
    if (d.kind === 'dir') return E.ISDIR;
    if (!(f.base & RIGHTS.FD_READ)) return E.BADF;
    const { bytes, view } = this.mem();
    let n = 0;
    if (d.kind === 'stdin') {
      if (at !== null) return E.SPIPE;
      for (const v of this.iovecs(iovs, count)) {
        const part = d.data.subarray(d.pos, d.pos + v.len);
        bytes.set(part, v.buf);
        d.pos += part.byteLength;
        n += part.byteLength;
        if (part.byteLength < v.len) break;
      }
    } else if (d.kind === 'file') {
      let pos = at ?? d.pos;
      for (const v of this.iovecs(iovs, count)) {
        const start = Math.min(Number(pos), d.node.data.byteLength);
        const part = d.node.data.subarray(start, start + v.len);
        bytes.set(part, v.buf);
        pos += BigInt(part.byteLength);
        n += part.byteLength;
        if (part.byteLength < v.len) break;
      }
      if (at === null) d.pos = pos;
    } else return E.BADF;
    view.setUint32(outPtr, n, true);
    return E.SUCCESS;
  }

  private allocFd(f: OpenFd): number {
    let fd = this.fds.indexOf(undefined);
    if (fd < 0) fd = this.fds.length;
    this.fds[fd] = f;
    return fd;
  }

  private pathOpen(
    dirfd: number,
    dirflags: number,
    path: string,
    oflags: number,
    base: bigint,
    inheriting: bigint,
    fdflags: number,
  ): { err: number; fd?: number } {
    const d = this.dirFd(dirfd);
    if (typeof d === 'number') return { err: d };
    const r = this.resolve(d.dir, path, (dirflags & LOOKUP_FOLLOW) !== 0);
    if (r.err) return { err: r.err };
    let node = r.node;
    if (node === undefined) {
      if (!(oflags & OFLAGS.CREAT)) return { err: E.NOENT };
      if (r.slash || oflags & OFLAGS.DIRECTORY) return { err: r.slash ? E.ISDIR : E.NOENT };
      if (!(d.f.base & RIGHTS.PATH_CREATE_FILE)) return { err: E.NOTCAPABLE };
      node = new FileNode();
      r.parent.entries.set(r.name, node);
      r.parent.touch();
    } else if (oflags & OFLAGS.CREAT && oflags & OFLAGS.EXCL) return { err: E.EXIST };
    if (node instanceof LinkNode) return { err: E.LOOP };
    if ((oflags & OFLAGS.DIRECTORY || r.slash) && !(node instanceof DirNode)) return { err: E.NOTDIR };
    base &= d.f.inheriting;
    inheriting &= d.f.inheriting;
    if (node instanceof DirNode) {
      if (base & RIGHTS.FD_WRITE || oflags & OFLAGS.TRUNC) return { err: E.ISDIR };
      const fd = this.allocFd({
        desc: { kind: 'dir', node, preopen: null },
        base: base & (DIR_RIGHTS | RIGHTS.FD_READ),
        inheriting,
        flags: fdflags & FDFLAGS_ALL,
      });
      return { err: E.SUCCESS, fd };
    }
    const file = node as FileNode;
    if (oflags & OFLAGS.TRUNC) {
      if (!(d.f.base & RIGHTS.PATH_FILESTAT_SET_SIZE)) return { err: E.NOTCAPABLE };
      file.data = new Uint8Array(0);
      file.touch();
    }
    const fd = this.allocFd({
      desc: { kind: 'file', node: file, pos: 0n },
      base: base & FILE_RIGHTS,
      inheriting,
      flags: fdflags & FDFLAGS_ALL,
    });
    return { err: E.SUCCESS, fd };
  }

  /** Unlinks a node from its parent, keeping link counts right. */
  private detach(parent: DirNode, name: string): void {
    const node = parent.entries.get(name);
    if (!node) return;
    parent.entries.delete(name);
    node.nlink--;
    node.ctim = realtimeNs();
    parent.touch();
  }

  private isAncestor(a: DirNode, b: DirNode): boolean {
    for (let p: DirNode | null = b; p; p = p.parent) if (p === a) return true;
    return false;
  }

  private rename(oldfd: number, oldPath: string, newfd: number, newPath: string): number {
    const a = this.dirFd(oldfd);
    if (typeof a === 'number') return a;
    const b = this.dirFd(newfd);
    if (typeof b === 'number') return b;
    const from = this.resolve(a.dir, oldPath, false);
    if (from.err) return from.err;
    const to = this.resolve(b.dir, newPath, false);
    if (to.err) return to.err;
    const node = from.node;
    if (!node) return E.NOENT;
    if (from.name === '.' || from.name === '..' || to.name === '.' || to.name === '..') return E.INVAL;
    const isDir = node instanceof DirNode;
    if ((from.slash || to.slash) && !isDir) return E.NOTDIR;
    const target = to.node;
    if (target === node) return E.SUCCESS;
    if (target) {
      if (isDir) {
        if (!(target instanceof DirNode)) return E.NOTDIR;
        if (target.entries.size > 0) return E.NOTEMPTY;
      } else if (target instanceof DirNode) return E.ISDIR;
    }
    if (node instanceof DirNode && this.isAncestor(node, to.parent)) return E.INVAL;
    if (target) this.detach(to.parent, to.name);
    from.parent.entries.delete(from.name);
    from.parent.touch();
    to.parent.entries.set(to.name, node);
    to.parent.touch();
    if (node instanceof DirNode) node.parent = to.parent;
    node.ctim = realtimeNs();
    return E.SUCCESS;
  }

  private readdir(fd: number, buf: number, bufLen: number, cookie: bigint, outPtr: number): number {
    const f = this.fds[fd];
    if (!f) return E.BADF;
    if (f.desc.kind !== 'dir') return E.NOTDIR;
    const dir = f.desc.node;
    const list: [string, Node][] = [['.', dir], ['..', dir.parent ?? dir], ...dir.entries];
    const { bytes, view } = this.mem();
    let used = 0;
    for (let i = Number(cookie); i < list.length && used < bufLen; i++) {
      const [name, node] = list[i];
      const nameBytes = enc.encode(name);
      const entry = new Uint8Array(24 + nameBytes.byteLength);
      const ev = new DataView(entry.buffer);
      ev.setBigUint64(0, BigInt(i + 1), true);
      ev.setBigUint64(8, node.ino, true);
      ev.setUint32(16, nameBytes.byteLength, true);
      ev.setUint8(20, node.filetype);
      entry.set(nameBytes, 24);
      const n = Math.min(entry.byteLength, bufLen - used);
      bytes.set(entry.subarray(0, n), buf + used);
      used += n;
    }
    view.setUint32(outPtr, used, true);
    return E.SUCCESS;
  }

  private poll(inPtr: number, outPtr: number, n: number, countPtr: number): number {
    if (n === 0) return E.INVAL;
    const { view } = this.mem();
    const now = (clock: number) => (clock === 0 ? realtimeNs() : BigInt(Math.round(performance.now() * 1e6)));
    type Ev = { userdata: bigint; error: number; type: number; nbytes: bigint };
    const ready: Ev[] = [];
    let wakeAt: bigint | null = null;
    let wakeClock = 1;
    const clocks: { userdata: bigint; at: bigint; clock: number }[] = [];
    for (let i = 0; i < n; i++) {
      const s = inPtr + 48 * i;
      const userdata = view.getBigUint64(s, true);
      const type = view.getUint8(s + 8);
      if (type === 0) {
        const clock = view.getUint32(s + 16, true);
        if (clock > 3) {
          ready.push({ userdata, error: E.INVAL, type, nbytes: 0n });
          continue;
        }
        const timeout = view.getBigUint64(s + 24, true);
        const abs = (view.getUint16(s + 40, true) & 1) !== 0;
        const at = abs ? timeout : now(clock) + timeout;
        clocks.push({ userdata, at, clock });
        if (wakeAt === null || at - now(clock) < wakeAt - now(wakeClock)) {
          wakeAt = at;
          wakeClock = clock;
        }
      } else if (type === 1 || type === 2) {
        const f = this.fds[view.getUint32(s + 16, true)];
        let error: number = E.SUCCESS;
        let nbytes = 0n;
        if (!f) error = E.BADF;
        else if (f.desc.kind === 'stdin') nbytes = BigInt(f.desc.data.byteLength - f.desc.pos);
        else if (f.desc.kind === 'file') nbytes = type === 1 ? f.desc.node.size - f.desc.pos : 0n;
        else if (f.desc.kind === 'dir') error = E.BADF;
        ready.push({ userdata, error, type, nbytes: nbytes > 0n ? nbytes : 0n });
      } else return E.INVAL;
    }
    if (ready.length === 0 && wakeAt !== null) {
      // Nothing else can become ready in a synchronous worker: sleep until the first clock fires.
      while (now(wakeClock) < wakeAt) {
        /* busy-wait: Atomics.wait needs shared memory, which the platform does not require */
      }
    }
    for (const c of clocks)
      if (now(c.clock) >= c.at) ready.push({ userdata: c.userdata, error: E.SUCCESS, type: 0, nbytes: 0n });
    const out = this.mem().view;
    ready.forEach((e, i) => {
      const p = outPtr + 32 * i;
      for (let k = 0; k < 32; k++) out.setUint8(p + k, 0);
      out.setBigUint64(p, e.userdata, true);
      out.setUint16(p + 8, e.error, true);
      out.setUint8(p + 10, e.type);
      out.setBigUint64(p + 16, e.nbytes, true);
    });
    out.setUint32(countPtr, ready.length, true);
    return E.SUCCESS;
  }

  /** The fd_* / path_* / poll_oneoff / sock_* imports. */
  imports(): Record<string, (...args: never[]) => unknown> {
    const fds = this.fds;
    const fdOr = (fd: number) => fds[fd];
    const withDir = (fd: number, fn: (d: { f: OpenFd; dir: DirNode }) => number) => {
      const d = this.dirFd(fd);
      return typeof d === 'number' ? d : fn(d);
    };
    const sock = (fd: number) => (fdOr(fd) ? E.NOTSOCK : E.BADF);
    return {
      fd_advise: (fd: number, _off: bigint, _len: bigint, advice: number) => {
        const f = fdOr(fd);
        if (!f) return E.BADF;
        if (advice > 5) return E.INVAL;
        return f.desc.kind === 'file' ? E.SUCCESS : E.BADF;
      },
      fd_allocate: (fd: number, offset: bigint, len: bigint) => {
        const f = fdOr(fd);
        if (!f) return E.BADF;
        if (f.desc.kind !== 'file') return E.BADF;
        if (!(f.base & RIGHTS.FD_WRITE)) return E.BADF;
        return this.reserve(f.desc.node, offset + len);
      },
      fd_close: (fd: number) => {
        if (!fdOr(fd)) return E.BADF;
        fds[fd] = undefined;
        return E.SUCCESS;
      },
      fd_datasync: (fd: number) => (fdOr(fd) ? E.SUCCESS : E.BADF),
      fd_sync: (fd: number) => (fdOr(fd) ? E.SUCCESS : E.BADF),
      fd_fdstat_get: (fd: number, out: number) => {
        const f = fdOr(fd);
        if (!f) return E.BADF;
        const { view } = this.mem();
        const type =
          f.desc.kind === 'file' ? FILETYPE.FILE : f.desc.kind === 'dir' ? FILETYPE.DIR : FILETYPE.CHAR;
        view.setUint8(out, type);
        view.setUint8(out + 1, 0);
        view.setUint16(out + 2, f.flags, true);
        view.setUint32(out + 4, 0, true);
        view.setBigUint64(out + 8, f.base, true);
        view.setBigUint64(out + 16, f.inheriting, true);
        return E.SUCCESS;
      },
      fd_fdstat_set_flags: (fd: number, flags: number) => {
        const f = fdOr(fd);
        if (!f) return E.BADF;
        if (flags & ~FDFLAGS_ALL) return E.INVAL;
        f.flags = flags;
        return E.SUCCESS;
      },
      fd_fdstat_set_rights: (fd: number, base: bigint, inheriting: bigint) => {
        const f = fdOr(fd);
        if (!f) return E.BADF;
        if (base & ~f.base || inheriting & ~f.inheriting) return E.NOTCAPABLE;
        f.base = base;
        f.inheriting = inheriting;
        return E.SUCCESS;
      },
      fd_filestat_get: (fd: number, out: number) => {
        const f = fdOr(fd);
        if (!f) return E.BADF;
        const d = f.desc;
        this.stat(d.kind === 'file' || d.kind === 'dir' ? d.node : null, out);
        return E.SUCCESS;
      },
      fd_filestat_set_size: (fd: number, size: bigint) => {
        const f = fdOr(fd);
        if (!f) return E.BADF;
        if (f.desc.kind !== 'file' || !(f.base & RIGHTS.FD_WRITE)) return E.BADF;
        const err = this.truncate(f.desc.node, size);
        if (!err) f.desc.node.touch();
        return err;
      },
      fd_filestat_set_times: (fd: number, atim: bigint, mtim: bigint, flags: number) => {
        const f = fdOr(fd);
        if (!f) return E.BADF;
        const d = f.desc;
        if (d.kind !== 'file' && d.kind !== 'dir') return flags & ~0xf ? E.INVAL : E.SUCCESS;
        return this.setTimes(d.node, atim, mtim, flags);
      },
      fd_pread: (fd: number, iovs: number, n: number, offset: bigint, out: number) =>
        this.readBytes(fd, iovs, n, offset, out),
      fd_read: (fd: number, iovs: number, n: number, out: number) => this.readBytes(fd, iovs, n, null, out),
      fd_pwrite: (fd: number, iovs: number, n: number, offset: bigint, out: number) =>
        this.writeBytes(fd, iovs, n, offset, out),
      fd_write: (fd: number, iovs: number, n: number, out: number) => this.writeBytes(fd, iovs, n, null, out),
      fd_prestat_get: (fd: number, out: number) => {
        const f = fdOr(fd);
        if (!f || f.desc.kind !== 'dir' || f.desc.preopen === null) return E.BADF;
        const { view } = this.mem();
        view.setUint32(out, 0, true);
        view.setUint32(out + 4, enc.encode(f.desc.preopen).byteLength, true);
        return E.SUCCESS;
      },
      fd_prestat_dir_name: (fd: number, ptr: number, len: number) => {
        const f = fdOr(fd);
        if (!f || f.desc.kind !== 'dir' || f.desc.preopen === null) return E.BADF;
        const name = enc.encode(f.desc.preopen);
        if (name.byteLength > len) return E.NAMETOOLONG;
        this.mem().bytes.set(name, ptr);
        return E.SUCCESS;
      },
      fd_readdir: (fd: number, buf: number, len: number, cookie: bigint, out: number) =>
        this.readdir(fd, buf, len, cookie, out),
      fd_renumber: (from: number, to: number) => {
        const f = fdOr(from);
        if (!f || !fdOr(to)) return E.BADF;
        fds[to] = f;
        if (from !== to) fds[from] = undefined;
        return E.SUCCESS;
      },
      fd_seek: (fd: number, offset: bigint, whence: number, out: number) => {
        const f = fdOr(fd);
        if (!f) return E.BADF;
        const d = f.desc;
        if (d.kind === 'dir') return E.BADF;
        if (d.kind !== 'file') return E.SPIPE;
        if (!(f.base & (RIGHTS.FD_SEEK | RIGHTS.FD_TELL))) return E.NOTCAPABLE;
        const base = whence === 0 ? 0n : whence === 1 ? d.pos : whence === 2 ? d.node.size : -1n;
        if (base < 0n) return E.INVAL;
        const pos = base + offset;
        if (pos < 0n) return E.INVAL;
        d.pos = pos;
        this.mem().view.setBigUint64(out, pos, true);
        return E.SUCCESS;
      },
      fd_tell: (fd: number, out: number) => {
        const f = fdOr(fd);
        if (!f) return E.BADF;
        if (f.desc.kind === 'dir') return E.BADF;
        if (f.desc.kind !== 'file') return E.SPIPE;
        this.mem().view.setBigUint64(out, f.desc.pos, true);
        return E.SUCCESS;
      },
      path_create_directory: (fd: number, ptr: number, len: number) =>
        withDir(fd, ({ dir }) => {
          const r = this.resolve(dir, this.str(ptr, len), false);
          if (r.err) return r.err;
          if (r.node) return E.EXIST;
          r.parent.entries.set(r.name, new DirNode(r.parent));
          r.parent.touch();
          return E.SUCCESS;
        }),
      path_filestat_get: (fd: number, flags: number, ptr: number, len: number, out: number) =>
        withDir(fd, ({ dir }) => {
          const r = this.resolve(dir, this.str(ptr, len), (flags & LOOKUP_FOLLOW) !== 0);
          if (r.err) return r.err;
          if (!r.node) return E.NOENT;
          if (r.slash && !(r.node instanceof DirNode)) return E.NOTDIR;
          this.stat(r.node, out);
          return E.SUCCESS;
        }),
      path_filestat_set_times: (
        fd: number,
        flags: number,
        ptr: number,
        len: number,
        atim: bigint,
        mtim: bigint,
        fst: number,
      ) =>
        withDir(fd, ({ dir }) => {
          const r = this.resolve(dir, this.str(ptr, len), (flags & LOOKUP_FOLLOW) !== 0);
          if (r.err) return r.err;
          if (!r.node) return E.NOENT;
          if (r.slash && !(r.node instanceof DirNode)) return E.NOTDIR;
          return this.setTimes(r.node, atim, mtim, fst);
        }),
      path_link: (
        oldfd: number,
        oldflags: number,
        oldPtr: number,
        oldLen: number,
        newfd: number,
        newPtr: number,
        newLen: number,
      ) =>
        withDir(oldfd, ({ dir: from }) =>
          withDir(newfd, ({ dir: to }) => {
            const a = this.resolve(from, this.str(oldPtr, oldLen), (oldflags & LOOKUP_FOLLOW) !== 0);
            if (a.err) return a.err;
            if (!a.node) return E.NOENT;
            if (a.slash && !(a.node instanceof DirNode)) return E.NOTDIR;
            if (a.node instanceof DirNode) return E.PERM;
            const b = this.resolve(to, this.str(newPtr, newLen), false);
            if (b.err) return b.err;
            if (b.node) return E.EXIST;
            if (b.slash) return E.NOENT;
            b.parent.entries.set(b.name, a.node);
            a.node.nlink++;
            a.node.ctim = realtimeNs();
            b.parent.touch();
            return E.SUCCESS;
          }),
        ),
      path_open: (
        fd: number,
        dirflags: number,
        ptr: number,
        len: number,
        oflags: number,
        base: bigint,
        inheriting: bigint,
        fdflags: number,
        out: number,
      ) => {
        const r = this.pathOpen(fd, dirflags, this.str(ptr, len), oflags, base, inheriting, fdflags);
        if (r.err === E.SUCCESS) this.mem().view.setUint32(out, r.fd!, true);
        return r.err;
      },
      path_readlink: (fd: number, ptr: number, len: number, buf: number, bufLen: number, out: number) =>
        withDir(fd, ({ dir }) => {
          const r = this.resolve(dir, this.str(ptr, len), false);
          if (r.err) return r.err;
          if (!r.node) return E.NOENT;
          if (!(r.node instanceof LinkNode)) return E.INVAL;
          const target = enc.encode(r.node.target).subarray(0, bufLen);
          const { bytes, view } = this.mem();
          bytes.set(target, buf);
          view.setUint32(out, target.byteLength, true);
          return E.SUCCESS;
        }),
      path_remove_directory: (fd: number, ptr: number, len: number) =>
        withDir(fd, ({ dir }) => {
          const r = this.resolve(dir, this.str(ptr, len), false);
          if (r.err) return r.err;
          if (!r.node) return E.NOENT;
          if (r.name === '.' || r.name === '..') return E.INVAL;
          if (!(r.node instanceof DirNode)) return E.NOTDIR;
          if (r.node.entries.size > 0) return E.NOTEMPTY;
          this.detach(r.parent, r.name);
          return E.SUCCESS;
        }),
      path_rename: (
        fd: number,
        oldPtr: number,
        oldLen: number,
        newfd: number,
        newPtr: number,
        newLen: number,
      ) => this.rename(fd, this.str(oldPtr, oldLen), newfd, this.str(newPtr, newLen)),
      path_symlink: (oldPtr: number, oldLen: number, fd: number, newPtr: number, newLen: number) =>
        withDir(fd, ({ dir }) => {
          const target = this.str(oldPtr, oldLen);
          if (target.startsWith('/')) return E.NOTCAPABLE;
          if (target === '' || target.includes('\0')) return E.NOENT;
          const r = this.resolve(dir, this.str(newPtr, newLen), false);
          if (r.err) return r.err;
          if (r.node) return r.slash && !(r.node instanceof DirNode) ? E.NOTDIR : E.EXIST;
          if (r.slash) return E.NOENT;
          r.parent.entries.set(r.name, new LinkNode(target));
          r.parent.touch();
          return E.SUCCESS;
        }),
      path_unlink_file: (fd: number, ptr: number, len: number) =>
        withDir(fd, ({ dir }) => {
          const r = this.resolve(dir, this.str(ptr, len), false);
          if (r.err) return r.err;
          if (!r.node) return E.NOENT;
          if (r.node instanceof DirNode) return E.ISDIR;
          if (r.slash) return E.NOTDIR;
          this.detach(r.parent, r.name);
          return E.SUCCESS;
        }),
      poll_oneoff: (inPtr: number, outPtr: number, n: number, countPtr: number) =>
        this.poll(inPtr, outPtr, n, countPtr),
      sock_accept: (fd: number) => sock(fd),
      sock_recv: (fd: number) => sock(fd),
      sock_send: (fd: number) => sock(fd),
      sock_shutdown: (fd: number) => sock(fd),
    };
  }
}
