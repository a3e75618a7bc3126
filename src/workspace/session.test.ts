import type { HistoryTarget } from '../platform/protocol';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientEvent } from '../platform/client';
import {
  DEFAULT_FUNCTION_CONFIG,
  DEFAULT_PLATFORM_CONFIG,
  type Invocation,
  type PlatformConfig,
} from '../platform/types';
import { exportWorkspaceFile } from './file';
import {
  Session,
  STORAGE_OPEN_TIMEOUT_MS,
  sharedName,
  withUniqueIds,
  type SessionApp,
  type SessionEnv,
  type SessionPlatform,
} from './session';
import { encodeShare, sharePayloadForFunction, sharePayloadForWorkspace } from './share';
import { BACKUP_META_KEY, StorageError, openStore, type WorkspaceStore } from './store';
import type { BroadcastChannelLike } from './tabs';
import { manualTimers, settle } from './timers.testing';
import type { FeatureFlags, Workspace, WorkspaceFunction } from './types';

// ---- Fakes ----------------------------------------------------------------------------------------

const wat = (name: string, text = `(module (func (export "${name}")))`): WorkspaceFunction => ({
  name,
  source: { kind: 'wat', text },
  config: { ...DEFAULT_FUNCTION_CONFIG },
});

/** The AppState surface, on plain objects. */
class FakeApp implements SessionApp {
  functions: WorkspaceFunction[] = [];
  open: string | null = null;
  features: FeatureFlags = { simd: true, tail_call: false };
  platform: PlatformConfig = { ...DEFAULT_PLATFORM_CONFIG };
  notices: { kind: string; message: string; action?: { label: string; run: () => void } }[] = [];
  removed: string[] = [];
  private listeners = new Set<() => void>();

  private changed() {
    for (const l of this.listeners) l();
  }
  workspace(): Workspace {
    return structuredClone({
      functions: this.functions,
      platform: this.platform,
      features: this.features,
      open: this.open,
    });
  }
  loadWorkspace(ws: Workspace) {
    this.functions = structuredClone(ws.functions);
    this.features = { ...ws.features };
    this.platform = { ...ws.platform };
    this.open = ws.open ?? this.functions[0]?.name ?? null;
    this.changed();
  }
  onWorkspaceChange(fn: () => void) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  addFunction(fn: WorkspaceFunction, { open = true } = {}) {
    this.functions.push(structuredClone(fn));
    if (open) this.open = fn.name;
    this.changed();
    return fn.name;
  }
  upsertFunction(fn: WorkspaceFunction, { open = true } = {}) {
    const i = this.functions.findIndex((f) => f.name === fn.name);
    if (i >= 0) this.functions[i] = fn;
    else this.functions.push(fn);
    if (open) this.open = fn.name;
    this.changed();
  }
  async remove(name: string) {
    this.removed.push(name);
    this.functions = this.functions.filter((f) => f.name !== name);
    if (this.open === name) this.open = this.functions[0]?.name ?? null;
    this.changed();
  }
  select(name: string) {
    this.open = name;
    this.changed();
  }
  edit(name: string, text: string) {
    const fn = this.functions.find((f) => f.name === name)!;
    fn.source = { kind: 'wat', text };
    this.changed();
  }
  setFeatures(features: FeatureFlags) {
    this.features = { ...features };
    this.changed();
  }
  setPlatformConfig(patch: Partial<PlatformConfig>) {
    this.platform = { ...this.platform, ...patch };
    this.changed();
  }
  notify(kind: string, message: string, action?: { label: string; run: () => void }) {
    this.notices.push({ kind, message, action });
    return this.notices.length;
  }
}

