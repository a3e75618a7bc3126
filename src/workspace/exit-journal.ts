// The exit journal: a second copy of the exit record (see WorkspaceStore.saveOnExit) in Web Storage.
//
// The exit record goes to IndexedDB in one request committed at once, yet Chromium still drops
// some of those writes when the page goes. Measured on the development machine (Chromium 156,
// 2 busy cores, another store's transaction running every 5 ms): reloading right after such a
// write lost 13 of 1,100 of them (none of 300 without that transaction), so a change made before a
// reload was sometimes gone. Web Storage is synchronous: the same reloads lost none of the copies
// written there. So the record is also written here when it is small enough, and the next start
// takes whichever copy it finds (both: the newer; equally new: the database's, which also holds
// the history).
//
// Values JSON cannot hold are written with the workspace file's tags (toTaggedJson).
import type { Invocation } from '../platform/types';
import { fromTaggedJson, toTaggedJson } from './file';
import type { Workspace } from './types';
import { cloneWorkspace, isPlainObject } from './validate';

/** The part of Web Storage (localStorage) the journal uses. */
export type JournalStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

/**
 * Characters one entry may take: localStorage holds 5–10 MB per site in all, and writing it
 * blocks the page as it goes. A record over it is written without its history, or not at all
 * (the database's copy still is).
 */
export const JOURNAL_MAX_CHARS = 1_000_000;

export interface JournalRecord {
  tabId: string;
  revision: number;
  savedAt: number;
  workspace?: Workspace;
  history: readonly Invocation[];
}

export interface JournalEntry {
  key: string;
  /** Parsed, not validated (the store checks it like a record from the database). */
  record: unknown;
}

/** The page's localStorage, or null where there is none (a worker, Node) or it may not be used. */
export function defaultJournalStorage(): JournalStorage | null {
  try {
    return (globalThis as { localStorage?: JournalStorage }).localStorage ?? null;
  } catch {
    return null; // e.g. a SecurityError when the site's storage is blocked
  }
}

/** A rough upper bound on a value's JSON length, without writing it (a 30 MB module is not). */
function estimate(value: unknown, depth = 0): number {
  if (value instanceof Uint8Array) return Math.ceil(value.length / 3) * 4 + 12;
  if (typeof value === 'string') return value.length * 2 + 2; // escapes at most double it
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + estimate(v, depth + 1) + 1, 2);
  if (isPlainObject(value) && depth < 64) {
    let n = 2;
    for (const [k, v] of Object.entries(value)) n += k.length + 4 + estimate(v, depth + 1);
    return n;
  }
  return 24;
}

export class ExitJournal {
  private readonly prefix: string;

  constructor(
    private readonly storage: JournalStorage,
    /** The database's name: each database keeps its own entries. */
    database: string,
    private readonly maxChars = JOURNAL_MAX_CHARS,
  ) {
    this.prefix = `${database}:exit-save:`;
  }

  /**
   * Writes the record (replacing the tab's earlier one); without its history when that is what
   * makes it too big. Returns what it wrote: 'full', 'workspace' or 'none'. Never throws.
   */
  write(record: JournalRecord): 'full' | 'workspace' | 'none' {
    const key = this.prefix + record.tabId;
    const base = {
      tabId: record.tabId,
      revision: record.revision,
      savedAt: record.savedAt,
      ...(record.workspace ? { workspace: cloneWorkspace(record.workspace) } : {}),
    };
    const tries: ['full' | 'workspace', object][] = [['full', { ...base, history: record.history }]];
    if (record.history.length && record.workspace) tries.push(['workspace', { ...base, history: [] }]);
    for (const [kind, value] of tries) {
      try {
        if (estimate(value) > this.maxChars * 2) continue;
        const text = toTaggedJson(value);
        if (text.length > this.maxChars) continue;
        this.storage.setItem(key, text);
        return kind;
      } catch {
        // quota exceeded, storage blocked: the database's copy is all there is
      }
    }
    this.remove(record.tabId); // an older entry of this tab must not stand in for this record
    return 'none';
  }

  /** Every entry of this database (an unreadable one as null, to be removed with the rest). */
  readAll(): JournalEntry[] {
    const out: JournalEntry[] = [];
    try {
      const keys: string[] = [];
      for (let i = 0; i < this.storage.length; i++) {
        const key = this.storage.key(i);
        if (key?.startsWith(this.prefix)) keys.push(key);
      }
      for (const key of keys) {
        let record: unknown = null;
        try {
          record = fromTaggedJson(this.storage.getItem(key) ?? '');
        } catch {
          // damaged: dropped
        }
        out.push({ key, record });
      }
    } catch {
      // storage blocked
    }
    return out;
  }

  /** Forgets a tab's entry. Never throws. */
  remove(tabId: string): void {
    this.removeKeys([this.prefix + tabId]);
  }

  removeKeys(keys: readonly string[]): void {
    for (const key of keys) {
      try {
        this.storage.removeItem(key);
      } catch {
        // storage blocked
      }
    }
  }
}
