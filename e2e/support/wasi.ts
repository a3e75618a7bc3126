// Helpers for the WASI specs: the samples/wasi index and files, and deploying / invoking
// WASI programs through window.faas with the results brought back as plain JSON.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

const dir = fileURLToPath(new URL('../../samples/wasi/', import.meta.url));

export interface WasiSample {
  name: string;
  kind: 'benchmark' | 'test';
  file: string;
  argv: string[];
  benchArgv?: string[];
  env?: Record<string, string>;
  stdin?: string;
  files?: Record<string, string>;
  expected: string | null;
  expectedStderr?: string;
  expectedFiles?: Record<string, string>;
  stdoutPattern?: string;
  exitCode?: number;
}

export const wasiIndex: WasiSample[] = JSON.parse(readFileSync(`${dir}index.json`, 'utf8'));

export function wasiSample(name: string): WasiSample {
  const s = wasiIndex.find((e) => e.name === name);
  if (!s) throw new Error(`samples/wasi/index.json has no "${name}"`);
  return s;
}

export const wasiText = (path: string): string => readFileSync(`${dir}${path}`, 'utf8');
export const wasiBytes = (path: string): number[] => [...readFileSync(`${dir}${path}`)];

export interface WasiResult {
  outcome: string;
  error?: string;
  exitCode?: number;
  stdout: string;
  stderr: string;
  files: Record<string, number[]>;
  instance: string;
  start: string;
  memoryBytes: number;
  timings: Record<string, number>;
}

/** Deploys a .wasm from samples/wasi, or given bytes (they cross into the page as base64: a
 * number array of a 100 KB module takes Playwright a second or more to serialise). */
export async function deployWasm(
  page: Page,
  name: string,
  file: string | Uint8Array,
  config: Record<string, unknown> = {},
) {
  const bytes = typeof file === 'string' ? readFileSync(`${dir}${file}`) : Buffer.from(file);
  return page.evaluate(
    ([n, base64, c]) =>
      window.faas.deploy(
        n as string,
        Uint8Array.from(atob(base64 as string), (ch) => ch.charCodeAt(0)),
        c as object,
      ),
    [name, bytes.toString('base64'), config] as const,
  );
}

export interface WasiCall {
  argv?: string[];
  env?: Record<string, string>;
  stdin?: string;
  /** Text, bytes as { base64 } (decoded in the page), an empty directory or a symlink. */
  files?: Record<string, string | { base64: string } | { directory: true } | { symlink: string }>;
  preopens?: string[];
  export?: string;
  args?: (number | string)[];
}

export async function invokeWasi(page: Page, name: string, call: WasiCall = {}): Promise<WasiResult> {
  return page.evaluate(
    async ([n, c]) => {
      const { args = [], files: given, ...options } = c as WasiCall;
      const bytes = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
      const files: Record<string, string | Uint8Array | { directory: true } | { symlink: string }> = {};
      for (const [path, e] of Object.entries(given ?? {}))
        files[path] = typeof e === 'object' && 'base64' in e ? bytes(e.base64) : e;
      const inv = await window.faas.invoke(n as string, args, given ? { ...options, files } : options);
      const out: Record<string, number[]> = {};
      for (const [path, b] of Object.entries(inv.files ?? {})) out[path] = [...b];
      return {
        outcome: inv.outcome,
        error: inv.error,
        exitCode: inv.exitCode,
        stdout: inv.stdout ?? '',
        stderr: inv.stderr ?? '',
        files: out,
        instance: inv.instance,
        start: inv.start,
        memoryBytes: inv.memoryBytes,
        timings: { ...inv.timings },
      };
    },
    [name, call] as const,
  );
}

/** The index entry's inputs as a call. */
export function callOf(s: WasiSample, argv = s.argv): WasiCall {
  const call: WasiCall = { argv };
  if (s.env) call.env = s.env;
  if (s.stdin !== undefined) call.stdin = s.stdin;
  if (s.files) call.files = s.files;
  return call;
}