class FakePlatform implements SessionPlatform {
  records: Invocation[] = [];
  private listeners = new Set<(ev: ClientEvent) => void>();
  subscribe(l: (ev: ClientEvent) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  protected emit(ev: ClientEvent) {
    for (const l of this.listeners) l(ev);
  }
  restoreHistory(invocations: Invocation[]) {
    this.records.push(...invocations);
    this.emit({ type: 'history-cleared' });
  }
  clearHistory() {
    this.records = [];
    this.emit({ type: 'history-cleared' });
  }
  invocations() {
    return [...this.records];
  }
  currentConfig() {
    return { ...DEFAULT_PLATFORM_CONFIG };
  }
  invoke(fn: string) {
    const inv = invocation(this.records.length + 1, fn);
    this.records.push(inv);
    this.emit({ type: 'invocation', invocation: inv, memoryMiB: 64 });
  }
}

/**
 * A platform whose worker writes history batches (PlatformClient.persistHistory): it says it wrote
 * the ids up to `holds` and hands the rest back, or fails every batch when `failing`. It writes
 * nothing itself, so what reaches the store is what the page wrote.
 */
class WorkerWritingPlatform extends FakePlatform {
  calls: { ids: number[]; target: HistoryTarget }[] = [];
  holds = Infinity;
  failing = false;
  persistHistory(ids: number[], target: HistoryTarget): Promise<number[]> {
    this.calls.push({ ids, target });
    if (this.failing) return Promise.reject(new Error('the platform worker was restarted'));
    return Promise.resolve(ids.filter((id) => id > this.holds));
  }
  /** What PlatformClient tells its listeners after `restart()`. */
  restart() {
    this.emit({ type: 'restarted' });
  }
}

function invocation(id: number, fn: string): Invocation {
  return {
    id,
    fn,
    version: 1,
    export: '_start',
    args: [],
    start: 'cold',
    instance: 'new',
    outcome: 'ok',
    result: 42,
    logs: [],
    timings: { queue: 0, spawn: 1, compile: 1, instantiate: 1, exec: 1, total: 4 },
    memoryBytes: 65536,
    worker: 1,
    enqueuedAt: 1000 + id,
    endedAt: 1004 + id,
  };
}

/** In-memory BroadcastChannel shared by the "tabs" of one test. */
function channels() {
  const open = new Set<BroadcastChannelLike & { name: string }>();
  return class FakeChannel implements BroadcastChannelLike {
    onmessage: ((event: { data: unknown }) => void) | null = null;
    constructor(readonly name: string) {
      open.add(this);
    }
    postMessage(data: unknown) {
      for (const other of open) if (other !== this && other.name === this.name) other.onmessage?.({ data });
    }
    close() {
      open.delete(this);
    }
  };
}

/** One browser profile: an IndexedDB, a BroadcastChannel and the timers all its tabs share. */
function browser() {
  const indexedDB = new IDBFactory();
  const BroadcastChannel = channels();
  const clock = manualTimers();
  const sessions: Session[] = [];

  async function tab(
    options: {
      hash?: string;
      search?: string;
      env?: Partial<SessionEnv>;
      /** Runs after start() is called, while it is still restoring. */
      whileStarting?: (t: { location: { hash: string }; win: EventTarget; app: FakeApp }) => void;
      platform?: FakePlatform;
    } = {},
  ) {
    const app = new FakeApp();
    const platform = options.platform ?? new FakePlatform();
    const location = {
      hash: options.hash ?? '',
      pathname: '/',
      search: options.search ?? '',
      reload: vi.fn(),
    };
    const history = {
      state: null,
      replaceState: vi.fn(() => {
        location.hash = '';
      }),
    };
    const win = new EventTarget();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState });
    const downloads: { name: string; text: string }[] = [];
    const session = new Session(app, platform, {
      location,
      history,
      window: win,
      document: doc,
      download: (name, text) => downloads.push({ name, text }),
      indexedDB,
      BroadcastChannel,
      timers: clock.timers,
      ...options.env,
    });
    sessions.push(session);
    // What openInitialSample does: the default sample, only into an empty workspace.
    const openInitial = vi.fn(async () => (app.functions.length === 0 ? app.addFunction(wat('sum')) : null));
    const starting = session.start({ openInitial });
    options.whileStarting?.({ location, win, app });
    const started = await starting;
    return { app, platform, session, location, history, win, doc, downloads, openInitial, started };
  }

  async function stored(): Promise<{ ws: Workspace | null; history: Invocation[]; revision: number }> {
    const store = await openStore({ indexedDB });
    const { workspace, revision } = await store.loadWorkspace();
    const { invocations } = await store.loadHistory();
    store.close();
    return { ws: workspace, history: invocations, revision };
  }

  return { tab, stored, clock, indexedDB, dispose: () => sessions.forEach((s) => s.dispose()) };
}

