// Multi-tab awareness: each tab announces its saves on a BroadcastChannel; a tab that hears about a
// revision newer than the one it last loaded or saved calls `onNewerState`, so the UI can say
// "Another tab saved newer changes at 14:03. Reload to see them / Keep mine".
//
// Message on the channel: { type: 'saved', tabId, revision, savedAt } (revision as returned by
// WorkspaceStore.saveWorkspace; savedAt in epoch ms). Pure logic; the channel is injectable.

export const DEFAULT_TAB_CHANNEL = 'nanofaas-workspace';

export interface SavedMessage {
  type: 'saved';
  tabId: string;
  revision: number;
  savedAt: number;
}

export interface NewerStateInfo {
  tabId: string;
  revision: number;
  savedAt: number;
}

/** The part of BroadcastChannel this module uses. */
export interface BroadcastChannelLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
}

export interface TabSyncOptions {
  channelName?: string;
  tabId: string;
  /** Default: the global BroadcastChannel; without one the sync only tracks revisions locally. */
  BroadcastChannelImpl?: new (name: string) => BroadcastChannelLike;
  onNewerState?: (info: NewerStateInfo) => void;
}

export interface TabSync {
  readonly tabId: string;
  /** Highest revision this tab has loaded or saved. */
  readonly knownRevision: number;
  /** Newest revision another tab announced beyond knownRevision, until loaded, saved over or dismissed. */
  readonly pending: NewerStateInfo | null;
  /** After loading the stored workspace (LoadedWorkspace.revision). */
  noteLoaded(revision: number): void;
  /** After this tab saved: records the revision and tells the other tabs. */
  announceSaved(info: { revision: number; savedAt?: number }): void;
  /** "Keep mine": forget the pending notice (a later, newer save notifies again). */
  dismiss(): void;
  close(): void;
}

function isSavedMessage(data: unknown): data is SavedMessage {
  if (typeof data !== 'object' || data === null) return false;
  const m = data as Record<string, unknown>;
  return (
    m.type === 'saved' &&
    typeof m.tabId === 'string' &&
    typeof m.revision === 'number' &&
    Number.isFinite(m.revision) &&
    typeof m.savedAt === 'number' &&
    Number.isFinite(m.savedAt)
  );
}

/** A random id for this tab (not secret; only tells tabs apart). */
export function newTabId(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `tab-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function createTabSync(options: TabSyncOptions): TabSync {
  const { tabId, onNewerState } = options;
  const Impl =
    options.BroadcastChannelImpl ??
    (globalThis as { BroadcastChannel?: new (name: string) => BroadcastChannelLike }).BroadcastChannel;
  let channel: BroadcastChannelLike | null = null;
  try {
    channel = Impl ? new Impl(options.channelName ?? DEFAULT_TAB_CHANNEL) : null;
  } catch {
    channel = null; // e.g. opaque origins; degrade to local tracking
  }
  let known = 0;
  let pending: NewerStateInfo | null = null;
  /** Highest revision already reported (so a dismissed notice does not come back by itself). */
  let notified = 0;

  const clearPendingUpTo = (revision: number) => {
    if (pending && pending.revision <= revision) pending = null;
  };

  if (channel) {
    channel.onmessage = (event) => {
      const data = event.data;
      if (!isSavedMessage(data) || data.tabId === tabId) return;
      if (data.revision <= Math.max(known, notified)) return;
      notified = data.revision;
      pending = { tabId: data.tabId, revision: data.revision, savedAt: data.savedAt };
      onNewerState?.(pending);
    };
  }

  return {
    tabId,
    get knownRevision() {
      return known;
    },
    get pending() {
      return pending;
    },
    noteLoaded(revision) {
      known = Math.max(known, revision);
      clearPendingUpTo(revision);
    },
    announceSaved({ revision, savedAt = Date.now() }) {
      known = Math.max(known, revision);
      clearPendingUpTo(revision);
      const message: SavedMessage = { type: 'saved', tabId, revision, savedAt };
      try {
        channel?.postMessage(message);
      } catch {
        // channel closed; nothing to tell
      }
    },
    dismiss() {
      pending = null;
    },
    close() {
      if (channel) {
        channel.onmessage = null;
        channel.close();
        channel = null;
      }
    },
  };
}

/** "Another tab saved newer changes at 14:03." (local time). */
export function describeNewerState(info: NewerStateInfo): string {
  const d = new Date(info.savedAt);
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  return `Another tab saved newer changes at ${hh}:${mm}.`;
}
