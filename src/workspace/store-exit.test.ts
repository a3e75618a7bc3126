// WorkspaceStore.saveOnExit: the write made while the page is being hidden or closed.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FUNCTION_CONFIG, DEFAULT_PLATFORM_CONFIG, type Invocation } from '../platform/types';
import { ExitJournal, type JournalStorage } from './exit-journal';
import { EXIT_META_PREFIX, openStore } from './store';
import type { Workspace } from './types';

const ws = (text: string): Workspace => ({
  functions: [{ name: 'f', source: { kind: 'wat', text }, config: { ...DEFAULT_FUNCTION_CONFIG } }],
  platform: { ...DEFAULT_PLATFORM_CONFIG },
  features: {},
  open: 'f',
});

const inv = (id: number): Invocation => ({
  id,
  fn: 'f',
  version: 1,
  export: '_start',
  args: [],
  start: 'cold',
  instance: 'new',
  outcome: 'ok',
  result: 1,
  logs: [],
  timings: { queue: 0, spawn: 0, compile: 0, instantiate: 0, exec: 0, total: 0 },
  memoryBytes: 0,
  worker: 1,
  enqueuedAt: id,
  endedAt: id,
});

describe('saveOnExit', () => {
  it('is moved into place by the next openStore: workspace, revision and records', async () => {
    const indexedDB = new IDBFactory();
    const store = await openStore({ indexedDB, historyLimit: 3 });
    await store.saveWorkspace(ws('(module)'), { tabId: 'a' });
    await store.appendHistory([inv(1)]);
    await store.saveOnExit({
      workspace: ws('(module (memory 1))'),
      tabId: 'a',
      revision: 2,
      history: [inv(2), inv(3), inv(4)],
    });
    // Not in place yet (only an exit record in meta)…
    expect((await store.loadWorkspace()).revision).toBe(1);
    store.close();

    // …until the next start.
    const next = await openStore({ indexedDB, historyLimit: 3 });
    const loaded = await next.loadWorkspace();
    expect(loaded.revision).toBe(2);
    expect(loaded.workspace?.functions[0].source).toEqual({ kind: 'wat', text: '(module (memory 1))' });
    expect((await next.loadHistory()).invocations.map((i) => i.id)).toEqual([2, 3, 4]); // trimmed to 3
    expect(await next.getMeta(`${EXIT_META_PREFIX}a`)).toBeUndefined();
    expect(await next.saveWorkspace(ws('(module)'), { tabId: 'a' })).toBe(3);
    next.close();
  });

  it('does not replace a workspace another tab saved after it', async () => {
    const indexedDB = new IDBFactory();
    const a = await openStore({ indexedDB });
    await a.saveWorkspace(ws('(module)'), { tabId: 'a' }); // 1
    await a.saveOnExit({ workspace: ws(';; a, closing'), tabId: 'a', revision: 2, history: [inv(1)] });
    await a.saveWorkspace(ws(';; b'), { tabId: 'b' }); // 2, from another tab
    await a.saveWorkspace(ws(';; b again'), { tabId: 'b' }); // 3
    a.close();
    const next = await openStore({ indexedDB });
    expect((await next.loadWorkspace()).workspace?.functions[0].source).toEqual({
      kind: 'wat',
      text: ';; b again',
    });
    expect((await next.loadHistory()).invocations).toHaveLength(1); // the records still count
    next.close();
  });

  it('wins over the same tab’s save that was still under way', async () => {
    const indexedDB = new IDBFactory();
    const a = await openStore({ indexedDB });
    await a.saveWorkspace(ws('(module)'), { tabId: 'a' }); // 1
    await a.saveOnExit({ workspace: ws(';; newest'), tabId: 'a', revision: 2 });
    await a.saveWorkspace(ws(';; older, finished late'), { tabId: 'a' }); // 2
    a.close();
    const next = await openStore({ indexedDB });
    const loaded = await next.loadWorkspace();
    expect(loaded.workspace?.functions[0].source).toEqual({ kind: 'wat', text: ';; newest' });
    expect(loaded.revision).toBe(3);
    next.close();
  });

  it('does not add records twice when the append under way finished after all', async () => {
    const indexedDB = new IDBFactory();
    const a = await openStore({ indexedDB });
    await a.saveOnExit({ tabId: 'a', revision: 1, history: [inv(1), inv(2), inv(3)] });
    await a.appendHistory([inv(1), inv(2)]); // the batch that was under way
    a.close();
    const next = await openStore({ indexedDB });
    expect((await next.loadHistory()).invocations.map((i) => i.id)).toEqual([1, 2, 3]);
    next.close();
  });

  it('can be discarded, and writes nothing when given nothing', async () => {
    const indexedDB = new IDBFactory();
    const a = await openStore({ indexedDB });
    await a.saveOnExit({ tabId: 'a', revision: 1 });
    await a.saveOnExit({ workspace: ws(';; x'), tabId: 'a', revision: 1 });
    await a.discardExitSave('a');
    a.close();
    const next = await openStore({ indexedDB });
    expect((await next.loadWorkspace()).workspace).toBeNull();
    next.close();
  });
});