let current: ReturnType<typeof browser> | null = null;
function newBrowser() {
  current = browser();
  return current;
}
afterEach(() => {
  current?.dispose();
  current = null;
});

/** Lets IndexedDB (real scheduling) and the manual timers make progress. */
async function idle(b: ReturnType<typeof browser>, ms = 0) {
  for (let i = 0; i < 5; i++) {
    await b.clock.advance(ms);
    await new Promise((r) => setTimeout(r, 5));
  }
}

// ---- Tests ------------------------------------------------------------------------------------------

describe('restore and autosave', () => {
  it('opens the default sample in an empty workspace without saving it', async () => {
    const b = newBrowser();
    const t = await b.tab();
    expect(t.openInitial).toHaveBeenCalledOnce();
    expect(t.app.functions.map((f) => f.name)).toEqual(['sum']);
    expect(t.started).toEqual({ restored: false, openedLink: false });
    await idle(b, 1000);
    expect((await b.stored()).ws).toBeNull();
  });

  it('saves 300 ms after a change and restores everything before the default sample', async () => {
    const b = newBrowser();
    const t = await b.tab();
    t.app.edit('sum', '(module)');
    t.app.addFunction(wat('fib'));
    t.app.setPlatformConfig({ maxWorkers: 3 });
    t.app.setFeatures({ simd: false, tail_call: true });
    t.app.select('sum');
    await idle(b, 300);
    const saved = (await b.stored()).ws!;
    expect(saved.functions.map((f) => f.name)).toEqual(['sum', 'fib']);

    const t2 = await b.tab();
    expect(t2.started.restored).toBe(true);
    expect(t2.app.workspace()).toEqual(t.app.workspace());
    expect(t2.app.functions.map((f) => f.name)).toEqual(['sum', 'fib']); // no second sum
  });

  it('saves at once when the tab is hidden or closed', async () => {
    const b = newBrowser();
    const t = await b.tab();
    t.app.edit('sum', '(module (memory 1))');
    t.win.dispatchEvent(new Event('pagehide'));
    await idle(b); // no timer advanced
    expect((await b.stored()).ws?.functions[0].source).toEqual({ kind: 'wat', text: '(module (memory 1))' });
  });

  it('beforeunload then pagehide: one exit record with everything', async () => {
    const b = newBrowser();
    const t = await b.tab();
    t.app.edit('sum', '(module (memory 4))');
    t.platform.invoke('sum');
    t.win.dispatchEvent(new Event('beforeunload'));
    t.platform.invoke('sum');
    t.win.dispatchEvent(new Event('pagehide'));
    await idle(b);
    const s = await b.stored(); // a new start moves the record into place
    expect(s.ws?.functions[0].source).toEqual({ kind: 'wat', text: '(module (memory 4))' });
    expect(s.history).toHaveLength(2);
  });

  it('when the page stays after all, it saves the ordinary way and drops the exit record', async () => {
    const b = newBrowser();
    const t = await b.tab();
    t.app.edit('sum', '(module (memory 5))');
    t.platform.invoke('sum');
    t.win.dispatchEvent(new Event('beforeunload')); // …and the unload is cancelled
    await idle(b);
    await idle(b, 1000);
    await idle(b, 500);
    const meta = await new Promise<unknown[]>((resolve) => {
      const r = b.indexedDB.open('nanofaas');
      r.onsuccess = () => {
        const keys = r.result.transaction('meta').objectStore('meta').getAllKeys();
        keys.onsuccess = () => {
          r.result.close();
          resolve(keys.result);
        };
      };
    });
    expect(meta).toEqual([]);
    const s = await b.stored();
    expect(s.ws?.functions[0].source).toEqual({ kind: 'wat', text: '(module (memory 5))' });
    expect(s.history).toHaveLength(1);
  });

  it('saves the ordinary way when the tab is only hidden', async () => {
    const b = newBrowser();
    const t = await b.tab();
    t.app.edit('sum', '(module (memory 2))');
    t.doc.visibilityState = 'hidden';
    t.doc.dispatchEvent(new Event('visibilitychange'));
    await idle(b);
    expect((await b.stored()).ws?.functions[0].source).toEqual({ kind: 'wat', text: '(module (memory 2))' });
  });

  it('back from the back/forward cache, it saves the ordinary way again', async () => {
    const b = newBrowser();
    const t = await b.tab();
    t.app.edit('sum', '(module (memory 3))');
    t.platform.invoke('sum');
    t.win.dispatchEvent(new Event('pagehide'));
    await idle(b);
    t.win.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await idle(b, 500);
    const s = await b.stored();
    expect(s.ws?.functions[0].source).toEqual({ kind: 'wat', text: '(module (memory 3))' });
    expect(s.history).toHaveLength(1); // once, not also from the exit record
  });

  it('keeps, opens and saves what was added while the saved workspace loaded', async () => {
    const b = newBrowser();
    const t = await b.tab();
    t.app.edit('sum', '(module)');
    t.app.addFunction(wat('fib'));
    await idle(b, 300);
    // An upload and a console deploy of `sum` land while the next page still reads its storage.
    const t2 = await b.tab({
      whileStarting: ({ app }) => {
        app.addFunction(wat('upload.wasm'));
        app.addFunction(wat('sum', '(module (memory 7))'));
      },
    });
    expect(t2.started.restored).toBe(true);
    // Nothing of either is lost: the saved `sum` is kept under a new name, and says so.
    expect(t2.app.functions.map((f) => [f.name, f.source])).toEqual([
      ['sum-2', { kind: 'wat', text: '(module)' }],
      ['fib', wat('fib').source],
      ['upload.wasm', wat('upload.wasm').source],
      ['sum', { kind: 'wat', text: '(module (memory 7))' }],
    ]);
    expect(t2.app.open).toBe('sum');
    expect(t2.app.notices.map((n) => n.message).join(' ')).toContain('"sum" → "sum-2"');
    await idle(b, 300);
    expect((await b.stored()).ws?.functions.map((f) => f.name)).toEqual([
      'sum-2',
      'fib',
      'upload.wasm',
      'sum',
    ]);
  });

  it('saves an upload made while an empty workspace started, instead of the default sample', async () => {
    const b = newBrowser();
    const t = await b.tab({ whileStarting: ({ app }) => void app.addFunction(wat('upload.wasm')) });
    expect(t.app.functions.map((f) => f.name)).toEqual(['upload.wasm']);
    await idle(b, 300);
    expect((await b.stored()).ws?.functions.map((f) => f.name)).toEqual(['upload.wasm']);
  });

  it('a ?sample= added to a restored workspace is saved', async () => {
    const b = newBrowser();
    const t = await b.tab();
    t.app.edit('sum', '(module)');
    await idle(b, 300);
    const t2 = await b.tab({ search: '?sample=fib' });
    t2.app.addFunction(wat('fib')); // what openInitialSample does for ?sample=fib
    await idle(b, 300);
    expect((await b.stored()).ws?.functions.map((f) => f.name)).toEqual(['sum', 'fib']);
  });

  it('keeps the invocation history in batches, restores it, and clears it with the platform', async () => {
    const b = newBrowser();
    const t = await b.tab();
    for (let i = 0; i < 3; i++) t.platform.invoke('sum');
    await idle(b, 500);
    expect((await b.stored()).history.map((i) => i.id)).toEqual([1, 2, 3]);

    const t2 = await b.tab();
    expect(t2.platform.invocations().map((i) => i.id)).toEqual([1, 2, 3]);
    // restoreHistory announces 'history-cleared': that must not clear the store.
    await idle(b, 500);
    expect((await b.stored()).history).toHaveLength(3);

    t2.platform.clearHistory();
    await idle(b);
    expect((await b.stored()).history).toEqual([]);
  });

  it('leaves history batches to the platform worker, and writes only what it no longer holds', async () => {
    const b = newBrowser();
    const platform = new WorkerWritingPlatform();
    platform.holds = 2;
    const t = await b.tab({ platform });
    for (let i = 0; i < 4; i++) t.platform.invoke('sum');
    await idle(b, 500);
    expect(platform.calls).toEqual([
      { ids: [1, 2, 3, 4], target: { name: 'nanofaas', historyLimit: 100_000 } },
    ]);
    // 1 and 2 were the worker's to write (this fake writes nothing); 3 and 4 it no longer held.
    expect((await b.stored()).history.map((i) => i.id)).toEqual([3, 4]);

    // A batch the worker could not write at all is written here, and the page keeps writing.
    platform.failing = true;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    t.platform.invoke('sum');
    await idle(b, 500);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    platform.failing = false;
    t.platform.invoke('sum');
    await idle(b, 500);
    expect(platform.calls).toHaveLength(2);
    expect((await b.stored()).history.map((i) => i.id)).toEqual([3, 4, 5, 6]);

    // A restarted platform worker gets the batches again (and, holding 7, writes it: not the page).
    platform.holds = Infinity;
    platform.restart();
    t.platform.invoke('sum');
    await idle(b, 500);
    expect(platform.calls.map((c) => c.ids)).toEqual([[1, 2, 3, 4], [5], [7]]);
    expect((await b.stored()).history.map((i) => i.id)).toEqual([3, 4, 5, 6]);
  });

  it('starts without saving, and says so, when the storage never answers', async () => {
    const b = newBrowser();
    let closed = 0;
    let answer!: (s: WorkspaceStore) => void;
    const tabPromise = b.tab({
      env: {
        openStore: () => new Promise<WorkspaceStore>((resolve) => (answer = resolve)),
      },
    });
    await b.clock.advance(STORAGE_OPEN_TIMEOUT_MS);
    const t = await tabPromise;
    expect(t.openInitial).toHaveBeenCalled();
    expect(t.session.state.persistent).toBe(false);
    const warning = t.app.notices.find((n) => n.kind === 'warning');
    expect(warning?.message).toMatch(
      /storage did not answer within 5 s, so this page does not save your work/,
    );
    expect(warning?.action?.label).toBe('Export to file');
    // A store that turns up afterwards is closed, not used behind the user's back.
    const late = await openStore({ indexedDB: b.indexedDB });
    const close = late.close.bind(late);
    late.close = () => {
      closed++;
      close();
    };
    answer(late);
    await settle();
    expect(closed).toBe(1);
  });

  it('ephemeral (embed mode): restores nothing, saves nothing, warns about nothing', async () => {
    const b = newBrowser();
    const first = await b.tab();
    first.app.edit('sum', '(module (memory 1))');
    await first.session.flush();
    const t = await b.tab({ env: { ephemeral: true } });
    expect(t.app.functions.map((f) => f.source)).toEqual([wat('sum').source]);
    t.app.edit('sum', '(module (memory 2))');
    await b.clock.advance(2000);
    expect((await b.stored()).ws?.functions[0].source).toEqual({ kind: 'wat', text: '(module (memory 1))' });
    expect(t.app.notices).toEqual([]);
    expect(t.session.state.persistent).toBe(false);
  });

  it('reports a full storage with an "Export to file" action that downloads the workspace', async () => {
    const b = newBrowser();
    const t = await b.tab({
      env: {
        openStore: async (options) => {
          const store = await openStore(options);
          store.saveWorkspace = async () => {
            throw new StorageError('quota', 'The browser’s storage for this site is full.');
          };
          return store;
        },
      },
    });
    t.app.edit('sum', '(module)');
    await idle(b, 300);
    t.app.edit('sum', '(module (memory 1))');
    await idle(b, 300);
    const errors = t.app.notices.filter((n) => n.kind === 'error');
    expect(errors).toHaveLength(1); // not one per failed save
    expect(errors[0].message).toContain('full');
    expect(errors[0].action?.label).toBe('Export to file');
    errors[0].action!.run();
    expect(t.downloads).toHaveLength(1);
    expect(t.downloads[0].name).toMatch(/^nanofaas-workspace-\d{4}-\d\d-\d\d\.nanofaas\.json$/);
    expect(t.downloads[0].text).toContain('(module (memory 1))');
  });

  it('shows unreadable saved data as a warning, starts, and keeps the data aside', async () => {
    const b = newBrowser();
    (await openStore({ indexedDB: b.indexedDB })).close(); // creates the schema
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = b.indexedDB.open('nanofaas');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    await new Promise((resolve, reject) => {
      const tx = db.transaction('workspace', 'readwrite');
      tx.objectStore('workspace').put(
        { schema: 2, revision: 4, savedAt: 0, tabId: 'x', workspace: 7 },
        'current',
      );
      tx.oncomplete = resolve;
      tx.onerror = reject;
    });
    db.close();
    const t = await b.tab();
    const warning = t.app.notices.find((n) => n.kind === 'warning');
    expect(warning?.message).toMatch(/could not be read/);
    expect(warning?.message).toMatch(/kept aside/);
    expect(t.app.functions.map((f) => f.name)).toEqual(['sum']);
    const store = await openStore({ indexedDB: b.indexedDB });
    expect(await store.getMeta(BACKUP_META_KEY)).toMatchObject({ record: { workspace: 7 } });
    store.close();
  });
});

