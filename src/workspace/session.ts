// The workspace session: the glue between the app, the platform and persistence, free of any
// framework. It
//   • restores the saved workspace and invocation history on start (before the default sample);
//   • saves the workspace shortly after every change, and when the tab is hidden or closed;
//   • appends invocation records to the stored history in batches, and clears it with the platform;
//   • notices when another tab saved newer changes (and then stops saving until the user chooses);
//   • opens share links (`#v1/…`) as shared functions that are not saved until the user keeps them,
//     and deploys or runs nothing; the link stays in the address until Keep or Discard, so a reload
//     before then opens it again instead of losing it;
//   • exports and imports workspace files.
//
// Browser globals (location, history, window/document events, IndexedDB, BroadcastChannel, file
// downloads, timers) come in through `SessionEnv`, so tests can swap every one of them.
import type { ClientEvent } from '../platform/client';
import type { HistoryTarget } from '../platform/protocol';
import { uniqueName } from '../platform/rules';
import type { Invocation, PlatformConfig } from '../platform/types';
import {
  createAutosaver,
  createHistoryRecorder,
  realTimers,
  type Autosaver,
  type HistoryRecorder,
  type Timers,
} from './autosave';
import {
  exportWorkspaceFile,
  parseWorkspaceFile,
  previewImport,
  WORKSPACE_FILE_EXTENSION,
  type ImportMode,
  type ImportPreview,
  type ParsedWorkspaceFile,
} from './file';
import { decodeShare, isShareFragment, ShareLinkError, type SharePayload } from './share';
import {
  KEEP_WORK,
  openStore,
  StorageError,
  toStorageError,
  type OpenStoreOptions,
  type WorkspaceStore,
} from './store';
import {
  createTabSync,
  newTabId,
  type BroadcastChannelLike,
  type NewerStateInfo,
  type TabSync,
} from './tabs';
import type { FeatureFlags, Workspace, WorkspaceFunction } from './types';
import { cloneFunction } from './validate';

// ---- What the session needs from its surroundings ---------------------------------------------------

type NoticeKind = 'info' | 'success' | 'warning' | 'error';

/** The part of the UI state (AppState) the session drives. */
export interface SessionApp {
  readonly functions: readonly WorkspaceFunction[];
  readonly open: string | null;
  workspace(): Workspace;
  loadWorkspace(ws: Workspace): void;
  onWorkspaceChange(fn: () => void): () => void;
  addFunction(fn: WorkspaceFunction, options?: { open?: boolean }): string;
  upsertFunction(fn: WorkspaceFunction, options?: { open?: boolean }): void;
  remove(name: string): Promise<void>;
  select(name: string): void;
  setFeatures(features: FeatureFlags): void;
  setPlatformConfig(patch: Partial<PlatformConfig>): void;
  notify(kind: NoticeKind, message: string, action?: { label: string; run: () => void }): number;
}

/** The part of the Platform the session uses. */
export interface SessionPlatform {
  subscribe(listener: (ev: ClientEvent) => void): () => void;
  /**
   * Writes these records (by id) to the history store from the platform worker, off the page's
   * main thread; resolves with the ids it no longer holds. Absent: the page writes them itself.
   */
  persistHistory?(ids: number[], target: HistoryTarget): Promise<number[]>;
  restoreHistory(invocations: Invocation[]): void;
  clearHistory(): void;
  invocations(): Invocation[];
  currentConfig(): PlatformConfig;
}

type Events = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

export interface SessionEnv {
  location: Pick<Location, 'hash' | 'pathname' | 'search' | 'reload'>;
  history: Pick<History, 'replaceState' | 'state'>;
  /** Fires hashchange, pagehide and pageshow. */
  window: Events;
  /** Fires visibilitychange. */
  document: Events & { readonly visibilityState: DocumentVisibilityState };
  /** Saves text as a file for the user (the browser's download). */
  download(filename: string, text: string): void;
  indexedDB?: IDBFactory;
  BroadcastChannel?: new (name: string) => BroadcastChannelLike;
  /** Database name (tests use their own). */
  storeName?: string;
  tabId?: string;
  timers?: Timers;
  /** Injected for tests; default opens IndexedDB through store.ts. */
  openStore?: (options: OpenStoreOptions) => Promise<WorkspaceStore>;
  /**
   * Nothing is restored or saved (embed mode: an iframe in slides shows what its link carries,
   * and a third-party frame often has no storage anyway).
   */
  ephemeral?: boolean;
}

