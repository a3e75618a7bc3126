import { describe, expect, it } from 'vitest';
import type { Compiler } from '../platform/compiler';
import type { PlatformClient } from '../platform/client';
import { DEFAULT_PLATFORM_CONFIG } from '../platform/types';
import {
  findSample,
  openInitialSample,
  openSample,
  sampleFunction,
  sampleSource,
  SAMPLES,
  wasiSampleOf,
} from './samples';
import { AppState } from './state.svelte';

function newApp(): AppState {
  const platform = {
    currentConfig: () => ({ ...DEFAULT_PLATFORM_CONFIG }),
    subscribe: () => () => {},
    setFeatures: () => {},
  } as unknown as PlatformClient;
  return new AppState(platform, {} as Compiler);
}

const at = (search: string) => ({ search });

// Node's fs, typed here: this folder's tsconfig leaves out Node's types (they clash with the DOM's).
const { readFile } = (await import(/* @vite-ignore */ 'node:fs/promises' as string)) as {
  readFile(path: URL): Promise<Uint8Array<ArrayBuffer>>;
};

/** Serves the bundled sample URLs (/samples/wasi/X.wasm under Vitest) from the repository. */
const serveSamples = (async (url: string) => {
  const path = new URL(`../..${String(url).replace(/\?.*$/, '')}`, import.meta.url);
  return new Response(await readFile(path));
}) as typeof fetch;

describe('samples', () => {
  it('has a source for every sample in the index', async () => {
    expect(SAMPLES.length).toBeGreaterThan(5);
    for (const s of SAMPLES.filter((s) => s.kind === 'wat'))
      expect(await sampleSource(s)).toContain('(module');
  });

  it('lists every WASI program of samples/wasi with its C source', async () => {
    const wasi = SAMPLES.filter((s) => s.kind === 'wasi').map((s) => s.name);
    expect(wasi).toEqual(
      expect.arrayContaining(['nbody', 'fannkuch-redux', 'mandelbrot', 'binary-trees', 'env-echo']),
    );
    expect(wasi).toHaveLength(13);
    for (const s of SAMPLES.filter((s) => s.kind === 'wasi'))
      expect(await sampleSource(s)).toContain('int main');
  });

  it('opens a WASI sample as its binary with its default argv, env, stdin and files', async () => {
    const fn = await sampleFunction(findSample('env-echo')!, serveSamples);
    expect(fn.source.kind).toBe('wasm');
    expect(fn.source.kind === 'wasm' && [...fn.source.bytes.subarray(0, 4)]).toEqual([0, 0x61, 0x73, 0x6d]);
    expect(fn.wasi).toMatchObject({
      argv: ['hello', 'two words', 'ünïcödé'],
      env: { GREETING: 'hi from nanofaas' },
    });
    expect(fn.wasi?.stdin).toMatch(/^first line/);
    const cat = await sampleFunction(findSample('cat-sync')!, serveSamples);
    expect(new TextDecoder().decode(cat.wasi?.files?.['input.txt'])).toMatch(/^The quick brown fox/);
    expect((await sampleFunction(findSample('spin')!, serveSamples)).config.timeoutMs).toBe(1000);
  });

  it('finds the sample a binary came from by name and bytes, not by name alone', async () => {
    const nbody = await sampleFunction(findSample('nbody')!, serveSamples);
    expect((await wasiSampleOf(nbody, serveSamples))?.source).toBe('nbody.c');
    expect((await wasiSampleOf({ ...nbody, name: 'nbody-2' }, serveSamples))?.name).toBe('nbody');
    const other = {
      name: 'nbody',
      source: { kind: 'wasm' as const, bytes: new Uint8Array([0, 0x61, 0x73, 0x6d]) },
    };
    expect(await wasiSampleOf(other, serveSamples)).toBeUndefined();
  });

  it('opens sum in an empty workspace, with its Run arguments', async () => {
    const app = newApp();
    await openInitialSample(app, at(''));
    expect(app.open).toBe('sum');
    expect(app.current?.run?.args).toEqual(['5', '2']);
  });

  it('opens ?sample=NAME, with its config', async () => {
    const app = newApp();
    await openInitialSample(app, at('?sample=stuck'));
    expect(app.functions.map((f) => f.name)).toEqual(['stuck']);
    expect(app.current?.config.timeoutMs).toBe(1000);
    expect(app.notices).toEqual([]);
  });

  it('says so for an unknown sample and still opens something', async () => {
    const app = newApp();
    await openInitialSample(app, at('?sample=nope'));
    expect(app.notices[0].message).toMatch(/no sample called "nope".*fib/);
    expect(app.open).toBe('sum');
  });

  it('leaves a non-empty workspace alone without ?sample', async () => {
    const app = newApp();
    app.addFunction({ name: 'mine', source: { kind: 'wat', text: '(module)' }, config: {} as never });
    await openInitialSample(app, at(''));
    expect(app.functions.map((f) => f.name)).toEqual(['mine']);
  });

  it('does not open the first sample over a function opened while it loaded', async () => {
    const app = newApp();
    const opening = openInitialSample(app, at(''));
    app.addFunction({ name: 'mine', source: { kind: 'wat', text: '(module)' }, config: {} as never });
    await opening;
    expect(app.functions.map((f) => f.name)).toEqual(['mine']);
    expect(app.open).toBe('mine');
  });

  it('replaces an unchanged copy but keeps a changed one beside the fresh sample', async () => {
    const app = newApp();
    const fib = findSample('fib')!;
    await openSample(app, fib);
    app.setRun({ args: ['30'] });
    expect(await openSample(app, fib)).toBe('fib');
    expect(app.functions).toHaveLength(1);
    expect(app.current?.run?.args).toEqual(['30']);

    app.setSource(';; mine\n(module)');
    expect(await openSample(app, fib)).toBe('fib-2');
    expect(app.functions.map((f) => f.name)).toEqual(['fib', 'fib-2']);
    expect(app.functions[0].source).toEqual({ kind: 'wat', text: ';; mine\n(module)' });
    expect(app.open).toBe('fib-2');
  });
});
