// The platform's pool and scheduler, driven by a manual clock and fake nanoprocess workers:
// keep-alive, prewarm, FIFO order, throttling, timeouts, retries and cold/warm classification,
// each checked exactly and in milliseconds (the e2e suite checks the same against real workers).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Platform } from './platform';
import { FAKE_AHEAD_MS, FakeWorkers, type FakeCall } from './testing/fake-worker';
import { flush, ManualClock } from './testing/manual-clock';
import { watCompiler } from './testing/wat';
import type { Invocation, InvokeOptions, PlatformConfig } from './types';

let wat: (source: string) => Uint8Array;
beforeAll(async () => {
  wat = await watCompiler();
});

/** A function with a memory: state can survive a call, so `fresh` and `reuse` differ. */
const STATEFUL = '(module (memory 1) (func (export "run") (param i32) (result i32) local.get 0))';

let platform: Platform | null = null;
afterEach(() => {
  platform?.dispose();
  platform = null;
});

async function setup(config: Partial<PlatformConfig> = {}) {
  const clock = new ManualClock({ settle: () => flush(2) });
  const fakes = new FakeWorkers(clock);
  const p = new Platform({ spawnWorker: fakes.spawn, clock, config: { prewarm: 0, ...config } });
  platform = p;
  // Compiling is real (off the virtual clock), so deploying does not move virtual time.
  const deploy = (name: string, source = STATEFUL, cfg = {}) => p.deploy(name, wat(source), cfg);
  const call = (name: string, arg = 0) => p.invoke(name, [arg]);
  return { clock, fakes, p, deploy, call };
}

/** Collects settled invocations without awaiting them one by one. */
function collect(promises: Promise<Invocation>[]): Invocation[] {
  const out: Invocation[] = [];
  for (const pr of promises) void pr.then((inv) => out.push(inv));
  return out;
}

/** The smallest WASI command: `_start` returns at once. */
const WASI_COMMAND = `(module
  (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")))`;

describe('the invoke wire', () => {
  it('sends an unchanged WASI input once: later calls carry a "same" marker until argv, env, stdin or files change', async () => {
    const { clock, fakes, p, deploy } = await setup();
    await deploy('cmd', WASI_COMMAND);
    const run = (o: InvokeOptions) => clock.until(p.invoke('cmd', [], o));
    const calls: InvokeOptions[] = [
      { argv: ['a'] },
      { argv: ['a'] },
      { argv: ['a'], env: {} },
      { argv: ['b'] },
      { argv: ['b'], env: { X: '1' } },
      { argv: ['b'], env: { X: '1' } },
      { argv: ['b'], env: { X: '1' }, files: { 'f.txt': new Uint8Array([1]) } },
      { argv: ['b'], env: { X: '1' }, files: { 'f.txt': new Uint8Array([1]) } },
      { argv: ['b'], env: { X: '1' }, stdin: 'in' },
      { argv: ['b'], env: { X: '1' } },
    ];
    for (const o of calls) expect((await run(o)).outcome).toBe('ok');
    const wire = fakes.received.map((c) => (c.wasiOnWire === 0 ? 'same' : c.wasiOnWire?.argv.join(' ')));
    // argv[0] is the function's name. Inputs with files or stdin always travel whole.
    expect(wire).toEqual([
      'cmd a',
      'same',
      'same',
      'cmd b',
      'cmd b',
      'same',
      'cmd b',
      'cmd b',
      'cmd b',
      'cmd b',
    ]);
  });
});