/** Web Storage as the journal sees it (Node has none); `failWrites` makes setItem throw like a full quota. */
class MemoryStorage implements JournalStorage {
  readonly items = new Map<string, string>();
  failWrites = false;
  get length() {
    return this.items.size;
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    if (this.failWrites) throw new DOMException('full', 'QuotaExceededError');
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
}

/** The database's copy of a tab's exit record is gone, as when the browser dropped the write. */
async function dropStoredExit(indexedDB: IDBFactory, tabId: string) {
  const db = await new Promise<IDBDatabase>((resolve) => {
    const r = indexedDB.open('nanofaas');
    r.onsuccess = () => resolve(r.result);
  });
  await new Promise<void>((resolve) => {
    const tx = db.transaction('meta', 'readwrite');
    tx.objectStore('meta').delete(`${EXIT_META_PREFIX}${tabId}`);
    tx.oncomplete = () => resolve();
  });
  db.close();
}

describe('the exit journal (the copy in Web Storage)', () => {
  it('brings the workspace and records back when the database lost its copy', async () => {
    const indexedDB = new IDBFactory();
    const exitJournal = new MemoryStorage();
    const a = await openStore({ indexedDB, exitJournal });
    await a.saveWorkspace(ws('(module)'), { tabId: 'a' });
    const bytesWs: Workspace = {
      ...ws(';; text'),
      functions: [
        ...ws(';; text').functions,
        {
          name: 'up',
          source: { kind: 'wasm', bytes: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]) },
          config: { ...DEFAULT_FUNCTION_CONFIG },
        },
      ],
    };
    const big = { ...inv(7), result: 2n ** 63n - 1n, timings: { ...inv(7).timings, exec: Infinity } };
    await a.saveOnExit({ workspace: bytesWs, tabId: 'a', revision: 2, history: [inv(6), big] });
    a.close();
    expect([...exitJournal.items.keys()]).toEqual(['nanofaas:exit-save:a']);
    await dropStoredExit(indexedDB, 'a');

    const next = await openStore({ indexedDB, exitJournal });
    const loaded = await next.loadWorkspace();
    expect(loaded.problems).toEqual([]);
    expect(loaded.revision).toBe(2);
    expect(loaded.workspace?.functions.map((f) => f.source)).toEqual(bytesWs.functions.map((f) => f.source));
    const history = (await next.loadHistory()).invocations;
    expect(history.map((i) => i.id)).toEqual([6, 7]);
    expect(history[1].result).toBe(2n ** 63n - 1n);
    expect(history[1].timings.exec).toBe(Infinity);
    expect(exitJournal.items.size).toBe(0); // taken
    next.close();
  });

