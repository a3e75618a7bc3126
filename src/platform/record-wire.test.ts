// Settled records travel from the platform worker to the page as a RecordBatch: every field of
// every record comes back as it went, through a real structured clone with its buffers transferred.
import { describe, expect, it } from 'vitest';
import { throughChannel } from './testing/channel';
import { decodeRecords, encodeRecords, type SettledRecord } from './record-wire';
import { OUTCOMES, TRIGGERS, type Invocation } from './types';

/** A record with every field of Invocation set (Required: a new field must be added here). */
function everyField(id: number): Required<Invocation> {
  return {
    id,
    fn: 'wc',
    version: 3,
    export: '_start',
    args: [1, 'two', 3n],
    trigger: 'http',
    start: 'cold',
    instance: 'new',
    outcome: 'timeout',
    result: [1, 2n, null],
    error: 'Timed out after 100 ms',
    logs: ['log one', 'log two'],
    timings: {
      queue: 0.1,
      spawn: 2.5,
      compile: 0.3,
      instantiate: 0.4,
      exec: 100.25,
      total: 103.5,
      reply: 0.05,
      ahead: 0.7,
      gateway: 1.25,
    },
    memoryBytes: 131072,
    worker: 2,
    enqueuedAt: 1_700_000_000_000.125,
    endedAt: 1_700_000_000_103.625,
    instructions: 123_456_789,
    timeoutBy: 'terminate',
    retried: 'its worker ran out of address space for Wasm memories',
    exitCode: 3,
    stdout: 'hello\n',
    stderr: 'oops\n',
    stdoutBytes: new TextEncoder().encode('hello\n'),
    stderrBytes: new TextEncoder().encode('oops\n'),
    files: { '/out.txt': new Uint8Array([1, 2, 3]) },
  };
}

/** A warm plain call as the platform records it: only the fields every record has. */
function plain(id: number, fn = 'sum'): Invocation {
  return {
    id,
    fn,
    version: 1,
    export: 'sum',
    args: [id, 1],
    trigger: 'console',
    start: 'warm',
    instance: 'reused',
    outcome: 'ok',
    result: id + 1,
    logs: [],
    timings: { queue: 0.01, spawn: 0, compile: 0, instantiate: 0, exec: 0.02, total: 0.2, reply: 0.03 },
    memoryBytes: 65536,
    worker: 1,
    enqueuedAt: 1000 + id,
    endedAt: 1000.2 + id,
  };
}

/** Encodes, sends through a real MessageChannel with the buffers transferred, and decodes. */
async function roundTrip(records: SettledRecord[]): Promise<SettledRecord[]> {
  const { batch, transfer } = encodeRecords(records);
  const copy = await throughChannel(batch, transfer);
  expect(batch.num.byteLength).toBe(0); // transferred, not copied
  const out: SettledRecord[] = [];
  decodeRecords(copy, (inv, memoryMiB, ticket) => {
    const r: SettledRecord = { inv, memoryMiB };
    if (ticket !== undefined) r.ticket = ticket;
    out.push(r);
  });
  return out;
}

describe('encodeRecords / decodeRecords', () => {
  it('round-trips a record with every field set', async () => {
    const inv = everyField(7);
    const [back] = await roundTrip([{ inv, memoryMiB: 128, ticket: 42 }]);
    expect(back).toEqual({ inv, memoryMiB: 128, ticket: 42 });
    // Every key, one by one, so a dropped field names itself.
    for (const key of Object.keys(inv) as (keyof Invocation)[]) expect(back.inv[key], key).toEqual(inv[key]);
    expect(Object.keys(back.inv).sort()).toEqual(Object.keys(inv).sort());
    expect(Object.keys(back.inv.timings).sort()).toEqual(Object.keys(inv.timings).sort());
  });

  it('leaves optional fields out when the record had none, and keeps the ticket absent', async () => {
    const inv = plain(1);
    delete inv.trigger; // records saved before triggers existed
    delete inv.timings.reply;
    inv.worker = null;
    inv.result = undefined;
    inv.args = [];
    const [back] = await roundTrip([{ inv, memoryMiB: 64 }]);
    expect(back).toEqual({ inv, memoryMiB: 64 });
    expect('ticket' in back).toBe(false);
    for (const key of [
      'trigger',
      'error',
      'instructions',
      'timeoutBy',
      'retried',
      'exitCode',
      'stdout',
      'stderr',
      'stdoutBytes',
      'stderrBytes',
      'files',
    ])
      expect(key in back.inv, key).toBe(false);
    expect('reply' in back.inv.timings).toBe(false);
    expect('result' in back.inv).toBe(true);
    expect(back.inv.result).toBeUndefined();
    expect(back.inv.worker).toBeNull();
    expect(back.inv.args).toEqual([]);
  });

  it('keeps many records in order, with their names, arguments and tickets', async () => {
    const records: SettledRecord[] = [];
    for (let i = 0; i < 200; i++) {
      const inv = plain(i, i % 3 === 0 ? 'fib' : 'sum');
      if (i % 7 === 0) inv.args = [`text ${i}`]; // not a number: travels beside the row
      if (i % 11 === 0) inv.result = BigInt(i);
      if (i % 13 === 0) inv.error = `error ${i}`;
      const r: SettledRecord = { inv, memoryMiB: 64 + (i % 4) };
      if (i % 2 === 0) r.ticket = 10_000 + i;
      records.push(r);
    }
    expect(await roundTrip(records)).toEqual(records);
  });

  it('carries every outcome, trigger, start and instance', async () => {
    const records: SettledRecord[] = [];
    let id = 0;
    for (const outcome of OUTCOMES)
      for (const trigger of TRIGGERS)
        for (const start of ['cold', 'warm'] as const)
          for (const instance of ['new', 'reused'] as const)
            records.push({ inv: { ...plain(id++), outcome, trigger, start, instance }, memoryMiB: 64 });
    for (const timeoutBy of ['trap', 'terminate'] as const)
      records.push({ inv: { ...plain(id++), outcome: 'timeout', timeoutBy }, memoryMiB: 64 });
    expect(await roundTrip(records)).toEqual(records);
  });

  it('keeps numbers exactly: negative zero, NaN, infinities and large epoch times', async () => {
    const inv = plain(1);
    inv.args = [-0, NaN, Infinity, -Infinity, 2 ** 53 - 1];
    inv.result = -0;
    inv.exitCode = 0;
    inv.instructions = 0;
    inv.endedAt = 1_767_225_600_123.456;
    const [back] = await roundTrip([{ inv, memoryMiB: 64 }]);
    expect(Object.is(back.inv.args[0], -0)).toBe(true);
    expect(back.inv.args.slice(1)).toEqual([NaN, Infinity, -Infinity, 2 ** 53 - 1]);
    expect(Object.is(back.inv.result, -0)).toBe(true);
    expect(back.inv.exitCode).toBe(0);
    expect(back.inv.instructions).toBe(0);
    expect(back.inv.endedAt).toBe(1_767_225_600_123.456);
  });

  it('encodes an empty batch', async () => {
    expect(await roundTrip([])).toEqual([]);
  });
});
