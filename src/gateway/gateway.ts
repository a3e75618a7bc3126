// The HTTP gateway: seed 003's API (/exec, /register, /stats, …) answered by the platform in the
// browser. Framework-free and free of the service worker: a Request goes in, a Response comes out,
// so it is unit-tested with plain Request/Response objects and reused by the Run panel's form.
import type {
  ArgValue,
  FunctionConfig,
  FunctionInfo,
  FunctionStats,
  Invocation,
  InvokeOptions,
  Outcome,
  Trigger,
} from '../platform/types';
import { cgiArguments, cgiEnvironment, parseCgiResponse } from './cgi';
import { API_PREFIX, MAX_BODY_BYTES, readBodyWithin, textResponse, tooLarge } from './wire';

type MaybePromise<T> = T | Promise<T>;

/**
 * What the gateway needs of the platform: the methods of `window.faas` it calls, so it works with
 * the platform in the page or with a client of a platform worker alike.
 */
export interface GatewayPlatform {
  deploy(name: string, code: string | Uint8Array, config?: Partial<FunctionConfig>): Promise<FunctionInfo>;
  invoke(name: string, args?: ArgValue[], options?: InvokeOptions): Promise<Invocation>;
  functions(): MaybePromise<FunctionInfo[]>;
  stats(name: string): MaybePromise<FunctionStats>;
  undeploy(name: string): Promise<void>;
}

export interface GatewayOptions {
  /** Recorded on every invocation the gateway makes; 'http' unless the Run panel's form says 'ui'. */
  trigger?: Trigger;
  /** Epoch-ms clock for the gateway's own timing. */
  now?: () => number;
}

/**
 * Answers one request. `receivedAt` (epoch ms) is when it reached nanofaas — the service worker's
 * receipt — so the invocation's `timings.gateway` includes the hop from the service worker.
 */
export type Gateway = (request: Request, receivedAt?: number) => Promise<Response>;

/** The endpoints, listed in 404 answers and at /api/. */
export const ENDPOINTS = [
  'GET    /api/exec/<name>?5,2            call the entry with arguments (typed from its signature)',
  'GET    /api/exec/<name>/<export>?5,2   call another export',
  'POST   /api/exec/<name>[/<export>]     the same, arguments as a JSON array body',
  '       (Accept: application/json answers the whole invocation record)',
  'POST   /api/register/<name>            deploy: Wasm (Content-Type: application/wasm) or WAT (text/*);',
  '                                       ?timeoutMs=&memoryMiB=&instance=&entry=&meter=&fuelLimit=',
  'GET    /api/functions                  deployed functions (JSON)',
  'GET    /api/functions/<name>           one function (JSON)',
  'DELETE /api/functions/<name>           undeploy',
  'GET    /api/stats/<name>               counts, percentiles, GB-seconds (JSON)',
  'ANY    /api/http/<name>/<path>         a WASI command as a WAGI (CGI) HTTP handler',
];

/** HTTP status for each outcome: the status line says what happened. */
export const OUTCOME_STATUS: Record<Outcome, number> = {
  ok: 200,
  trap: 500,
  error: 500,
  'out-of-fuel': 500,
  throttled: 429,
  timeout: 504,
  'memory-limit': 507,
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value, jsonReplacer, 2) + '\n', {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  });
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** i64 values as decimal strings, bytes as base64: JSON has neither. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return base64(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/** The invocation record as the JSON answer has it (stdout/stderr as text; files as base64). */
export function invocationJson(inv: Invocation): Record<string, unknown> {
  const { stdoutBytes: _out, stderrBytes: _err, ...rest } = inv;
  return rest;
}

function formatValue(v: number | bigint | null): string {
  if (v === null) return '';
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  return String(v);
}

/** The plain-text result: a value, multi-value results comma-separated (the seed's syntax), stdout for WASI. */
export function resultText(inv: Invocation): string {
  if (inv.stdout !== undefined && inv.result === null) return inv.stdout;
  const r = inv.result;
  if (r === undefined || r === null) return '';
  return Array.isArray(r) ? r.map(formatValue).join(',') : formatValue(r);
}

function invocationHeaders(inv: Invocation, gatewayMs: number): Record<string, string> {
  const h: Record<string, string> = {
    'X-Nanofaas-Invocation': String(inv.id),
    'X-Nanofaas-Outcome': inv.outcome,
    'X-Nanofaas-Start': inv.start,
    // The gateway's own cost beside the invocation's (DevTools shows these under Timing).
    'Server-Timing': `invocation;dur=${inv.timings.total.toFixed(3)}, gateway;dur=${gatewayMs.toFixed(3)}`,
  };
  if (inv.exitCode !== undefined) h['X-Nanofaas-Exit-Code'] = String(inv.exitCode);
  return h;
}

function segments(pathname: string): string[] {
  const rest = pathname.slice(API_PREFIX.length);
  if (rest === '') return [];
  return rest.split('/').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new HttpError(400, `The path segment ${JSON.stringify(s)} is not valid percent-encoding`);
    }
  });
}