  it('counts a record found in both places once', async () => {
    const indexedDB = new IDBFactory();
    const exitJournal = new MemoryStorage();
    const a = await openStore({ indexedDB, exitJournal });
    await a.saveOnExit({ workspace: ws(';; both'), tabId: 'a', revision: 1, history: [inv(1), inv(2)] });
    a.close();
    const next = await openStore({ indexedDB, exitJournal });
    expect((await next.loadHistory()).invocations.map((i) => i.id)).toEqual([1, 2]);
    expect((await next.loadWorkspace()).workspace?.functions[0].source).toEqual({
      kind: 'wat',
      text: ';; both',
    });
    expect(await next.getMeta(`${EXIT_META_PREFIX}a`)).toBeUndefined();
    expect(exitJournal.items.size).toBe(0);
    next.close();
  });

  it('takes the newer copy of a tab’s record, and the database’s history when the journal left it out', async () => {
    const indexedDB = new IDBFactory();
    const exitJournal = new MemoryStorage();
    // The journal's entry is newer (the database lost the second write, kept the first).
    const a = await openStore({ indexedDB, exitJournal });
    await a.saveOnExit({ workspace: ws(';; first'), tabId: 'a', revision: 1 });
    await new Promise((r) => setTimeout(r, 2));
    new ExitJournal(exitJournal, 'nanofaas').write({
      tabId: 'a',
      revision: 1,
      savedAt: Date.now(),
      workspace: ws(';; second'),
      history: [],
    });
    a.close();
    const next = await openStore({ indexedDB, exitJournal });
    expect((await next.loadWorkspace()).workspace?.functions[0].source).toEqual({
      kind: 'wat',
      text: ';; second',
    });
    next.close();

    // Too big with its history: the journal holds the workspace only; the database has it all.
    const indexedDB2 = new IDBFactory();
    const small = new MemoryStorage();
    const b = await openStore({ indexedDB: indexedDB2, exitJournal: small });
    const many = Array.from({ length: 6000 }, (_, i) => inv(i + 1));
    await b.saveOnExit({ workspace: ws(';; kept'), tabId: 'b', revision: 1, history: many });
    b.close();
    const written = [...small.items.values()][0];
    expect(written.length).toBeLessThan(1_000_000);
    expect((JSON.parse(written) as { history: unknown[] }).history).toEqual([]);
    const next2 = await openStore({ indexedDB: indexedDB2, exitJournal: small });
    expect((await next2.loadHistory()).invocations).toHaveLength(6000);
    next2.close();
  });

  it('a full or blocked storage, or a damaged entry, changes nothing else', async () => {
    const indexedDB = new IDBFactory();
    const exitJournal = new MemoryStorage();
    exitJournal.items.set('nanofaas:exit-save:zz', '{not json');
    exitJournal.items.set('other-db:exit-save:a', '{}'); // another database's: left alone
    exitJournal.items.set('theme', 'dark');
    const a = await openStore({ indexedDB, exitJournal });
    expect([...exitJournal.items.keys()]).toEqual(['other-db:exit-save:a', 'theme']);
    exitJournal.failWrites = true;
    await a.saveOnExit({ workspace: ws(';; saved anyway'), tabId: 'a', revision: 1 });
    a.close();
    const next = await openStore({ indexedDB, exitJournal });
    expect((await next.loadWorkspace()).workspace?.functions[0].source).toEqual({
      kind: 'wat',
      text: ';; saved anyway',
    });
    next.close();
  });

  it('a discarded exit save leaves no journal entry; a record too big for it leaves no stale one', async () => {
    const indexedDB = new IDBFactory();
    const exitJournal = new MemoryStorage();
    const a = await openStore({ indexedDB, exitJournal });
    await a.saveOnExit({ workspace: ws(';; x'), tabId: 'a', revision: 1 });
    expect(exitJournal.items.size).toBe(1);
    await a.discardExitSave('a');
    expect(exitJournal.items.size).toBe(0);
    a.close();

    const journal = new ExitJournal(exitJournal, 'nanofaas', 2000);
    expect(journal.write({ tabId: 'a', revision: 1, savedAt: 1, workspace: ws(';'), history: [] })).toBe(
      'full',
    );
    const huge = ws(';; ' + 'x'.repeat(3000));
    expect(journal.write({ tabId: 'a', revision: 2, savedAt: 2, workspace: huge, history: [] })).toBe('none');
    expect(exitJournal.items.size).toBe(0);
  });
});
