// Chart colours come from the theme's CSS variables (theme.css), read when a chart is built and
// again when the theme changes: canvas drawing cannot use var() itself.

export interface Palette {
  bg: string;
  fg: string;
  muted: string;
  border: string;
  grid: string;
  accent: string;
  cold: string;
  warm: string;
  ok: string;
  warn: string;
  danger: string;
  /** JavaScript's bars beside Wasm's. */
  js: string;
  font: string;
  mono: string;
}

const FALLBACK: Palette = {
  bg: '#ffffff',
  fg: '#1d2330',
  muted: '#5b6475',
  border: '#d8dbe3',
  grid: 'rgba(128,128,128,0.18)',
  accent: '#3b5bdb',
  cold: '#1971c2',
  warm: '#e8590c',
  ok: '#2b8a3e',
  warn: '#b35c00',
  danger: '#c92a2a',
  js: '#9c36b5',
  font: 'system-ui, sans-serif',
  mono: 'ui-monospace, monospace',
};

export function readPalette(el: Element = document.documentElement): Palette {
  const style = getComputedStyle(el);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const dark = style.colorScheme === 'dark' || style.getPropertyValue('color-scheme').trim() === 'dark';
  return {
    bg: v('--bg', FALLBACK.bg),
    fg: v('--fg', FALLBACK.fg),
    muted: v('--fg-muted', FALLBACK.muted),
    border: v('--border', FALLBACK.border),
    grid: dark ? 'rgba(255,255,255,0.09)' : 'rgba(0,0,0,0.08)',
    accent: v('--accent', FALLBACK.accent),
    cold: v('--cold', FALLBACK.cold),
    warm: v('--warm', FALLBACK.warm),
    ok: v('--ok', FALLBACK.ok),
    warn: v('--warn', FALLBACK.warn),
    danger: v('--danger', FALLBACK.danger),
    js: v('--js', FALLBACK.js),
    font: v('--sans', FALLBACK.font),
    mono: v('--mono', FALLBACK.mono),
  };
}

const CSS_VAR: Record<keyof Palette, string> = {
  bg: '--bg',
  fg: '--fg',
  muted: '--fg-muted',
  border: '--border',
  grid: '--border',
  accent: '--accent',
  cold: '--cold',
  warm: '--warm',
  ok: '--ok',
  warn: '--warn',
  danger: '--danger',
  js: '--js',
  font: '--sans',
  mono: '--mono',
};

/** The CSS form of a palette colour, for SVG and HTML legends. */
export function cssColor(key: keyof Palette): string {
  return `var(${CSS_VAR[key]}, ${FALLBACK[key]})`;
}

/** A hex colour with an alpha (other colour syntaxes are returned as they are). */
export function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return color;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  const a = Math.round(Math.min(1, Math.max(0, alpha)) * 255)
    .toString(16)
    .padStart(2, '0');
  return `#${hex}${a}`;
}

/** Calls `fn` when the page switches between light and dark (user choice or OS). */
export function watchTheme(fn: () => void): () => void {
  const observer = new MutationObserver(fn);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const media = window.matchMedia?.('(prefers-color-scheme: dark)');
  media?.addEventListener('change', fn);
  return () => {
    observer.disconnect();
    media?.removeEventListener('change', fn);
  };
}
