// Runs of invoke commands travel packed from the page to the platform worker: each call comes back
// as it went, and calls the packed form cannot carry are left as plain commands.
import { describe, expect, it } from 'vitest';
import { throughChannel } from './testing/channel';
import { decodeInvokes, encodeInvokes, packable, type InvokeCommand } from './invoke-wire';
import { TRIGGERS } from './types';

async function roundTrip(calls: InvokeCommand[]): Promise<InvokeCommand[]> {
  const { batch, transfer } = encodeInvokes(calls);
  const copy = await throughChannel(batch, transfer);
  expect(batch.rows.byteLength).toBe(0); // transferred, not copied
  const out: InvokeCommand[] = [];
  decodeInvokes(copy, (c) => out.push(c));
  return out;
}

describe('encodeInvokes / decodeInvokes', () => {
  it('round-trips tickets, names, arguments, trigger, export and track, in order', async () => {
    const calls: InvokeCommand[] = [];
    for (let i = 0; i < 100; i++)
      calls.push({
        ticket: 1000 + i,
        fn: i % 2 ? 'sum' : 'fib',
        args: Array.from({ length: i % 4 }, (_, j) => i * 10 + j + 0.5),
        options: {
          ...(i % 3 ? { trigger: TRIGGERS[i % TRIGGERS.length] } : {}),
          ...(i % 5 === 0 ? { export: i % 10 ? 'main' : '' } : {}),
        },
        track: i % 7 === 0,
      });
    expect(await roundTrip(calls)).toEqual(calls);
  });

  it('keeps numbers exactly and leaves absent options out', async () => {
    const [back] = await roundTrip([
      { ticket: 1, fn: 'f', args: [-0, NaN, -Infinity, 2 ** 53 - 1], options: {}, track: false },
    ]);
    expect(Object.is(back.args[0], -0)).toBe(true);
    expect(back.args.slice(1)).toEqual([NaN, -Infinity, 2 ** 53 - 1]);
    expect(back.options).toEqual({});
    expect('export' in back.options).toBe(false);
    expect('trigger' in back.options).toBe(false);
  });
});

describe('packable', () => {
  const call = (over: Partial<InvokeCommand>): InvokeCommand => ({
    ticket: 1,
    fn: 'f',
    args: [1, 2],
    options: { trigger: 'console' },
    track: false,
    ...over,
  });

  it('takes numeric arguments with trigger and export', () => {
    expect(packable(call({}))).toBe(true);
    expect(packable(call({ options: { export: 'main', trigger: 'load' } }))).toBe(true);
    expect(packable(call({ options: { trigger: undefined } }))).toBe(true);
  });

  it('leaves anything else as a plain command', () => {
    expect(packable(call({ args: [1n] }))).toBe(false);
    expect(packable(call({ args: ['1'] }))).toBe(false);
    expect(packable(call({ options: { argv: ['x'] } }))).toBe(false);
    expect(packable(call({ options: { stdin: 'in' } }))).toBe(false);
    expect(packable(call({ options: { receivedAt: 5 } }))).toBe(false);
    expect(packable(call({ options: { trigger: 'nonsense' as never } }))).toBe(false);
    expect(packable(call({ options: { export: 5 as never } }))).toBe(false);
  });
});
