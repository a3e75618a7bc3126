// The gateway with plain Request/Response objects against the real platform, through the app's own
// PlatformClient over a MessageChannel (real deploy, WAT compiled on the "page", argument typing and
// scheduling; fake workers on a manual clock answer the calls). Real Wasm through the
// real service worker is e2e/gateway.spec.ts.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { WatError } from '../platform/compiler';
import { connectClient } from '../platform/testing/client-host';
import type { FakeReply } from '../platform/testing/fake-worker';
import type { FunctionInfo, Invocation } from '../platform/types';
import { compileWat, type Wabt } from '../workers/wat';
import { createGateway, type GatewayPlatform } from './gateway';
import { MAX_BODY_BYTES } from './wire';

let wabt: Wabt;
beforeAll(async () => {
  wabt = await wabtInit();
});

const SUM = `(module (func (export "_start") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "wide") (param i64) (result i64) local.get 0))`;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** The gateway over the app's own PlatformClient, joined to a platform host by a MessageChannel. */
async function setup(
  script: (args: unknown[], exportName: string) => FakeReply = (a) => ({ result: sum(a) }),
) {
  const compiler = {
    toBinary: async (source: string) => {
      const r = compileWat(wabt, source);
      if (!r.ok) throw new WatError(r.diagnostics);
      return r.bytes;
    },
  };
  const { clock, fakes, client: p } = connectClient({ cleanups, compiler });
  fakes.script = (c) => script(c.args, c.export);
  const gateway = createGateway(p, { now: clock.now });
  const fetch = (path: string, init?: RequestInit) =>
    clock.until(gateway(new Request(`http://localhost${path}`, init)));
  await clock.until(p.deploy('sum', SUM));
  return { p, fetch, clock };
}

function sum(args: unknown[]): number {
  return (args as number[]).reduce((a, b) => a + b, 0);
}

describe('exec', () => {
  it("answers the seed's ?5,2 with 7, typed from the signature, and records the call as http", async () => {
    const { p, fetch } = await setup();
    const res = await fetch('/api/exec/sum?5,2');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('7\n');
    expect(res.headers.get('X-Nanofaas-Outcome')).toBe('ok');
    expect(res.headers.get('Server-Timing')).toMatch(/^invocation;dur=[\d.]+, gateway;dur=[\d.]+$/);
    const [inv] = p.invocations('sum');
    expect(inv).toMatchObject({ args: ['5', '2'], trigger: 'http', export: '_start' });
  });

  it("records the gateway's own cost before the call: from the service worker's receipt to the platform", async () => {
    const { p, clock } = await setup();
    const gateway = createGateway(p, { now: clock.now });
    // The service worker received it 7 ms ago (its hop to this page and the routing).
    const res = await clock.until(gateway(new Request('http://localhost/api/exec/sum?1,2'), clock.now() - 7));
    expect(await res.text()).toBe('3\n');
    const [inv] = p.invocations('sum');
    expect(inv.timings.gateway).toBe(7);
    expect(inv.timings.total).toBeGreaterThan(0);
    // Calls that did not come through the gateway have no gateway part.
    await clock.until(p.invoke('sum', [1, 1]));
    expect(p.invocations('sum')[1].timings.gateway).toBeUndefined();
  });

  it('calls another export by path, and takes a JSON array body on POST', async () => {
    const { fetch } = await setup((args, exp) => ({ result: exp === 'wide' ? (args[0] as bigint) : 0 }));
    const get = await fetch('/api/exec/sum/wide?-9007199254740993');
    expect(await get.text()).toBe('-9007199254740993\n');
    const post = await fetch('/api/exec/sum/wide', { method: 'POST', body: '["9007199254740993"]' });
    expect(await post.text()).toBe('9007199254740993\n');
  });

  it('answers the whole record as JSON with Accept: application/json (i64 as a string)', async () => {
    const { fetch } = await setup((args) => ({ result: args[0] as bigint }));
    const res = await fetch('/api/exec/sum/wide?12', { headers: { Accept: 'application/json' } });
    expect(res.headers.get('Content-Type')).toMatch(/application\/json/);
    const record = (await res.json()) as Invocation;
    expect(record).toMatchObject({ fn: 'sum', export: 'wide', outcome: 'ok', result: '12', trigger: 'http' });
    expect(record.timings.total).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ['a trap', { outcome: 'trap', error: 'RuntimeError: unreachable' }, 500, 'RuntimeError: unreachable'],
    ['a timeout', { outcome: 'timeout', error: 'Timed out after 100 ms' }, 504, 'Timed out after 100 ms'],
    ['the memory cap', { outcome: 'memory-limit', error: 'memory cap' }, 507, 'memory cap'],
  ] as const)('says %s with its status and the reason', async (_what, reply, status, text) => {
    const { fetch } = await setup(() => ({ ...reply }));
    const res = await fetch('/api/exec/sum?1,2');
    expect(res.status).toBe(status);
    expect(await res.text()).toBe(text + '\n');
  });

  it('says 429 when the queue is full', async () => {
    const { p, fetch } = await setup(() => 'hang');
    p.config({ maxQueue: 0, maxWorkers: 1 });
    void p.invoke('sum', [1, 1]);
    const res = await fetch('/api/exec/sum?1,2');
    expect(res.status).toBe(429);
    expect(await res.text()).toMatch(/Throttled/);
  });

  it.each([
    ['/api/exec/sum?1', 400, /expects 2 arguments \(i32, i32\) but got 1/],
    ['/api/exec/sum?1,x', 400, /i32 needs an integer, got "x"/],
    ['/api/exec/nope?1,2', 404, /No function named "nope"[\s\S]*Endpoints:/],
    ['/api/exec/sum/nope', 404, /no exported function "nope" \(it exports: _start, wide\)/],
    ['/api/exec/sum?%zz', 400, /not valid percent-encoding/],
  ])('%s → %d with a reason', async (path, status, text) => {
    const { fetch } = await setup();
    const res = await fetch(path);
    expect(res.status).toBe(status);
    expect(await res.text()).toMatch(text);
  });

  it.each([
    ['{"a":1}', /must be a JSON array of numbers and strings/],
    ['[1,', /not JSON/],
    ['[[1],2]', /must be a JSON array/],
  ])('refuses the POST body %s with 400', async (body, text) => {
    const { fetch } = await setup();
    const res = await fetch('/api/exec/sum', { method: 'POST', body });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(text);
  });
});

