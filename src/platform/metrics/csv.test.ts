import { describe, expect, it } from 'vitest';
import type { Invocation } from '../types';
import {
  CSV_HEADER,
  base64,
  guardCell,
  invocationFields,
  invocationsToCsv,
  invocationsToJson,
  parseCsv,
  toCsv,
} from './csv';

function inv(over: Partial<Invocation> = {}): Invocation {
  return {
    id: 1,
    fn: 'add',
    version: 2,
    export: 'add',
    args: [1, 2],
    start: 'cold',
    instance: 'new',
    outcome: 'ok',
    result: 3,
    logs: [],
    timings: { queue: 0.1, spawn: 12.5, compile: 3.25, instantiate: 0.5, exec: 0.05, total: 16.4 },
    memoryBytes: 65536,
    worker: 0,
    enqueuedAt: 1700000000000.5,
    endedAt: 1700000000017,
    ...over,
  };
}

describe('invocationsToCsv', () => {
  it('writes the header and one CRLF-terminated row per invocation', () => {
    const csv = invocationsToCsv([inv(), inv({ id: 2 })]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'id,fn,version,export,args,start,instance,outcome,result,error,queue_ms,spawn_ms,compile_ms,instantiate_ms,exec_ms,total_ms,memory_bytes,worker,enqueued_at,ended_at,exit_code,trigger,reply_ms,gateway_ms,instructions',
    );
    expect(lines[1]).toBe(
      '1,add,2,add,"[1,2]",cold,new,ok,3,,0.1,12.5,3.25,0.5,0.05,16.4,65536,0,1700000000000.5,1700000000017,,,,,',
    );
    expect(lines.length).toBe(4);
    expect(lines[3]).toBe('');
  });

  it('renders bigint as decimal strings, null worker and missing fields as empty', () => {
    const row = parseCsv(
      invocationsToCsv([
        inv({
          args: [12345678901234567890n, 'x', -1.5],
          result: [2n ** 64n, null, NaN],
          worker: null,
          exitCode: 0,
        }),
      ]),
    )[1];
    expect(row[4]).toBe('["12345678901234567890","x",-1.5]');
    expect(row[8]).toBe('["18446744073709551616",null,"NaN"]');
    expect(row[17]).toBe('');
    expect(row[20]).toBe('0');
    const scalar = parseCsv(invocationsToCsv([inv({ result: -9007199254740993n })]))[1];
    expect(scalar[8]).toBe('-9007199254740993'); // a plain negative number is not guarded
    const none = parseCsv(
      invocationsToCsv([inv({ result: undefined, outcome: 'trap', error: 'unreachable' })]),
    )[1];
    expect(none[8]).toBe('');
    expect(none[9]).toBe('unreachable');
    expect(parseCsv(invocationsToCsv([inv({ result: null })]))[1][8]).toBe('null');
  });

  it('round-trips through parseCsv: quotes, commas, newlines and unicode survive', () => {
    const nasty = [
      'say "hi", then leave',
      'line1\nline2\r\nline3\rline4',
      'ünïcødé — 日本語 — 🦀',
      '  padded  ',
      '"',
      ',',
      '',
    ];
    const invs = nasty.map((s, i) => inv({ id: i, fn: `f${i}`, error: s, args: [s] }));
    const rows = parseCsv(invocationsToCsv(invs));
    expect(rows[0]).toEqual([...CSV_HEADER]);
    expect(rows.length).toBe(invs.length + 1);
    invs.forEach((x, i) => {
      expect(rows[i + 1]).toEqual(invocationFields(x));
      expect(rows[i + 1].length).toBe(CSV_HEADER.length);
      expect(rows[i + 1][9]).toBe(nasty[i]);
      expect(JSON.parse(rows[i + 1][4])).toEqual([nasty[i]]);
    });
  });

  it('guards against formula injection', () => {
    const payloads = ['=HYPERLINK("http://evil","x")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd', '-cmd'];
    const rows = parseCsv(invocationsToCsv(payloads.map((p) => inv({ error: p, fn: p }))));
    payloads.forEach((p, i) => {
      expect(rows[i + 1][9]).toBe(`'${p}`);
      expect(rows[i + 1][1]).toBe(`'${p}`);
    });
    // Harmless look-alikes stay as they are.
    expect(guardCell('a=b')).toBe('a=b');
    expect(guardCell('-12.5')).toBe('-12.5');
    expect(guardCell('-1e-7')).toBe('-1e-7');
    expect(guardCell('-Infinity')).toBe("'-Infinity");
  });
});

describe('parseCsv', () => {
  it('parses RFC 4180 examples', () => {
    expect(parseCsv('a,b,c\r\nd,e,f\r\n')).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ]);
    expect(parseCsv('a,b\nc,d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseCsv('"a""b","c,d","e\r\nf"')).toEqual([['a"b', 'c,d', 'e\r\nf']]);
    expect(parseCsv('a,,\r\n,"",b')).toEqual([
      ['a', '', ''],
      ['', '', 'b'],
    ]);
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\r\n')).toEqual([['']]);
    expect(parseCsv('x,')).toEqual([['x', '']]);
  });

  it('rejects malformed quoting', () => {
    expect(() => parseCsv('"abc')).toThrow(/unterminated/);
    expect(() => parseCsv('"abc"x,1')).toThrow(/after a closing quote/);
  });

  it('inverts toCsv for arbitrary strings (modulo the injection guard)', () => {
    const cells = ['plain', 'a,b', 'q"q', '"', '""', '\n', '\r\n', 'x\ry', '', ' ', 'é', '🦀,"🦀"'];
    const rows = [cells, [...cells].reverse(), ['only']];
    expect(parseCsv(toCsv(rows))).toEqual(rows.map((r) => r.map(guardCell)));
    expect(guardCell('\r\n')).toBe("'\r\n");
  });
});

describe('invocationsToJson', () => {
  it('keeps every field, with bigint as strings and bytes as base64', () => {
    const enc = new TextEncoder();
    const x = inv({
      args: [1n, 'a'],
      result: [-5n, 1.5, Infinity],
      logs: ['hello'],
      stdout: 'out',
      stdoutBytes: enc.encode('out'),
      files: { '/a.txt': enc.encode('file body'), '/empty': new Uint8Array(0) },
      exitCode: 0,
    });
    const parsed = JSON.parse(invocationsToJson([x]));
    expect(parsed).toHaveLength(1);
    const [p] = parsed;
    expect(p.args).toEqual(['1', 'a']);
    expect(p.result).toEqual(['-5', 1.5, 'Infinity']);
    expect(p.stdoutBytes).toBe(btoa('out'));
    expect(p.files).toEqual({ '/a.txt': btoa('file body'), '/empty': '' });
    expect(p.timings).toEqual(x.timings);
    expect(p.logs).toEqual(['hello']);
    expect(p.exitCode).toBe(0);
    expect(invocationsToJson([x], 2)).toContain('\n  ');
  });
});

describe('base64', () => {
  it('matches btoa for all tail lengths and all byte values', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let n = 0; n <= 7; n++) {
      const b = all.subarray(250 - n, 250);
      expect(base64(b)).toBe(btoa(String.fromCharCode(...b)));
    }
    expect(base64(all)).toBe(btoa(String.fromCharCode(...all)));
  });
});
