// How the build splits Monaco (~3.3 MB): four chunks of 0.75–0.9 MB, so the browser compiles them
// on parallel threads (one 3.3 MB script compiles on one). Shared by vite.config.ts and the
// benchmark's "Monaco alone" page (bench/ui-floor), which must load Monaco the way the app does.
export const MONACO_CHUNKS = [
  { name: 'monaco-base', test: /monaco-editor[\\/]esm[\\/]vs[\\/]base[\\/]/ },
  { name: 'monaco-common', test: /monaco-editor[\\/]esm[\\/]vs[\\/]editor[\\/]common[\\/]/ },
  { name: 'monaco-browser', test: /monaco-editor[\\/]esm[\\/]vs[\\/]editor[\\/]browser[\\/]/ },
  { name: 'monaco-rest', test: /monaco-editor[\\/]/ },
];