describe('share links', () => {
  const sharer = () => {
    const ws: Workspace = {
      functions: [
        {
          ...wat('fib', '(module (func (export "fib") (param i32) (result i32) local.get 0))'),
          config: { ...DEFAULT_FUNCTION_CONFIG, timeoutMs: 1234 },
          run: { export: 'fib', args: ['10'] },
        },
        wat('other'),
      ],
      platform: { ...DEFAULT_PLATFORM_CONFIG, maxWorkers: 2 },
      features: { simd: true, tail_call: true },
      open: 'fib',
    };
    return ws;
  };

  it('opens a link as a shared function, unsaved, and removes the fragment once kept', async () => {
    const b = newBrowser();
    const mine = await b.tab();
    mine.app.edit('sum', '(module)');
    await idle(b, 300);

    const link = encodeShare(sharePayloadForFunction(sharer(), 'fib'));
    const t = await b.tab({ hash: link });
    expect(t.started.openedLink).toBe(true);
    expect(t.history.replaceState).not.toHaveBeenCalled(); // until Keep or Discard
    const shared = t.app.functions.find((f) => f.name === 'fib (shared)')!;
    expect(shared.shared).toBe(true);
    expect(shared.config.timeoutMs).toBe(1234);
    expect(shared.run).toEqual({ export: 'fib', args: ['10'] });
    expect(t.app.open).toBe('fib (shared)');
    expect(t.app.features.tail_call).toBe(true); // turned on: the code may need it
    expect(t.session.state.shared).toEqual(['fib (shared)']);

    // Edits elsewhere are saved, but without the shared function or the feature the link turned on.
    t.app.edit('sum', '(module (memory 2))');
    await idle(b, 300);
    const saved = (await b.stored()).ws!;
    expect(saved.functions.map((f) => f.name)).toEqual(['sum']);
    expect(saved.open).toBe('sum');
    expect(saved.features.tail_call).toBe(false);

    await t.session.keepShared();
    expect(t.history.replaceState).toHaveBeenCalledWith(null, '', '/');
    await idle(b, 300);
    const kept = (await b.stored()).ws!;
    expect(kept.functions.map((f) => f.name)).toEqual(['sum', 'fib (shared)']);
    expect(kept.functions[1].shared).toBeUndefined();
    expect(kept.features.tail_call).toBe(true);
    expect(t.session.state.shared).toEqual([]);
  });

  it('Discard removes the shared functions and puts the settings back', async () => {
    const b = newBrowser();
    const link = encodeShare(sharePayloadForWorkspace(sharer()));
    const t = await b.tab({ hash: link });
    expect(t.openInitial).not.toHaveBeenCalled(); // a link shows what it carries
    expect(t.app.functions.map((f) => f.name)).toEqual(['fib (shared)', 'other (shared)']);
    expect(t.app.platform.maxWorkers).toBe(2);
    await t.session.discardShared();
    expect(t.app.removed).toEqual(['fib (shared)', 'other (shared)']);
    expect(t.app.platform.maxWorkers).toBe(DEFAULT_PLATFORM_CONFIG.maxWorkers);
    expect(t.app.features.tail_call).toBe(false);
    expect(t.app.functions.map((f) => f.name)).toEqual(['sum']); // never blank
  });

  it('a reload before Keep or Discard opens the link again; after Discard it does not', async () => {
    const b = newBrowser();
    const mine = await b.tab();
    mine.app.edit('sum', '(module (memory 3))');
    await idle(b, 300);
    mine.session.dispose();
    const link = encodeShare(sharePayloadForFunction(sharer(), 'fib'));
    const first = await b.tab({ hash: link });
    first.session.dispose();

    // The reload: the same address, the saved workspace, and the lecturer's code again, once.
    const reloaded = await b.tab({ hash: first.location.hash });
    expect(reloaded.app.functions.map((f) => f.name)).toEqual(['sum', 'fib (shared)']);
    expect(reloaded.app.functions[0].source).toEqual({ kind: 'wat', text: '(module (memory 3))' });
    expect(reloaded.session.state.shared).toEqual(['fib (shared)']);

    await reloaded.session.discardShared();
    expect(reloaded.location.hash).toBe('');
    reloaded.session.dispose();
    const again = await b.tab({ hash: reloaded.location.hash });
    expect(again.app.functions.map((f) => f.name)).toEqual(['sum']);
  });

  it('names shared functions uniquely', () => {
    expect(sharedName('sum', new Set())).toBe('sum (shared)');
    expect(sharedName('sum', new Set(['sum (shared)']))).toBe('sum (shared 2)');
  });

  it('a damaged link loads nothing and says so', async () => {
    const b = newBrowser();
    const link = encodeShare(sharePayloadForFunction(sharer(), 'fib'));
    const tampered = link.slice(0, 20) + (link[20] === 'A' ? 'B' : 'A') + link.slice(21);
    const t = await b.tab({ hash: tampered });
    expect(t.started.openedLink).toBe(false);
    expect(t.app.functions.map((f) => f.name)).toEqual(['sum']);
    const error = t.app.notices.find((n) => n.kind === 'error');
    expect(error?.message).toMatch(/Nothing was loaded/);
    expect(t.history.replaceState).toHaveBeenCalled();
  });

  it('opens a link pasted into the address bar of an open tab (hashchange)', async () => {
    const b = newBrowser();
    const t = await b.tab();
    t.location.hash = encodeShare(sharePayloadForFunction(sharer(), 'fib'));
    t.win.dispatchEvent(new Event('hashchange'));
    expect(t.app.functions.map((f) => f.name)).toEqual(['sum', 'fib (shared)']);
  });

  it('opens a link pasted while the tab is still restoring, once it has started', async () => {
    const b = newBrowser();
    const link = encodeShare(sharePayloadForFunction(sharer(), 'fib'));
    const t = await b.tab({
      whileStarting: ({ location, win }) => {
        location.hash = link;
        win.dispatchEvent(new Event('hashchange'));
      },
    });
    await Promise.resolve();
    // Opened once: by the start, which saw it in the address bar, or by the hashchange, not both.
    expect(t.app.functions.map((f) => f.name)).toEqual(['fib (shared)']);
  });
});

