import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { wrap, type IDBPDatabase } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_FUNCTION_CONFIG, DEFAULT_PLATFORM_CONFIG, type Invocation } from '../platform/types';
import {
  BACKUP_META_KEY,
  BLOB_MIN_BYTES,
  MIGRATIONS,
  SCHEMA_VERSION,
  StorageError,
  openStore,
  toStorageError,
  type WorkspaceStore,
} from './store';
import type { Workspace } from './types';

const opened: WorkspaceStore[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const s of opened.splice(0)) s.close();
});

async function open(factory: IDBFactory, options: Parameters<typeof openStore>[0] = {}) {
  const store = await openStore({ indexedDB: factory, ...options });
  opened.push(store);
  return store;
}

/** A raw connection, for looking at or planting data behind the store's back. */
async function raw(factory: IDBFactory, version?: number, upgrade?: (db: IDBDatabase) => void) {
  const request = factory.open('nanofaas', version);
  if (upgrade) request.onupgradeneeded = () => upgrade(request.result);
  return (await wrap(request)) as unknown as IDBPDatabase<unknown>;
}

function workspace(): Workspace {
  return {
    functions: [
      {
        name: 'add',
        source: { kind: 'wat', text: '(module) ;; 👋 <img src=x onerror=alert(1)>' },
        config: { ...DEFAULT_FUNCTION_CONFIG, timeoutMs: 100 },
        run: { export: 'add', args: ['1', '2'] },
      },
      {
        name: 'cat',
        source: { kind: 'wasm', bytes: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 255]) },
        config: { ...DEFAULT_FUNCTION_CONFIG, instance: 'reuse', entry: '_start' },
        wasi: { argv: ['x'], env: { A: 'b' }, stdin: 'in', files: { 'f.bin': new Uint8Array([1, 2, 3]) } },
        shared: true,
      },
    ],
    platform: { ...DEFAULT_PLATFORM_CONFIG, maxWorkers: 2 },
    features: { simd: true },
    open: 'cat',
  };
}

function invocation(id: number, fn = 'add', extra: Partial<Invocation> = {}): Invocation {
  return {
    id,
    fn,
    version: 1,
    export: 'add',
    args: [1, 2],
    start: 'cold',
    instance: 'new',
    outcome: 'ok',
    result: 3,
    logs: [],
    timings: { queue: 0, spawn: 1, compile: 2, instantiate: 3, exec: 4, total: 10 },
    memoryBytes: 65536,
    worker: 1,
    enqueuedAt: 1000 + id,
    endedAt: 1010 + id,
    ...extra,
  };
}

/** Wraps every object in a transparent Proxy, as Svelte 5 `$state` does. */
function deepProxy<T>(value: T): T {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  for (const [k, v] of Object.entries(value)) (copy as Record<string, unknown>)[k] = deepProxy(v);
  return new Proxy(copy, {}) as T;
}

