// Persistence of the workspace and the invocation history in IndexedDB (via `idb`).
//
// Database `nanofaas`, schema version SCHEMA_VERSION, object stores:
//   workspace  key 'current' → WorkspaceRecord { schema, savedAt, tabId, revision, workspace }
//   historyBatches  key `end` → HistoryBatch: the invocations one append stored, oldest first
//              (structured clone: bigint and Uint8Array survive as they are); multi-entry index
//              `fns` on the functions the batch holds. `end` numbers the batch's last record among
//              all ever appended, so the newest n records are one key range, and a flush of 5,000
//              records is one row instead of 5,000.
//   meta       string key → anything small (e.g. 'workspace-backup', see loadWorkspace; 'exit-save:…',
//              see saveOnExit)
//
// Schema history (MIGRATIONS[i] upgrades version i to i + 1; never edit a released entry, append):
//   1  workspace / history (autoIncrement) / meta; the Workspace itself stored under 'current'
//   2  history index `fn`; 'current' wrapped in a WorkspaceRecord (revision 0 for migrated data)
//   3  history in batches: `history` (a row per invocation) becomes `historyBatches`
//
// Every storage failure surfaces as a StorageError with `kind` 'quota' | 'unavailable' | 'other',
// so the UI can offer "export to file" instead of losing work.
import { wrap, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { Invocation } from '../platform/types';
import { blobOf, rememberBlob } from './blobs';
import { defaultJournalStorage, ExitJournal, type JournalStorage } from './exit-journal';
import type { Workspace, WorkspaceFunction } from './types';
import {
  cloneInvocation,
  cloneWorkspace,
  isFiniteNumber,
  isPlainObject,
  readInvocations,
  readWorkspace,
} from './validate';

export const DB_NAME = 'nanofaas';
export const DEFAULT_HISTORY_LIMIT = 100_000;

export const STORE_WORKSPACE = 'workspace';
export const STORE_HISTORY = 'historyBatches';
export const STORE_META = 'meta';
export const WORKSPACE_KEY = 'current';
export const BACKUP_META_KEY = 'workspace-backup';
/** Key prefix (+ tab id) of the records saveOnExit writes to `meta`. */
export const EXIT_META_PREFIX = 'exit-save:';

/** Schemas 1 and 2 kept a row per invocation here; migration 2 → 3 moves them into batches. */
const STORE_HISTORY_V2 = 'history';
/** Invocations per batch when migrating a row-per-invocation history. */
const MIGRATION_BATCH = 1000;

/**
 * A row of the history store: the records of one append, oldest first. They are the records
 * numbered end − records.length + 1 … end among all ever appended (`end` is the key; trimming
 * shortens a batch from the front and keeps its end).
 */
interface HistoryBatch {
  end: number;
  /** The functions of its records, for the `fns` index. */
  fns: string[];
  records: readonly unknown[];
}

function isHistoryBatch(v: unknown): v is HistoryBatch {
  return isPlainObject(v) && isFiniteNumber(v.end) && Array.isArray(v.fns) && Array.isArray(v.records);
}

/** One invocation among the stored ones, whoever wrote it (ids restart with each page). */
function historyIdentity(inv: unknown): string {
  return isPlainObject(inv) ? `${String(inv.fn)}\u0000${String(inv.id)}\u0000${String(inv.enqueuedAt)}` : '';
}

function functionsOf(records: readonly unknown[]): string[] {
  const names = new Set<string>();
  for (const r of records) if (isPlainObject(r) && typeof r.fn === 'string') names.add(r.fn);
  return [...names];
}

/**
 * Uploaded modules at least this big are stored as Blobs: IndexedDB then keeps a handle instead of
 * serialising (and compressing) the bytes on the main thread, ~0.3 s per save for a 30 MB module.
 * Records hold either form; loadWorkspace reads both.
 */
export const BLOB_MIN_BYTES = 256 * 1024;

/** A workspace as stored: big uploaded bytes may be a Blob (see BLOB_MIN_BYTES). */
export type StoredWorkspace = Omit<Workspace, 'functions'> & {
  functions: (Omit<WorkspaceFunction, 'source'> & {
    source: WorkspaceFunction['source'] | { kind: 'wasm'; bytes: Blob };
  })[];
};

function storable(ws: Workspace): StoredWorkspace {
  const copy = cloneWorkspace(ws);
  return {
    ...copy,
    functions: copy.functions.map((f) => {
      if (f.source.kind !== 'wasm' || f.source.bytes.length < BLOB_MIN_BYTES || typeof Blob !== 'function')
        return f;
      const bytes = f.source.bytes;
      // The uploaded File itself when known; else one copy, kept so saving again copies nothing.
      let blob = blobOf(bytes);
      if (!blob) rememberBlob(bytes, (blob = new Blob([bytes as Uint8Array<ArrayBuffer>])));
      return { ...f, source: { kind: 'wasm', bytes: blob } };
    }),
  };
}

/** Reads stored Blobs back into bytes, in place, before the record is validated. */
async function readBlobs(workspace: unknown): Promise<void> {
  if (!isPlainObject(workspace) || !Array.isArray(workspace.functions)) return;
  for (const f of workspace.functions) {
    const source: unknown = isPlainObject(f) ? f.source : null;
    if (!isPlainObject(source) || typeof Blob !== 'function' || !(source.bytes instanceof Blob)) continue;
    try {
      const blob = source.bytes;
      const bytes = new Uint8Array(await blob.arrayBuffer());
      rememberBlob(bytes, blob);
      source.bytes = bytes;
    } catch {
      // Unreadable: readWorkspace reports the function as one it could not restore.
    }
  }
}

export interface WorkspaceRecord {
  /** SCHEMA_VERSION of the code that wrote the record. */
  schema: number;
  savedAt: number;
  tabId: string;
  /** Increments on every save (any tab); 0 for data migrated from schema 1. */
  revision: number;
  workspace: StoredWorkspace;
}

/** What saveOnExit leaves in `meta` for the next start. */
interface ExitRecord {
  tabId: string;
  revision: number;
  savedAt: number;
  workspace?: StoredWorkspace;
  history: Invocation[];
}

function isExitRecord(v: unknown): v is ExitRecord {
  return (
    isPlainObject(v) &&
    typeof v.tabId === 'string' &&
    isFiniteNumber(v.revision) &&
    isFiniteNumber(v.savedAt) &&
    Array.isArray(v.history)
  );
}

/**
 * One exit record per tab, oldest first: of a tab's copies in the database and in the journal,
 * the newer; equally new, the database's (it also holds the history a big record's journal copy
 * leaves out).
 */
function newestPerTab(stored: ExitRecord[], journaled: ExitRecord[]): ExitRecord[] {
  const byTab = new Map<string, ExitRecord>();
  for (const r of [...stored, ...journaled]) {
    const had = byTab.get(r.tabId);
    if (!had || r.savedAt > had.savedAt) byTab.set(r.tabId, r);
  }
  return [...byTab.values()].sort((a, b) => a.savedAt - b.savedAt);
}

/** Database handle as migrations see it: untyped, because each one sees a different schema. */
export type MigrationDb = IDBPDatabase<unknown>;
export type MigrationTx = IDBPTransaction<unknown, string[], 'versionchange'>;
export type Migration = (db: MigrationDb, tx: MigrationTx) => void | Promise<void>;

/** MIGRATIONS[i] upgrades a database at version i to version i + 1. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  // 0 → 1: initial stores.
  (db) => {
    db.createObjectStore(STORE_WORKSPACE);
    db.createObjectStore(STORE_HISTORY_V2, { autoIncrement: true });
    db.createObjectStore(STORE_META);
  },
  // 1 → 2: look up history by function; the workspace record gains revision bookkeeping.
  async (_db, tx) => {
    tx.objectStore(STORE_HISTORY_V2).createIndex('fn', 'fn');
    const ws = tx.objectStore(STORE_WORKSPACE);
    const old: unknown = await ws.get(WORKSPACE_KEY);
    if (old !== undefined) {
      const record = { schema: 2, savedAt: 0, tabId: 'migrated', revision: 0, workspace: old };
      await ws.put(record, WORKSPACE_KEY);
    }
  },
  // 2 → 3: the history in batches (one row per append), keyed by the number of their last record.
  async (db, tx) => {
    const rows: unknown[] = await tx.objectStore(STORE_HISTORY_V2).getAll();
    db.deleteObjectStore(STORE_HISTORY_V2);
    db.createObjectStore(STORE_HISTORY, { keyPath: 'end' }).createIndex('fns', 'fns', { multiEntry: true });
    const batches = tx.objectStore(STORE_HISTORY);
    for (let i = 0; i < rows.length; i += MIGRATION_BATCH) {
      const records = rows.slice(i, i + MIGRATION_BATCH);
      await batches.put({
        end: i + records.length,
        fns: functionsOf(records),
        records,
      } satisfies HistoryBatch);
    }
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

// ---- Errors -----------------------------------------------------------------------------------

export type StorageErrorKind = 'quota' | 'unavailable' | 'other';

export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly kind: StorageErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const KEEP_WORK = 'Use "Export to file" to keep a copy of your work.';

function errorName(e: unknown): string {
  return typeof e === 'object' && e !== null && 'name' in e && typeof e.name === 'string' ? e.name : '';
}

/** Maps an IndexedDB/DOMException failure to a StorageError with a message for the student. */
export function toStorageError(e: unknown, action: string): StorageError {
  if (e instanceof StorageError) return e;
  const name = errorName(e);
  const detail =
    e instanceof Error && e.message ? ` (${name || 'Error'}: ${e.message})` : name ? ` (${name})` : '';
  switch (name) {
    case 'QuotaExceededError':
    case 'NS_ERROR_DOM_QUOTA_REACHED':
      return new StorageError(
        'quota',
        `The browser's storage for this site is full, so nanofaas could not ${action}. ` +
          `${KEEP_WORK} Clearing the invocation history frees space.`,
        { cause: e },
      );
    case 'VersionError':
      return new StorageError(
        'unavailable',
        `The saved data was written by a newer version of nanofaas, so this page cannot ${action}. ` +
          `Reload the page to update it.`,
        { cause: e },
      );
    case 'InvalidStateError':
    case 'SecurityError':
    case 'UnknownError':
    case 'NotAllowedError':
      return new StorageError(
        'unavailable',
        `The browser's storage is not available, so nanofaas could not ${action}${detail}. ` +
          `This happens in some private windows, when site data is blocked, or after another tab ` +
          `updated nanofaas. ${KEEP_WORK}`,
        { cause: e },
      );
    case 'DataCloneError':
      return new StorageError(
        'other',
        `nanofaas could not ${action}: some of the data cannot be stored${detail}. ${KEEP_WORK}`,
        { cause: e },
      );
    default:
      return new StorageError('other', `nanofaas could not ${action}${detail}. ${KEEP_WORK}`, { cause: e });
  }
}

// ---- Opening ------------------------------------------------------------------------------------

export interface OpenStoreOptions {
  /** Database name (tests use their own). Default `nanofaas`. */
  name?: string;
  /** IDBFactory to use. Default the global `indexedDB`. */
  indexedDB?: IDBFactory;
  /** Another tab opened a newer schema; this connection has been closed. Ask to reload. */
  onVersionChange?: () => void;
  /** Opening waits because an older tab keeps the database open. */
  onBlocked?: () => void;
  /** Invocation records kept (newest). Default 100 000. */
  historyLimit?: number;
  /**
   * Move exit records into place on opening (default true). False for a second connection of the
   * same page (the platform worker's, which writes history batches): the page's own opening does it.
   */
  recoverExitSaves?: boolean;
  /**
   * Where the exit journal (a synchronous second copy of exit records, see exit-journal.ts) goes;
   * null for none. Default: the page's localStorage when the database is the global indexedDB,
   * none when an IDBFactory is passed in (tests pass both).
   */
  exitJournal?: JournalStorage | null;
}

export interface LoadedWorkspace {
  /** Null when nothing was saved yet, or the record was unreadable (see problems). */
  workspace: Workspace | null;
  /** Sentences for the student; empty when everything loaded. */
  problems: string[];
  /** Revision of the loaded record (0 when none). */
  revision: number;
  savedAt: number | null;
  tabId: string | null;
}

export interface LoadedHistory {
  /** Oldest first. */
  invocations: Invocation[];
  problems: string[];
}

export interface WorkspaceStore {
  readonly name: string;
  readonly historyLimit: number;
  loadWorkspace(): Promise<LoadedWorkspace>;
  /** Saves and returns the new revision (previous revision + 1). */
  saveWorkspace(ws: Workspace, options: { tabId: string }): Promise<number>;
  /**
   * Appends in one transaction and deletes the oldest records beyond historyLimit. `unlessStored`:
   * skips records the newest stored ones already hold (a batch another writer may have stored).
   */
  appendHistory(invocations: readonly Invocation[], options?: { unlessStored?: boolean }): Promise<void>;
  /** Newest `limit` records (default historyLimit), oldest first; optionally of one function. */
  loadHistory(limit?: number, options?: { fn?: string }): Promise<LoadedHistory>;
  clearHistory(): Promise<void>;
  /**
   * For a page that is going away (beforeunload, pagehide): writes what is unsaved as an exit
   * record in `meta`, in one request committed at once. Browsers drop a transaction that still
   * waits for a callback when the page goes (saveWorkspace reads the revision before it writes),
   * drop one that was not committed, and may make this one wait behind such a dying one if it
   * shared its stores; so it goes to `meta`, and the next openStore() moves it into place.
   * Chromium still drops some such writes, so a copy also goes to the exit journal (Web Storage,
   * see exit-journal.ts). `revision` is the caller's last known revision + 1.
   */
  saveOnExit(data: {
    workspace?: Workspace;
    tabId: string;
    revision: number;
    history?: readonly Invocation[];
  }): Promise<void>;
  /** Forgets this tab's exit record (the page came back from the back/forward cache). */
  discardExitSave(tabId: string): Promise<void>;
  /** Changes the bound and trims the stored history to it. */
  setHistoryLimit(limit: number): Promise<void>;
  getMeta(key: string): Promise<unknown>;
  setMeta(key: string, value: unknown): Promise<void>;
  close(): void;
}

function openDatabase(
  factory: IDBFactory,
  name: string,
  options: OpenStoreOptions,
): Promise<IDBPDatabase<unknown>> {
  const request = factory.open(name, SCHEMA_VERSION);
  const opened = wrap(request) as Promise<IDBPDatabase<unknown>>;
  request.addEventListener('upgradeneeded', (event) => {
    const db = wrap(request.result) as MigrationDb;
    const tx = wrap(request.transaction!) as unknown as MigrationTx;
    const from = event.oldVersion;
    const to = event.newVersion ?? SCHEMA_VERSION;
    void (async () => {
      try {
        for (let v = from; v < to; v++) await MIGRATIONS[v](db, tx);
      } catch (e) {
        console.error(`nanofaas: database migration failed`, e);
        try {
          tx.abort(); // opening then fails with AbortError; the old data stays as it was
        } catch {
          // already finished
        }
      }
    })();
  });
  if (options.onBlocked) request.addEventListener('blocked', () => options.onBlocked?.());
  return opened;
}

export async function openStore(options: OpenStoreOptions = {}): Promise<WorkspaceStore> {
  const name = options.name ?? DB_NAME;
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) {
    throw new StorageError(
      'unavailable',
      `This browser does not offer storage (IndexedDB) to this page, so your work is not saved. ${KEEP_WORK}`,
    );
  }
  let db: IDBPDatabase<unknown>;
  try {
    db = await openDatabase(factory, name, options);
  } catch (e) {
    throw toStorageError(e, 'open its storage');
  }
  db.addEventListener('versionchange', () => {
    db.close();
    options.onVersionChange?.();
  });
  const journalStorage =
    options.exitJournal !== undefined
      ? options.exitJournal
      : options.indexedDB
        ? null
        : defaultJournalStorage();
  const journal = journalStorage ? new ExitJournal(journalStorage, name) : null;
  const store = new IdbWorkspaceStore(db, name, options.historyLimit ?? DEFAULT_HISTORY_LIMIT, journal);
  if (options.recoverExitSaves !== false) await store.recoverExitSaves();
  return store;
}