describe('several tabs', () => {
  it('a tab that hears of a newer save stops saving until the user chooses', async () => {
    const b = newBrowser();
    const a = await b.tab();
    a.app.edit('sum', '(module)');
    await idle(b, 300);
    const bTab = await b.tab();
    expect(bTab.app.functions[0].source).toEqual({ kind: 'wat', text: '(module)' });

    a.app.edit('sum', '(module (memory 1))');
    await idle(b, 300);
    expect(bTab.session.state.conflict?.revision).toBe(2);

    bTab.app.edit('sum', '(module (memory 9))'); // not saved over A's
    await idle(b, 300);
    bTab.win.dispatchEvent(new Event('pagehide'));
    await idle(b);
    expect((await b.stored()).ws?.functions[0].source).toEqual({ kind: 'wat', text: '(module (memory 1))' });

    await bTab.session.keepMine();
    await idle(b);
    expect(bTab.session.state.conflict).toBeNull();
    expect((await b.stored()).ws?.functions[0].source).toEqual({ kind: 'wat', text: '(module (memory 9))' });
    expect(a.session.state.conflict?.revision).toBe(3); // and now A is told
  });

  it('"Reload to see them" reloads without saving', async () => {
    const b = newBrowser();
    const a = await b.tab();
    const c = await b.tab();
    a.app.edit('sum', '(module)');
    await idle(b, 300);
    expect(c.session.state.conflict).not.toBeNull();
    c.session.reloadForNewer();
    expect(c.location.reload).toHaveBeenCalled();
  });
});

