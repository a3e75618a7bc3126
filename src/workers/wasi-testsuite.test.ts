/// <reference types="node" />
// The official WASI conformance suite (tests/wasi-testsuite) against the WASI layer alone, in
// Node's WebAssembly: fast feedback on the filesystem and syscalls. The same suite runs through
// the whole platform in Chromium in e2e/wasi-testsuite.spec.ts.
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../e2e/support/wasi-testsuite';
import { createWasi } from './wasi';

const suite = loadSuite();
const dec = new TextDecoder();

describe('wasi-testsuite (preview 1) in Node', () => {
  it('has all 72 tests', () => expect(suite.length).toBe(72));

  for (const t of suite) {
    it(t.id, () => {
      const wasi = createWasi(
        {
          argv: [t.id.split('/')[1], ...t.args],
          env: t.env,
          stdin: null,
          files: t.root ?? {},
          preopens: t.root ? ['/'] : [],
        },
        () => {},
      );
      const instance = new WebAssembly.Instance(new WebAssembly.Module(t.wasm as BufferSource), {
        [wasi.moduleName]: wasi.imports,
      });
      wasi.attach(instance, instance.exports.memory as WebAssembly.Memory);
      wasi.call(instance.exports._start as () => unknown, []);
      const r = wasi.finish();
      const stderr = dec.decode(r.stderr);
      expect({
        exitCode: r.exitCode,
        stderr: t.stderr === undefined && r.exitCode === t.exitCode ? '' : stderr,
      }).toEqual({
        exitCode: t.exitCode,
        stderr:
          t.stderr === undefined && r.exitCode === t.exitCode ? '' : (t.stderr ?? `(exit ${t.exitCode})`),
      });
      if (t.stdout !== undefined) expect(dec.decode(r.stdout)).toBe(t.stdout);
      if (t.stderr !== undefined) expect(stderr).toBe(t.stderr);
    });
  }
});
