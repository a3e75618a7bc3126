// A faster first visit (issue 15), two changes to the built index.html:
//
// 1. The editor's chunks start loading with the page, not after the app has mounted.
// Monaco (src/ui/editor/monaco.ts) is a lazy chunk so the shell paints without it, but the editor
// is the first thing a visitor uses: waiting for the app's script to run before even asking for
// Monaco puts its download and compile (the biggest file of the app) after everything else. This
// plugin adds `<link rel="modulepreload">` for the chunk and `<link rel="preload" as="style">` for
// its CSS to the built index.html, so the browser fetches and compiles them in parallel with the
// app's own script. The style is preloaded, not applied: a stylesheet link would hold the first
// paint until Monaco's CSS arrived. The dynamic import then finds both in the cache.
//
// 2. The app's stylesheet no longer holds the first paint. index.html paints a boot shell from its
// inline style; Vite puts the app's <link rel="stylesheet"> in <head>, where it blocks rendering of
// the whole page until it has arrived (on a busy machine, behind Monaco's download). Moved into
// <body> after the boot shell, it only blocks what follows it (the app's mount point), and the
// module scripts still run after it has loaded (a pending stylesheet holds deferred scripts), so
// the app never renders unstyled.
import type { Plugin } from 'vite';

/** The module whose chunk is preloaded (and everything that chunk imports but the entry). */
export const EDITOR_MODULE = /\/src\/ui\/editor\/monaco\.ts$/;

interface ChunkLike {
  type: 'chunk';
  fileName: string;
  facadeModuleId: string | null;
  isEntry: boolean;
  imports: string[];
  viteMetadata?: { importedCss: Set<string> };
}

/** The <link> tags for the editor chunk of a bundle: its JS (with static imports) and its CSS. */
export function editorPreloadTags(
  bundle: Record<string, { type: string }>,
  base = '/',
): { tag: 'link'; attrs: Record<string, string | boolean>; injectTo: 'head' }[] {
  const chunks = Object.values(bundle).filter((c): c is ChunkLike => c.type === 'chunk') as ChunkLike[];
  const editor = chunks.find((c) => c.facadeModuleId !== null && EDITOR_MODULE.test(c.facadeModuleId));
  if (!editor) throw new Error('preload-editor: no chunk for src/ui/editor/monaco.ts in the bundle');
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const js: string[] = [];
  const css = new Set<string>();
  const visit = (c: ChunkLike) => {
    if (c.isEntry || js.includes(c.fileName)) return;
    js.push(c.fileName);
    for (const f of c.viteMetadata?.importedCss ?? []) css.add(f);
    for (const dep of c.imports) {
      const d = byName.get(dep);
      if (d) visit(d);
    }
  };
  visit(editor);
  return [
    ...js.map((f) => ({
      tag: 'link' as const,
      attrs: { rel: 'modulepreload', crossorigin: true, href: `${base}${f}` },
      injectTo: 'head' as const,
    })),
    ...[...css].map((f) => ({
      tag: 'link' as const,
      attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `${base}${f}` },
      injectTo: 'head' as const,
    })),
  ];
}

const STYLESHEET = /\s*<link rel="stylesheet"[^>]*>/g;
const BOOT_END = /(<div id="boot"[\s\S]*?<\/main>\s*<\/div>)/;

/** index.html with its head stylesheets moved to right after the boot shell. */
export function stylesheetsAfterBoot(html: string): string {
  const head = html.slice(0, html.indexOf('</head>'));
  const links = head.match(STYLESHEET) ?? [];
  if (links.length === 0) return html;
  if (!BOOT_END.test(html))
    throw new Error('first-visit: index.html has no boot shell (<div id="boot">…</div>)');
  const rest = html.replace(STYLESHEET, (m) => (links.includes(m) ? '' : m));
  return rest.replace(BOOT_END, (boot) => `${boot}${links.map((l) => `\n    ${l.trim()}`).join('')}`);
}

export function firstVisit(): Plugin {
  let base = '/';
  return {
    name: 'nanofaas-first-visit',
    apply: 'build',
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        if (!ctx.bundle) return html;
        return { html: stylesheetsAfterBoot(html), tags: editorPreloadTags(ctx.bundle, base) };
      },
    },
  };
}