describe('store: schema', () => {
  it('creates the current schema in a fresh database', async () => {
    const factory = new IDBFactory();
    const store = await open(factory);
    expect(await store.loadWorkspace()).toEqual({
      workspace: null,
      problems: [],
      revision: 0,
      savedAt: null,
      tabId: null,
    });
    store.close();
    const db = await raw(factory);
    expect(db.version).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect([...db.objectStoreNames].sort()).toEqual(['historyBatches', 'meta', 'workspace']);
    const history = db.transaction('historyBatches').objectStore('historyBatches');
    expect([...history.indexNames]).toEqual(['fns']);
    expect(history.keyPath).toBe('end');
    expect(history.index('fns').multiEntry).toBe(true);
    db.close();
  });

  it('migrates a version 1 database made by hand, keeping its data', async () => {
    const factory = new IDBFactory();
    const v1Workspace = { ...workspace(), open: 'add' };
    const db = await raw(factory, 1, (d) => {
      d.createObjectStore('workspace');
      d.createObjectStore('history', { autoIncrement: true });
      d.createObjectStore('meta');
    });
    const tx = db.transaction(['workspace', 'history'], 'readwrite');
    await tx.objectStore('workspace').put(v1Workspace, 'current');
    for (const inv of [invocation(1), invocation(2, 'cat'), invocation(3)])
      await tx.objectStore('history').add(inv);
    await tx.done;
    db.close();

    const store = await open(factory);
    const loaded = await store.loadWorkspace();
    expect(loaded.problems).toEqual([]);
    expect(loaded.workspace).toEqual(v1Workspace);
    expect(loaded.revision).toBe(0);
    expect(loaded.tabId).toBe('migrated');
    const cat = await store.loadHistory(undefined, { fn: 'cat' }); // uses the index added by v2
    expect(cat.invocations.map((i) => i.id)).toEqual([2]);
    expect((await store.loadHistory()).invocations.map((i) => i.id)).toEqual([1, 2, 3]);
    expect(await store.saveWorkspace(v1Workspace, { tabId: 't' })).toBe(1);
  });

  it('migrates a version 2 history (a row per invocation) into batches, in order, and keeps appending after it', async () => {
    const factory = new IDBFactory();
    const db = await raw(factory, 2, (d) => {
      d.createObjectStore('workspace');
      d.createObjectStore('history', { autoIncrement: true }).createIndex('fn', 'fn');
      d.createObjectStore('meta');
    });
    const tx = db.transaction('history', 'readwrite');
    // More than one migration batch (1,000), so the second batch's numbering is checked too.
    for (let i = 1; i <= 2500; i++) await tx.objectStore('history').add(invocation(i, i % 3 ? 'a' : 'b'));
    await tx.done;
    db.close();

    const store = await open(factory, { historyLimit: 3000 });
    const all = (await store.loadHistory()).invocations.map((i) => i.id);
    expect(all).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect((await store.loadHistory(2)).invocations.map((i) => i.id)).toEqual([2499, 2500]);
    const b = (await store.loadHistory(3, { fn: 'b' })).invocations.map((i) => i.id);
    expect(b).toEqual([2493, 2496, 2499]);
    await store.appendHistory([invocation(2501)]);
    expect((await store.loadHistory(2)).invocations.map((i) => i.id)).toEqual([2500, 2501]);
    store.close();
    const after = await raw(factory);
    expect([...after.objectStoreNames].sort()).toEqual(['historyBatches', 'meta', 'workspace']);
    // 1,000 + 1,000 + 500 migrated, then the append: four rows, keyed by their last record's number.
    expect(await after.getAllKeys('historyBatches')).toEqual([1000, 2000, 2500, 2501]);
    after.close();
  });

  it('refuses a database from a newer schema with a clear "unavailable" error', async () => {
    const factory = new IDBFactory();
    (await raw(factory, SCHEMA_VERSION + 5)).close();
    const e = await openStore({ indexedDB: factory }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StorageError);
    expect((e as StorageError).kind).toBe('unavailable');
    expect((e as StorageError).message).toMatch(/newer version of nanofaas/);
  });

  it('closes and reports when another tab upgrades the schema', async () => {
    const factory = new IDBFactory();
    const onVersionChange = vi.fn();
    const store = await open(factory, { onVersionChange });
    const newer = await raw(factory, SCHEMA_VERSION + 1); // would hang if the store did not close
    expect(onVersionChange).toHaveBeenCalledOnce();
    newer.close();
    const e = await store.loadWorkspace().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StorageError);
    expect((e as StorageError).kind).toBe('unavailable');
  });
});

