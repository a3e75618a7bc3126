// The UI's state: the user's workspace (what they edit) beside what the platform reports
// (what is deployed and what ran). Components render this and call its actions; they never
// talk to workers themselves.
import { SvelteMap } from 'svelte/reactivity';
import type { Compiler, Diagnostic } from '../platform/compiler';
import type { ClientEvent, PlatformClient } from '../platform/client';
import {
  DEFAULT_FUNCTION_CONFIG,
  DEFAULT_PLATFORM_CONFIG,
  type FunctionConfig,
  type FunctionInfo,
  type Invocation,
  type PlatformConfig,
  type PoolSnapshot,
} from '../platform/types';
import type { FeatureFlags, Workspace, WorkspaceFunction } from '../workspace/types';
import { uniqueName } from '../platform/rules';

export const DEFAULT_FEATURES: FeatureFlags = {
  multi_value: true,
  bulk_memory: true,
  sign_extension: true,
  sat_float_to_int: true,
  mutable_globals: true,
  reference_types: true,
  simd: true,
  tail_call: false,
  threads: false,
  exceptions: false,
  memory64: false,
  extended_const: false,
};

export type NoticeKind = 'info' | 'success' | 'warning' | 'error';
export interface Notice {
  id: number;
  kind: NoticeKind;
  message: string;
  /** Optional action button. */
  action?: { label: string; run: () => void };
}

export interface RunningCall {
  id: number;
  fn: string;
  export: string;
  startedAt: number;
  /** Streamed stdout/stderr so far (WASI). */
  stdout: string;
  stderr: string;
}

/** A list of invocations the UI appends to; `version` bumps once per frame so views re-read it cheaply. */
export class InvocationLog {
  /** Newest last. Not reactive by itself: read `version` to subscribe. */
  items: Invocation[] = [];
  version = $state(0);
  private pending: Invocation[] = [];
  private scheduled = false;

  constructor(private limit: number) {}

  push(inv: Invocation): void {
    this.pending.push(inv);
    if (!this.scheduled) {
      this.scheduled = true;
      // Batch per frame: a load test settles thousands of calls a second.
      const flush = () => this.flush();
      if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
      else setTimeout(flush, 16);
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    this.items.push(...this.pending);
    this.pending = [];
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
    this.version++;
  }

  replace(items: Invocation[]): void {
    this.items = items.slice(-this.limit);
    this.pending = [];
    this.version++;
  }

  clear(): void {
    this.replace([]);
  }
}

let noticeIds = 1;

/** The sidebar's counts and last results refresh at most this often while calls stream in. */
const SETTLED_MS = 100;

export class AppState {
  /** The workspace: every function the user has, deployed or not. */
  functions = $state<WorkspaceFunction[]>([]);
  open = $state<string | null>(null);
  features = $state<FeatureFlags>({ ...DEFAULT_FEATURES });
  platformConfig = $state<PlatformConfig>({ ...DEFAULT_PLATFORM_CONFIG });

  /** What the platform has deployed, by name. */
  deployed = $state<Record<string, FunctionInfo>>({});
  /** Source (or bytes length + hash) each function was last deployed from, to know when Run must redeploy. */
  private deployedFrom = new SvelteMap<string, string>(); // reactive: the sidebar's "changed" marker reads it
  diagnostics = $state<Diagnostic[]>([]);
  /** Compile-as-you-type status of the open WAT. */
  compileState = $state<'idle' | 'compiling' | 'ok' | 'error'>('idle');
  pool = $state<PoolSnapshot>({ workers: [], queueLength: 0, inFlight: 0, idleWorkerMs: 0 });
  running = $state<Record<number, RunningCall>>({});
  /** The last invocation per function, for the sidebar and the Run panel. */
  last = $state<Record<string, Invocation>>({});
  /** Invocation count per function since the page opened (and restored history). */
  counts = $state<Record<string, number>>({});
  notices = $state<Notice[]>([]);
  busy = $state<null | 'deploying' | 'running'>(null);
  /** The panel tab shown; panels register in src/ui/panels/index.ts. */
  panel = $state('run');
  theme = $state<'system' | 'light' | 'dark'>('system');

  readonly log: InvocationLog;
  /** Deploys this page's UI has under way; any other new version came from elsewhere (the console). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, nothing renders from it
  private readonly uiDeploying = new Set<string>();
  /** Versions the workspace is known to match, by name. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, nothing renders from it
  private readonly knownVersions = new Map<string, number>();
  /** Functions deployed for a moment by a tool (the Benchmarks panel); never part of the workspace. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, nothing renders from it
  private readonly temporary = new Set<string>();
  // Plain callbacks, not reactive state: nothing renders from this set.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private listeners = new Set<() => void>();

  /** Called when the editor first shows the open function, or could not load (main.ts starts the workers then). */
  onEditorShown: () => void = () => {};

