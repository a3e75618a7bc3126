#!/usr/bin/env bash
# Regenerates samples/wasi/expected/ from NATIVE builds of the samples (gcc), run with the exact
# argv/env/stdin/files listed in index.json: <name>.stdout, the bench-size stdout
# (<name>.bench.stdout), the stderr and output files named in expectedStderr / expectedFiles.
# Programs whose index entry has "expected": null (spin, malloc-hog) are not run natively.
# check.mjs then verifies that the .wasm builds under node:wasi produce identical output.
# Usage: bash samples/wasi/expected.sh   (from any directory; needs gcc and node)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOSTCC="${HOSTCC:-gcc}"
command -v "$HOSTCC" >/dev/null 2>&1 || { echo "error: '$HOSTCC' not found (sudo apt-get install gcc)" >&2; exit 1; }
command -v node >/dev/null 2>&1 || { echo "error: node not found" >&2; exit 1; }

bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
for src in "$here"/*.c; do
  name="$(basename "$src" .c)"
  "$HOSTCC" -O2 -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra "$src" -o "$bin/$name" -lm
done

mkdir -p "$here/expected"
node --input-type=module - "$here" "$bin" <<'JS'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [here, bin] = process.argv.slice(2);
const { loadIndex, stage, cleanup, runNative } = await import(pathToFileURL(join(here, 'harness.mjs')).href);

function save(rel, data) {
  mkdirSync(dirname(join(here, rel)), { recursive: true });
  writeFileSync(join(here, rel), data);
  console.log(`  ${rel} (${data.length} bytes)`);
}

for (const entry of loadIndex()) {
  if (!entry.expected) {
    console.log(`${entry.name}: no expected output (not run natively)`);
    continue;
  }
  const exe = join(bin, entry.name);
  console.log(`${entry.name} ${JSON.stringify(entry.argv)}`);
  let dir = stage(entry);
  try {
    const r = runNative(exe, entry, entry.argv, dir);
    if (r.exitCode !== (entry.exitCode ?? 0)) {
      throw new Error(`${entry.name}: native exit code ${r.exitCode}, index says ${entry.exitCode ?? 0}\n${r.stderr}`);
    }
    save(entry.expected, r.stdout);
    if (entry.expectedStderr) save(entry.expectedStderr, r.stderr);
    for (const [path, rel] of Object.entries(entry.expectedFiles ?? {})) save(rel, readFileSync(join(dir, path)));
  } finally {
    cleanup(dir);
  }
  if (entry.benchExpected && entry.benchExpected !== entry.expected) {
    console.log(`${entry.name} ${JSON.stringify(entry.benchArgv)} (bench size)`);
    dir = stage(entry);
    try {
      const r = runNative(exe, entry, entry.benchArgv, dir);
      if (r.exitCode !== (entry.exitCode ?? 0)) throw new Error(`${entry.name}: bench exit code ${r.exitCode}`);
      save(entry.benchExpected, r.stdout);
    } finally {
      cleanup(dir);
    }
  }
}
JS
