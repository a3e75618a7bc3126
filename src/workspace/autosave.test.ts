import { describe, expect, it } from 'vitest';
import { createAutosaver, createHistoryRecorder } from './autosave';
import { manualTimers, settle } from './timers.testing';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createAutosaver', () => {
  it('saves once, 300 ms after the last of several quick changes', async () => {
    const t = manualTimers();
    let saves = 0;
    const saver = createAutosaver({ save: async () => void saves++, timers: t.timers });
    saver.schedule();
    await t.advance(200);
    saver.schedule();
    await t.advance(200);
    expect(saves).toBe(0);
    await t.advance(100);
    expect(saves).toBe(1);
    expect(saver.dirty).toBe(false);
  });

  it('still saves within a second while changes keep coming', async () => {
    const t = manualTimers();
    const savedAt: number[] = [];
    const saver = createAutosaver({ save: async () => void savedAt.push(t.timers.now()), timers: t.timers });
    for (let i = 0; i < 25; i++) {
      saver.schedule();
      await t.advance(100);
    }
    expect(savedAt.length).toBeGreaterThanOrEqual(2);
    expect(savedAt[0]).toBeLessThanOrEqual(1000);
  });

  it('never runs two saves at once, and saves changes made during a save afterwards', async () => {
    const t = manualTimers();
    const gates: ReturnType<typeof deferred>[] = [];
    let running = 0;
    let maxRunning = 0;
    const saver = createAutosaver({
      timers: t.timers,
      save: () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        const d = deferred();
        gates.push(d);
        return d.promise.finally(() => running--);
      },
    });
    saver.schedule();
    await t.advance(300);
    expect(gates).toHaveLength(1);
    saver.schedule(); // during the first save
    await t.advance(300);
    expect(gates).toHaveLength(1); // waits for the first
    gates[0].resolve();
    await settle();
    expect(gates).toHaveLength(2);
    gates[1].resolve();
    await settle();
    expect(maxRunning).toBe(1);
    expect(saver.dirty).toBe(false);
  });

  it('flush saves at once, and only when something changed (unless forced)', async () => {
    const t = manualTimers();
    let saves = 0;
    const saver = createAutosaver({ save: async () => void saves++, timers: t.timers });
    await saver.flush();
    expect(saves).toBe(0);
    saver.schedule();
    await saver.flush();
    expect(saves).toBe(1);
    expect(t.pending()).toBe(0);
    await saver.flush({ force: true });
    expect(saves).toBe(2);
  });

  it('a failed save is reported, stays dirty and is retried on the next change', async () => {
    const t = manualTimers();
    const errors: unknown[] = [];
    let fail = true;
    let saves = 0;
    const saver = createAutosaver({
      timers: t.timers,
      onError: (e) => errors.push(e),
      save: async () => {
        if (fail) throw new Error('quota');
        saves++;
      },
    });
    saver.schedule();
    await t.advance(300);
    expect(errors).toHaveLength(1);
    expect(saver.dirty).toBe(true);
    expect(t.pending()).toBe(0); // no tight retry loop
    fail = false;
    saver.schedule();
    await t.advance(300);
    expect(saves).toBe(1);
    expect(saver.dirty).toBe(false);
  });

  it('while paused nothing is written, not even on flush; resume saves what changed', async () => {
    const t = manualTimers();
    let saves = 0;
    const saver = createAutosaver({ save: async () => void saves++, timers: t.timers });
    saver.pause();
    saver.schedule();
    await t.advance(2000);
    await saver.flush();
    expect(saves).toBe(0);
    expect(saver.dirty).toBe(true);
    saver.resume();
    await t.advance(300);
    expect(saves).toBe(1);
  });
});

