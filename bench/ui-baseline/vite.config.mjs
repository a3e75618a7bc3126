// Build config of the UI baseline page (bench/lib/ui-baseline.mjs builds it on demand, cached):
// a bare Svelte page plus its frozen Monaco module (./monaco.js), into bench/results/ui-baseline.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

const BASELINE_OUT_DIR = fileURLToPath(new URL('../results/ui-baseline', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  logLevel: 'warn',
  plugins: [svelte()],
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: BASELINE_OUT_DIR, emptyOutDir: true },
});
