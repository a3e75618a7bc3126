import { describe, expect, it } from 'vitest';
import type { Compiler } from '../platform/compiler';
import type { PlatformClient } from '../platform/client';
import { DEFAULT_PLATFORM_CONFIG } from '../platform/types';
import { findSample, openInitialSample, openSample, sampleSource, SAMPLES } from './samples';
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

describe('samples', () => {
  it('has a source for every sample in the index', async () => {
    expect(SAMPLES.length).toBeGreaterThan(5);
    for (const s of SAMPLES) expect(await sampleSource(s)).toContain('(module');
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