describe('files', () => {
  it('exports and imports (merge and replace) with the history', async () => {
    const b = newBrowser();
    const t = await b.tab();
    t.app.addFunction(wat('fib'));
    t.platform.invoke('sum');
    t.platform.invoke('fib');
    t.session.exportFile({ includeHistory: true });
    const text = t.downloads[0].text;

    const other = newBrowser();
    const u = await other.tab();
    u.app.edit('sum', '(module (memory 3))');
    u.platform.invoke('sum');
    const file = u.session.readFile(text);
    const merge = u.session.previewImport(file, 'merge');
    expect(merge.added).toEqual(['fib']);
    expect(merge.replaced).toEqual(['sum']);

    await u.session.applyImport(file, 'merge', { includeHistory: true });
    expect(u.app.functions.map((f) => f.name)).toEqual(['sum', 'fib']);
    const ids = u.platform.invocations().map((i) => i.id);
    expect(new Set(ids).size).toBe(3); // the file's #1 did not collide with this tab's #1
    await idle(other, 500);
    expect((await other.stored()).ws?.functions.map((f) => f.name)).toEqual(['sum', 'fib']);
    expect((await other.stored()).history).toHaveLength(3);

    await u.session.applyImport(
      u.session.readFile(exportWorkspaceFile({ ...t.app.workspace(), functions: [wat('only')] })),
      'replace',
      {
        includeHistory: false,
      },
    );
    expect(u.app.functions.map((f) => f.name)).toEqual(['only']);
    expect(u.app.removed).toEqual(['sum', 'fib']);
    other.dispose();
  });

  it('downloads a share payload as a workspace file that imports', async () => {
    const b = newBrowser();
    const t = await b.tab();
    t.session.downloadShare(sharePayloadForFunction(t.app.workspace(), 'sum'));
    expect(t.downloads[0].name).toBe('sum.nanofaas.json');
    expect(t.session.readFile(t.downloads[0].text).workspace.functions.map((f) => f.name)).toEqual(['sum']);
  });
});

describe('withUniqueIds', () => {
  it('renumbers only duplicates, above every id in use', () => {
    const out = withUniqueIds([invocation(1, 'a'), invocation(2, 'a'), invocation(2, 'b')], [1]);
    expect(out.map((i) => i.id)).toEqual([3, 2, 4]);
  });
});

describe('robustness', () => {
  it('a sample that fails to open is reported and saving still works', async () => {
    const b = newBrowser();
    const app = new FakeApp();
    const session = new Session(app, new FakePlatform(), {
      location: { hash: '', pathname: '/', search: '', reload: vi.fn() },
      history: { state: null, replaceState: vi.fn() },
      window: new EventTarget(),
      document: Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState }),
      download: vi.fn(),
      indexedDB: b.indexedDB,
      timers: b.clock.timers,
    });
    await session.start({
      openInitial: async () => {
        throw new Error('network down');
      },
    });
    expect(app.notices[0].message).toContain('network down');
    app.addFunction(wat('mine'));
    await idle(b, 300);
    expect((await b.stored()).ws?.functions.map((f) => f.name)).toEqual(['mine']);
    session.dispose();
  });
});
