// The exported spin.toml parsed with a TOML library and checked against what Spin's manifest
// reference (version 2) requires: spin_manifest_version = 2, [application] name, each
// [[trigger.http]] with a route and a component that exists, the WAGI executor, a component source.
import { strFromU8, unzipSync } from 'fflate';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import type { FunctionInfo } from '../platform/types';
import { runtimeReadme, runtimeZip, spinId, spinManifest } from './runtime-export';

function info(name: string, kind: FunctionInfo['kind'], exports: FunctionInfo['module']['exports'] = []) {
  return {
    name,
    kind,
    version: 3,
    entry: '_start',
    module: { exports, imports: [] },
  } as unknown as FunctionInfo;
}

const SPIN_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

describe('spin.toml', () => {
  it.each(['http-router', 'My Handler!', '2fast', 'Ünïcode', '--'])('is valid for %j', (name) => {
    const manifest = parse(spinManifest(info(name, 'wasi-command'))) as Record<string, unknown>;
    expect(manifest.spin_manifest_version).toBe(2);
    const app = manifest.application as Record<string, unknown>;
    expect(app.name).toMatch(SPIN_ID);
    expect(app.version).toBe('0.1.0');
    const triggers = (manifest.trigger as { http: Record<string, unknown>[] }).http;
    expect(triggers).toHaveLength(1);
    const [trigger] = triggers;
    expect(trigger.route).toMatch(/^\/[a-z0-9-]+\/\.\.\.$/);
    expect(trigger.executor).toEqual({ type: 'wagi' });
    const components = manifest.component as Record<string, { source: string }>;
    expect(Object.keys(components)).toEqual([trigger.component]);
    expect(trigger.component).toMatch(SPIN_ID);
    expect(components[trigger.component as string].source).toBe(`${trigger.component}.wasm`);
  });

  it('names things the way Spin allows', () => {
    expect(spinId('HTTP Router')).toBe('http-router');
    expect(spinId('9lives')).toBe('fn-9lives');
    expect(spinId('***')).toBe('fn-function');
  });
});

describe('the zip', () => {
  it('holds the module, spin.toml and a README with wasmtime and curl lines for a WASI command', () => {
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
    const files = unzipSync(runtimeZip(info('http-router', 'wasi-command'), bytes, 'http://localhost:5173'));
    expect(Object.keys(files).sort()).toEqual(['README.md', 'http-router.wasm', 'spin.toml']);
    expect(files['http-router.wasm']).toEqual(bytes);
    const readme = strFromU8(files['README.md']);
    expect(readme).toContain('wasmtime run http-router.wasm arg1 arg2');
    expect(readme).toContain('curl -i http://127.0.0.1:3000/http-router/hello');
    expect(readme).toContain('curl -i http://localhost:5173/api/http/http-router/hello');
  });

  it('has no spin.toml for a plain module; the README invokes each export', () => {
    const plain = info('sum', 'plain', [
      { name: '_start', kind: 'function', index: 0, signature: { params: ['i32', 'i32'], results: ['i32'] } },
      { name: 'half', kind: 'function', index: 1, signature: { params: ['f64'], results: ['f64'] } },
    ]);
    const files = unzipSync(runtimeZip(plain, new Uint8Array(8), 'http://x'));
    expect(Object.keys(files).sort()).toEqual(['README.md', 'sum.wasm']);
    const readme = runtimeReadme(plain, 'http://x');
    expect(readme).toContain('wasmtime run --invoke "_start" sum.wasm 1 1');
    expect(readme).toContain('wasmtime run --invoke "half" sum.wasm 1.5');
    expect(readme).toContain("curl 'http://x/api/exec/sum?1,1'");
    expect(readme).toContain("curl 'http://x/api/exec/sum/half?1.5'");
  });
});
