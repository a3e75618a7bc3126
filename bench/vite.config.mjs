// Build config for `npm run bench`: the app's own vite.config.ts, built into bench/results/dist
// (so a benchmark never races `npm run build` or the e2e server over dist/).
//
// The page-side harness (src/bench/harness.ts) is meant to be loaded by src/main.ts when the URL
// has ?bench. Until src/main.ts does that, this config adds it to index.html as a second entry,
// so the benchmark works either way.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, loadConfigFromFile, mergeConfig } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));

export const OUT_DIR = 'bench/results/dist';

/** True when src/main.ts already loads the harness itself. */
export function harnessWired() {
  try {
    return readFileSync(`${root}src/main.ts`, 'utf8').includes('bench/harness');
  } catch {
    return false;
  }
}

function injectHarness() {
  return {
    name: 'nanofaas-bench-harness',
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        if (harnessWired()) return html;
        return html.replace(
          '</body>',
          '    <script type="module" src="/src/bench/harness.ts"></script>\n  </body>',
        );
      },
    },
  };
}

export default defineConfig(async (env) => {
  const app = await loadConfigFromFile(env, `${root}vite.config.ts`, root, 'silent');
  return mergeConfig(app?.config ?? {}, {
    root,
    logLevel: 'warn',
    build: { outDir: OUT_DIR, emptyOutDir: true },
    plugins: [injectHarness()],
  });
});