// ---- The store ----------------------------------------------------------------------------------

type Tx<M extends IDBTransactionMode> = IDBPTransaction<unknown, string[], M>;

class IdbWorkspaceStore implements WorkspaceStore {
  constructor(
    private readonly db: IDBPDatabase<unknown>,
    readonly name: string,
    public historyLimit: number,
    private readonly journal: ExitJournal | null,
  ) {}

  /** Runs `body` in one transaction; resolves after it committed, or throws a StorageError. */
  private async run<T, M extends IDBTransactionMode>(
    action: string,
    stores: string[],
    mode: M,
    body: (tx: Tx<M>) => Promise<T>,
  ): Promise<T> {
    let tx: Tx<M>;
    try {
      tx = this.db.transaction(stores, mode);
    } catch (e) {
      throw toStorageError(e, action);
    }
    const done = tx.done;
    done.catch(() => {}); // observed below; avoid an unhandled rejection when body throws first
    try {
      const result = await body(tx);
      await done;
      return result;
    } catch (e) {
      let cause = e;
      // A failed request aborts the transaction; the transaction's error is the informative one.
      try {
        const txError = (tx as unknown as { error: DOMException | null }).error;
        if (txError && errorName(cause) !== 'QuotaExceededError') cause = txError;
      } catch {
        // ignore: not finished yet
      }
      try {
        tx.abort();
      } catch {
        // already finished
      }
      throw toStorageError(cause, action);
    }
  }