function notFound(what: string): HttpError {
  return new HttpError(404, `${what}\n\nEndpoints:\n${ENDPOINTS.join('\n')}`);
}

function methods(method: string, allowed: string[]): void {
  if (!allowed.includes(method))
    throw new HttpError(405, `${method} is not allowed here; use ${allowed.join(' or ')}`, {
      Allow: allowed.join(', '),
    });
}

function wantsJson(request: Request): boolean {
  return /application\/json/i.test(request.headers.get('accept') ?? '');
}

async function body(request: Request): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, '');
  const bytes = await readBodyWithin(request.body, MAX_BODY_BYTES);
  if (bytes === null) throw new HttpError(413, '');
  return new Uint8Array(bytes);
}

/** `?5,2` → ["5", "2"]; the platform types each from the export's signature. */
export function queryArgs(url: URL): ArgValue[] {
  const raw = url.search.slice(1);
  if (raw === '') return [];
  let text: string;
  try {
    text = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new HttpError(400, `The query ${JSON.stringify(raw)} is not valid percent-encoding`);
  }
  return text.split(',');
}

function bodyArgs(bytes: Uint8Array): ArgValue[] {
  const text = new TextDecoder().decode(bytes).trim();
  if (text === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HttpError(
      400,
      `The body is not JSON (${(err as Error).message}); send an array such as [5, 2]`,
    );
  }
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number' && typeof v !== 'string'))
    throw new HttpError(
      400,
      'The body must be a JSON array of numbers and strings, such as [5, 2] or ["9007199254740993"]',
    );
  return value as ArgValue[];
}

const CONFIG_NUMBERS = ['timeoutMs', 'memoryMiB', 'fuelLimit', 'provisioned'] as const;