describe('createHistoryRecorder', () => {
  it('appends in batches every 500 ms', async () => {
    const t = manualTimers();
    const batches: number[][] = [];
    const rec = createHistoryRecorder<number>({
      timers: t.timers,
      append: async (b) => void batches.push(b),
      clear: async () => {},
    });
    for (let i = 0; i < 1000; i++) rec.add(i);
    await t.advance(499);
    expect(batches).toHaveLength(0);
    await t.advance(1);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(1000);
    rec.add(1000);
    await rec.flush();
    expect(batches[1]).toEqual([1000]);
  });

  it('clear drops what is pending and runs after the appends under way', async () => {
    const t = manualTimers();
    const log: string[] = [];
    const gate = deferred();
    const rec = createHistoryRecorder<number>({
      timers: t.timers,
      append: async (b) => {
        await gate.promise;
        log.push(`append ${b.join(',')}`);
      },
      clear: async () => void log.push('clear'),
    });
    rec.add(1);
    void rec.flush();
    await t.advance(0); // the append is under way
    rec.add(2);
    const cleared = rec.clear();
    expect(rec.pending).toBe(0);
    gate.resolve();
    await cleared;
    expect(log).toEqual(['append 1', 'clear']);
  });

  it('keeps a failed batch for the next one, but not across a clear', async () => {
    const t = manualTimers();
    const errors: unknown[] = [];
    const batches: number[][] = [];
    let fail = true;
    const rec = createHistoryRecorder<number>({
      timers: t.timers,
      onError: (e) => errors.push(e),
      append: async (b) => {
        if (fail) throw new Error('nope');
        batches.push(b);
      },
      clear: async () => {},
    });
    rec.add(1);
    await rec.flush();
    expect(errors).toHaveLength(1);
    expect(rec.pending).toBe(1);
    fail = false;
    rec.add(2);
    await rec.flush();
    expect(batches).toEqual([[1, 2]]);

    fail = true;
    rec.add(3);
    const f = rec.flush();
    await rec.clear();
    await f;
    expect(rec.pending).toBe(0);
  });
});

describe('handing over to an exit save', () => {
  it('takeUnsaved reports and clears unsaved changes, but not while paused', async () => {
    const t = manualTimers();
    let saves = 0;
    const saver = createAutosaver({ save: async () => void saves++, timers: t.timers });
    expect(saver.takeUnsaved()).toBe(false);
    saver.schedule();
    expect(saver.takeUnsaved()).toBe(true);
    await t.advance(2000);
    expect(saves).toBe(0); // the caller wrote it
    saver.pause();
    saver.schedule();
    expect(saver.takeUnsaved()).toBe(false);
    expect(saver.dirty).toBe(true);
  });

  it('a save still under way counts as unsaved', async () => {
    const t = manualTimers();
    let finish!: () => void;
    const saver = createAutosaver({
      timers: t.timers,
      save: () => new Promise<void>((resolve) => (finish = resolve)),
    });
    saver.schedule();
    await t.advance(300);
    expect(saver.dirty).toBe(false);
    expect(saver.takeUnsaved()).toBe(true);
    finish();
    await t.advance(0);
    expect(saver.takeUnsaved()).toBe(false);
  });

  it('drain also hands over batches whose append has not finished, which then are not appended', async () => {
    const t = manualTimers();
    const appended: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const rec = createHistoryRecorder<number>({
      timers: t.timers,
      append: async (b) => {
        await gate;
        appended.push(b);
      },
      clear: async () => {},
    });
    rec.add(1);
    void rec.flush();
    await t.advance(0); // under way
    rec.add(2);
    void rec.flush(); // queued behind it
    rec.add(3);
    expect(rec.drain()).toEqual([1, 2, 3]);
    release();
    await t.advance(0);
    expect(appended).toEqual([[1]]); // the one under way could not be stopped; the queued one was
  });

  it('drain hands over the pending records and cancels the batch', async () => {
    const t = manualTimers();
    const batches: number[][] = [];
    const rec = createHistoryRecorder<number>({
      timers: t.timers,
      append: async (b) => void batches.push(b),
      clear: async () => {},
    });
    rec.add(1);
    rec.add(2);
    expect(rec.drain()).toEqual([1, 2]);
    await t.advance(1000);
    expect(batches).toEqual([]);
  });
});