  async loadWorkspace(): Promise<LoadedWorkspace> {
    const raw: unknown = await this.run('load your workspace', [STORE_WORKSPACE], 'readonly', (tx) =>
      tx.objectStore(STORE_WORKSPACE).get(WORKSPACE_KEY),
    );
    const empty: LoadedWorkspace = { workspace: null, problems: [], revision: 0, savedAt: null, tabId: null };
    if (raw === undefined) return empty;
    const problems: string[] = [];
    let result: LoadedWorkspace;
    if (!isPlainObject(raw) || !('workspace' in raw)) {
      problems.push('The saved workspace could not be read, so an empty one was started.');
      result = { ...empty, problems };
    } else {
      await readBlobs(raw.workspace);
      const workspace = readWorkspace(raw.workspace, problems);
      if (!workspace) problems.push('An empty workspace was started instead.');
      result = {
        workspace,
        problems,
        revision: isFiniteNumber(raw.revision) ? raw.revision : 0,
        savedAt: isFiniteNumber(raw.savedAt) ? raw.savedAt : null,
        tabId: typeof raw.tabId === 'string' ? raw.tabId : null,
      };
    }
    if (problems.length) {
      // The next save replaces the record; keep what was there so nothing is lost for good.
      try {
        await this.setMeta(BACKUP_META_KEY, { savedAt: Date.now(), record: raw });
      } catch {
        // best effort
      }
    }
    return result;
  }

