// A strict Content-Security-Policy for the production app.
//
// `vite build` writes it into index.html as a <meta http-equiv> (the app is static files, often on
// hosts that cannot set headers); `vite preview` also sends it as a header, with the directives a
// meta tag cannot carry (frame-ancestors). The dev server gets neither: Vite's HMR client injects
// inline code.
//
// The app needs no more than this: scripts and workers are same-origin module files;
// 'wasm-unsafe-eval' lets WebAssembly compile (user modules, wabt); Monaco and Svelte set inline
// styles, so style-src allows them; Monaco's CSS carries a few data: images and fonts. Nothing is
// loaded from another origin. The build fails if index.html ends up with an inline script or an
// inline event handler, which the policy would block.
import type { Plugin } from 'vite';

export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'worker-src': ["'self'"],
  'connect-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
});

/** Directives a <meta> policy ignores (the browser warns about them), so only the header sends them. */
export const CSP_HEADER_ONLY: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'frame-ancestors': ["'none'"],
});

export function policy(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ');
}

export const META_POLICY = policy(CSP_DIRECTIVES);
export const HEADER_POLICY = policy({ ...CSP_DIRECTIVES, ...CSP_HEADER_ONLY });

/**
 * The header for one request: the app may not be framed, except its embed mode (`?embed`), which
 * exists to sit in an iframe of a lecturer's slides (any origin, or a file:// deck).
 */
export function headerPolicyFor(url: string): string {
  return new URL(url, 'http://localhost').searchParams.has('embed') ? META_POLICY : HEADER_POLICY;
}

/** Inline <script> elements (no src) and on*= handler attributes: what script-src 'self' blocks. */
export function inlineScripts(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>/gi)) {
    if (!/\ssrc\s*=/i.test(m[1]) && !/type\s*=\s*["']?(application\/(ld\+)?json|importmap)/i.test(m[1]))
      found.push(m[0]);
  }
  for (const m of html.matchAll(/<[a-z][^>]*\s(on[a-z]+)\s*=/gi)) found.push(m[1]);
  for (const m of html.matchAll(/\b(?:href|src)\s*=\s*["']?\s*javascript:/gi)) found.push(m[0]);
  return found;
}

export function csp(): Plugin[] {
  return [
    {
      name: 'nanofaas-csp-meta',
      apply: 'build',
      transformIndexHtml: {
        order: 'post',
        handler(html) {
          const inline = inlineScripts(html);
          if (inline.length) {
            throw new Error(
              `index.html has inline script the Content-Security-Policy would block: ${inline.join(', ')}. ` +
                'Move it into a module file.',
            );
          }
          const meta = `<meta http-equiv="Content-Security-Policy" content="${META_POLICY}" />`;
          // Right after the charset, before anything the policy governs.
          const charset = /<meta\s+charset=[^>]*>/i;
          if (charset.test(html)) return html.replace(charset, (m) => `${m}\n    ${meta}`);
          return html.replace(/<head[^>]*>/i, (m) => `${m}\n    ${meta}`);
        },
      },
    },
    {
      name: 'nanofaas-csp-header',
      apply: (_config, env) => env.isPreview === true,
      configurePreviewServer(server) {
        server.middlewares.use((req, res, next) => {
          res.setHeader('Content-Security-Policy', headerPolicyFor(req.url ?? '/'));
          next();
        });
      },
    },
  ];
}