  constructor(
    readonly platform: PlatformClient,
    readonly compiler: Compiler,
  ) {
    this.log = new InvocationLog(platform.currentConfig().historyLimit);
    this.platformConfig = platform.currentConfig();
    platform.subscribe((ev) => this.onPlatform(ev));
  }

  // ---- derived ------------------------------------------------------------------

  get current(): WorkspaceFunction | undefined {
    return this.functions.find((f) => f.name === this.open);
  }

  get currentDeployed(): FunctionInfo | undefined {
    return this.open ? this.deployed[this.open] : undefined;
  }

  /** True when the open function's source or config differs from what is deployed. */
  needsDeploy(fn: WorkspaceFunction | undefined = this.current): boolean {
    if (!fn) return false;
    const deployed = this.deployedFrom.get(fn.name);
    // Never deployed from here: no need to hash a 30 MB upload to say so.
    return deployed === undefined || deployed !== fingerprint(fn);
  }

  // ---- change notification (persistence listens) ----------------------------------

  /** Called after every change to the workspace; the autosaver subscribes. */
  onWorkspaceChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  workspace(): Workspace {
    return {
      functions: this.functions.map(snapshotFunction),
      ...($state.snapshot({ platform: this.platformConfig, features: this.features }) as Pick<
        Workspace,
        'platform' | 'features'
      >),
      open: this.open,
    };
  }

  /** Replaces the workspace (restore, import); deploys nothing until asked. */
  loadWorkspace(ws: Workspace): void {
    this.functions = ws.functions.map((f) => ({ ...f, config: { ...DEFAULT_FUNCTION_CONFIG, ...f.config } }));
    this.features = { ...DEFAULT_FEATURES, ...ws.features };
    this.platform.setFeatures(this.features);
    try {
      this.platformConfig = this.platform.config({ ...ws.platform });
    } catch (err) {
      this.notify('warning', `Saved platform settings were not valid and were reset: ${message(err)}`);
    }
    this.open =
      ws.open && this.functions.some((f) => f.name === ws.open) ? ws.open : (this.functions[0]?.name ?? null);
    this.changed();
  }

  // ---- workspace edits ---------------------------------------------------------------

  select(name: string): void {
    if (!this.functions.some((f) => f.name === name)) return;
    this.open = name;
    this.diagnostics = [];
    this.changed();
  }

  /** Adds a function, renaming it if the name is taken; returns the name used. */
  addFunction(fn: WorkspaceFunction, { open = true } = {}): string {
    const name = this.uniqueName(fn.name);
    this.functions.push({ ...fn, name, config: { ...DEFAULT_FUNCTION_CONFIG, ...fn.config } });
    if (open) this.open = name;
    this.changed();
    return name;
  }

  /** Adds or replaces a function by name (samples, shared links kept by the user). */
  upsertFunction(fn: WorkspaceFunction, { open = true } = {}): void {
    const i = this.functions.findIndex((f) => f.name === fn.name);
    if (i >= 0) this.functions[i] = fn;
    else this.functions.push(fn);
    if (open) this.open = fn.name;
    this.changed();
  }

  uniqueName(base: string): string {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- the names taken now, not state
    return uniqueName(new Set(this.functions.map((f) => f.name)), base.trim() || 'function');
  }

  setSource(text: string): void {
    const fn = this.current;
    if (!fn || fn.source.kind !== 'wat' || fn.source.text === text) return;
    fn.source = { kind: 'wat', text };
    this.changed();
  }

  setConfig(patch: Partial<FunctionConfig>, name = this.open): void {
    const fn = this.functions.find((f) => f.name === name);
    if (!fn) return;
    fn.config = { ...fn.config, ...patch };
    if ('entry' in patch && !patch.entry) delete fn.config.entry;
    this.changed();
  }

  /**
   * Saves a config change and applies it to the deployed function at once (same version). If the
   * deployed code was current, it stays current, so the next Run does not redeploy for it.
   * Throws (after saving) when the platform refuses the change.
   */
  async applyConfig(patch: Partial<FunctionConfig>, name = this.open): Promise<void> {
    const fn = this.functions.find((f) => f.name === name);
    if (!fn) return;
    const wasCurrent = !!this.deployed[fn.name] && !this.needsDeploy(fn);
    this.setConfig(patch, fn.name);
    if (!this.deployed[fn.name]) return;
    await this.platform.reconfigure(fn.name, $state.snapshot(patch));
    if (wasCurrent) this.deployedFrom.set(fn.name, fingerprint(snapshotFunction(fn)));
  }