  saveWorkspace(ws: Workspace, options: { tabId: string }): Promise<number> {
    const workspace = storable(ws);
    return this.run('save your workspace', [STORE_WORKSPACE], 'readwrite', async (tx) => {
      const store = tx.objectStore(STORE_WORKSPACE);
      const prev: unknown = await store.get(WORKSPACE_KEY);
      const prevRevision = isPlainObject(prev) && isFiniteNumber(prev.revision) ? prev.revision : 0;
      const record: WorkspaceRecord = {
        schema: SCHEMA_VERSION,
        savedAt: Date.now(),
        tabId: options.tabId,
        revision: prevRevision + 1,
        workspace,
      };
      await store.put(record, WORKSPACE_KEY);
      return record.revision;
    });
  }

  /** The number of the newest stored record (0 when there is none). */
  private async lastEnd(tx: Tx<IDBTransactionMode>): Promise<number> {
    const cursor = await tx.objectStore(STORE_HISTORY).openKeyCursor(null, 'prev');
    return cursor ? Number(cursor.key) : 0;
  }

  /** Stores `records` as one batch after the newest one; resolves with the newest number then. */
  private async putBatch(tx: Tx<'readwrite'>, records: readonly Invocation[]): Promise<number> {
    const end = (await this.lastEnd(tx)) + records.length;
    if (records.length)
      await tx
        .objectStore(STORE_HISTORY)
        .put({ end, fns: functionsOf(records), records } satisfies HistoryBatch);
    return end;
  }