describe('cold and warm starts', () => {
  it('the first call spawns a worker (cold); the next on the same worker is warm', async () => {
    const { clock, fakes, deploy, call } = await setup();
    await deploy('f');
    const first = await clock.until(call('f', 1));
    expect(first.outcome).toBe('ok');
    expect(first.result).toBe(1);
    expect(first.start).toBe('cold');
    expect(first.timings.spawn).toBe(fakes.spawnMs);
    const second = await clock.until(call('f', 2));
    expect(second.start).toBe('warm');
    expect(second.worker).toBe(first.worker);
    expect(second.timings.spawn).toBe(0);
    expect(fakes.workers).toHaveLength(1);
  });

  it("records the answer's trip back from the worker as its own part (timings.reply)", async () => {
    const { clock, fakes, deploy, call } = await setup();
    fakes.script = () => ({ replyMs: 0.25 });
    await deploy('f');
    const inv = await clock.until(call('f', 1));
    expect(inv.timings.reply).toBe(0.25);
  });

  it('pre-instantiation: a fresh call asks for its next instance ahead, and the next call says what making it took', async () => {
    const { clock, fakes, p, deploy, call } = await setup();
    await deploy('f');
    const first = await clock.until(call('f', 1));
    expect(fakes.received[0].ahead).toBe(true);
    expect(first.timings.ahead).toBeUndefined(); // nothing was made ahead of the first call
    const second = await clock.until(call('f', 2));
    expect(second.start).toBe('warm');
    expect(second.timings.ahead).toBe(FAKE_AHEAD_MS);
    expect(second.timings.instantiate).toBeLessThan(first.timings.instantiate);

    // Switched off (a lesson showing instantiation on the call's path): no spare is asked for.
    p.config({ preinstantiate: false });
    const third = await clock.until(call('f', 3));
    const fourth = await clock.until(call('f', 4));
    expect(fakes.received.slice(2).map((c) => c.ahead)).toEqual([false, false]);
    expect(third.timings.ahead).toBeUndefined();
    expect(fourth.timings.ahead).toBeUndefined();
    expect(fourth.timings.instantiate).toBe(first.timings.instantiate);
    expect(() => p.config({ preinstantiate: 'yes' as unknown as boolean })).toThrow(/preinstantiate/);
  });

  it('a kept instance (`reuse`) never asks for one made ahead', async () => {
    const { clock, fakes, deploy, call } = await setup();
    await deploy('f', STATEFUL, { instance: 'reuse' });
    await clock.until(call('f', 1));
    await clock.until(call('f', 2));
    expect(fakes.received.map((c) => [c.reuse, c.ahead])).toEqual([
      [true, false],
      [true, false],
    ]);
  });

  it('a prewarmed worker that has never run the function gives a cold start without a spawn', async () => {
    const { clock, fakes, deploy, call } = await setup({ prewarm: 1 });
    await clock.advance(100);
    expect(fakes.alive).toHaveLength(1);
    await deploy('f');
    const inv = await clock.until(call('f'));
    expect(inv.start).toBe('cold');
    expect(inv.timings.spawn).toBe(0);
    expect(inv.worker).toBe(fakes.workers[0].id);
  });

  it('a second function on a worker that already holds another is cold for its first call', async () => {
    const { clock, deploy, call } = await setup({ maxWorkers: 1 });
    await deploy('a');
    await deploy('b');
    await clock.until(call('a'));
    expect((await clock.until(call('a'))).start).toBe('warm');
    const b = await clock.until(call('b'));
    expect(b.start).toBe('cold');
    expect((await clock.until(call('b'))).start).toBe('warm');
  });

  it('a first call that times out is still a cold start', async () => {
    const { clock, fakes, deploy, call } = await setup({ prewarm: 1 });
    await clock.advance(100);
    await deploy('stuck', STATEFUL, { timeoutMs: 100 });
    fakes.script = () => 'hang';
    const inv = await clock.until(call('stuck'));
    expect(inv.outcome).toBe('timeout');
    expect(inv.start).toBe('cold');
  });

  it('a redeploy makes the next call cold again', async () => {
    const { clock, deploy, call } = await setup();
    await deploy('f');
    await clock.until(call('f'));
    await deploy('f');
    expect((await clock.until(call('f'))).start).toBe('cold');
  });

  it('under `reuse`, a new instance on a warm worker is cold; the kept instance is warm', async () => {
    const { clock, deploy, call } = await setup();
    await deploy('r', STATEFUL, { instance: 'reuse' });
    const a = await clock.until(call('r'));
    const b = await clock.until(call('r'));
    expect([a.start, a.instance]).toEqual(['cold', 'new']);
    expect([b.start, b.instance]).toEqual(['warm', 'reused']);
  });
});