describe('store: workspace', () => {
  it('stores a big upload as a Blob and reads it back as the same bytes', async () => {
    const factory = new IDBFactory();
    const store = await open(factory);
    const bytes = new Uint8Array(BLOB_MIN_BYTES + 5).map((_, i) => i * 7);
    const ws = workspace();
    ws.functions[1] = { ...ws.functions[1], source: { kind: 'wasm', bytes } };
    await store.saveWorkspace(ws, { tabId: 'tab-a' });
    await store.saveWorkspace(ws, { tabId: 'tab-a' });
    const db = await raw(factory);
    const record = (await db.get('workspace', 'current')) as { workspace: Workspace };
    db.close();
    // A handle in IndexedDB, not the bytes: nothing to serialise on the page's thread.
    expect((record.workspace.functions[1].source as unknown as { bytes: unknown }).bytes).toBeInstanceOf(
      Blob,
    );
    const loaded = await store.loadWorkspace();
    expect(loaded.problems).toEqual([]);
    const src = loaded.workspace!.functions[1].source;
    const back = src.kind === 'wasm' ? src.bytes : null;
    expect(back).toBeInstanceOf(Uint8Array);
    // Compared by hand: toEqual walks a 256 KiB array element by element, seconds on a busy machine.
    expect(back!.length === bytes.length && back!.every((b, i) => b === bytes[i])).toBe(true);
    expect(loaded.workspace!.functions[0]).toEqual(ws.functions[0]);
  }, 30_000);

  it('round-trips a workspace with bytes and counts revisions', async () => {
    const factory = new IDBFactory();
    const store = await open(factory);
    const ws = workspace();
    const before = Date.now();
    expect(await store.saveWorkspace(ws, { tabId: 'tab-a' })).toBe(1);
    const loaded = await store.loadWorkspace();
    expect(loaded.problems).toEqual([]);
    expect(loaded.workspace).toEqual(ws);
    const src = loaded.workspace!.functions[1].source;
    expect(src.kind === 'wasm' && src.bytes).toBeInstanceOf(Uint8Array);
    expect(loaded.workspace!.functions[1].wasi!.files!['f.bin']).toBeInstanceOf(Uint8Array);
    expect(loaded).toMatchObject({ revision: 1, tabId: 'tab-a' });
    expect(loaded.savedAt).toBeGreaterThanOrEqual(before);

    expect(await store.saveWorkspace({ ...ws, open: 'add' }, { tabId: 'tab-b' })).toBe(2);
    store.close();
    const again = await open(factory); // revisions continue across connections
    expect(await again.loadWorkspace()).toMatchObject({
      revision: 2,
      tabId: 'tab-b',
      workspace: { open: 'add' },
    });
    expect(await again.saveWorkspace(ws, { tabId: 'tab-a' })).toBe(3);
  });

  it('saves reactive (proxied) state', async () => {
    const store = await open(new IDBFactory());
    const proxied = deepProxy(workspace());
    expect(() => structuredClone(proxied)).toThrow(); // what IndexedDB would do with it
    await store.saveWorkspace(proxied, { tabId: 't' });
    expect((await store.loadWorkspace()).workspace).toEqual(workspace());
  });

  it('skips a corrupt function with a problem and loads the others', async () => {
    const factory = new IDBFactory();
    const store = await open(factory);
    const ws = workspace();
    const record = {
      schema: SCHEMA_VERSION,
      savedAt: 5,
      tabId: 't',
      revision: 7,
      workspace: {
        ...ws,
        functions: [
          ws.functions[0],
          { name: 'broken', source: { kind: 'wat', text: 42 }, config: {} },
          { name: 17, source: { kind: 'wat', text: '' } },
          'nonsense',
          { ...ws.functions[1], config: { ...ws.functions[1].config, memoryMiB: 'lots' } },
          { ...ws.functions[0], source: { kind: 'wat', text: 'duplicate' } },
        ],
      },
    };
    const db = await raw(factory);
    await db.put('workspace', record, 'current');
    db.close();

    const loaded = await store.loadWorkspace();
    expect(loaded.workspace!.functions.map((f) => f.name)).toEqual(['add', 'cat']);
    expect(loaded.workspace!.functions[0]).toEqual(ws.functions[0]);
    expect(loaded.workspace!.functions[1].config).toEqual({ ...ws.functions[1].config, memoryMiB: 64 });
    expect(loaded.workspace!.open).toBe('cat');
    expect(loaded.revision).toBe(7);
    expect(loaded.problems).toHaveLength(5);
    expect(loaded.problems.join('\n')).toMatch(
      /"broken" was skipped: its source code is missing or unreadable/,
    );
    expect(loaded.problems.join('\n')).toMatch(/Function #3 has no name/);
    expect(loaded.problems.join('\n')).toMatch(/Function #4 could not be read/);
    expect(loaded.problems.join('\n')).toMatch(/"cat": the setting\(s\) memoryMiB could not be read/);
    expect(loaded.problems.join('\n')).toMatch(/second function named "add"/);
    // The unreadable original is kept aside before a save replaces it.
    expect(await store.getMeta(BACKUP_META_KEY)).toMatchObject({ record: { revision: 7 } });
  });

  it('reports an unreadable record without throwing', async () => {
    const factory = new IDBFactory();
    const store = await open(factory);
    const db = await raw(factory);
    await db.put('workspace', 'garbage', 'current');
    db.close();
    const loaded = await store.loadWorkspace();
    expect(loaded.workspace).toBeNull();
    expect(loaded.problems).toEqual(['The saved workspace could not be read, so an empty one was started.']);
    expect(await store.getMeta(BACKUP_META_KEY)).toMatchObject({ record: 'garbage' });
    expect(await store.saveWorkspace(workspace(), { tabId: 't' })).toBe(1);
    expect((await store.loadWorkspace()).problems).toEqual([]);
  });
});

describe('store: history', () => {
  it('round-trips bigint, NaN and bytes by structured clone', async () => {
    const store = await open(new IDBFactory());
    const inv = invocation(1, 'wasi', {
      args: [1n, -(2n ** 63n), 'text', 2.5],
      result: [2n ** 64n, null, NaN, -0],
      error: 'trap: unreachable',
      outcome: 'trap',
      exitCode: 3,
      stdout: 'héllo',
      stdoutBytes: new Uint8Array([104, 195, 169]),
      stderrBytes: new Uint8Array(0),
      files: { 'out.bin': new Uint8Array([9, 8, 7]) },
      logs: ['a', 'b'],
    });
    await store.appendHistory([inv, invocation(2)]);
    const { invocations, problems } = await store.loadHistory();
    expect(problems).toEqual([]);
    expect(invocations).toEqual([inv, invocation(2)]);
    expect(typeof invocations[0].args[0]).toBe('bigint');
    expect((invocations[0].result as unknown[])[0]).toBe(2n ** 64n);
    expect(Object.is((invocations[0].result as unknown[])[3], -0)).toBe(true);
    expect(invocations[0].files!['out.bin']).toBeInstanceOf(Uint8Array);
  });

  it('keeps only the newest historyLimit records', async () => {
    const store = await open(new IDBFactory(), { historyLimit: 5 });
    // Ask for more than the limit, so this sees what is stored, not what loadHistory picks.
    const ids = async () => (await store.loadHistory(1000)).invocations.map((i) => i.id);
    await store.appendHistory([1, 2, 3].map((i) => invocation(i)));
    expect(await ids()).toEqual([1, 2, 3]);
    await store.appendHistory([4, 5, 6, 7].map((i) => invocation(i)));
    expect(await ids()).toEqual([3, 4, 5, 6, 7]);
    await store.appendHistory(Array.from({ length: 12 }, (_, i) => invocation(100 + i)));
    expect(await ids()).toEqual([107, 108, 109, 110, 111]);
    expect((await store.loadHistory(2)).invocations.map((i) => i.id)).toEqual([110, 111]);
    expect((await store.loadHistory(0)).invocations).toEqual([]);

    await store.setHistoryLimit(2);
    expect(await ids()).toEqual([110, 111]);
    await store.clearHistory();
    expect(await ids()).toEqual([]);
  });

  it('stores one row per append, trims whole batches and the front of one', async () => {
    const factory = new IDBFactory();
    const store = await open(factory, { historyLimit: 5 });
    await store.appendHistory([1, 2, 3].map((i) => invocation(i, 'a')));
    await store.appendHistory([4, 5, 6].map((i) => invocation(i, 'b')));
    const db = await raw(factory);
    const rows = async () =>
      ((await db.getAll('historyBatches')) as { end: number; fns: string[]; records: Invocation[] }[]).map(
        (r) => [r.end, r.fns, r.records.map((i) => i.id)],
      );
    expect(await rows()).toEqual([
      [3, ['a'], [2, 3]],
      [6, ['b'], [4, 5, 6]],
    ]);
    await store.appendHistory([7, 8, 9, 10].map((i) => invocation(i, 'c')));
    expect(await rows()).toEqual([
      [6, ['b'], [6]],
      [10, ['c'], [7, 8, 9, 10]],
    ]);
    // A function whose records were trimmed away is no longer in the trimmed batch's index entry.
    expect((await store.loadHistory(undefined, { fn: 'b' })).invocations.map((i) => i.id)).toEqual([6]);
    expect((await store.loadHistory(undefined, { fn: 'a' })).invocations).toEqual([]);
    db.close();
  });

  it('unlessStored skips what the newest records already hold (a batch the worker stored before it failed)', async () => {
    const store = await open(new IDBFactory());
    await store.appendHistory([1, 2, 3].map((i) => invocation(i)));
    await store.appendHistory(
      [2, 3, 4].map((i) => invocation(i)),
      { unlessStored: true },
    );
    // The same id from a later page is another invocation (ids restart): kept.
    await store.appendHistory([{ ...invocation(1), enqueuedAt: 99_999 }], { unlessStored: true });
    expect((await store.loadHistory()).invocations.map((i) => [i.id, i.enqueuedAt])).toEqual([
      [1, 1001],
      [2, 1002],
      [3, 1003],
      [4, 1004],
      [1, 99_999],
    ]);
    await store.appendHistory([invocation(4)]); // without it: stored again
    expect((await store.loadHistory()).invocations).toHaveLength(6);
  });

  it('filters by function and returns the newest of it', async () => {
    const store = await open(new IDBFactory());
    await store.appendHistory([
      invocation(1, 'a'),
      invocation(2, 'b'),
      invocation(3, 'a'),
      invocation(4, 'a'),
    ]);
    const a = await store.loadHistory(2, { fn: 'a' });
    expect(a.invocations.map((i) => i.id)).toEqual([3, 4]);
    expect((await store.loadHistory(undefined, { fn: 'zzz' })).invocations).toEqual([]);
  });

  it('skips corrupt history records with one problem', async () => {
    const factory = new IDBFactory();
    const store = await open(factory);
    await store.appendHistory([invocation(1)]);
    const db = await raw(factory);
    await db.put('historyBatches', {
      end: 4,
      fns: ['add'],
      records: [{ fn: 3 }, { ...invocation(2), outcome: 'maybe' }, 'x'],
    });
    await db.put('historyBatches', {
      end: 5,
      fns: ['add'],
      records: [{ ...invocation(3), logs: 'not a list' }],
    });
    db.close();
    await store.appendHistory([invocation(4)]);
    const { invocations, problems } = await store.loadHistory();
    expect(invocations.map((i) => i.id)).toEqual([1, 4]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^4 invocation records were unreadable and skipped \(.*bad logs/);
  });
});

describe('store: errors', () => {
  it('turns a full disk into StorageError kind "quota"', async () => {
    const store = await open(new IDBFactory());
    const quota = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(quota);
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(quota);
    for (const attempt of [
      () => store.saveWorkspace(workspace(), { tabId: 't' }),
      () => store.appendHistory([invocation(1)]),
    ]) {
      const e = await attempt().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(StorageError);
      expect((e as StorageError).kind).toBe('quota');
      expect((e as StorageError).message).toMatch(/storage for this site is full.*Export to file/);
    }
    vi.restoreAllMocks();
    expect(await store.saveWorkspace(workspace(), { tabId: 't' })).toBe(1); // nothing half-written
  });

  it('reports data that cannot be stored as kind "other"', async () => {
    const store = await open(new IDBFactory());
    const ws = workspace();
    (ws.features as Record<string, unknown>).bad = () => 1;
    const e = await store.saveWorkspace(ws, { tabId: 't' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StorageError);
    expect((e as StorageError).kind).toBe('other');
  });

  it('reports missing or blocked storage as kind "unavailable"', async () => {
    const blocked = {
      open() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    } as unknown as IDBFactory;
    const e = await openStore({ indexedDB: blocked }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StorageError);
    expect((e as StorageError).kind).toBe('unavailable');

    const store = await open(new IDBFactory());
    store.close();
    const closed = await store.loadHistory().catch((x: unknown) => x);
    expect((closed as StorageError).kind).toBe('unavailable');
  });

  it('maps DOMException names to kinds', () => {
    const kind = (name: string) => toStorageError(new DOMException('m', name), 'save').kind;
    expect(kind('QuotaExceededError')).toBe('quota');
    expect(kind('InvalidStateError')).toBe('unavailable');
    expect(kind('UnknownError')).toBe('unavailable');
    expect(kind('VersionError')).toBe('unavailable');
    expect(kind('DataCloneError')).toBe('other');
    expect(kind('AbortError')).toBe('other');
    expect(toStorageError(new Error('boom'), 'save').message).toBe(
      'nanofaas could not save (Error: boom). Use "Export to file" to keep a copy of your work.',
    );
  });
});
