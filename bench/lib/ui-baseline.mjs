// The UI baseline page (bench/ui-baseline/): a bare Svelte page that lazily loads the app's Monaco
// module. Built with its own Vite config into bench/results/ui-baseline, and rebuilt only when its
// inputs change (a stamp of their hash sits beside the build).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BASELINE_OUT_DIR } from '../ui-baseline/vite.config.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const STAMP = `${BASELINE_OUT_DIR}/.inputs-sha256`;

function inputsHash() {
  const files = [
    ...readdirSync(`${root}bench/ui-baseline`).map((f) => `bench/ui-baseline/${f}`),
    ...readdirSync(`${root}src/ui/editor`)
      .filter((f) => !f.endsWith('.test.ts') && !f.endsWith('.svelte'))
      .map((f) => `src/ui/editor/${f}`),
    'samples/sum.wat',
    'package-lock.json',
  ].sort();
  const h = createHash('sha256');
  for (const f of files) {
    h.update(`${f}\0`);
    try {
      h.update(readFileSync(`${root}${f}`));
    } catch {
      h.update('missing');
    }
  }
  return h.digest('hex');
}

/** Builds the baseline unless an up-to-date build exists; returns its directory and the build time. */
export function buildBaseline({ force = false } = {}) {
  const hash = inputsHash();
  let stamp = '';
  try {
    stamp = readFileSync(STAMP, 'utf8').trim();
  } catch {
    // never built
  }
  if (!force && stamp === hash) return { dir: BASELINE_OUT_DIR, buildMs: 0, cached: true };
  const t0 = Date.now();
  const r = spawnSync('npx', ['vite', 'build', '--config', 'bench/ui-baseline/vite.config.mjs'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error(`the UI baseline build failed (exit ${r.status})`);
  }
  writeFileSync(STAMP, `${hash}\n`);
  return { dir: BASELINE_OUT_DIR, buildMs: Date.now() - t0, cached: false };
}
