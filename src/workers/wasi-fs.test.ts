// The in-memory WASI filesystem and descriptor table, call by call, on a plain WebAssembly.Memory.
// The official suite (wasi-testsuite.test.ts) covers the same calls through real programs; these
// pin the behaviours real programs tripped on (Rust's sleep, create_dir, O_APPEND, stdin).
import { describe, expect, it } from 'vitest';
import { buildTree, RIGHTS, WasiFs, type FsEntry } from './wasi-fs';

const E = {
  SUCCESS: 0,
  BADF: 8,
  EXIST: 20,
  INVAL: 28,
  ISDIR: 31,
  LOOP: 32,
  NOENT: 44,
  NOTDIR: 54,
  NOTSOCK: 57,
  SPIPE: 70,
  NOTCAPABLE: 76,
};
const enc = new TextEncoder();
const dec = new TextDecoder();
type Call = (...args: (number | bigint)[]) => number;

function setup(opts: { files?: Record<string, FsEntry>; stdin?: string; preopens?: string[] } = {}) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const out: string[] = [];
  const fs = new WasiFs({
    stdin: opts.stdin === undefined ? null : enc.encode(opts.stdin),
    stdout: (b) => out.push(dec.decode(b)),
    stderr: () => {},
    root: buildTree(opts.files ?? {}),
    preopens: opts.preopens ?? ['/'],
    grow: () => true,
    memory: () => memory,
  });
  const calls = fs.imports() as unknown as Record<string, Call>;
  const view = () => new DataView(memory.buffer);
  const bytes = () => new Uint8Array(memory.buffer);
  let top = 4096;
  /** Copies a string or bytes into memory; returns [ptr, len]. */
  const put = (s: string | Uint8Array): [number, number] => {
    const b = typeof s === 'string' ? enc.encode(s) : s;
    const ptr = top;
    bytes().set(b, ptr);
    top += b.byteLength + 8 - (b.byteLength % 8);
    return [ptr, b.byteLength];
  };
  const OUT = 1024;
  const call = (name: string, ...args: (number | bigint)[]) => calls[name](...args);
  const open = (
    path: string,
    opts: { oflags?: number; rights?: bigint; fdflags?: number; follow?: boolean } = {},
  ) => {
    const err = call(
      'path_open',
      3,
      opts.follow ? 1 : 0,
      ...put(path),
      opts.oflags ?? 0,
      opts.rights ?? RIGHTS.FD_READ | RIGHTS.FD_WRITE | RIGHTS.FD_SEEK,
      0n,
      opts.fdflags ?? 0,
      OUT,
    );
    return { err, fd: view().getUint32(OUT, true) };
  };
  const write = (fd: number, s: string) => {
    const [ptr, len] = put(s);
    view().setUint32(512, ptr, true);
    view().setUint32(516, len, true);
    return call('fd_write', fd, 512, 1, OUT);
  };
  const read = (fd: number, n = 100): { err: number; text: string } => {
    const [ptr] = put(new Uint8Array(n));
    view().setUint32(512, ptr, true);
    view().setUint32(516, n, true);
    const err = call('fd_read', fd, 512, 1, OUT);
    return { err, text: dec.decode(bytes().slice(ptr, ptr + view().getUint32(OUT, true))) };
  };
  return { fs, call, put, open, write, read, view, out, OUT };
}