  setRun(run: WorkspaceFunction['run'], name = this.open): void {
    const fn = this.functions.find((f) => f.name === name);
    if (!fn) return;
    fn.run = run;
    this.changed();
  }

  setWasi(wasi: WorkspaceFunction['wasi'], name = this.open): void {
    const fn = this.functions.find((f) => f.name === name);
    if (!fn) return;
    fn.wasi = wasi;
    this.changed();
  }

  setFeatures(features: FeatureFlags): void {
    this.features = { ...features };
    this.platform.setFeatures(this.features);
    this.changed();
  }

  setPlatformConfig(patch: Partial<PlatformConfig>): void {
    try {
      this.platformConfig = this.platform.config(patch);
      this.changed();
    } catch (err) {
      this.notify('error', message(err));
    }
  }

  /** Turns an uploaded module into editable WAT (the "Edit as WAT" action). */
  async editAsWat(name = this.open): Promise<void> {
    const fn = this.functions.find((f) => f.name === name);
    if (!fn || fn.source.kind !== 'wasm') return;
    // A snapshot: the $state proxy cannot cross postMessage.
    const text = await this.compiler.disassemble(fn.source.bytes, $state.snapshot(this.features));
    fn.source = { kind: 'wat', text };
    this.changed();
  }

  async remove(name: string): Promise<void> {
    this.functions = this.functions.filter((f) => f.name !== name);
    if (this.deployed[name]) {
      try {
        await this.platform.undeploy(name);
      } catch {
        // already gone
      }
    }
    this.deployedFrom.delete(name);
    if (this.open === name) this.open = this.functions[0]?.name ?? null;
    this.changed();
  }

  rename(from: string, to: string): string | null {
    const fn = this.functions.find((f) => f.name === from);
    const name = to.trim();
    if (!fn || !name || name === from) return null;
    if (this.functions.some((f) => f.name === name)) {
      this.notify('error', `A function named "${name}" already exists`);
      return null;
    }
    fn.name = name;
    if (this.open === from) this.open = name;
    this.changed();
    return name;
  }

  // ---- deploy & run --------------------------------------------------------------------

  /** Deploys the open function; returns its info, or null after telling the user what is wrong. */
  /** Settles when the deploy under way (if any) has finished and `busy` is clear of it. */
  private deployDone: Promise<void> = Promise.resolve();

  /**
   * Run as the Run button and Ctrl+Enter ask for it: now, or right after a deploy under way — a
   * press made while Ctrl+S is still deploying is not lost. Nothing while a call is running.
   */
  requestRun(): void {
    if (!this.current || this.busy === 'running') return;
    if (this.busy === 'deploying') {
      void this.deployDone.then(() => this.busy || void this.run());
      return;
    }
    void this.run();
  }

  async deploy(name = this.open): Promise<FunctionInfo | null> {
    const fn = this.functions.find((f) => f.name === name);
    if (!fn) return null;
    this.busy = 'deploying';
    let finished!: () => void;
    this.deployDone = new Promise((resolve) => (finished = resolve));
    try {
      const snapshot = snapshotFunction(fn);
      const code = snapshot.source.kind === 'wat' ? snapshot.source.text : snapshot.source.bytes;
      this.uiDeploying.add(fn.name);
      let info: FunctionInfo;
      try {
        info = await this.platform.deploy(fn.name, code, snapshot.config);
      } finally {
        this.uiDeploying.delete(fn.name);
      }
      this.knownVersions.set(fn.name, info.version);
      this.deployedFrom.set(fn.name, fingerprint(snapshot));
      if (fn.name === this.open) this.diagnostics = [];
      return info;
    } catch (err) {
      const diags = (err as { diagnostics?: Diagnostic[] }).diagnostics;
      if (diags && fn.name === this.open) {
        this.diagnostics = diags;
        this.compileState = 'error';
      }
      this.notify('error', `Could not deploy "${fn.name}": ${message(err)}`);
      return null;
    } finally {
      this.busy = null;
      finished();
    }
  }