  /**
   * Deletes the records older than the newest historyLimit (whole batches, and the front of one).
   * `lastEnd`: the newest record's number, when the caller has just written it.
   */
  private async trim(tx: Tx<'readwrite'>, lastEnd?: number): Promise<void> {
    const cutoff = (lastEnd ?? (await this.lastEnd(tx))) - this.historyLimit; // keep the records numbered above it
    if (cutoff <= 0) return;
    const store = tx.objectStore(STORE_HISTORY);
    await store.delete(IDBKeyRange.upperBound(cutoff));
    const first = await store.openCursor(IDBKeyRange.lowerBound(cutoff, true));
    if (!first || !isHistoryBatch(first.value)) return;
    const batch = first.value;
    const drop = cutoff - (batch.end - batch.records.length);
    if (drop <= 0) return;
    const records = batch.records.slice(drop);
    await first.update({ ...batch, fns: functionsOf(records), records } satisfies HistoryBatch);
  }

  appendHistory(invocations: readonly Invocation[], options: { unlessStored?: boolean } = {}): Promise<void> {
    if (!invocations.length) return Promise.resolve();
    const records = invocations.slice(-Math.max(0, this.historyLimit)).map(cloneInvocation);
    return this.run('save the invocation history', [STORE_HISTORY], 'readwrite', async (tx) => {
      let fresh = records;
      if (options.unlessStored) {
        const stored = await this.recentIdentities(tx, records.length);
        fresh = records.filter((r) => !stored.has(historyIdentity(r)));
      }
      await this.trim(tx, await this.putBatch(tx, fresh));
    });
  }