describe('queueing', () => {
  it('dispatches in FIFO order when calls wait for the only worker', async () => {
    const { clock, fakes, deploy, call } = await setup({ maxWorkers: 1 });
    await deploy('f');
    fakes.script = () => ({ execMs: 10 });
    const done = collect(Array.from({ length: 20 }, (_, i) => call('f', i)));
    await clock.advance(1000);
    expect(done).toHaveLength(20);
    expect(fakes.received.map((c) => c.args[0])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(done.map((inv) => inv.args[0])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // Each waited for the ones before it: queue time grows with position.
    for (let i = 1; i < done.length; i++)
      expect(done[i].timings.queue).toBeGreaterThanOrEqual(done[i - 1].timings.queue);
  });

  it('throttles calls beyond maxQueue at once, and runs the rest', async () => {
    const { clock, fakes, deploy, call } = await setup({ maxWorkers: 1, maxQueue: 3 });
    await deploy('f');
    let release = false;
    fakes.script = () => (release ? {} : 'hang');
    // The first takes the worker (held until released), three wait, the rest are refused.
    const done = collect(Array.from({ length: 6 }, (_, i) => call('f', i)));
    await clock.advance(50);
    expect(done.map((inv) => [inv.args[0], inv.outcome])).toEqual([
      [4, 'throttled'],
      [5, 'throttled'],
    ]);
    expect(done[0].error).toContain('the queue is full (3 waiting)');
    expect(platform!.pool().queueLength).toBe(3);
    const throttled = platform!.stats('f');
    expect(throttled.outcomes.throttled).toBe(2);
    release = true;
    // The held call times out (5 s default); the queued three then run.
    await clock.advance(6000);
    expect(done.map((inv) => inv.outcome).sort()).toEqual([
      'ok',
      'ok',
      'ok',
      'throttled',
      'throttled',
      'timeout',
    ]);
  });

  it('maxQueue 0 refuses anything that cannot start at once', async () => {
    const { clock, fakes, deploy, call } = await setup({ maxWorkers: 1, maxQueue: 0 });
    await deploy('f');
    fakes.script = () => 'hang';
    const first = call('f');
    const second = await clock.until(call('f'));
    expect(second.outcome).toBe('throttled');
    platform!.stopAll();
    expect((await clock.until(first)).outcome).toBe('error');
  });
});

describe('keep-alive and prewarm', () => {
  it('an idle worker and its warm module expire after keepAliveMs', async () => {
    const { clock, fakes, deploy, call } = await setup({ keepAliveMs: 1000 });
    await deploy('f');
    await clock.until(call('f'));
    await clock.advance(900);
    expect(fakes.alive).toHaveLength(1);
    expect((await clock.until(call('f'))).start).toBe('warm');
    // Keep-alive counts from the last use; the reaper runs every keepAliveMs / 4.
    await clock.advance(1000 + 250);
    expect(fakes.alive).toHaveLength(0);
    expect(platform!.pool().workers).toHaveLength(0);
    const after = await clock.until(call('f'));
    expect(after.start).toBe('cold');
    expect(after.timings.spawn).toBeGreaterThan(0);
  });

  it('a module unused for keepAliveMs is evicted from a worker that stays for another function', async () => {
    const { clock, fakes, deploy, call } = await setup({ keepAliveMs: 1000, maxWorkers: 1, prewarm: 1 });
    await deploy('a');
    await deploy('b');
    await clock.until(call('a'));
    await clock.until(call('b'));
    await clock.advance(600);
    await clock.until(call('b'));
    await clock.advance(700);
    // a was last used 1.3 s ago, b 0.7 s ago: only a is gone (within keepAliveMs + one reaper period of 250 ms).
    expect(platform!.pool().workers[0].modules).toEqual(['b@1']);
    expect([...fakes.alive[0].modules.values()].map((m) => m.label)).toEqual(['b@1']);
    expect((await clock.until(call('a'))).start).toBe('cold');
  });

  it('reaps idle workers down to prewarm, never below', async () => {
    const { clock, fakes, deploy, call } = await setup({ keepAliveMs: 1000, maxWorkers: 3, prewarm: 1 });
    await deploy('f');
    fakes.script = () => ({ execMs: 100 });
    // Three overlapping calls need three workers.
    const done = collect([call('f'), call('f'), call('f')]);
    await clock.advance(500);
    expect(done).toHaveLength(3);
    expect(fakes.alive).toHaveLength(3);
    await clock.advance(2000);
    expect(fakes.alive).toHaveLength(1);
    await clock.advance(10_000);
    expect(fakes.alive).toHaveLength(1);
    expect(platform!.pool().workers).toHaveLength(1);
  });

  it('prewarm spawns idle workers ahead of demand, up to maxWorkers', async () => {
    const { clock, fakes, p } = await setup({ maxWorkers: 2 });
    expect(fakes.workers).toHaveLength(0);
    p.config({ prewarm: 5 });
    expect(p.currentConfig().prewarm).toBe(2);
    await clock.advance(100);
    expect(fakes.alive).toHaveLength(2);
    expect(p.pool().workers.map((w) => w.state)).toEqual(['idle', 'idle']);
  });
});

describe('provisioned concurrency', () => {
  it('keeps the module loaded on `provisioned` workers: a burst of that many starts warm, without a spawn', async () => {
    const { clock, fakes, deploy, call } = await setup({ maxWorkers: 4, keepAliveMs: 1000 });
    await deploy('f', STATEFUL, { provisioned: 2 });
    await clock.advance(100);
    expect(fakes.alive).toHaveLength(2);
    expect(platform!.pool().workers.map((w) => w.modules)).toEqual([['f@1'], ['f@1']]);
    fakes.script = () => ({ execMs: 50 });
    const burst = collect([call('f'), call('f')]);
    await clock.advance(200);
    expect(burst.map((i) => [i.start, i.timings.spawn])).toEqual([
      ['warm', 0],
      ['warm', 0],
    ]);
    // A third call at once finds both busy: it spawns and starts cold.
    const three = collect([call('f'), call('f'), call('f')]);
    await clock.advance(200);
    expect(three.map((i) => i.start).sort()).toEqual(['cold', 'warm', 'warm']);
  });

  it('outlives the keep-alive, and comes back after a worker is lost', async () => {
    const { clock, fakes, deploy, call } = await setup({ maxWorkers: 4, keepAliveMs: 1000 });
    await deploy('f', STATEFUL, { provisioned: 1, timeoutMs: 100 });
    await deploy('g');
    await clock.until(call('f'));
    await clock.until(call('g'));
    await clock.advance(10_000);
    // g's module and any extra worker are gone; f's provisioned one stays.
    expect(platform!.pool().workers.map((w) => w.modules)).toEqual([['f@1']]);
    expect((await clock.until(call('f'))).start).toBe('warm');
    // A timeout terminates the worker: another is provisioned in its place.
    fakes.script = () => 'hang';
    expect((await clock.until(call('f'))).outcome).toBe('timeout');
    fakes.script = (c) => ({ result: (c.args[0] as number | undefined) ?? null });
    await clock.advance(100);
    // (beside the pool's usual replacement for a killed worker, which holds nothing)
    expect(platform!.pool().workers.filter((w) => w.modules.includes('f@1'))).toHaveLength(1);
    expect((await clock.until(call('f'))).start).toBe('warm');
  });

  it('follows redeploys and config changes, capped by maxWorkers', async () => {
    const { clock, p, deploy, call } = await setup({ maxWorkers: 2, keepAliveMs: 1000 });
    await deploy('f', STATEFUL, { provisioned: 5 });
    await clock.advance(100);
    expect(p.pool().workers.map((w) => w.modules)).toEqual([['f@1'], ['f@1']]);
    await deploy('f');
    await clock.advance(100);
    expect(p.pool().workers.map((w) => w.modules)).toEqual([['f@2'], ['f@2']]);
    await p.reconfigure('f', { provisioned: 0 });
    await clock.advance(10_000);
    expect(p.pool().workers).toHaveLength(0);
    expect((await clock.until(call('f'))).start).toBe('cold');
    await expect(p.reconfigure('f', { provisioned: -1 })).rejects.toThrow(/provisioned must be/);
  });
});

describe('timeouts, stops and failing workers', () => {
  it('a timeout terminates the worker at exactly timeoutMs; the next call gets a new one', async () => {
    const { clock, fakes, deploy, call } = await setup({ prewarm: 1 });
    await deploy('stuck', STATEFUL, { timeoutMs: 100 });
    await clock.advance(100);
    fakes.script = () => 'hang';
    const started = clock.now();
    const inv = await clock.until(call('stuck'), 1000, 1);
    expect(inv.outcome).toBe('timeout');
    expect(inv.error).toBe('Timed out after 100 ms; the nanoprocess was terminated');
    expect(clock.now() - started).toBeLessThanOrEqual(102);
    expect(fakes.workers[0].terminated).toBe(true);
    fakes.script = () => ({});
    const next = await clock.until(call('stuck'));
    expect(next.outcome).toBe('ok');
    expect(next.worker).not.toBe(inv.worker);
  });

  it("another function's timeout on a shared worker does not end a function's keep-alive", async () => {
    const { clock, fakes, deploy, call } = await setup({ prewarm: 1 });
    await deploy('sum');
    await deploy('other');
    await deploy('stuck', STATEFUL, { timeoutMs: 100 });
    await clock.advance(100);
    await clock.until(call('sum'));
    const warm = await clock.until(call('sum'));
    expect(warm.start).toBe('warm');
    // Two idle workers, each holding one function: `stuck` lands on sum's and takes it down.
    const other = await clock.until(call('other'));
    expect(other.worker).not.toBe(warm.worker);
    fakes.script = (c: FakeCall) => (c.label.startsWith('stuck') ? 'hang' : {});
    const stuck = await clock.until(call('stuck'), 1000, 1);
    expect(stuck.outcome).toBe('timeout');
    expect(stuck.worker).toBe(warm.worker);
    fakes.script = () => ({});
    // sum's module was loaded again on the other idle worker.
    const next = await clock.until(call('sum'));
    expect(next.worker).toBe(other.worker);
    expect([next.start, next.timings.spawn, next.timings.compile]).toEqual(['warm', 0, 0]);
    // The function whose call ended the worker is not loaded again: its sandbox is gone.
    expect((await clock.until(call('stuck'))).start).toBe('cold');
  });

  it('calls waiting inside a worker behind a call that times out go back in line and run', async () => {
    const { clock, fakes, deploy, call } = await setup({ maxWorkers: 1 });
    await deploy('quick');
    await deploy('stuck', STATEFUL, { timeoutMs: 100 });
    // Teach the scheduler that `quick` is quick, so it pipelines calls behind a busy worker.
    await clock.until(call('quick'));
    fakes.script = (c: FakeCall) => (c.label.startsWith('stuck') ? 'hang' : {});
    const stuck = call('stuck');
    const quick = collect(Array.from({ length: 3 }, (_, i) => call('quick', i)));
    const stuckInv = await clock.until(stuck);
    expect(stuckInv.outcome).toBe('timeout');
    await clock.advance(200);
    expect(quick.map((i) => [i.args[0], i.outcome])).toEqual([
      [0, 'ok'],
      [1, 'ok'],
      [2, 'ok'],
    ]);
  });

  it('a call that hangs behind held answers of its batch times out itself; the calls that finished are not blamed', async () => {
    const { clock, fakes, deploy, call } = await setup({ maxWorkers: 1 });
    await deploy('f', STATEFUL, { timeoutMs: 100, instance: 'reuse' });
    for (let i = 0; i < 5; i++) await clock.until(call('f', 9));
    fakes.script = (c) => (c.args[0] === 3 ? 'hang' : {});
    const done = collect([0, 1, 2, 3].map((i) => call('f', i)));
    await clock.advance(0);
    // 0 went to the idle worker alone; 1, 2 and 3 queued behind it as one batch. The worker holds
    // the answers of 1 and 2 (short calls) while 3 runs, and 3 never ends.
    const batch = fakes.received.slice(-3);
    expect(batch.map((c) => [c.args[0], c.more])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
    await clock.advance(400);
    const byArg = new Map(done.map((i) => [i.args[0], i]));
    expect([0, 1, 2, 3].map((a) => byArg.get(a)?.outcome)).toEqual(['ok', 'ok', 'ok', 'timeout']);
    expect(byArg.get(3)?.error).toBe('Timed out after 100 ms; the nanoprocess was terminated');
    // The platform could not tell which of the batch was running, so it sent each again alone.
    const runs = (a: number) => fakes.received.filter((c) => c.args[0] === a);
    expect(runs(1)).toHaveLength(2);
    expect(runs(1)[1].worker).not.toBe(runs(1)[0].worker);
    expect([1, 2, 3].map((a) => runs(a)[1].more)).toEqual([false, false, false]);
    // Their records say why they ran again on another worker.
    const moved = 'the worker it waited in ended before it ran (timed out after 100 ms)';
    expect([0, 1, 2, 3].map((a) => byArg.get(a)?.retried)).toEqual([undefined, moved, moved, moved]);
  });

  it('a call pipelined behind another gets its full timeout from when it starts, not from when it was sent', async () => {
    const { clock, fakes, deploy, call } = await setup({ maxWorkers: 1 });
    await deploy('f', STATEFUL, { timeoutMs: 100 });
    // Quick at first, so the scheduler learns to pipeline; then each call takes 80 ms of its 100.
    for (let i = 0; i < 5; i++) await clock.until(call('f'));
    fakes.script = (c) => ({ execMs: 80, result: c.args[0] as number });
    const done = collect([call('f', 1), call('f', 2), call('f', 3)]);
    await clock.advance(300);
    const sent = fakes.received.slice(-3);
    // All three went to the worker at once, and the third ran 160–240 ms after it was sent.
    expect(new Set(sent.map((c) => c.at)).size).toBe(1);
    expect(done.map((i) => [i.args[0], i.outcome])).toEqual([
      [1, 'ok'],
      [2, 'ok'],
      [3, 'ok'],
    ]);
    expect(done[2].timings.queue).toBeGreaterThanOrEqual(160);
  });

  it('a worker out of Wasm memory reservations is replaced and the call retried, with the calls behind it', async () => {
    const { clock, fakes, deploy, call } = await setup({ maxWorkers: 1 });
    await deploy('f');
    fakes.script = (c) =>
      c.worker.id === 1
        ? { outcome: 'memory-limit', error: 'Cannot allocate Wasm memory', exhausted: true }
        : {};
    const done = collect([call('f', 1), call('f', 2), call('f', 3)]);
    await clock.advance(500);
    expect(done.map((i) => [i.args[0], i.outcome])).toEqual([
      [1, 'ok'],
      [2, 'ok'],
      [3, 'ok'],
    ]);
    expect(fakes.workers[0].terminated).toBe(true);
    expect(new Set(done.map((i) => i.worker))).toEqual(new Set([2]));
    // Only the call that met the exhausted worker went there; the record says why it moved.
    expect(done.map((i) => [i.args[0], i.retried])).toEqual([
      [1, 'its worker ran out of address space for Wasm memories'],
      [2, undefined],
      [3, undefined],
    ]);
  });

  it('a worker that keeps running out of reservations ends the call after two retries', async () => {
    const { clock, fakes, deploy, call } = await setup({ maxWorkers: 1 });
    await deploy('f');
    fakes.script = () => ({ outcome: 'memory-limit', error: 'Cannot allocate Wasm memory', exhausted: true });
    const inv = await clock.until(call('f'));
    expect(inv.outcome).toBe('memory-limit');
    expect(fakes.workers).toHaveLength(3);
  });

  it('Stop ends a running call by terminating its worker, and dequeues a waiting one', async () => {
    const { clock, fakes, deploy, p } = await setup({ maxWorkers: 1 });
    await deploy('f');
    fakes.script = () => 'hang';
    const a = p.start('f', [1]);
    const b = p.start('f', [2]);
    await clock.advance(50);
    expect(p.stop(b.id)).toBe(true);
    expect((await clock.until(b.done)).error).toBe('Stopped before it started');
    expect(p.stop(a.id)).toBe(true);
    const ended = await clock.until(a.done);
    expect(ended.outcome).toBe('error');
    expect(ended.error).toMatch(/^Stopped by the user after \d+ ms/);
    expect(fakes.workers[0].terminated).toBe(true);
  });

  it('Stop on a call that hangs behind held answers of its batch ends it at once; the finished ones end ok', async () => {
    const { clock, fakes, deploy, p } = await setup({ maxWorkers: 1 });
    await deploy('f', STATEFUL, { instance: 'reuse' });
    for (let i = 0; i < 5; i++) await clock.until(p.invoke('f', [9]));
    fakes.script = (c) => (c.args[0] === 3 ? 'hang' : {});
    const calls = [0, 1, 2, 3].map((i) => p.start('f', [i]));
    const done = collect(calls.map((c) => c.done));
    await clock.advance(50);
    // 1 and 2 have finished with their answers held; 3 is running, but the head of the line is 1.
    expect(done.map((i) => i.args[0])).toEqual([0]);
    expect(p.stop(calls[3].id)).toBe(true);
    await clock.advance(100);
    const byArg = new Map(done.map((i) => [i.args[0], i]));
    expect(byArg.get(3)?.error).toMatch(/^Stopped by the user after \d+ ms/);
    expect([0, 1, 2].map((a) => [byArg.get(a)?.outcome, byArg.get(a)?.result])).toEqual([
      ['ok', 0],
      ['ok', 1],
      ['ok', 2],
    ]);
    expect(fakes.workers[0].terminated).toBe(true);
  });

  it('a crashed worker settles its call as an error and the pool replaces it', async () => {
    const { clock, fakes, deploy, call } = await setup({ maxWorkers: 1 });
    await deploy('f');
    fakes.script = () => 'hang';
    const pending = call('f');
    await clock.advance(50);
    fakes.workers[0].crash('boom');
    const inv = await clock.until(pending);
    expect(inv.outcome).toBe('error');
    expect(inv.error).toContain('boom');
    fakes.script = () => ({});
    expect((await clock.until(call('f'))).outcome).toBe('ok');
  });

  it('a call whose worker crashes while starting runs on the next one, and its record says why', async () => {
    const { clock, fakes, deploy, call } = await setup({ maxWorkers: 1 });
    await deploy('f');
    const pending = call('f');
    await clock.advance(5); // its worker is still starting (the fakes take 20 ms)
    fakes.workers[0].crash('no start');
    const inv = await clock.until(pending);
    expect([inv.outcome, inv.start, inv.worker]).toEqual(['ok', 'cold', 2]);
    expect(inv.retried).toBe('the worker spawned for it did not start (the worker crashed: no start)');
  });

  it('every pending call settles exactly once when the platform is disposed', async () => {
    const { clock, fakes, deploy, call, p } = await setup({ maxWorkers: 2 });
    await deploy('f');
    fakes.script = () => 'hang';
    const all = Array.from({ length: 10 }, (_, i) => call('f', i));
    const done = collect(all);
    await clock.advance(50);
    p.dispose();
    platform = null;
    await clock.advance(10);
    expect(done).toHaveLength(10);
    expect(new Set(done.map((i) => i.id)).size).toBe(10);
    expect(fakes.alive).toHaveLength(0);
  });
});

describe('which export runs', () => {
  // The test's wat() hands wabt a string, so U+FEFF is written as its UTF-8 byte escapes.
  const THREE = '(module (func (export "")) (func (export "\\ef\\bb\\bf")) (func (export "a")))';

  it('an export named "" is invoked when named, and is not "no export given"', async () => {
    const { clock, fakes, deploy, p } = await setup();
    await deploy('three', THREE);
    const ran: string[] = [];
    fakes.script = (c) => (ran.push(c.export), {});
    expect((await clock.until(p.invoke('three', [], { export: '' }))).outcome).toBe('ok');
    expect((await clock.until(p.invoke('three', [], { export: '\u{FEFF}' }))).outcome).toBe('ok');
    expect(ran).toEqual(['', '\u{FEFF}']);
    // Three exports and no entry: the caller must say which.
    expect(() => p.start('three')).toThrow(/say which to invoke/);
  });

  it('a module whose only export is "" runs it as its entry', async () => {
    const { clock, fakes, deploy, p } = await setup();
    const info = await deploy('only', '(module (func (export "")))');
    expect(info.entry).toBe('');
    const ran: string[] = [];
    fakes.script = (c) => (ran.push(c.export), {});
    expect((await clock.until(p.invoke('only'))).outcome).toBe('ok');
    expect(ran).toEqual(['']);
  });
});

describe('triggers', () => {
  it('records how each call arrived, and says console when nobody said', async () => {
    const { clock, deploy, p } = await setup();
    await deploy('f');
    const plain = await clock.until(p.invoke('f', [1]));
    const http = await clock.until(p.invoke('f', [2], { trigger: 'http' }));
    const load = await clock.until(p.start('f', [3], { trigger: 'load' }).done);
    expect([plain.trigger, http.trigger, load.trigger]).toEqual(['console', 'http', 'load']);
    expect(p.invocations('f').map((i) => i.trigger)).toEqual(['console', 'http', 'load']);
  });
});
