import { describe, expect, it } from 'vitest';
import { DEFAULT_FUNCTION_CONFIG, DEFAULT_PLATFORM_CONFIG, type Invocation } from '../platform/types';
import {
  WORKSPACE_FILE_FORMAT,
  WorkspaceFileError,
  exportWorkspaceFile,
  parseWorkspaceFile,
  previewImport,
  sameFunction,
} from './file';
import type { Workspace, WorkspaceFunction } from './types';

/** Parsed JSON poked at freely in tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

function fn(
  name: string,
  text = `(module) ;; ${name}`,
  extra: Partial<WorkspaceFunction> = {},
): WorkspaceFunction {
  return { name, source: { kind: 'wat', text }, config: { ...DEFAULT_FUNCTION_CONFIG }, ...extra };
}

function ws(functions: WorkspaceFunction[], extra: Partial<Workspace> = {}): Workspace {
  return {
    functions,
    platform: { ...DEFAULT_PLATFORM_CONFIG },
    features: {},
    open: functions[0]?.name ?? null,
    ...extra,
  };
}

function rich(): Workspace {
  return ws(
    [
      fn('add', '(module) ;; 你好 👋 <img src=x onerror=alert(1)>', {
        run: { export: 'add', args: ['1', '2'] },
      }),
      {
        name: 'cat',
        source: { kind: 'wasm', bytes: Uint8Array.from({ length: 256 }, (_, i) => i) },
        config: { timeoutMs: 100, memoryMiB: 8, instance: 'reuse', entry: '_start' },
        wasi: {
          argv: ['-'],
          env: { $bytes: 'AQ==' }, // looks exactly like a tagged Uint8Array
          stdin: 'x',
          files: { $bytes: new Uint8Array([1]) },
        },
        shared: true,
      },
    ],
    {
      platform: { ...DEFAULT_PLATFORM_CONFIG, maxWorkers: 3 },
      features: { simd: true, threads: false },
      open: 'cat',
    },
  );
}

function invocation(id: number, extra: Partial<Invocation> = {}): Invocation {
  return {
    id,
    fn: 'add',
    version: 2,
    export: 'add',
    args: [1, 2n ** 70n, 'str'],
    start: 'warm',
    instance: 'reused',
    outcome: 'ok',
    result: [-(2n ** 63n), NaN, Infinity, -Infinity, -0, null, 1.5],
    logs: ['log'],
    timings: { queue: 0.1, spawn: 0, compile: 1, instantiate: 2, exec: 3, total: 6.1 },
    memoryBytes: 131072,
    worker: null,
    enqueuedAt: 1_700_000_000_000,
    endedAt: 1_700_000_000_006,
    ...extra,
  };
}

function fileError(text: string): WorkspaceFileError {
  try {
    parseWorkspaceFile(text);
  } catch (e) {
    expect(e).toBeInstanceOf(WorkspaceFileError);
    return e as WorkspaceFileError;
  }
  throw new Error('expected a WorkspaceFileError');
}

describe('workspace file: export and parse', () => {
  it('round-trips a workspace and history with bytes, bigint and special numbers', () => {
    const history = [
      invocation(1),
      invocation(2, {
        stdoutBytes: new Uint8Array([0, 255]),
        files: { 'o.bin': new Uint8Array([5]) },
        outcome: 'trap',
        error: 'unreachable',
      }),
    ];
    const text = exportWorkspaceFile(rich(), history);
    const parsed = parseWorkspaceFile(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.workspace).toEqual(rich());
    expect(parsed.history).toEqual(history);
    const result = parsed.history[0].result as unknown[];
    expect(result[0]).toBe(-(2n ** 63n));
    expect(Object.is(result[4], -0)).toBe(true);
    expect(parsed.workspace.functions[1].wasi?.files?.$bytes).toEqual(new Uint8Array([1]));
    expect(parsed.workspace.functions[1].wasi?.env).toEqual({ $bytes: 'AQ==' });
  });

  it('writes the documented format', () => {
    const text = exportWorkspaceFile(rich(), [invocation(1), invocation(2)], {
      exportedAt: new Date(Date.UTC(2025, 0, 31, 14, 3)),
    });
    const json = JSON.parse(text) as Loose;
    expect(json.format).toBe('nanofaas-workspace');
    expect(json.version).toBe(1);
    expect(json.exportedAt).toBe('2025-01-31T14:03:00.000Z');
    expect(json.workspace.functions[1].source.bytes.$bytes).toBe(
      btoa(String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i))),
    );
    // Data objects that could be mistaken for a tag are escaped.
    expect(json.workspace.functions[1].wasi.env).toEqual({ $object: [['$bytes', 'AQ==']] });
    expect(json.workspace.functions[1].wasi.files).toEqual({ $object: [['$bytes', { $bytes: 'AQ==' }]] });
    expect(json.workspace.functions[0].run).toEqual({ export: 'add', args: ['1', '2'] });
    expect(json.history[0].args).toEqual([1, { $bigint: '1180591620717411303424' }, 'str']);
    expect(json.history[0].result).toEqual([
      { $bigint: '-9223372036854775808' },
      { $number: 'NaN' },
      { $number: 'Infinity' },
      { $number: '-Infinity' },
      { $number: '-0' },
      null,
      1.5,
    ]);
    // One invocation per line.
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('    {"id":')).length).toBe(2);
    expect(parseWorkspaceFile(text).exportedAt).toBe('2025-01-31T14:03:00.000Z');
  });

  it('leaves history out unless given', () => {
    const text = exportWorkspaceFile(ws([fn('a')]));
    expect(JSON.parse(text)).not.toHaveProperty('history');
    expect(parseWorkspaceFile(text).history).toEqual([]);
    expect(JSON.parse(exportWorkspaceFile(ws([]), []))).toHaveProperty('history', []);
    expect(parseWorkspaceFile(exportWorkspaceFile(ws([]), [])).workspace).toEqual(ws([]));
  });

  it('exports reactive (proxied) state', () => {
    const proxied = new Proxy(rich(), {});
    expect(parseWorkspaceFile(exportWorkspaceFile(proxied)).workspace).toEqual(rich());
  });

  it('explains input that is not a workspace file', () => {
    expect(fileError('hello').code).toBe('not-json');
    expect(fileError('hello').message).toMatch(/not a nanofaas workspace \(it is not JSON text\)/);
    expect(fileError('').code).toBe('not-json');
    expect(fileError('#v1/abcd').message).toMatch(/looks like a share link/);
    expect(fileError('https://x.test/#v1/abcd').message).toMatch(/looks like a share link/);
    for (const text of ['{}', '[]', 'null', '42', '{"format":"something-else","version":1}']) {
      const e = fileError(text);
      expect(e.code, text).toBe('wrong-format');
      expect(e.message).toMatch(/"format" should be "nanofaas-workspace"/);
    }
    for (const version of ['"1"', '0', '1.5', 'null']) {
      expect(fileError(`{"format":"${WORKSPACE_FILE_FORMAT}","version":${version}}`).code).toBe(
        'wrong-format',
      );
    }
    const newer = fileError(`{"format":"${WORKSPACE_FILE_FORMAT}","version":2,"workspace":{}}`);
    expect(newer.code).toBe('newer-version');
    expect(newer.message).toMatch(/newer version of nanofaas \(file version 2; this page reads version 1\)/);
    expect(fileError(`{"format":"${WORKSPACE_FILE_FORMAT}","version":1}`).code).toBe('invalid');
    expect(fileError(`{"format":"${WORKSPACE_FILE_FORMAT}","version":1,"workspace":[]}`).code).toBe(
      'invalid',
    );
  });

  it('skips unreadable parts with problems and loads the rest', () => {
    const json = JSON.parse(exportWorkspaceFile(rich(), [invocation(1), invocation(2)])) as Loose;
    json.workspace.functions[1].source.bytes = { $bytes: 'not base64!' };
    json.workspace.functions.push({ name: 'x', source: { kind: 'python', text: 'print()' }, config: {} });
    json.workspace.platform.maxWorkers = 'many';
    json.history[0].timings = null;
    json.unknownField = true;
    const parsed = parseWorkspaceFile(JSON.stringify(json));
    expect(parsed.workspace.functions.map((f) => f.name)).toEqual(['add']);
    expect(parsed.workspace.open).toBeNull(); // 'cat' did not load
    expect(parsed.workspace.platform.maxWorkers).toBe(DEFAULT_PLATFORM_CONFIG.maxWorkers);
    expect(parsed.history.map((i) => i.id)).toEqual([2]);
    expect(parsed.problems).toEqual([
      'Function "cat" was skipped: its source code is missing or unreadable.',
      'Function "x" was skipped: its source code is missing or unreadable.',
      'The platform setting "maxWorkers" could not be read; the default is used.',
      '1 invocation record was unreadable and skipped (bad timings).',
    ]);
  });
});

describe('workspace file: import preview', () => {
  const current = ws([fn('a'), fn('b'), fn('c')], {
    open: 'a',
    features: { simd: false, bulk: true },
    platform: { ...DEFAULT_PLATFORM_CONFIG, maxWorkers: 2 },
  });
  const incoming = ws(
    [fn('d'), fn('c', '(module) ;; changed'), fn('b', undefined, { shared: true, run: {} })],
    {
      open: 'd',
      features: { simd: true, threads: false, bulk: false },
      platform: { ...DEFAULT_PLATFORM_CONFIG, maxWorkers: 9 },
    },
  );

  it('merge: same-named functions that differ are replaced in place, new ones appended', () => {
    const p = previewImport(current, incoming, 'merge');
    expect(p).toMatchObject({ added: ['d'], replaced: ['c'], unchanged: ['b'], kept: ['a'], removed: [] });
    expect(p.result.functions.map((f) => f.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(p.result.functions[2].source).toEqual({ kind: 'wat', text: '(module) ;; changed' });
    expect(p.result.platform.maxWorkers).toBe(2); // the current settings stay
    expect(p.result.features).toEqual({ simd: true, bulk: true, threads: false }); // union
    expect(p.result.open).toBe('d');
  });

  it('merge keeps the current open function when the file has none', () => {
    const p = previewImport(current, { ...incoming, open: null }, 'merge');
    expect(p.result.open).toBe('a');
  });

  it('replace: the result is the incoming workspace', () => {
    const p = previewImport(current, incoming, 'replace');
    expect(p).toMatchObject({ added: ['d'], replaced: ['c'], unchanged: ['b'], removed: ['a'], kept: [] });
    expect(p.result).toEqual(incoming);
    p.result.functions[0].name = 'mutated';
    expect(incoming.functions[0].name).toBe('d'); // a copy
  });

  it('does not modify its inputs', () => {
    const before = JSON.stringify([current, incoming]);
    previewImport(current, incoming, 'merge');
    previewImport(current, incoming, 'replace');
    expect(JSON.stringify([current, incoming])).toBe(before);
  });

  it('compares functions by content', () => {
    const bin = (bytes: number[]): WorkspaceFunction => ({
      name: 'w',
      source: { kind: 'wasm', bytes: new Uint8Array(bytes) },
      config: { ...DEFAULT_FUNCTION_CONFIG },
    });
    expect(sameFunction(bin([1, 2]), bin([1, 2]))).toBe(true);
    expect(sameFunction(bin([1, 2]), bin([1, 3]))).toBe(false);
    expect(sameFunction(fn('a'), fn('a', undefined, { shared: true, wasi: { env: {} } }))).toBe(true);
    expect(
      sameFunction(fn('a'), fn('a', undefined, { config: { ...DEFAULT_FUNCTION_CONFIG, timeoutMs: 1 } })),
    ).toBe(false);
    expect(
      sameFunction(
        fn('a', 'x', { wasi: { env: { A: '1', B: '2' } } }),
        fn('a', 'x', { wasi: { env: { B: '2', A: '1' } } }),
      ),
    ).toBe(true);
    expect(sameFunction(fn('a', 'x', { run: { args: ['1'] } }), fn('a', 'x', { run: { args: ['2'] } }))).toBe(
      false,
    );
  });
});
