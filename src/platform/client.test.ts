// The page's client and the platform worker's host, joined by a real MessageChannel (structured
// clone and all), with fake nanoprocesses on a manual clock: the mirror answers the synchronous
// reads, replies go out at once and the rest at most once per frame, and a crash settles
// everything that waited.
import { describe, expect, it } from 'vitest';
import { FRAME_MS } from './host';
import { clientHostFixture } from './testing/client-host';
import type { Command } from './protocol';
import type { Invocation } from './types';

const { wat, connect } = clientHostFixture();

const ADD = '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))';

const setup = () => connect();

describe('the platform worker client', () => {
  it('deploys, invokes and answers the synchronous reads from its mirror', async () => {
    const { clock, client } = setup();
    const info = await clock.until(client.deploy('add', wat(ADD)));
    expect(info.entry).toBe('add');
    expect(client.functions().map((f) => f.name)).toEqual(['add']);
    expect(client.bytes('add')).toEqual(wat(ADD));
    expect(client.stats('add').invocations).toBe(0);
    const inv = await clock.until(client.invoke('add', [5, 2]));
    expect(inv.outcome).toBe('ok');
    expect(inv.result).toBe(5); // the fake answers with the first argument
    // The record and the statistics are there as soon as the call resolves.
    expect(client.invocations().map((i) => i.id)).toEqual([inv.id]);
    expect(client.stats('add').invocations).toBe(1);
    expect(() => client.stats('nope')).toThrow(/No function named "nope"/);
  });

  it('writes history batches from the platform worker by id, and names the ids it no longer holds', async () => {
    const written: { target: unknown; ids: number[] }[] = [];
    const history = {
      append: async (target: unknown, invs: Invocation[]) => {
        written.push({ target, ids: invs.map((i) => i.id) });
      },
    };
    const { clock, client } = connect({ history });
    await clock.until(client.deploy('add', wat(ADD)));
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await clock.until(client.invoke('add', [i, 1]))).id);
    const target = { name: 'nanofaas-test', historyLimit: 500 };
    // In the order the page gives them; an id it never had (or has evicted) comes back.
    const missing = await clock.until(client.persistHistory([ids[2], ids[0], 9999, ids[1]], target));
    expect(missing).toEqual([9999]);
    expect(written).toEqual([{ target, ids: [ids[2], ids[0], ids[1]] }]);
    // Nothing it holds: nothing to write, everything missing.
    expect(await clock.until(client.persistHistory([12345], target))).toEqual([12345]);
    expect(written).toHaveLength(1);
  });

  it('refuses to write history without a sink, and passes a failed write on', async () => {
    const { clock, client } = setup();
    await clock.until(client.deploy('add', wat(ADD)));
    const inv = await clock.until(client.invoke('add', [1, 1]));
    await expect(
      clock.until(client.persistHistory([inv.id], { name: 'x', historyLimit: 10 })),
    ).rejects.toThrow(/does not write the history/);
    const failing = connect({
      history: { append: () => Promise.reject(new Error('QuotaExceededError: full')) },
    });
    await failing.clock.until(failing.client.deploy('add', wat(ADD)));
    const b = await failing.clock.until(failing.client.invoke('add', [1, 1]));
    await expect(
      failing.clock.until(failing.client.persistHistory([b.id], { name: 'x', historyLimit: 10 })),
    ).rejects.toThrow(/full/);
  });

  it('reports a config change once: the echo from the platform is not news', async () => {
    const { clock, client, events } = setup();
    await clock.advance(50);
    // The platform starts with prewarm 0 here, a real difference from the page's default.
    expect(events.filter((e) => e.type === 'config')).toHaveLength(1);
    expect(client.currentConfig().prewarm).toBe(0);
    events.length = 0;
    client.config({ maxWorkers: 3 });
    await clock.advance(50);
    expect(events.filter((e) => e.type === 'config')).toHaveLength(1);
    expect(client.currentConfig().maxWorkers).toBe(3);
  });

  it('rejects what the platform refuses, with its message', async () => {
    const { clock, client } = setup();
    await clock.until(client.deploy('add', wat(ADD)));
    await expect(clock.until(client.invoke('add', ['x', 1]))).rejects.toThrow(/add/);
    await expect(clock.until(client.invoke('missing'))).rejects.toThrow(/No function named "missing"/);
    await expect(clock.until(client.deploy(' ', wat(ADD)))).rejects.toThrow();
    expect(() => client.config({ maxWorkers: 0 })).toThrow(RangeError);
  });

  it('sends a burst of calls in one message and settles them all', async () => {
    const { clock, client, hosts } = setup();
    await clock.until(client.deploy('add', wat(ADD)));
    client.config({ maxWorkers: 2, maxQueue: 10_000 });
    const calls: Promise<Invocation>[] = [];
    for (let i = 0; i < 500; i++) calls.push(client.invoke('add', [i, 1]));
    const all = await clock.until(Promise.all(calls));
    expect(all.map((i) => i.result)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(client.stats('add').invocations).toBe(500);
    // The 500 calls made in one task travel to the platform worker as one message.
    const invokesIn = (m: unknown[]) =>
      (m as Command[]).reduce((n, c) => n + (c.k === 'invoke' ? 1 : c.k === 'invokes' ? c.batch.n : 0), 0);
    expect(hosts[0].received.filter((m) => invokesIn(m) >= 500)).toHaveLength(1);
  });

  it('throttled calls resolve as throttled, through the same stream', async () => {
    const { clock, client, fakes } = setup();
    await clock.until(client.deploy('add', wat(ADD)));
    client.config({ maxWorkers: 1, maxQueue: 1 });
    fakes.script = () => ({ execMs: 100 });
    const calls = [client.invoke('add', [1, 1]), client.invoke('add', [2, 1]), client.invoke('add', [3, 1])];
    const out = await clock.until(Promise.all(calls));
    expect(out.map((i) => i.outcome)).toEqual(['ok', 'ok', 'throttled']);
  });

  it('hands start() its id before the call settles, and stop() ends it', async () => {
    const { clock, client, fakes } = setup();
    await clock.until(client.deploy('add', wat(ADD)));
    fakes.script = () => 'hang';
    const seen: number[] = [];
    const call = client.start('add', [1, 2], {}, (id) => seen.push(id));
    const id = await clock.until(call.id);
    expect(seen).toEqual([id]);
    await clock.advance(100); // spawned and running
    expect(await clock.until(client.stop(id))).toBe(true);
    const inv = await clock.until(call.done);
    expect(inv.id).toBe(id);
    expect(inv.outcome).toBe('error');
    expect(inv.error).toMatch(/Stopped by the user/);
  });

  it('batches records of calls nobody awaits (a load run) into at most one message per frame', async () => {
    const { clock, client, hosts } = setup();
    await clock.until(client.deploy('add', wat(ADD)));
    const run = client.load({
      fn: 'add',
      args: [[1, 2]],
      mode: 'open',
      ratePerSec: 1000,
      concurrency: 1,
      durationSec: 0.5,
      arrival: 'constant',
      seed: 1,
    });
    const before = hosts[0].sent.length;
    const result = await clock.until(run.start());
    expect(result.issued).toBe(500);
    expect(result.outcomes.ok).toBe(500);
    expect(run.completions.length).toBe(500);
    expect(run.samples.length).toBeGreaterThan(3);
    expect(client.invocations().length).toBe(500);
    // 0.5 s of calls at 1000/s arrive in frames of 16 ms, not one message per call.
    const messages = hosts[0].sent.length - before;
    expect(messages).toBeLessThan(500 / 4);
    expect(messages).toBeLessThanOrEqual(Math.ceil(result.durationMs / FRAME_MS) + 10);
  });

  it('clearHistory empties the mirror at once and the platform with it', async () => {
    const { clock, client, hosts } = setup();
    await clock.until(client.deploy('add', wat(ADD)));
    await clock.until(client.invoke('add', [1, 1]));
    client.clearHistory();
    expect(client.invocations()).toEqual([]);
    await clock.advance(50);
    expect(hosts[0].platform.invocations()).toEqual([]);
    expect(client.stats('add').invocations).toBe(0);
  });

  it('a crash settles every waiting call as an error, and restart brings a platform back', async () => {
    const { clock, client, fakes, hosts, events } = setup();
    await clock.until(client.deploy('add', wat(ADD)));
    fakes.script = () => 'hang';
    const call = client.start('add', [1, 2]);
    const id = await clock.until(call.id);
    // What a Worker does on an uncaught error in it.
    client['worker'].onerror?.({ message: 'boom', preventDefault() {} } as ErrorEvent);
    const inv = await call.done;
    expect(inv.id).toBe(id);
    expect(inv.outcome).toBe('error');
    expect(inv.error).toMatch(/The platform stopped \(boom\)/);
    expect(events.some((e) => e.type === 'stopped')).toBe(true);
    await expect(client.invoke('add', [1, 1])).rejects.toThrow(/Restart it/);
    client.restart();
    fakes.script = (c) => ({ result: (c.args[0] as number) + (c.args[1] as number) });
    await clock.advance(50);
    expect(hosts).toHaveLength(2);
    expect(client.functions()).toEqual([]);
    // The history came along; the functions are deployed again by whoever needs them.
    expect(hosts[1].platform.invocations().map((i) => i.id)).toEqual([id]);
    await clock.until(client.deploy('add', wat(ADD)));
    expect((await clock.until(client.invoke('add', [2, 3]))).result).toBe(5);
  });
});