  /** Who the newest 2 × `n` stored records are (see historyIdentity), to skip what is there already. */
  private async recentIdentities(tx: Tx<IDBTransactionMode>, n: number): Promise<Set<string>> {
    if (n <= 0) return new Set();
    return new Set((await this.recordsAfter(tx, (await this.lastEnd(tx)) - 2 * n)).map(historyIdentity));
  }

  /** The raw records numbered above `after`, oldest first (a row that is not a batch as it is). */
  private async recordsAfter(tx: Tx<IDBTransactionMode>, after: number): Promise<unknown[]> {
    const rows: unknown[] = await tx.objectStore(STORE_HISTORY).getAll(IDBKeyRange.lowerBound(after, true));
    const out: unknown[] = [];
    for (const row of rows) {
      if (!isHistoryBatch(row)) {
        out.push(row); // reported as unreadable
        continue;
      }
      const skip = Math.max(0, after - (row.end - row.records.length));
      for (let i = skip; i < row.records.length; i++) out.push(row.records[i]);
    }
    return out;
  }

  async loadHistory(limit = this.historyLimit, options: { fn?: string } = {}): Promise<LoadedHistory> {
    const n = Math.max(0, Math.floor(limit));
    const raws: unknown[] = await this.run(
      'load the invocation history',
      [STORE_HISTORY],
      'readonly',
      async (tx) => {
        if (n === 0) return [];
        const fn = options.fn;
        if (fn === undefined) return this.recordsAfter(tx, (await this.lastEnd(tx)) - n);
        const rows: unknown[] = await tx.objectStore(STORE_HISTORY).index('fns').getAll(IDBKeyRange.only(fn));
        return rows
          .flatMap((row) => (isHistoryBatch(row) ? row.records : [row]))
          .filter((r) => !isPlainObject(r) || r.fn === fn)
          .slice(-n);
      },
    );
    const problems: string[] = [];
    return { invocations: readInvocations(raws, problems), problems };
  }

  saveOnExit(data: {
    workspace?: Workspace;
    tabId: string;
    revision: number;
    history?: readonly Invocation[];
  }): Promise<void> {
    const history = (data.history ?? []).slice(-Math.max(0, this.historyLimit)).map(cloneInvocation);
    if (!data.workspace && !history.length) return Promise.resolve();
    const record: ExitRecord = {
      tabId: data.tabId,
      revision: data.revision,
      savedAt: Date.now(),
      history,
      ...(data.workspace ? { workspace: storable(data.workspace) } : {}),
    };
    const written = this.run('save your work', [STORE_META], 'readwrite', async (tx) => {
      const done = tx.objectStore(STORE_META).put(record, EXIT_META_PREFIX + data.tabId);
      (tx as unknown as { commit?: () => void }).commit?.(); // before any await
      await done;
    });
    // After the request is on its way: the journal's copy, with the bytes as they are (no Blobs).
    this.journal?.write({ ...record, workspace: data.workspace });
    return written;
  }

