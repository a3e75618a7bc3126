// ESLint flat config. Formatting is prettier's job (see .prettierrc.json); this is about correctness
// and the project's architectural boundaries:
//   • Workers are spawned only in src/platform (and by bench/e2e harnesses and Node tooling in
//     samples/ and scripts/).
//   • src/platform and src/workers stay framework-free: no Svelte, no Monaco, nothing from src/ui.
//   • No eval / new Function anywhere; no {@html} in Svelte components.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const SRC = '**/*.{js,mjs,cjs,ts,mts,cts,svelte}';

// ---- Architectural restrictions -------------------------------------------------------------

const WORKER_MSG = 'Workers are spawned only by the platform; pass a factory in';
const FRAMEWORK_MSG = 'src/platform stays framework-free (no Svelte, Monaco or src/ui imports)';

/** `new Worker(...)`, `new SharedWorker(...)`, `new self.Worker(...)` etc. */
const noWorkerSyntax = ['Worker', 'SharedWorker'].flatMap((name) => [
  { selector: `NewExpression[callee.name='${name}']`, message: WORKER_MSG },
  { selector: `NewExpression[callee.property.name='${name}']`, message: WORKER_MSG },
]);
/** Vite's `import W from './x?worker'` is another way to spawn a worker. */
const noWorkerImports = [{ regex: '\\?(shared)?worker(&|$)', message: WORKER_MSG }];

const FRAMEWORK_IMPORT_RE = [
  '^monaco-editor(/|$)',
  '^svelte(/|$)',
  '\\.svelte$', // a component (or .svelte.ts rune module, written with its extension)
  '(^|/)src/ui(/|$)', // 'src/ui/…', '/src/ui/…', '../../src/ui/…'
  '^(\\.\\./)+ui(/|$)', // '../ui/…' from src/platform or src/workers
  '^[@$~][^/]*/ui(/|$)', // aliases such as '@/ui/…', '$lib/ui/…'
];
const noFrameworkImports = [{ regex: FRAMEWORK_IMPORT_RE.join('|'), message: FRAMEWORK_MSG }];
/** Dynamic `import('svelte')` is not covered by no-restricted-imports. */
const noFrameworkDynamicImport = [
  {
    selector: `ImportExpression[source.value=/${FRAMEWORK_IMPORT_RE.join('|').replaceAll('/', '\\/')}/]`,
    message: FRAMEWORK_MSG,
  },
];

/** ESLint replaces (not merges) a rule's options per file, so each area gets its full set. */
const restrict = (syntax, importPatterns) => ({
  'no-restricted-syntax': syntax.length ? ['error', ...syntax] : 'off',
  'no-restricted-imports': importPatterns.length ? ['error', { patterns: importPatterns }] : 'off',
});

export default defineConfig(
  {
    ignores: [
      'dist/',
      'dev-dist/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      'reports/',
      'test-results-long/',
      'playwright-report-long/',
      'coverage/',
      '.vite/',
      'bench/results/',
      'tests/wasi-testsuite/',
      'samples/**/*.wasm',
      'samples/wasi/expected/',
    ],
  },

  js.configs.recommended,
  tseslint.configs.recommended,
  svelte.configs.recommended,
  svelte.configs.prettier,

  // TypeScript inside .svelte components and .svelte.ts rune modules.
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
  },

  // ---- Globals per realm ----
  { files: ['src/**'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['src/workers/**'], languageOptions: { globals: { ...globals.worker } } },
  { files: ['src/**/*.test.ts'], languageOptions: { globals: { ...globals.node } } },
  {
    // Node scripts and harnesses; bench/e2e also pass callbacks to page.evaluate() (browser realm).
    files: ['*.{js,mjs,cjs,ts}', 'scripts/**', 'bench/**', 'e2e/**', 'samples/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  { files: ['bench/**', 'e2e/**'], languageOptions: { globals: { ...globals.browser } } },

  // ---- Rules for everyone ----
  {
    files: [SRC],
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    files: ['**/*.svelte'],
    rules: { 'svelte/no-at-html-tags': 'error' },
  },

  // ---- Architectural boundaries (later blocks win, so order: general → specific) ----
  { files: [SRC], rules: restrict(noWorkerSyntax, noWorkerImports) },
  // Harnesses and Node-side tooling (node:worker_threads in samples/ and scripts/) are not app code.
  { files: ['bench/**', 'e2e/**', 'samples/**', 'scripts/**'], rules: restrict([], []) },
  {
    files: ['src/platform/**'],
    rules: restrict(noFrameworkDynamicImport, noFrameworkImports),
  },
  {
    files: ['src/workers/**'],
    rules: restrict(
      [...noWorkerSyntax, ...noFrameworkDynamicImport],
      [...noWorkerImports, ...noFrameworkImports],
    ),
  },
);