describe('register, functions, stats, delete', () => {
  it('deploys WAT text: 201 with the info, then exec, stats and delete', async () => {
    const { fetch } = await setup();
    const res = await fetch('/api/register/add?timeoutMs=250', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: SUM,
    });
    expect(res.status).toBe(201);
    const info = (await res.json()) as FunctionInfo;
    expect(info).toMatchObject({ name: 'add', version: 1, source: 'wat', config: { timeoutMs: 250 } });
    expect(await (await fetch('/api/exec/add?40,2')).text()).toBe('42\n');
    const stats = await (await fetch('/api/stats/add')).json();
    expect(stats).toMatchObject({ fn: 'add', invocations: 1, outcomes: { ok: 1 } });
    const names = ((await (await fetch('/api/functions')).json()) as FunctionInfo[]).map((f) => f.name);
    expect(names).toEqual(['sum', 'add']);
    expect((await fetch('/api/functions/add', { method: 'DELETE' })).status).toBe(204);
    expect((await fetch('/api/exec/add?40,2')).status).toBe(404);
    expect((await fetch('/api/stats/add')).status).toBe(404);
    expect((await fetch('/api/functions/add', { method: 'DELETE' })).status).toBe(404);
  });

  it('deploys Wasm bytes', async () => {
    const { fetch } = await setup();
    const bytes = compileWat(wabt, SUM);
    if (!bytes.ok) throw new Error('SUM compiles');
    const res = await fetch('/api/register/bin', {
      method: 'POST',
      headers: { 'Content-Type': 'application/wasm' },
      body: bytes.bytes.slice(),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as FunctionInfo).source).toBe('wasm');
  });

  it("answers bad WAT with 400 and the compiler's line and column", async () => {
    const { fetch } = await setup();
    const res = await fetch('/api/register/bad', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: '(module\n  (func (result i32) i32.const 1 i32.bogus))',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/line 2, column \d+: .*i32\.bogus/);
  });

  it.each([
    [
      { 'Content-Type': 'application/wasm' },
      'not wasm',
      400,
      /Not a WebAssembly module: the file does not start with \\0asm/,
    ],
    [
      { 'Content-Type': 'application/json' },
      '{}',
      415,
      /application\/wasm .* or text\/plain .*not application\/json/,
    ],
    [{ 'Content-Type': 'text/plain' }, '(module)', 400, /timeoutMs must be a number/, '?timeoutMs=soon'],
    [{ 'Content-Type': 'text/plain' }, '(module)', 400, /Unknown setting "colour"/, '?colour=red'],
  ])('refuses %o with %s', async (headers, body, status, text, query = '') => {
    const { fetch } = await setup();
    const res = await fetch(`/api/register/x${query}`, { method: 'POST', headers, body });
    expect(res.status).toBe(status);
    expect(await res.text()).toMatch(text);
  });
});