  /**
   * Run: deploys if the source or config changed, then invokes with the Run panel's inputs.
   * Argument errors are reported, never thrown.
   */
  async run(name = this.open): Promise<Invocation | null> {
    const fn = this.functions.find((f) => f.name === name);
    if (!fn) return null;
    if (this.needsDeploy(fn) || !this.deployed[fn.name]) {
      const ok = await this.deploy(fn.name);
      if (!ok) return null;
    }
    const info = this.deployed[fn.name];
    const exportName = fn.run?.export || info.entry || undefined;
    let args = fn.run?.args ?? [];
    // Saved arguments may be left over from before the signature changed: drop them when it takes none.
    const sig = info.module.exports.find(
      (e) => e.kind === 'function' && e.name === (exportName ?? info.entry),
    )?.signature;
    if (sig && sig.params.length === 0) args = [];
    else if (sig && args.length !== sig.params.length) {
      this.panel = 'run';
      this.notify(
        'error',
        `"${exportName ?? info.entry}" takes ${sig.params.length} argument(s) (${sig.params.join(', ')}): fill them in in the Run panel`,
      );
      return null;
    }
    this.busy = 'running';
    try {
      const wasi = info.kind === 'plain' ? {} : wasiOptions(fn);
      const options = $state.snapshot({ export: exportName, ...wasi, trigger: 'ui' as const });
      const call = this.platform.start(fn.name, $state.snapshot(args), options, (id) =>
        this.track(id, fn.name, exportName ?? info.entry),
      );
      const inv = await call.done;
      delete this.running[inv.id];
      return inv;
    } catch (err) {
      this.notify('error', message(err));
      return null;
    } finally {
      this.busy = null;
    }
  }

  /** Stops every running or queued invocation of the open function (the Stop button). */
  stop(name = this.open): void {
    if (!name) return;
    void this.platform.stopAll(name);
  }

  // ---- notices -----------------------------------------------------------------------

