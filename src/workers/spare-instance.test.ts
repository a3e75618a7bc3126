// The instance prepared ahead of a warm `fresh` call (spare-instance.ts), with a fake worker.
import { describe, expect, it } from 'vitest';
import type { ModuleMeta } from '../platform/wire';
import { SPARE_DELAY_MS, SpareInstance } from './spare-instance';

interface Entry {
  meta: Pick<ModuleMeta, 'kind' | 'hasStart'>;
}

function setup(loaded: Map<number, Entry>) {
  const queued: (() => void)[] = [];
  const delays: number[] = [];
  let made = 0;
  let clock = 0;
  const spares = new SpareInstance<Entry, string>({
    loaded: (mod) => loaded.get(mod),
    meta: (e) => e.meta as ModuleMeta,
    instantiate: () => {
      clock += 0.04; // what nop's instantiation takes in Chromium
      return `instance ${++made}`;
    },
    later: (fn, ms) => {
      queued.push(fn);
      delays.push(ms);
    },
    now: () => clock,
  });
  const idle = () => queued.splice(0).forEach((fn) => fn());
  return { spares, idle, made: () => made, delays };
}

const command: Entry = { meta: { kind: 'wasi-command', hasStart: false } };
const plain: Entry = { meta: { kind: 'plain', hasStart: false } };

describe('SpareInstance', () => {
  it('instantiates the next instance when the worker is idle, and hands it to the next call once', () => {
    const { spares, idle, made } = setup(new Map([[1, command]]));
    spares.prepare(1, command);
    expect(made()).toBe(0); // not on the critical path of the call that just ended
    expect(spares.take(command)).toBeNull();
    spares.prepare(1, command);
    idle();
    expect(made()).toBe(1);
    expect(spares.take(command)).toEqual({ live: 'instance 1', ms: 0.04 });
    expect(spares.take(command)).toBeNull();
  });

  it('makes the spare at once after a call that came back to back, and a timer later after one that came to an idle worker', () => {
    const { spares, idle, delays } = setup(new Map([[1, command]]));
    spares.prepare(1, command, 0.3); // the worker answered 0.3 ms before this call came
    idle();
    expect(spares.take(command)).not.toBeNull();
    spares.prepare(1, command, 2); // idle 2 ms: the answer's receiver gets the core first
    spares.prepare(1, command, 0.2); // scheduled already: not scheduled again
    idle();
    expect(spares.take(command)).not.toBeNull();
    expect(delays).toEqual([0, SPARE_DELAY_MS]);
  });

  it('keeps one spare per worker: calling another module replaces it', () => {
    const { spares, idle } = setup(
      new Map([
        [1, command],
        [2, plain],
      ]),
    );
    spares.prepare(1, command);
    idle();
    spares.prepare(2, plain);
    expect(spares.take(command)).toBeNull();
    idle();
    expect(spares.take(plain)?.live).toBe('instance 2');
  });

  it('prepares nothing for a module evicted or replaced before the worker was idle, and drops it on eviction', () => {
    const loaded = new Map([[1, command]]);
    const { spares, idle, made } = setup(loaded);
    spares.prepare(1, command);
    loaded.set(1, { ...command });
    idle();
    expect(made()).toBe(0);
    loaded.set(1, command);
    spares.prepare(1, command);
    idle();
    spares.drop(command);
    expect(spares.take(command)).toBeNull();
  });

  it('never runs user code ahead: no spare for a start function or a reactor', () => {
    const withStart: Entry = { meta: { kind: 'plain', hasStart: true } };
    const reactor: Entry = { meta: { kind: 'wasi-reactor', hasStart: false } };
    const { spares, idle, made } = setup(
      new Map([
        [1, withStart],
        [2, reactor],
      ]),
    );
    spares.prepare(1, withStart);
    spares.prepare(2, reactor);
    idle();
    expect(made()).toBe(0);
  });
});