describe('bad requests', () => {
  it('lists the endpoints for an unknown route (404) and at /api/ (200)', async () => {
    const { fetch } = await setup();
    const res = await fetch('/api/nothing/here');
    expect(res.status).toBe(404);
    const text = await res.text();
    expect(text).toMatch(/^No endpoint at GET \/api\/nothing\/here/);
    expect(text).toContain('POST   /api/register/<name>');
    expect((await fetch('/api/')).status).toBe(200);
  });

  it('says which methods a route takes (405 with Allow)', async () => {
    const { fetch } = await setup();
    const res = await fetch('/api/register/x');
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toBe('POST, PUT');
  });

  it('refuses bodies over 32 MiB with 413, by Content-Length or by what arrives', async () => {
    const { fetch } = await setup();
    const big = new Uint8Array(MAX_BODY_BYTES + 1);
    const res = await fetch('/api/register/big', {
      method: 'POST',
      headers: { 'Content-Type': 'application/wasm' },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toMatch(/limited to 32 MiB/);
    const declared = await fetch('/api/exec/sum', {
      method: 'POST',
      headers: { 'Content-Length': String(MAX_BODY_BYTES + 1) },
      body: '[1,2]',
    });
    expect(declared.status).toBe(413);
  });
});

describe('WAGI handlers', () => {
  /** A stand-in platform with one WASI command whose stdout the test sets. */
  function wagi(stdout: string, extra: Partial<Invocation> = {}) {
    const calls: { args: unknown[]; options: Record<string, unknown> }[] = [];
    const info = { name: 'h', kind: 'wasi-command' } as FunctionInfo;
    const fake: GatewayPlatform = {
      deploy: () => Promise.reject(new Error('unused')),
      undeploy: () => Promise.reject(new Error('unused')),
      stats: () => Promise.reject(new Error('unused')),
      functions: () => [info, { name: 'plain', kind: 'plain' } as FunctionInfo],
      invoke: async (_name, args = [], options = {}) => {
        calls.push({ args, options: options as Record<string, unknown> });
        return {
          id: 1,
          outcome: 'ok',
          result: null,
          start: 'warm',
          exitCode: 0,
          stdout,
          stdoutBytes: new TextEncoder().encode(stdout),
          stderr: '',
          timings: { queue: 0, spawn: 0, compile: 0, instantiate: 0, exec: 1, total: 1 },
          ...extra,
        } as Invocation;
      },
    };
    return { gateway: createGateway(fake), calls };
  }

  it('passes the request as CGI variables, stdin and arguments, and answers the CGI response', async () => {
    const { gateway, calls } = wagi(
      'Status: 201 Created\r\nContent-Type: application/json\r\nX-Thing: 1\r\n\r\n{"ok":true}',
    );
    const res = await gateway(
      new Request('http://localhost:4175/api/http/h/items/a%20b?x=1&y=two', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'r1' },
        body: '{"n":1}',
      }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.headers.get('X-Thing')).toBe('1');
    expect(await res.text()).toBe('{"ok":true}');
    const { args, options } = calls[0];
    expect(args).toEqual([]);
    expect(options.argv).toEqual(['x=1', 'y=two']);
    expect(new TextDecoder().decode(options.stdin as Uint8Array)).toBe('{"n":1}');
    expect(options.trigger).toBe('http');
    expect(options.env).toMatchObject({
      REQUEST_METHOD: 'POST',
      PATH_INFO: '/items/a b',
      X_RAW_PATH_INFO: '/items/a%20b',
      SCRIPT_NAME: '/api/http/h',
      QUERY_STRING: 'x=1&y=two',
      CONTENT_LENGTH: '7',
      CONTENT_TYPE: 'application/json',
      HTTP_X_REQUEST_ID: 'r1',
      SERVER_PORT: '4175',
      GATEWAY_INTERFACE: 'CGI/1.1',
    });
  });

  it('answers 502 with what is wrong when the output is not a CGI response', async () => {
    const { gateway } = wagi('hello world\n', { exitCode: 3, stderr: 'oops' });
    const res = await gateway(new Request('http://localhost/api/http/h/'));
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(text).toMatch(/Malformed CGI output from "h": .*no blank line after the headers/);
    expect(text).toMatch(/exited with code 3[\s\S]*stderr:\noops/);
  });

  it('refuses a function that is not a WASI command', async () => {
    const { gateway } = wagi('');
    const res = await gateway(new Request('http://localhost/api/http/plain/'));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/"plain" is not a WASI command/);
  });
});