export interface SessionView {
  /** False when the browser gives no storage: nothing is saved (export still works). */
  persistent: boolean;
  /** Another tab saved newer changes; this tab is not saving until the user chooses. */
  conflict: NewerStateInfo | null;
  /** Functions from a share link that are not kept yet, in workspace order. */
  shared: string[];
}

export interface StartOptions {
  /**
   * Opens `?sample=` or, in an empty workspace, the default sample (src/ui/samples.ts); resolves
   * with the default sample's name when it added one.
   */
  openInitial?: () => Promise<string | null>;
}

export interface StartResult {
  /** A saved workspace was restored. */
  restored: boolean;
  /** A share link in the address was opened. */
  openedLink: boolean;
}

/** What the workspace looked like before share links changed its settings (to save and to restore). */
interface BeforeShare {
  features: FeatureFlags;
  platform: PlatformConfig;
  /** The settings right after the link applied them; while they are unchanged, the old ones are saved. */
  appliedFeatures: FeatureFlags;
  appliedPlatform: PlatformConfig | null;
}

const SHARED_SUFFIX = ' (shared)';
/** How long the browser's storage may take to open before the app starts without it. */
export const STORAGE_OPEN_TIMEOUT_MS = 5000;

// ---- Small pure helpers (exported for the tests) ------------------------------------------------------