  discardExitSave(tabId: string): Promise<void> {
    this.journal?.remove(tabId);
    return this.run('save its settings', [STORE_META], 'readwrite', async (tx) => {
      await tx.objectStore(STORE_META).delete(EXIT_META_PREFIX + tabId);
    });
  }

  /**
   * Moves exit records (see saveOnExit) into place: a record's workspace replaces the stored one
   * unless someone saved after it (a higher revision, or the same revision from another tab); its
   * invocations are appended. A record found both in the database and in the exit journal counts
   * once. Best effort: on failure the records stay for the next start.
   */
  async recoverExitSaves(): Promise<void> {
    const journaled = this.journal?.readAll() ?? [];
    try {
      await this.run(
        'recover your last changes',
        [STORE_WORKSPACE, STORE_HISTORY, STORE_META],
        'readwrite',
        async (tx) => {
          const meta = tx.objectStore(STORE_META);
          const range = IDBKeyRange.bound(EXIT_META_PREFIX, EXIT_META_PREFIX + '\uffff');
          const keys = await meta.getAllKeys(range);
          if (!keys.length && !journaled.length) return;
          const exits = newestPerTab(
            (await meta.getAll(range)).filter(isExitRecord),
            journaled.map((e) => e.record).filter(isExitRecord),
          );
          const workspaces = tx.objectStore(STORE_WORKSPACE);
          // An append that was under way as the page went may have finished after all: skip what the
          // newest stored records already hold.
          const recent = await this.recentIdentities(
            tx,
            exits.reduce((n, e) => n + e.history.length, 0),
          );
          const recovered: Invocation[] = [];
          let current: unknown = await workspaces.get(WORKSPACE_KEY);
          for (const exit of exits) {
            const revision =
              isPlainObject(current) && isFiniteNumber(current.revision) ? current.revision : 0;
            const tabId = isPlainObject(current) ? current.tabId : undefined;
            const newest =
              current === undefined ||
              exit.revision > revision ||
              (exit.tabId === tabId && exit.revision >= revision);
            if (exit.workspace !== undefined && newest) {
              current = {
                schema: SCHEMA_VERSION,
                savedAt: exit.savedAt,
                tabId: exit.tabId,
                revision: Math.max(exit.revision, revision + 1),
                workspace: exit.workspace,
              } satisfies WorkspaceRecord;
              await workspaces.put(current, WORKSPACE_KEY);
            }
            for (const inv of exit.history) if (!recent.has(historyIdentity(inv))) recovered.push(inv);
          }
          const lastEnd = await this.putBatch(tx, recovered);
          for (const key of keys) await meta.delete(key);
          await this.trim(tx, lastEnd);
        },
      );
      this.journal?.removeKeys(journaled.map((e) => e.key));
    } catch (e) {
      console.warn('nanofaas: could not recover the changes saved as the page closed', e);
    }
  }

  clearHistory(): Promise<void> {
    return this.run('clear the invocation history', [STORE_HISTORY], 'readwrite', async (tx) => {
      await tx.objectStore(STORE_HISTORY).clear();
    });
  }

  setHistoryLimit(limit: number): Promise<void> {
    this.historyLimit = Math.max(0, Math.floor(limit));
    return this.run('trim the invocation history', [STORE_HISTORY], 'readwrite', (tx) => this.trim(tx));
  }

  getMeta(key: string): Promise<unknown> {
    return this.run('read its settings', [STORE_META], 'readonly', (tx) =>
      tx.objectStore(STORE_META).get(key),
    );
  }

  setMeta(key: string, value: unknown): Promise<void> {
    return this.run('save its settings', [STORE_META], 'readwrite', async (tx) => {
      await tx.objectStore(STORE_META).put(value, key);
    });
  }

  close(): void {
    this.db.close();
  }
}
