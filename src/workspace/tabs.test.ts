import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_TAB_CHANNEL,
  createTabSync,
  describeNewerState,
  newTabId,
  type BroadcastChannelLike,
  type NewerStateInfo,
} from './tabs';

/** In-memory BroadcastChannel: delivers to every other open channel of the same name, synchronously. */
function fakeChannels() {
  const open = new Set<FakeChannel>();
  const sent: { name: string; data: unknown }[] = [];
  class FakeChannel implements BroadcastChannelLike {
    onmessage: ((event: { data: unknown }) => void) | null = null;
    constructor(readonly name: string) {
      open.add(this);
    }
    postMessage(data: unknown) {
      sent.push({ name: this.name, data });
      for (const other of open) {
        if (other !== this && other.name === this.name) other.onmessage?.({ data: structuredClone(data) });
      }
    }
    close() {
      open.delete(this);
    }
  }
  return { FakeChannel, open, sent };
}

function twoTabs() {
  const { FakeChannel, open, sent } = fakeChannels();
  const seenA: NewerStateInfo[] = [];
  const seenB: NewerStateInfo[] = [];
  const a = createTabSync({
    tabId: 'A',
    BroadcastChannelImpl: FakeChannel,
    onNewerState: (i) => seenA.push(i),
  });
  const b = createTabSync({
    tabId: 'B',
    BroadcastChannelImpl: FakeChannel,
    onNewerState: (i) => seenB.push(i),
  });
  return { a, b, seenA, seenB, open, sent, FakeChannel };
}

describe('tab sync', () => {
  it('announces saves with the documented message', () => {
    const { a, sent } = twoTabs();
    a.announceSaved({ revision: 3, savedAt: 1234 });
    expect(sent).toEqual([
      { name: DEFAULT_TAB_CHANNEL, data: { type: 'saved', tabId: 'A', revision: 3, savedAt: 1234 } },
    ]);
    expect(a.knownRevision).toBe(3);
  });

  it('tells a tab when another tab saved a newer revision', () => {
    const { a, b, seenA, seenB } = twoTabs();
    a.noteLoaded(4);
    b.noteLoaded(4);
    b.announceSaved({ revision: 5, savedAt: 1000 });
    expect(seenA).toEqual([{ tabId: 'B', revision: 5, savedAt: 1000 }]);
    expect(a.pending).toEqual({ tabId: 'B', revision: 5, savedAt: 1000 });
    expect(seenB).toEqual([]); // never about its own saves
  });

  it('stays quiet about revisions it already has', () => {
    const { a, b, seenA } = twoTabs();
    a.noteLoaded(10);
    b.announceSaved({ revision: 9, savedAt: 1 }); // older than what A loaded
    b.announceSaved({ revision: 10, savedAt: 2 }); // the same
    expect(seenA).toEqual([]);
    expect(a.pending).toBeNull();
  });

  it('"Reload": loading the newer revision clears the notice', () => {
    const { a, b, seenA } = twoTabs();
    b.announceSaved({ revision: 2, savedAt: 1 });
    expect(a.pending?.revision).toBe(2);
    a.noteLoaded(2);
    expect(a.pending).toBeNull();
    expect(a.knownRevision).toBe(2);
    b.announceSaved({ revision: 2, savedAt: 1 }); // duplicate delivery
    expect(seenA).toHaveLength(1);
  });

  it('"Keep mine": saving over it clears the notice and tells the other tab', () => {
    const { a, b, seenA, seenB } = twoTabs();
    b.announceSaved({ revision: 2, savedAt: 1 });
    a.announceSaved({ revision: 3, savedAt: 2 }); // A saved over B's change
    expect(a.pending).toBeNull();
    expect(seenB).toEqual([{ tabId: 'A', revision: 3, savedAt: 2 }]);
    expect(seenA).toHaveLength(1);
  });

  it('dismissing does not bring the same notice back, a newer save does', () => {
    const { a, b, seenA } = twoTabs();
    b.announceSaved({ revision: 2, savedAt: 1 });
    a.dismiss();
    expect(a.pending).toBeNull();
    b.announceSaved({ revision: 2, savedAt: 1 });
    expect(seenA).toHaveLength(1);
    b.announceSaved({ revision: 4, savedAt: 3 });
    expect(seenA.map((i) => i.revision)).toEqual([2, 4]);
  });

  it('reports each newer revision once, in order', () => {
    const { a, b, seenA } = twoTabs();
    b.announceSaved({ revision: 2, savedAt: 1 });
    b.announceSaved({ revision: 3, savedAt: 2 });
    expect(seenA.map((i) => i.revision)).toEqual([2, 3]);
    expect(a.pending?.revision).toBe(3);
  });

  it('ignores messages carrying its own tab id', () => {
    const { FakeChannel } = fakeChannels();
    const onNewerState = vi.fn();
    createTabSync({ tabId: 'A', BroadcastChannelImpl: FakeChannel, onNewerState });
    new FakeChannel(DEFAULT_TAB_CHANNEL).postMessage({ type: 'saved', tabId: 'A', revision: 9, savedAt: 1 });
    expect(onNewerState).not.toHaveBeenCalled();
  });

  it('ignores malformed messages and other channels', () => {
    const { FakeChannel } = fakeChannels();
    const onNewerState = vi.fn();
    createTabSync({ tabId: 'A', BroadcastChannelImpl: FakeChannel, onNewerState });
    const rogue = new FakeChannel(DEFAULT_TAB_CHANNEL);
    for (const data of [
      null,
      'saved',
      { type: 'saved', tabId: 'B', revision: '9', savedAt: 1 },
      { type: 'saved', tabId: 'B', revision: NaN, savedAt: 1 },
      { type: 'saved', revision: 9, savedAt: 1 },
      { type: 'loaded', tabId: 'B', revision: 9, savedAt: 1 },
    ]) {
      rogue.postMessage(data);
    }
    new FakeChannel('some-other-app').postMessage({ type: 'saved', tabId: 'B', revision: 9, savedAt: 1 });
    expect(onNewerState).not.toHaveBeenCalled();
    rogue.postMessage({ type: 'saved', tabId: 'B', revision: 9, savedAt: 1 });
    expect(onNewerState).toHaveBeenCalledOnce();
  });

  it('stops listening after close', () => {
    const { a, b, seenA, open } = twoTabs();
    a.close();
    expect(open.size).toBe(1);
    b.announceSaved({ revision: 5, savedAt: 1 });
    expect(seenA).toEqual([]);
    a.announceSaved({ revision: 6 }); // harmless after close
    expect(a.knownRevision).toBe(6);
  });

  it('works without BroadcastChannel (tracks revisions only)', () => {
    const sync = createTabSync({
      tabId: 'solo',
      BroadcastChannelImpl: class {
        constructor() {
          throw new Error('not here');
        }
      } as unknown as new (name: string) => BroadcastChannelLike,
    });
    sync.announceSaved({ revision: 1 });
    expect(sync.knownRevision).toBe(1);
    sync.close();
  });

  it('formats the notice and makes tab ids', () => {
    const savedAt = new Date(2025, 0, 31, 14, 3, 59).getTime();
    expect(describeNewerState({ tabId: 'B', revision: 2, savedAt })).toBe(
      'Another tab saved newer changes at 14:03.',
    );
    expect(newTabId()).not.toBe(newTabId());
  });
});
