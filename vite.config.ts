import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { csp } from './build/csp';
import { firstVisit } from './build/first-visit';
import { MONACO_CHUNKS } from './build/monaco-chunks';

export default defineConfig({
  plugins: [
    svelte(),
    // A strict Content-Security-Policy: a meta tag in the build, a header in `vite preview`.
    csp(),
    // Monaco starts downloading with the page; the boot shell paints without the app's CSS.
    firstVisit(),
    // Offline use and the HTTP gateway: our own service worker (src/workers/sw.ts) precaches the
    // whole build (app shell, Monaco and its worker, the wabt chunk, the platform's workers,
    // samples) and forwards /api/ requests to the tab hosting the platform. Registered from
    // src/main.ts through `virtual:pwa-register`, so no inline script is injected (the CSP forbids
    // 'unsafe-inline').
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/workers',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg', 'apple-touch-icon.png'],
      manifest: {
        name: 'nanofaas',
        short_name: 'nanofaas',
        description:
          'A WebAssembly playground and Function-as-a-Service simulator that runs entirely in your browser',
        start_url: '.',
        scope: '.',
        display: 'standalone',
        theme_color: '#3b5bdb',
        background_color: '#16181d',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        ],
      },
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,wasm,ttf,woff,woff2,svg,png,webmanifest}'],
        // Monaco's chunk is ~3.3 MB and wabt's ~0.8 MB; both are needed to edit and compile offline.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      },
    }),
  ],
  worker: { format: 'es' },
  // Monaco (~3.3 MB) and wabt (~0.8 MB) are lazy chunks loaded after first paint; the shell stays small.
  // Monaco is split in four chunks (build/monaco-chunks.ts); the Vite preload helper gets its own
  // chunk, or the entry would import whichever Monaco chunk it landed in.
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'preload-helper', test: /preload-helper/ }, ...MONACO_CHUNKS],
        },
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts', 'samples/**/*.test.ts'],
    environment: 'node',
  },
});