describe('WasiFs', () => {
  it('poll_oneoff sleeps on a single clock and writes the event count (Rust std::thread::sleep)', () => {
    const { call, view } = setup();
    const v = view();
    v.setBigUint64(0, 0xabcn, true); // userdata
    v.setUint8(8, 0); // clock
    v.setUint32(16, 1, true); // monotonic
    v.setBigUint64(24, 2_000_000n, true); // 2 ms
    v.setUint16(40, 0, true);
    const before = performance.now();
    expect(call('poll_oneoff', 0, 100, 1, 200)).toBe(E.SUCCESS);
    expect(performance.now() - before).toBeGreaterThanOrEqual(1.9);
    expect(v.getUint32(200, true)).toBe(1);
    expect(v.getBigUint64(100, true)).toBe(0xabcn);
    expect(v.getUint8(110)).toBe(0);
  });

  it('poll_oneoff answers a stdin read at once, with the bytes left, beside a clock', () => {
    const { call, view } = setup({ stdin: 'abc' });
    const v = view();
    v.setBigUint64(0, 1n, true);
    v.setUint8(8, 0);
    v.setUint32(16, 1, true);
    v.setBigUint64(24, 10_000_000_000n, true); // 10 s: must not be waited for
    v.setBigUint64(48, 2n, true);
    v.setUint8(56, 1); // fd_read
    v.setUint32(64, 0, true); // stdin
    expect(call('poll_oneoff', 0, 200, 2, 400)).toBe(E.SUCCESS);
    expect(v.getUint32(400, true)).toBe(1);
    expect(v.getBigUint64(200, true)).toBe(2n);
    expect(v.getBigUint64(216, true)).toBe(3n);
  });

  it('stdin is a pipe: its bytes, then end of file; no seeking', () => {
    const { read, call, OUT } = setup({ stdin: 'hello' });
    expect(read(0)).toEqual({ err: E.SUCCESS, text: 'hello' });
    expect(read(0)).toEqual({ err: E.SUCCESS, text: '' });
    expect(call('fd_seek', 0, 0n, 0, OUT)).toBe(E.SPIPE);
    const none = setup();
    expect(none.read(0)).toEqual({ err: E.SUCCESS, text: '' });
  });

  it('creating a directory that exists is EEXIST (Rust fs::create_dir)', () => {
    const { call, put } = setup({ files: { 'd/f': enc.encode('x'), e: { directory: true } } });
    expect(call('path_create_directory', 3, ...put('d'))).toBe(E.EXIST);
    expect(call('path_create_directory', 3, ...put('e'))).toBe(E.EXIST);
    expect(call('path_create_directory', 3, ...put('d/f'))).toBe(E.EXIST);
    expect(call('path_create_directory', 3, ...put('new'))).toBe(E.SUCCESS);
    expect(call('path_create_directory', 3, ...put('new'))).toBe(E.EXIST);
  });

  it('O_APPEND writes at the end whatever the position, until fd_fdstat_set_flags clears it', () => {
    const s = setup({ files: { log: enc.encode('ab') } });
    const { fd } = s.open('log', { fdflags: 1 });
    expect(s.call('fd_seek', fd, 0n, 0, s.OUT)).toBe(E.SUCCESS);
    expect(s.write(fd, 'cd')).toBe(E.SUCCESS);
    expect(s.call('fd_fdstat_set_flags', fd, 0)).toBe(E.SUCCESS);
    s.call('fd_seek', fd, 0n, 0, s.OUT);
    expect(s.write(fd, 'X')).toBe(E.SUCCESS);
    s.call('fd_seek', fd, 0n, 0, s.OUT);
    expect(s.read(fd).text).toBe('Xbcd');
  });

  it('symlinks resolve inside the preopen only, and readlink returns the target', () => {
    const s = setup({
      files: {
        'dir/file': enc.encode('data'),
        link: { symlink: 'dir/file' },
        up: { symlink: '../x' },
        abs: { symlink: '/etc' },
      },
    });
    const followed = s.open('link', { follow: true });
    expect(followed.err).toBe(E.SUCCESS);
    expect(s.read(followed.fd).text).toBe('data');
    expect(s.open('link').err).toBe(E.LOOP);
    expect(s.open('up', { follow: true }).err).toBe(E.NOTCAPABLE);
    expect(s.open('abs', { follow: true }).err).toBe(E.NOTCAPABLE);
    expect(s.call('path_readlink', 3, ...s.put('link'), 2048, 100, s.OUT)).toBe(E.SUCCESS);
    expect(s.view().getUint32(s.OUT, true)).toBe(8);
    expect(s.call('path_symlink', ...s.put('/etc/passwd'), 3, ...s.put('new'))).toBe(E.NOTCAPABLE);
  });

  it('timestamps are real clock values and can be set', () => {
    const before = BigInt(Date.now() - 1) * 1_000_000n;
    const s = setup({ files: { f: enc.encode('x') } });
    expect(s.call('path_filestat_get', 3, 0, ...s.put('f'), 0)).toBe(E.SUCCESS);
    const mtim = s.view().getBigUint64(48, true);
    expect(mtim).toBeGreaterThanOrEqual(before);
    expect(mtim).toBeLessThanOrEqual(BigInt(Date.now() + 1) * 1_000_000n);
    expect(s.call('path_filestat_set_times', 3, 0, ...s.put('f'), 0n, 12345n, 4)).toBe(E.SUCCESS);
    s.call('path_filestat_get', 3, 0, ...s.put('f'), 0);
    expect(s.view().getBigUint64(48, true)).toBe(12345n);
    expect(s.call('path_filestat_set_times', 3, 0, ...s.put('f'), 0n, 1n, 4 | 8)).toBe(E.INVAL);
  });

  it('path_link onto an existing name is EEXIST; a rename onto "dir/" works for directories only', () => {
    const s = setup({ files: { a: enc.encode('1'), b: enc.encode('2'), d: { directory: true } } });
    expect(s.call('path_link', 3, 0, ...s.put('a'), 3, ...s.put('b'))).toBe(E.EXIST);
    expect(s.call('path_rename', 3, ...s.put('d'), 3, ...s.put('e/'))).toBe(E.SUCCESS);
    expect(s.call('path_rename', 3, ...s.put('a'), 3, ...s.put('c/'))).toBe(E.NOTDIR);
  });

  it('rights: preopens can open and create; a read-only descriptor cannot write; rights only shrink', () => {
    const s = setup({ files: { f: enc.encode('x') } });
    s.call('fd_fdstat_get', 3, 0);
    expect(s.view().getBigUint64(8, true) & RIGHTS.PATH_OPEN).toBe(RIGHTS.PATH_OPEN);
    const { fd } = s.open('f', { rights: RIGHTS.FD_READ });
    expect(s.write(fd, 'y')).toBe(E.BADF);
    expect(s.call('fd_fdstat_set_rights', fd, RIGHTS.FD_READ | RIGHTS.FD_WRITE, 0n)).toBe(E.NOTCAPABLE);
  });

  it('sockets: EBADF for a closed fd, ENOTSOCK for anything else', () => {
    const { call } = setup();
    expect(call('sock_shutdown', 99, 0)).toBe(E.BADF);
    expect(call('sock_shutdown', 1, 0)).toBe(E.NOTSOCK);
  });

  it('preopens: names as given; none at all when the list is empty', () => {
    const s = setup({ preopens: ['/', '.'] });
    expect(s.call('fd_prestat_get', 4, 0)).toBe(E.SUCCESS);
    expect(s.view().getUint32(4, true)).toBe(1);
    expect(s.call('fd_prestat_get', 5, 0)).toBe(E.BADF);
    expect(setup({ preopens: [] }).call('fd_prestat_get', 3, 0)).toBe(E.BADF);
  });
});
