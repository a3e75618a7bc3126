// Build config of the "Monaco alone" page (bench/ui-floor/main.js), built on demand and cached by
// bench/lib/ui-baseline.mjs into bench/results/ui-floor. Monaco is split as the app splits it.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { MONACO_CHUNKS } from '../../build/monaco-chunks';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: fileURLToPath(new URL('../results/ui-floor', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    rolldownOptions: { output: { codeSplitting: { groups: MONACO_CHUNKS } } },
  },
});