/** `sum (shared)`, or `sum (shared 2)`, … whichever is free. */
export function sharedName(name: string, taken: ReadonlySet<string>): string {
  const base = `${name}${SHARED_SUFFIX}`;
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${name} (shared ${i})`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * The saved workspace, with what the page got while it was being read (an upload, a function
 * deployed from the console): that stays as it is, under its name (it may be deployed by it), and
 * stays open if it was. A saved function whose name it took is kept under a new name, so nothing
 * of either is lost. `renamed` lists those saved functions' old and new names.
 */
export function withAddedWhileLoading(
  saved: Workspace,
  added: readonly WorkspaceFunction[],
  open: string | null,
): { workspace: Workspace; renamed: [from: string, to: string][] } {
  if (added.length === 0) return { workspace: saved, renamed: [] };
  const taken = new Set(added.map((f) => f.name));
  const renamed: [string, string][] = [];
  const functions = saved.functions.map((f) => {
    const name = uniqueName(taken, f.name);
    if (name === f.name) return f;
    renamed.push([f.name, name]);
    return { ...f, name };
  });
  functions.push(...added);
  return {
    workspace: { ...saved, functions, open: open !== null && taken.has(open) ? open : saved.open },
    renamed,
  };
}

/**
 * Gives records whose id is already taken (by another record or by `taken`) a fresh id above all
 * others. Two tabs number their invocations independently, and the UI keys lists by id.
 */
export function withUniqueIds(records: readonly Invocation[], taken: Iterable<number> = []): Invocation[] {
  const seen = new Set<number>(taken);
  let next = 1;
  for (const id of seen) next = Math.max(next, id + 1);
  for (const r of records) next = Math.max(next, r.id + 1);
  return records.map((r) => {
    if (!seen.has(r.id)) {
      seen.add(r.id);
      return r;
    }
    const copy = { ...r, id: next++ };
    seen.add(copy.id);
    return copy;
  });
}

function sameRecord(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!Object.is(a[k], b[k])) return false;
  return true;
}

function unshared(fn: WorkspaceFunction): WorkspaceFunction {
  const copy = cloneFunction(fn);
  delete copy.shared;
  return copy;
}

function today(now: number): string {
  const d = new Date(now);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A file name made of the function's name, without characters file systems refuse. */
function fileNameFor(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what file systems refuse
  const clean = name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-').replace(/^[.\s]+|[.\s]+$/g, '');
  return (clean || 'function').slice(0, 80);
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

// ---- The session ------------------------------------------------------------------------------

export class Session {
  private store: WorkspaceStore | null = null;
  private tabs: TabSync | null = null;
  private readonly autosaver: Autosaver;
  private readonly recorder: HistoryRecorder<Invocation>;
  private readonly timers: Timers;
  readonly tabId: string;

  private started = false;
  /** start() has finished: links pasted from now on open at once. */
  private startedUp = false;
  private disposed = false;
  /** restoreHistory() announces itself as 'history-cleared'; that one must not clear the store. */
  private restoringHistory = false;
  /**
   * The platform worker failed to write a history batch: the page writes them (see appendHistory)
   * until the platform is restarted.
   */
  private historyHere = false;
  private lastSavedOpen: string | null = null;
  private beforeShare: BeforeShare | null = null;
  private openInitial: StartOptions['openInitial'];
  /** The storage error notice on screen (one at a time, until a save succeeds again). */
  private storageNotice: number | null = null;
  private view: SessionView = { persistent: false, conflict: null, shared: [] };
  private readonly listeners = new Set<(view: SessionView) => void>();
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly app: SessionApp,
    private readonly platform: SessionPlatform,
    private readonly env: SessionEnv,
  ) {
    this.timers = env.timers ?? realTimers;
    this.tabId = env.tabId ?? newTabId();
    this.autosaver = createAutosaver({
      save: () => this.saveWorkspace(),
      onError: (e) => this.reportStorageError(e, 'save your workspace'),
      timers: this.timers,
    });
    this.recorder = createHistoryRecorder<Invocation>({
      append: async (records) => {
        await this.appendHistory(records);
        this.storageRecovered();
      },
      clear: async () => {
        await this.store?.clearHistory();
      },
      onError: (e) => this.reportStorageError(e, 'save the invocation history'),
      timers: this.timers,
    });
  }

  // ---- observing ----------------------------------------------------------------------------

  get state(): SessionView {
    return this.view;
  }

  /** Calls `listener` now and after every change of the view. */
  subscribe(listener: (view: SessionView) => void): () => void {
    this.listeners.add(listener);
    listener(this.view);
    return () => this.listeners.delete(listener);
  }

  private update(patch: Partial<SessionView>): void {
    const next = { ...this.view, ...patch };
    if (
      next.persistent === this.view.persistent &&
      next.conflict === this.view.conflict &&
      next.shared.join('\u0000') === this.view.shared.join('\u0000')
    ) {
      return;
    }
    this.view = next;
    for (const l of this.listeners) l(next);
  }

  // ---- start ----------------------------------------------------------------------------------

  /** Restores, then opens a share link or the initial sample, then starts saving. Call once. */
  async start(options: StartOptions = {}): Promise<StartResult> {
    if (this.started) throw new Error('Session.start() was called twice');
    this.started = true;
    this.openInitial = options.openInitial;
    const { location } = this.env;
    // Listen before the first await: a link pasted into the address bar while the session is still
    // restoring would otherwise be lost. It opens once the start is done, over what it restored.
    let startedUp!: () => void;
    const whenStarted = new Promise<void>((resolve) => (startedUp = resolve));
    /** The link the start itself read from the address bar (not to be opened twice). */
    let initialHash: string | null = null;
    this.listen(this.env.window, 'hashchange', () => {
      const hash = this.env.location.hash;
      if (!isShareFragment(hash)) return;
      if (this.startedUp) this.openLink(hash);
      else void whenStarted.then(() => hash !== initialHash && this.openLink(hash));
    });

    await this.openStorage();
    this.tabs = createTabSync({
      tabId: this.tabId,
      BroadcastChannelImpl: this.env.BroadcastChannel,
      onNewerState: (info) => this.setConflict(info),
    });
    const saved = await this.restoreWorkspace();
    await this.restoreHistory();
    this.cleanups.push(this.platform.subscribe((ev) => this.onPlatform(ev)));

    if (isShareFragment(location.hash)) initialHash = location.hash;
    const link = initialHash !== null ? this.readLink(initialHash) : null;
    const wantsSample = new URLSearchParams(location.search).has('sample');
    // A link shows what it carries: the default sample only opens without one (or when asked for).
    const firstSample = !link || wantsSample ? await this.runOpenInitial() : null;
    // What the user added while the page started (an upload, a deploy from the console) is saved
    // like any later change. The default sample in an empty workspace is not the user's work yet:
    // nothing to save. A `?sample=` added to a restored workspace is.
    const savedNames = new Set(saved?.functions.map((f) => f.name));
    const addedWhileStarting = this.app.functions.some(
      (f) => !savedNames.has(f.name) && f.name !== firstSample,
    );
    const openedLink = link !== null && this.applyShare(link);

    this.cleanups.push(this.app.onWorkspaceChange(() => this.onWorkspaceChange()));
    this.refreshShared();
    if (wantsSample || addedWhileStarting) this.autosaver.schedule();

    // beforeunload comes first on a reload or close and leaves the page more time than pagehide.
    this.listen(this.env.window, 'beforeunload', () => void this.saveOnExit());
    this.listen(this.env.window, 'pagehide', () => void this.saveOnExit());
    this.listen(this.env.window, 'pageshow', (ev) => {
      if ((ev as PageTransitionEvent).persisted) void this.resumeAfterExit();
    });
    this.listen(this.env.document, 'visibilitychange', () => {
      if (this.env.document.visibilityState === 'hidden') void this.flush();
      else void this.checkForNewerSave();
    });
    this.startedUp = true;
    startedUp();
    return { restored: saved !== null, openedLink };
  }

  /**
   * Opens the initial sample; a failure (e.g. offline before anything was cached) is only reported.
   * Resolves with the default sample's name when it added one.
   */
  private async runOpenInitial(): Promise<string | null> {
    try {
      return (await this.openInitial?.()) ?? null;
    } catch (e) {
      this.app.notify('warning', `The sample could not be opened: ${messageOf(e)}`);
      return null;
    }
  }

  private listen(target: Events, type: string, fn: (ev: Event) => void): void {
    target.addEventListener(type, fn);
    this.cleanups.push(() => target.removeEventListener(type, fn));
  }

  private async openStorage(): Promise<void> {
    if (this.env.ephemeral) return;
    const open = this.env.openStore ?? openStore;
    try {
      const opening = open({
        name: this.env.storeName,
        indexedDB: this.env.indexedDB,
        onVersionChange: () => this.onVersionChange(),
        onBlocked: () =>
          this.app.notify(
            'info',
            'nanofaas is updating its storage and waits for other nanofaas tabs: close or reload them.',
          ),
      });
      // Storage that never answers (seen in an iframe under an opaque top-level page) must not
      // keep the app from starting: after a while it runs without saving, and says so.
      let timer: unknown = null;
      const late = new Promise<null>((resolve) => {
        timer = this.timers.setTimeout(() => resolve(null), STORAGE_OPEN_TIMEOUT_MS);
      });
      const store = await Promise.race([opening, late]);
      this.timers.clearTimeout(timer);
      if (!store) {
        void opening.then((s) => s.close()).catch(() => {});
        this.app.notify(
          'warning',
          `The browser's storage did not answer within ${STORAGE_OPEN_TIMEOUT_MS / 1000} s, so this page does not save your work. ${KEEP_WORK}`,
          this.exportAction(),
        );
        return;
      }
      this.store = store;
      this.update({ persistent: true });
    } catch (e) {
      const err = toStorageError(e, 'open its storage');
      this.app.notify('warning', err.message, this.exportAction());
    }
  }

  private onVersionChange(): void {
    // A newer nanofaas opened the database in another tab and this connection was closed.
    this.store = null;
    this.update({ persistent: false });
    this.app.notify(
      'warning',
      'nanofaas was updated in another tab, so this tab can no longer save. Reload it to keep saving ' +
        '(export to a file first if you changed something here).',
      { label: 'Reload', run: () => this.env.location.reload() },
    );
  }

  /** Restores the saved workspace (with what was added meanwhile); resolves with what was saved. */
  private async restoreWorkspace(): Promise<Workspace | null> {
    if (!this.store) return null;
    try {
      const loaded = await this.store.loadWorkspace();
      if (loaded.problems.length) {
        this.app.notify(
          'warning',
          `Some of your saved workspace could not be read: ${loaded.problems.join(' ')} ` +
            'The unreadable data was kept aside, not deleted.',
        );
      }
      this.tabs?.noteLoaded(loaded.revision);
      if (!loaded.workspace) return null;
      const { workspace, renamed } = withAddedWhileLoading(
        loaded.workspace,
        this.app.functions,
        this.app.open,
      );
      this.app.loadWorkspace(workspace);
      this.lastSavedOpen = loaded.workspace.open;
      if (renamed.length)
        this.app.notify(
          'info',
          `Added while your saved workspace loaded, so the saved ${renamed.length === 1 ? 'function' : 'functions'} ` +
            `of the same name ${renamed.length === 1 ? 'is' : 'are'} kept as ${renamed.map(([a, b]) => `"${a}" → "${b}"`).join(', ')}.`,
        );
      return loaded.workspace;
    } catch (e) {
      this.app.notify('warning', toStorageError(e, 'load your workspace').message, this.exportAction());
      return null;
    }
  }

  private async restoreHistory(): Promise<void> {
    if (!this.store) return;
    try {
      const limit = Math.min(this.store.historyLimit, this.platform.currentConfig().historyLimit);
      const { invocations, problems } = await this.store.loadHistory(limit);
      if (problems.length) this.app.notify('warning', `Invocation history: ${problems.join(' ')}`);
      if (invocations.length) {
        const taken = this.platform.invocations().map((i) => i.id);
        this.withHistoryRestoring(() => this.platform.restoreHistory(withUniqueIds(invocations, taken)));
      }
    } catch (e) {
      this.app.notify('warning', toStorageError(e, 'load the invocation history').message);
    }
  }

  private withHistoryRestoring(fn: () => void): void {
    this.restoringHistory = true;
    try {
      fn();
    } finally {
      this.restoringHistory = false;
    }
  }

  // ---- changes ----------------------------------------------------------------------------------

  private onWorkspaceChange(): void {
    this.refreshShared();
    this.autosaver.schedule();
  }

  private onPlatform(ev: ClientEvent): void {
    switch (ev.type) {
      case 'invocation':
        if (this.store) this.recorder.add(ev.invocation);
        break;
      case 'history-cleared':
        if (!this.restoringHistory) void this.recorder.clear();
        break;
      case 'config':
        // Also catches changes made from the console (window.faas.config).
        this.autosaver.schedule();
        break;
      case 'restarted':
        // The page took over the history because the worker failed; a new one gets it back.
        this.historyHere = false;
        break;
    }
  }

  private refreshShared(): void {
    const shared = this.app.functions.filter((f) => f.shared).map((f) => f.name);
    if (shared.length === 0) this.beforeShare = null;
    this.update({ shared });
  }

  /** Saves everything unsaved now (workspace and history). Never rejects. */
  async flush(): Promise<void> {
    await Promise.all([this.autosaver.flush(), this.recorder.flush()]);
  }

  // ---- saving -----------------------------------------------------------------------------------

  /** The workspace as saved: without unkept shared functions or the settings their link changed. */
  persistable(ws: Workspace = this.app.workspace()): Workspace {
    const functions = ws.functions.filter((f) => !f.shared);
    const has = (name: string | null) => name !== null && functions.some((f) => f.name === name);
    const open = has(ws.open)
      ? ws.open
      : has(this.lastSavedOpen)
        ? this.lastSavedOpen
        : (functions[0]?.name ?? null);
    let { features, platform } = ws;
    const before = this.beforeShare;
    if (before) {
      if (sameRecord(features, before.appliedFeatures)) features = before.features;
      if (before.appliedPlatform && sameRecord({ ...platform }, { ...before.appliedPlatform })) {
        platform = before.platform;
      }
    }
    return { functions, open, features, platform };
  }

  /** What the last saveOnExit wrote, in case the page stays after all. */
  private lastExit: { workspace: boolean; history: Invocation[] } | null = null;
  /** Counts exit records written, so a late resume never discards a newer one. */
  private exitCount = 0;

  /**
   * The page is going away (beforeunload, pagehide): what is unsaved goes into one exit record that
   * needs no callback to be written (see WorkspaceStore.saveOnExit) and is moved into place on the
   * next start, so a reload or a closed tab right after a change loses nothing. Nothing is written
   * while another tab's newer save is pending.
   */
  async saveOnExit(): Promise<void> {
    const store = this.store;
    if (!store || this.disposed) return;
    const history = this.recorder.drain();
    const changed = this.autosaver.takeUnsaved();
    if (!changed && !history.length) return;
    // A second exit (beforeunload, then pagehide) replaces the first record: it carries both.
    const previous = this.lastExit;
    this.lastExit = {
      workspace: changed || !!previous?.workspace,
      history: [...(previous?.history ?? []), ...history],
    };
    const workspace = this.lastExit.workspace ? this.persistable() : undefined;
    const count = ++this.exitCount;
    try {
      await store.saveOnExit({
        workspace,
        tabId: this.tabId,
        revision: (this.tabs?.knownRevision ?? 0) + 1,
        history: this.lastExit.history,
      });
    } catch (e) {
      this.resumeUnsaved();
      this.reportStorageError(e, 'save your work');
      return;
    }
    // Still here a moment later (the unload was cancelled, or the page sat in the back/forward
    // cache): back to ordinary saving.
    this.timers.setTimeout(() => {
      if (this.exitCount === count) void this.resumeAfterExit();
    }, 1000);
  }

  /** Saves what the exit record holds the ordinary way, then forgets the record. */
  private async resumeAfterExit(): Promise<void> {
    if (!this.lastExit) return;
    const count = this.exitCount;
    this.resumeUnsaved();
    await this.flush();
    if (this.exitCount !== count || this.lastExit) return; // a newer exit record was written meanwhile
    try {
      await this.store?.discardExitSave(this.tabId);
    } catch {
      // then the next start applies it; it skips what was saved since
    }
  }

  private resumeUnsaved(): void {
    const exit = this.lastExit;
    this.lastExit = null;
    if (!exit) return;
    if (exit.workspace) this.autosaver.schedule();
    for (const r of exit.history) this.recorder.add(r);
  }

  private async saveWorkspace(): Promise<void> {
    const store = this.store;
    if (!store || this.disposed) return;
    const ws = this.persistable();
    const revision = await store.saveWorkspace(ws, { tabId: this.tabId });
    this.lastSavedOpen = ws.open;
    this.tabs?.announceSaved({ revision, savedAt: this.timers.now() });
    this.storageRecovered();
  }

  /**
   * One batch of the history recorder: written by the platform worker when it can (it holds the
   * records; the page sends their ids), else here. What the worker no longer holds, or a batch it
   * could not write, the page writes itself: a failed IndexedDB transaction wrote nothing.
   */
  private async appendHistory(records: Invocation[]): Promise<void> {
    const store = this.store;
    if (!store) return;
    const remote = this.platform.persistHistory;
    if (remote && !this.historyHere) {
      let missing: number[];
      try {
        missing = await remote.call(
          this.platform,
          records.map((r) => r.id),
          {
            name: store.name,
            historyLimit: store.historyLimit,
          },
        );
      } catch (e) {
        // The worker cannot open the store (or was restarted mid-batch): this page writes from now on.
        console.warn('nanofaas: the platform worker could not save the history; the page does', e);
        this.historyHere = true;
        missing = records.map((r) => r.id);
      }
      if (missing.length === 0) return;
      const left = new Set(missing);
      // A worker that failed after its writer committed the batch has stored it already.
      await store.appendHistory(
        records.filter((r) => left.has(r.id)),
        { unlessStored: true },
      );
      return;
    }
    await store.appendHistory(records);
  }

  private storageRecovered(): void {
    this.storageNotice = null;
  }

  private reportStorageError(e: unknown, action: string): void {
    if (this.storageNotice !== null || this.disposed) return;
    const err = e instanceof StorageError ? e : toStorageError(e, action);
    this.storageNotice = this.app.notify('error', err.message, this.exportAction());
  }

  private exportAction() {
    return { label: 'Export to file', run: () => this.exportFile({ includeHistory: false }) };
  }

  // ---- other tabs ----------------------------------------------------------------------------------

  private setConflict(info: NewerStateInfo): void {
    this.autosaver.pause();
    this.update({ conflict: info });
  }

  /** A tab that slept (hidden, frozen, back/forward cache) may have missed the other tabs' messages. */
  private async checkForNewerSave(): Promise<void> {
    const store = this.store;
    const tabs = this.tabs;
    if (!store || !tabs || this.view.conflict) return;
    try {
      const saved = await store.loadWorkspace();
      if (saved.tabId !== null && saved.tabId !== this.tabId && saved.revision > tabs.knownRevision) {
        this.setConflict({
          tabId: saved.tabId,
          revision: saved.revision,
          savedAt: saved.savedAt ?? this.timers.now(),
        });
      }
    } catch {
      // the next save reports storage problems
    }
  }

  /** "Keep mine": this tab's workspace becomes the newest saved one. */
  async keepMine(): Promise<void> {
    this.tabs?.dismiss();
    this.update({ conflict: null });
    this.autosaver.resume();
    await this.autosaver.flush({ force: true });
  }

  /** "Reload to see them" (nothing of this tab is saved on the way out). */
  reloadForNewer(): void {
    this.env.location.reload();
  }

  // ---- share links ----------------------------------------------------------------------------------

  private clearFragment(): void {
    const { location, history } = this.env;
    try {
      history.replaceState(history.state, '', location.pathname + location.search);
    } catch {
      // sandboxed documents may refuse; the link then stays in the address
    }
  }

  /**
   * Opens a share link (`#v1/…`): its functions become new shared functions (not saved until kept),
   * the link's open function is opened, and nothing is deployed or run. A bad link loads nothing
   * and says why. Returns whether anything was loaded.
   */
  openLink(fragment: string): boolean {
    const payload = this.readLink(fragment);
    return payload !== null && this.applyShare(payload);
  }

  /**
   * Decodes a link; null (after saying why, and taking it out of the address so a reload does not
   * repeat the error) when it is bad. A good link stays in the address until Keep or Discard: its
   * shared functions are not saved before then, and a reload must not lose them.
   */
  private readLink(fragment: string): SharePayload | null {
    try {
      const payload = decodeShare(fragment);
      if (payload.functions.length === 0) {
        this.clearFragment();
        this.app.notify('warning', 'This share link contains no functions. Nothing was loaded.');
        return null;
      }
      return payload;
    } catch (e) {
      this.clearFragment();
      const text =
        e instanceof ShareLinkError
          ? e.message
          : `This share link could not be opened (${messageOf(e)}). Nothing was loaded.`;
      this.app.notify('error', text);
      return null;
    }
  }

  private applyShare(payload: SharePayload): boolean {
    const ws = this.app.workspace();
    const before: BeforeShare = this.beforeShare ?? {
      features: ws.features,
      platform: ws.platform,
      appliedFeatures: ws.features,
      appliedPlatform: null,
    };
    this.beforeShare = before;

    const taken = new Set(ws.functions.map((f) => f.name));
    const names = new Map<string, string>();
    for (const fn of payload.functions) {
      const name = sharedName(fn.name, taken);
      taken.add(name);
      names.set(fn.name, name);
      this.app.addFunction({ ...cloneFunction(fn), name, shared: true }, { open: false });
    }
    // The code may need compiler features that are off here: turn those on (never off).
    if (payload.features) {
      const needed = Object.entries(payload.features).filter(([flag, on]) => on && !ws.features[flag]);
      if (needed.length) this.app.setFeatures({ ...ws.features, ...Object.fromEntries(needed) });
    }
    // A whole-workspace link carries the platform settings it was made with.
    if (payload.platform && !sameRecord({ ...ws.platform }, { ...payload.platform })) {
      this.app.setPlatformConfig(payload.platform);
    }
    const now = this.app.workspace();
    before.appliedFeatures = now.features;
    if (payload.platform) before.appliedPlatform = now.platform;

    const open = names.get(payload.open ?? payload.functions[0].name) ?? names.values().next().value;
    if (open !== undefined) this.app.select(open);
    this.refreshShared();
    return true;
  }

  /** "Keep in my workspace": the shared functions become ordinary ones and are saved. */
  async keepShared(): Promise<void> {
    for (const fn of this.app.functions.filter((f) => f.shared)) {
      this.app.upsertFunction(unshared(fn), { open: false });
    }
    this.beforeShare = null;
    this.clearFragment(); // saved now: a reload restores them, the link must not add them again
    this.refreshShared();
    this.autosaver.schedule();
    await this.autosaver.flush();
  }

  /** "Discard": removes the shared functions and puts back the settings the link changed. */
  async discardShared(): Promise<void> {
    const names = this.app.functions.filter((f) => f.shared).map((f) => f.name);
    const before = this.beforeShare;
    this.beforeShare = null;
    this.clearFragment();
    for (const name of names) await this.app.remove(name);
    if (before) {
      const now = this.app.workspace();
      if (sameRecord(now.features, before.appliedFeatures) && !sameRecord(now.features, before.features)) {
        this.app.setFeatures(before.features);
      }
      if (before.appliedPlatform && sameRecord({ ...now.platform }, { ...before.appliedPlatform })) {
        this.app.setPlatformConfig(before.platform);
      }
    }
    const back = this.lastSavedOpen;
    if (back !== null && this.app.functions.some((f) => f.name === back)) this.app.select(back);
    if (this.app.functions.length === 0) await this.runOpenInitial();
    this.refreshShared();
  }

  // ---- files ------------------------------------------------------------------------------------------

  /** Everything in this tab (shared functions too, as ordinary ones), for a file. */
  private exportable(): Workspace {
    const ws = this.app.workspace();
    return { ...ws, functions: ws.functions.map(unshared) };
  }

  /** Downloads the workspace (and, if asked, the invocation history) as a workspace file. */
  exportFile(options: { includeHistory: boolean }): void {
    const history = options.includeHistory ? this.platform.invocations() : undefined;
    const text = exportWorkspaceFile(this.exportable(), history);
    this.env.download(`nanofaas-workspace-${today(this.timers.now())}${WORKSPACE_FILE_EXTENSION}`, text);
  }

  /** Downloads what a share link carries as a workspace file (for links too long to paste). */
  downloadShare(payload: SharePayload): void {
    const ws = this.app.workspace();
    const file: Workspace = {
      functions: payload.functions.map(unshared),
      open: payload.open,
      platform: { ...ws.platform, ...payload.platform },
      features: payload.features ?? ws.features,
    };
    const name =
      payload.platform || payload.functions.length !== 1
        ? `nanofaas-workspace-${today(this.timers.now())}`
        : fileNameFor(payload.functions[0].name);
    this.env.download(`${name}${WORKSPACE_FILE_EXTENSION}`, exportWorkspaceFile(file));
  }

  /** Reads a workspace file. Throws WorkspaceFileError with a message for the user. */
  readFile(text: string): ParsedWorkspaceFile {
    return parseWorkspaceFile(text);
  }

  /** What importing `file` would change. */
  previewImport(file: ParsedWorkspaceFile, mode: ImportMode): ImportPreview {
    return previewImport(this.app.workspace(), file.workspace, mode);
  }

  /**
   * Imports a workspace file: merge (functions by name, the file's win) or replace. The imported
   * functions are the user's (not shared). With `includeHistory`, the file's invocation records are
   * added (replace: instead of the current ones).
   */
  async applyImport(
    file: ParsedWorkspaceFile,
    mode: ImportMode,
    options: { includeHistory: boolean },
  ): Promise<void> {
    const preview = this.previewImport(file, mode);
    const fromFile = new Set(file.workspace.functions.map((f) => f.name));
    const result: Workspace = {
      ...preview.result,
      functions: preview.result.functions.map((f) => (fromFile.has(f.name) ? unshared(f) : f)),
    };
    // Functions that leave the workspace leave the platform too.
    for (const name of preview.removed) await this.app.remove(name);
    this.app.loadWorkspace(result);

    if (options.includeHistory && file.history.length) {
      if (mode === 'replace') this.platform.clearHistory(); // clears the stored history as well
      const records = withUniqueIds(
        file.history,
        this.platform.invocations().map((i) => i.id),
      );
      this.withHistoryRestoring(() => this.platform.restoreHistory(records));
      for (const r of records) this.recorder.add(r);
    }
    this.refreshShared();
    this.autosaver.schedule();
    await this.flush();
  }

  // ---- end ----------------------------------------------------------------------------------------

  dispose(): void {
    this.disposed = true;
    for (const c of this.cleanups.splice(0)) c();
    this.autosaver.dispose();
    this.recorder.dispose();
    this.tabs?.close();
    this.store?.close();
    this.listeners.clear();
  }
}
