// The official WASI preview-1 conformance suite (WebAssembly/wasi-testsuite, vendored in
// tests/wasi-testsuite): every test's .wasm with its spec, read the way the suite's README says a
// runner reads it. Used by e2e/wasi-testsuite.spec.ts (through window.faas) and by
// src/workers/wasi-testsuite.test.ts (the WASI layer alone, in Node).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SUITE_DIR = fileURLToPath(new URL('../../tests/wasi-testsuite/tests/', import.meta.url));

/** A file, an empty directory, or a symlink, as `files` in invoke options takes them. */
export type SuiteEntry = Uint8Array | { directory: true } | { symlink: string };

export interface SuiteTest {
  /** "c/pwrite-with-append", "rust/symlink_create", … */
  id: string;
  wasm: Uint8Array;
  args: string[];
  env: Record<string, string>;
  /** The spec's `root` tree (path → entry), preopened as "/"; null: no preopened directory. */
  root: Record<string, SuiteEntry> | null;
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

interface Spec {
  args?: string[];
  env?: Record<string, string>;
  root?: string;
  exit_code?: number;
  stdout?: string;
  stderr?: string;
}

/** A directory tree as path → entry; directories with nothing in them are listed themselves. */
function readTree(dir: string, prefix = ''): Record<string, SuiteEntry> {
  const out: Record<string, SuiteEntry> = {};
  const names = readdirSync(dir).sort();
  if (names.length === 0 && prefix) out[prefix.slice(0, -1)] = { directory: true };
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(out, readTree(path, `${prefix}${name}/`));
    else out[prefix + name] = new Uint8Array(readFileSync(path));
  }
  return out;
}

export function loadSuite(): SuiteTest[] {
  const tests: SuiteTest[] = [];
  for (const lang of readdirSync(SUITE_DIR).sort()) {
    const dir = join(SUITE_DIR, lang, 'testsuite', 'wasm32-wasip1');
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.wasm')) continue;
      const name = file.slice(0, -'.wasm'.length);
      let spec: Spec = {};
      try {
        spec = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Spec;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      tests.push({
        id: `${lang}/${name}`,
        wasm: new Uint8Array(readFileSync(join(dir, file))),
        args: spec.args ?? [],
        env: spec.env ?? {},
        root: spec.root === undefined ? null : readTree(join(dir, spec.root)),
        exitCode: spec.exit_code ?? 0,
        stdout: spec.stdout,
        stderr: spec.stderr,
      });
    }
  }
  return tests;
}
