// The compact answers of the invoke port (wire.ts): a tuple expands to the DoneMessage the
// platform would have received as an object, and the answers of a batch travel together.
import { describe, expect, it } from 'vitest';
import { callStartedAt, expandDone, ReplyHold, sameWasiInput, type DoneTuple, type WasiInput } from './wire';

describe('expandDone', () => {
  it('expands a plain call: ok, no logs, no WASI fields', () => {
    const msg = expandDone([7, 42, 1000, 0.5, 0.25, 65536, 1, null, 1001]);
    expect(msg).toEqual({
      t: 'done',
      id: 7,
      outcome: 'ok',
      result: 42,
      logs: [],
      instance: 'reused',
      recvAt: 1000,
      postedAt: 1001,
      instantiateMs: 0.5,
      execMs: 0.25,
      memoryBytes: 65536,
    });
    expect('stdout' in msg).toBe(false);
    expect('exitCode' in msg).toBe(false);
    expect('aheadMs' in msg).toBe(false);
  });

  it('expands a WASI call: its exit code, its output, and no changed files', () => {
    const out = new TextEncoder().encode('hello\n');
    const tuple: DoneTuple = [3, null, 10, 0.02, 0.01, 131072, 0, 0.04, 11, 0, out, null];
    const msg = expandDone(tuple);
    expect(msg.instance).toBe('new');
    expect(msg.aheadMs).toBe(0.04); // its instance was made ahead, while the worker was idle
    expect(msg.exitCode).toBe(0);
    expect(msg.stdout).toBe(out);
    expect(msg.stderr).toEqual(new Uint8Array(0));
    expect(msg.files).toEqual({});
  });

  it('leaves the exit code out for a WASI call that did not exit (a reactor export)', () => {
    const msg = expandDone([4, 5, 10, 0, 0.01, 131072, 1, null, 11, null, null, null]);
    expect('exitCode' in msg).toBe(false);
    expect(msg.stdout).toEqual(new Uint8Array(0));
    expect(msg.result).toBe(5);
  });
});

describe('sameWasiInput', () => {
  const input = (o: Partial<WasiInput> = {}): WasiInput => ({
    argv: ['f', 'x'],
    env: { A: '1', B: '2' },
    stdin: null,
    files: {},
    ...o,
  });

  it('holds for equal argv, env (in any order) and preopens', () => {
    expect(sameWasiInput(input(), input())).toBe(true);
    expect(sameWasiInput(input(), input({ env: { B: '2', A: '1' } }))).toBe(true);
    expect(sameWasiInput(input({ preopens: ['/'] }), input({ preopens: ['/'] }))).toBe(true);
  });

  it('fails for any difference in argv, env or preopens', () => {
    expect(sameWasiInput(input(), input({ argv: ['f'] }))).toBe(false);
    expect(sameWasiInput(input(), input({ argv: ['f', 'y'] }))).toBe(false);
    expect(sameWasiInput(input(), input({ env: { A: '1' } }))).toBe(false);
    expect(sameWasiInput(input(), input({ env: { A: '1', B: '3' } }))).toBe(false);
    expect(sameWasiInput(input(), input({ env: { A: '1', C: '2' } }))).toBe(false);
    expect(sameWasiInput(input({ env: {} }), input({ env: { toString: 'x' } }))).toBe(false);
    expect(sameWasiInput(input(), input({ preopens: [] }))).toBe(false);
    expect(sameWasiInput(input({ preopens: ['/'] }), input({ preopens: ['.'] }))).toBe(false);
  });

  it('never holds when either has stdin or files, even equal ones', () => {
    const bytes = new Uint8Array([1]);
    expect(sameWasiInput(input({ stdin: bytes }), input({ stdin: bytes }))).toBe(false);
    expect(sameWasiInput(input({ files: { a: bytes } }), input({ files: { a: bytes } }))).toBe(false);
    expect(sameWasiInput(input(), input({ files: { a: bytes } }))).toBe(false);
  });
});

describe('ReplyHold', () => {
  const tuple = (id: number, postedAt = 0): DoneTuple => [id, id, 0, 0, 0.01, 65536, 1, null, postedAt];
  function holder(holdMs = 0.5) {
    let now = 0;
    const sent: (number | number[])[] = [];
    const hold = new ReplyHold(
      (m) => sent.push(Array.isArray(m[0]) ? (m as DoneTuple[]).map((t) => t[0]) : (m as DoneTuple)[0]),
      () => now,
      holdMs,
    );
    return { hold, sent, at: (ms: number) => (now = ms) };
  }

  it('sends the answers of a batch of short calls as one message, at the last one', () => {
    const { hold, sent } = holder();
    hold.answer(tuple(1), true, 0.01);
    hold.answer(tuple(2), true, 0.01);
    expect(sent).toEqual([]);
    expect(hold.holding).toBe(2);
    hold.answer(tuple(3), false, 0.01);
    expect(sent).toEqual([[1, 2, 3]]);
    expect(hold.holding).toBe(0);
  });

  it('answers a call alone at once when nothing of its batch follows', () => {
    const { hold, sent } = holder();
    hold.answer(tuple(1), false, 0.01);
    expect(sent).toEqual([1]);
  });

  it('answers a call that ran holdMs or longer at once, with what was held before it', () => {
    const { hold, sent } = holder();
    hold.answer(tuple(1), true, 0.01);
    hold.answer(tuple(2), true, 0.5);
    expect(sent).toEqual([[1, 2]]);
    hold.answer(tuple(3), true, 3);
    expect(sent).toEqual([[1, 2], 3]);
  });

  it('holds no answer longer than holdMs after the oldest one waiting', () => {
    const { hold, sent, at } = holder();
    at(10);
    hold.answer(tuple(1), true, 0.01);
    at(10.3);
    hold.answer(tuple(2), true, 0.01);
    expect(sent).toEqual([]);
    at(10.5);
    hold.answer(tuple(3), true, 0.01);
    expect(sent).toEqual([[1, 2, 3]]);
    // The next one starts a new wait.
    at(10.6);
    hold.answer(tuple(4), true, 0.01);
    expect(sent).toEqual([[1, 2, 3]]);
  });

  it('flush() sends what is held first, so another message never overtakes an answer', () => {
    const { hold, sent } = holder();
    hold.flush();
    expect(sent).toEqual([]);
    hold.answer(tuple(1), true, 0.01);
    hold.flush();
    expect(sent).toEqual([[1]]);
  });
});

describe("callStartedAt: a metered call's deadline in the worker", () => {
  // The worker's clock: performance.now() 0 is epoch 1_000_000 (its timeOrigin).
  const origin = 1_000_000;

  it('counts from when the platform sent the call, not from when it reached the worker', () => {
    // Sent at worker time 500, reached the (starved) worker 150 ms later: its time started at 500,
    // as the platform's timer says, so it stops itself before the platform's fallback fires.
    expect(callStartedAt(origin + 500, 100, 650, origin)).toBe(500);
  });

  it('a call that waited here behind another starts when the answer before it went out', () => {
    // Sent at 500 while the call before it ran until 900: it gets its full timeout from 900.
    expect(callStartedAt(origin + 500, 900, 900.2, origin)).toBe(900);
  });

  it('never starts later than now, whatever the two clocks say', () => {
    expect(callStartedAt(origin + 700, 100, 650, origin)).toBe(650);
  });
});
