// The bench's own pages, each built with its own Vite config into bench/results/<page>, and rebuilt
// only when its inputs change (a stamp of their hash sits beside the build):
//   ui-baseline  a bare Svelte page that lazily loads a frozen copy of the Monaco module the issue
//                measured (bench/ui-baseline/)
//   ui-floor     the app's Monaco module alone, imported at once (bench/ui-floor/)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function inputsHash(page) {
  const files = [
    ...readdirSync(`${root}bench/${page}`).map((f) => `bench/${page}/${f}`),
    ...readdirSync(`${root}bench/ui-baseline`).map((f) => `bench/ui-baseline/${f}`),
    ...readdirSync(`${root}src/ui/editor`)
      .filter((f) => !f.endsWith('.test.ts') && !f.endsWith('.svelte'))
      .map((f) => `src/ui/editor/${f}`),
    'build/monaco-chunks.ts',
    'samples/sum.wat',
    'package-lock.json',
  ];
  const h = createHash('sha256');
  for (const f of [...new Set(files)].sort()) {
    h.update(`${f}\0`);
    try {
      h.update(readFileSync(`${root}${f}`));
    } catch {
      h.update('missing');
    }
  }
  return h.digest('hex');
}

/** Builds bench/<page> unless an up-to-date build exists; returns its directory and the build time. */
export function buildPage(page, { force = false } = {}) {
  const dir = `${root}bench/results/${page}`;
  const stampFile = `${dir}/.inputs-sha256`;
  const hash = inputsHash(page);
  let stamp = '';
  try {
    stamp = readFileSync(stampFile, 'utf8').trim();
  } catch {
    // never built
  }
  if (!force && stamp === hash) return { dir, buildMs: 0, cached: true };
  const t0 = Date.now();
  const r = spawnSync('npx', ['vite', 'build', '--config', `bench/${page}/vite.config.mjs`], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error(`the ${page} page's build failed (exit ${r.status})`);
  }
  writeFileSync(stampFile, `${hash}\n`);
  return { dir, buildMs: Date.now() - t0, cached: false };
}