  notify(kind: NoticeKind, text: string, action?: Notice['action']): number {
    const id = noticeIds++;
    this.notices.push({ id, kind, message: text, action });
    if (kind === 'success' || kind === 'info') setTimeout(() => this.dismiss(id), 5000);
    return id;
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  // ---- platform events -----------------------------------------------------------------

  private poolScheduled = false;

  private onPlatform(ev: ClientEvent): void {
    switch (ev.type) {
      case 'stopped':
        this.running = {};
        this.deployed = {};
        this.notify(
          'error',
          `The platform stopped: ${ev.reason}. Calls in progress ended as errors; your workspace is safe.`,
          {
            label: 'Restart platform',
            run: () => this.platform.restart(),
          },
        );
        break;
      case 'restarted':
        this.knownVersions.clear();
        this.notify('success', 'The platform restarted. Functions deploy again on their next Run.');
        break;
      case 'invocation': {
        // Reactive state is touched at most every SETTLED_MS, in a frame, not per call: a load test
        // settles thousands a second, and each change to the sidebar's counts is a layout and a paint.
        const inv = ev.invocation;
        this.log.push(inv);
        this.settled.push(inv);
        if (this.settled.length === 1) {
          const wait = this.lastSettledFlush + SETTLED_MS - performance.now();
          if (wait <= 0) requestFrame(() => this.flushSettled());
          else setTimeout(() => requestFrame(() => this.flushSettled()), wait);
        }
        break;
      }
      case 'dispatched': {
        // Only calls started from the UI are tracked as "running" with streamed output; load tests are not.
        this.schedulePool();
        break;
      }
      case 'output': {
        const call = this.running[ev.id];
        if (call) {
          const text = new TextDecoder().decode(ev.chunk);
          if (ev.fd === 1) call.stdout += text;
          else call.stderr += text;
        }
        break;
      }
      case 'functions': {
        const next: Record<string, FunctionInfo> = {};
        for (const f of this.platform.functions()) next[f.name] = f;
        this.deployed = next;
        this.adoptDeploys(next);
        break;
      }
      case 'pool':
        this.schedulePool();
        break;
      case 'config':
        this.platformConfig = ev.config;
        this.schedulePool();
        break;
      case 'history-cleared':
        this.log.replace(this.platform.invocations());
        this.counts = {};
        for (const inv of this.log.items) this.counts[inv.fn] = (this.counts[inv.fn] ?? 0) + 1;
        break;
    }
  }

  /**
   * One registry: a function deployed from elsewhere (window.faas, the HTTP gateway) joins the
   * workspace, so the sidebar shows it and it survives a reload; a new version deployed from
   * elsewhere replaces the workspace's copy. Deploys of this UI and temporary ones are not news.
   */
  private adoptDeploys(deployed: Record<string, FunctionInfo>): void {
    let changed = false;
    for (const info of Object.values(deployed)) {
      const { name, version } = info;
      if (this.uiDeploying.has(name) || this.temporary.has(name)) continue;
      if ((this.knownVersions.get(name) ?? 0) >= version) continue;
      this.knownVersions.set(name, version);
      const wat = this.platform.source(name);
      const fn: WorkspaceFunction = {
        name,
        source:
          wat !== null ? { kind: 'wat', text: wat } : { kind: 'wasm', bytes: this.platform.bytes(name) },
        config: { ...info.config },
      };
      const i = this.functions.findIndex((f) => f.name === name);
      if (i >= 0) {
        if (fingerprint(snapshotFunction(this.functions[i])) === fingerprint(fn)) continue;
        this.functions[i] = { ...this.functions[i], source: fn.source, config: fn.config };
      } else this.functions.push(fn);
      this.deployedFrom.set(name, fingerprint(fn));
      if (name === this.open) this.diagnostics = [];
      changed = true;
    }
    if (changed) this.changed();
  }

  /**
   * The platform as a tool that deploys functions for a moment sees it (the Benchmarks panel):
   * what it deploys stays out of the workspace.
   */
  temporaryPlatform(): Pick<PlatformClient, 'deploy' | 'invoke' | 'undeploy' | 'functions'> {
    return {
      deploy: (name, code, config) => {
        this.temporary.add(name);
        return this.platform.deploy(name, code, config);
      },
      undeploy: async (name) => {
        try {
          await this.platform.undeploy(name);
        } finally {
          this.temporary.delete(name);
        }
      },
      invoke: (name, args, options) => this.platform.invoke(name, args, options),
      functions: () => this.platform.functions(),
    };
  }

  private settled: Invocation[] = [];

  private lastSettledFlush = -Infinity;

  private flushSettled(): void {
    this.lastSettledFlush = performance.now();
    const batch = this.settled;
    this.settled = [];
    // Plain objects first, then one write per function to the reactive state: each read or write
    // of a $state proxy is a signal operation, and a burst settles thousands of calls a frame.
    const last: Record<string, Invocation> = {};
    const added: Record<string, number> = {};
    const anyRunning = Object.keys(this.running).length > 0;
    for (const inv of batch) {
      last[inv.fn] = inv;
      added[inv.fn] = (added[inv.fn] ?? 0) + 1;
      if (anyRunning && inv.id in this.running) delete this.running[inv.id];
    }
    for (const fn in added) this.counts[fn] = (this.counts[fn] ?? 0) + added[fn];
    Object.assign(this.last, last);
    this.schedulePool();
  }

  /** Marks a UI-started call as running so its streamed output and elapsed time show. */
  track(id: number, fn: string, exportName: string): void {
    this.running[id] = { id, fn, export: exportName, startedAt: performance.now(), stdout: '', stderr: '' };
  }

  private schedulePool(): void {
    if (this.poolScheduled) return;
    this.poolScheduled = true;
    setTimeout(() => {
      this.poolScheduled = false;
      this.pool = this.platform.pool();
    }, 100);
  }
}

function requestFrame(fn: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(fn);
  else setTimeout(fn, 16);
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A plain copy of a function that shares its uploaded bytes: they are never changed in place, and
 * $state.snapshot would structured-clone them (30 MB for CRuby, on every autosave).
 */
function snapshotFunction(fn: WorkspaceFunction): WorkspaceFunction {
  const { source, ...rest } = fn;
  if (source.kind !== 'wasm') return $state.snapshot(fn) as WorkspaceFunction;
  return {
    ...($state.snapshot(rest) as Omit<WorkspaceFunction, 'source'>),
    source: { kind: 'wasm', bytes: source.bytes },
  };
}

/** Hashes of uploaded bytes, by array: fingerprint runs on every needsDeploy check. */
const byteHashes = new WeakMap<Uint8Array, number>();

function fingerprint(fn: WorkspaceFunction): string {
  const src =
    fn.source.kind === 'wat'
      ? `wat:${fn.source.text}`
      : `wasm:${fn.source.bytes.length}:${hashOf(fn.source.bytes)}`;
  return `${src}\u0000${JSON.stringify(fn.config)}`;
}

function hashOf(bytes: Uint8Array): number {
  let h = byteHashes.get(bytes);
  if (h === undefined) byteHashes.set(bytes, (h = hashBytes(bytes)));
  return h;
}

/** FNV-1a: cheap change detection for uploaded modules, not security. */
function hashBytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  let i = 0;
  // Four bytes a step where the view is aligned: a 30 MB upload hashes in a quarter of the time.
  if (bytes.byteOffset % 4 === 0) {
    const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
    for (let w = 0; w < words.length; w++) h = Math.imul(h ^ words[w], 0x01000193);
    i = words.length * 4;
  }
  for (; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

function wasiOptions(fn: WorkspaceFunction) {
  const w = fn.wasi ?? {};
  return { argv: w.argv ?? [], env: w.env ?? {}, stdin: w.stdin ?? '', files: w.files ?? {} };
}
