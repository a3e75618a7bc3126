// WorkspaceStore.saveOnExit: the write made while the page is being hidden or closed.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FUNCTION_CONFIG, DEFAULT_PLATFORM_CONFIG, type Invocation } from '../platform/types';
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