function registerConfig(url: URL): Partial<FunctionConfig> {
  const config: Partial<FunctionConfig> = {};
  for (const [key, value] of url.searchParams) {
    if ((CONFIG_NUMBERS as readonly string[]).includes(key)) {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n))
        throw new HttpError(400, `${key} must be a number (got ${JSON.stringify(value)})`);
      config[key as (typeof CONFIG_NUMBERS)[number]] = n;
    } else if (key === 'instance') config.instance = value as FunctionConfig['instance'];
    else if (key === 'entry') config.entry = value;
    else if (key === 'meter') {
      if (value !== 'true' && value !== 'false')
        throw new HttpError(400, `meter must be true or false (got ${JSON.stringify(value)})`);
      config.meter = value === 'true';
    } else
      throw new HttpError(
        400,
        `Unknown setting "${key}"; register takes timeoutMs, memoryMiB, instance, entry, meter and fuelLimit`,
      );
  }
  return config;
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : '';
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createGateway(platform: GatewayPlatform, options: GatewayOptions = {}): Gateway {
  const trigger = options.trigger ?? 'http';
  const now = options.now ?? (() => performance.timeOrigin + performance.now());

  async function find(name: string): Promise<FunctionInfo> {
    const info = (await platform.functions()).find((f) => f.name === name);
    if (!info) throw notFound(`No function named "${name}" is deployed`);
    return info;
  }

  /** Invokes; argument errors are 400, a function undeployed meanwhile 404. */
  async function invoke(
    name: string,
    args: ArgValue[],
    receivedAt: number,
    opts: InvokeOptions = {},
  ): Promise<Invocation> {
    try {
      return await platform.invoke(name, args, { ...opts, trigger, receivedAt });
    } catch (err) {
      if (errorName(err) === 'ArgumentError') throw new HttpError(400, errorMessage(err));
      if (/No function named/.test(errorMessage(err))) throw notFound(errorMessage(err));
      throw err;
    }
  }

  async function exec(request: Request, url: URL, startedAt: number, name: string, exportName?: string) {
    methods(request.method, ['GET', 'POST']);
    const info = await find(name);
    if (exportName !== undefined) {
      const exp = info.module.exports.find((e) => e.kind === 'function' && e.name === exportName);
      if (!exp) {
        const names = info.module.exports.filter((e) => e.kind === 'function').map((e) => e.name);
        throw new HttpError(
          404,
          `"${name}" has no exported function "${exportName}" (it exports: ${names.join(', ') || 'none'})`,
        );
      }
    }
    const args = request.method === 'POST' ? bodyArgs(await body(request)) : queryArgs(url);
    const inv = await invoke(name, args, startedAt, exportName === undefined ? {} : { export: exportName });
    const status = OUTCOME_STATUS[inv.outcome];
    const headers = invocationHeaders(inv, now() - startedAt - inv.timings.total);
    if (wantsJson(request)) return json(status, invocationJson(inv), headers);
    return textResponse(status, inv.outcome === 'ok' ? resultText(inv) : (inv.error ?? inv.outcome), headers);
  }

  async function register(request: Request, url: URL, name: string) {
    methods(request.method, ['POST', 'PUT']);
    const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    const config = registerConfig(url);
    let code: string | Uint8Array;
    if (type === 'application/wasm') code = await body(request);
    else if (type.startsWith('text/')) code = new TextDecoder().decode(await body(request));
    else
      throw new HttpError(
        415,
        `Send the module as Content-Type: application/wasm (bytes) or text/plain (WAT)${type ? `, not ${type}` : ''}`,
      );
    try {
      return json(201, await platform.deploy(name, code, config), {
        Location: `/api/functions/${encodeURIComponent(name)}`,
      });
    } catch (err) {
      // WAT diagnostics (line and column), invalid binaries, bad settings: the request was wrong.
      throw new HttpError(400, errorMessage(err));
    }
  }

  async function http(request: Request, url: URL, startedAt: number, name: string, rawPathInfo: string) {
    const info = await find(name);
    if (info.kind !== 'wasi-command')
      throw new HttpError(
        400,
        `"${name}" is not a WASI command (it is ${info.kind === 'plain' ? 'a plain module' : 'a WASI reactor'}); HTTP handlers are programs with _start that read the request from CGI variables and stdin and write a CGI response to stdout`,
      );
    const stdin = await body(request);
    const scriptName = `${API_PREFIX}http/${encodeURIComponent(name)}`;
    const inv = await invoke(name, [], startedAt, {
      env: cgiEnvironment(request, { scriptName, rawPathInfo }, stdin.length),
      argv: cgiArguments(request),
      stdin,
    });
    const headers = invocationHeaders(inv, now() - startedAt - inv.timings.total);
    if (inv.outcome !== 'ok')
      return textResponse(OUTCOME_STATUS[inv.outcome], inv.error ?? inv.outcome, headers);
    const cgi = parseCgiResponse(inv.stdoutBytes ?? new TextEncoder().encode(inv.stdout ?? ''));
    if (!cgi.ok) {
      const exit = inv.exitCode ? ` It exited with code ${inv.exitCode}.` : '';
      const stderr = inv.stderr ? `\nstderr:\n${inv.stderr.slice(-2000)}` : '';
      return textResponse(502, `Malformed CGI output from "${name}": ${cgi.error}${exit}${stderr}`, headers);
    }
    const out = new Headers(cgi.headers);
    for (const [k, v] of Object.entries(headers)) out.set(k, v);
    const noBody = cgi.status === 204 || cgi.status === 304;
    return new Response(noBody ? null : cgi.body, { status: cgi.status, headers: out });
  }

  async function route(request: Request, startedAt: number): Promise<Response> {
    const url = new URL(request.url);
    const raw = url.pathname.slice(API_PREFIX.length).split('/');
    const [head, ...rest] = segments(url.pathname);
    if (head === undefined || head === '') {
      methods(request.method, ['GET']);
      return textResponse(200, `nanofaas HTTP gateway\n\nEndpoints:\n${ENDPOINTS.join('\n')}`);
    }
    switch (head) {
      case 'exec':
        if (rest.length === 1 && rest[0]) return exec(request, url, startedAt, rest[0]);
        if (rest.length === 2 && rest[0]) return exec(request, url, startedAt, rest[0], rest[1]);
        break;
      case 'register':
        if (rest.length === 1 && rest[0]) return register(request, url, rest[0]);
        break;
      case 'functions':
        if (rest.length === 0) {
          methods(request.method, ['GET']);
          return json(200, await platform.functions());
        }
        if (rest.length === 1 && rest[0]) {
          methods(request.method, ['GET', 'DELETE']);
          const info = await find(rest[0]);
          if (request.method === 'GET') return json(200, info);
          await platform.undeploy(rest[0]);
          return new Response(null, { status: 204 });
        }
        break;
      case 'stats':
        if (rest.length === 1 && rest[0]) {
          methods(request.method, ['GET']);
          await find(rest[0]);
          return json(200, await platform.stats(rest[0]));
        }
        break;
      case 'http':
        if (rest.length >= 1 && rest[0]) {
          const rawPathInfo = raw.length > 2 ? '/' + raw.slice(2).join('/') : '';
          return http(request, url, startedAt, rest[0], rawPathInfo);
        }
        break;
    }
    throw notFound(`No endpoint at ${request.method} ${url.pathname}`);
  }

  return async (request, receivedAt) => {
    try {
      return await route(request, receivedAt ?? now());
    } catch (err) {
      if (err instanceof HttpError) {
        if (err.status === 413) return tooLarge();
        return wantsJson(request)
          ? json(err.status, { error: err.message }, err.headers)
          : textResponse(err.status, err.message, err.headers);
      }
      return textResponse(500, `The gateway failed: ${errorMessage(err)}`);
    }
  };
}
