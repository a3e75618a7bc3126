// Verifies the committed .wasm samples under node:wasi against the expected outputs (made from
// native builds by expected.sh): stdout, stderr, exit code and output files must be identical.
// Also checks the error paths: cat-sync on a missing file, spin hitting a timeout, malloc-hog
// hitting a 64 MiB memory cap (the platform's default memoryMiB, emulated by patching the
// module's memory maximum).
//
// Usage: node samples/wasi/check.mjs [--bench-sizes]   (exit status 1 on any mismatch)
//   --bench-sizes  also run each benchmark with its benchArgv and compare to benchExpected.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { capMemory, cleanup, here, loadIndex, readOutputs, runWasi, stage } from './harness.mjs';

const benchSizes = process.argv.includes('--bench-sizes');
const CAP_MIB = 64;
const SPIN_TIMEOUT_MS = 500;

let failures = 0;
function fail(msg) {
  failures++;
  console.log(`  FAIL ${msg}`);
}

function show(buf, max = 200) {
  const s = buf.toString('utf8');
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

function firstDiff(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** Text shown as a JSON string, binary as hex, starting a little before byte `at`. */
function around(buf, at) {
  const start = Math.max(0, at - 16);
  const slice = buf.subarray(start, start + 48);
  const binary = slice.some((b) => b < 9 || (b > 13 && b < 32) || b === 127);
  const body = binary ? slice.toString('hex').replace(/(..)/g, '$1 ').trim() : show(slice);
  return `@${start}: ${body}${start + 48 < buf.length ? ' …' : ''}`;
}

function same(label, actual, expected) {
  if (Buffer.compare(actual, expected) === 0) return true;
  const at = firstDiff(actual, expected);
  fail(
    `${label} differs (got ${actual.length} bytes, expected ${expected.length}; first difference at byte ${at})\n` +
      `       got:      ${around(actual, at)}\n       expected: ${around(expected, at)}`,
  );
  return false;
}

async function run(entry, argv, { bytes, timeoutMs = 60_000 } = {}) {
  const dir = stage(entry);
  try {
    const wasm = bytes ?? readFileSync(join(here, entry.file));
    const r = await runWasi(wasm, entry, argv, dir, timeoutMs);
    return { ...r, files: readOutputs(entry, dir) };
  } finally {
    cleanup(dir);
  }
}

function checkCommon(label, entry, r) {
  if (r.error) fail(`${label}: ${r.error}`);
  if (r.timedOut) fail(`${label}: timed out`);
  const code = entry.exitCode ?? 0;
  if (r.exitCode !== code)
    fail(`${label}: exit code ${r.exitCode}, expected ${code}; stderr ${show(r.stderr)}`);
}

const index = loadIndex();
for (const entry of index) {
  const before = failures;
  const label = `${entry.name} ${JSON.stringify(entry.argv)}`;

  if (entry.outcome === 'timeout') {
    const r = await run(entry, entry.argv, { timeoutMs: SPIN_TIMEOUT_MS });
    if (!r.timedOut) fail(`${label}: expected a timeout, got exit ${r.exitCode} ${r.error ?? ''}`);
  } else if (entry.name === 'malloc-hog') {
    const capped = capMemory(readFileSync(join(here, entry.file)), (CAP_MIB * 1024 * 1024) / 65536);
    const r = await run(entry, entry.argv, { bytes: capped });
    checkCommon(label, entry, r);
    const m = /^allocated (\d+) MiB before malloc failed\n$/.exec(r.stdout.toString());
    if (!new RegExp(entry.stdoutPattern).test(r.stdout.toString()) || !m) {
      fail(`${label}: stdout ${show(r.stdout)} does not match ${entry.stdoutPattern}`);
    } else if (+m[1] < CAP_MIB - 8 || +m[1] >= CAP_MIB) {
      fail(`${label}: allocated ${m[1]} MiB under a ${CAP_MIB} MiB cap`);
    } else {
      console.log(`  (${CAP_MIB} MiB cap) ${r.stdout.toString().trim()}`);
    }
  } else {
    const r = await run(entry, entry.argv);
    checkCommon(label, entry, r);
    same(`${label} stdout`, r.stdout, readFileSync(join(here, entry.expected)));
    if (entry.expectedStderr)
      same(`${label} stderr`, r.stderr, readFileSync(join(here, entry.expectedStderr)));
    for (const [path, rel] of Object.entries(entry.expectedFiles ?? {})) {
      if (!r.files[path]) fail(`${label}: output file ${path} was not written`);
      else same(`${label} ${path}`, r.files[path], readFileSync(join(here, rel)));
    }
    if (benchSizes && entry.benchExpected && entry.benchExpected !== entry.expected) {
      const rb = await run(entry, entry.benchArgv);
      const lb = `${entry.name} ${JSON.stringify(entry.benchArgv)}`;
      checkCommon(lb, entry, rb);
      same(`${lb} stdout`, rb.stdout, readFileSync(join(here, entry.benchExpected)));
    }
  }
  console.log(`${failures === before ? 'ok  ' : 'FAIL'} ${label}`);
}

// Error path: cat-sync on a file that does not exist.
{
  const entry = index.find((e) => e.name === 'cat-sync');
  const r = await run({ ...entry, files: {} }, ['no-such-file.txt']);
  const before = failures;
  if (r.exitCode !== 1) fail(`cat-sync missing file: exit code ${r.exitCode}, expected 1`);
  if (r.stdout.length !== 0) fail(`cat-sync missing file: unexpected stdout ${show(r.stdout)}`);
  if (!/cat-sync: cannot open 'no-such-file.txt': No such file or directory/.test(r.stderr.toString())) {
    fail(`cat-sync missing file: stderr ${show(r.stderr)}`);
  }
  console.log(
    `${failures === before ? 'ok  ' : 'FAIL'} cat-sync ["no-such-file.txt"] → exit 1, ${show(r.stderr)}`,
  );
}

// write-file without input.txt falls back to its default text.
{
  const entry = index.find((e) => e.name === 'write-file');
  const r = await run({ ...entry, files: {} }, []);
  const before = failures;
  checkCommon('write-file (no input.txt)', entry, r);
  const text = r.files['out/result.txt']?.toString();
  if (!r.stdout.toString().startsWith('input.txt not found') || text !== text?.toUpperCase() || !text) {
    fail(`write-file (no input.txt): stdout ${show(r.stdout)}, result ${JSON.stringify(text)}`);
  }
  console.log(`${failures === before ? 'ok  ' : 'FAIL'} write-file (no input.txt)`);
}

if (failures > 0) {
  console.log(`\n${failures} check(s) failed`);
  process.exit(1);
}
console.log(`\nall ${index.length} samples match their expected output`);
