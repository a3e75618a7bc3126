/**
 * The WAT token classes and the colours of the two editor themes, as plain data: Monaco's
 * `wat-light` / `wat-dark` themes are built from it (wat-language.ts), and so is the highlighted
 * text EditorPane shows before Monaco has loaded, so the code keeps its colours when Monaco takes
 * over. No Monaco here: the page's first script imports this.
 */

/** Monarch token classes of the WAT tokenizer (before the `.wat` postfix), by kind. */
export const WAT_TOKENS = {
  keyword: 'keyword',
  instruction: 'keyword.instruction',
  type: 'type',
  variable: 'variable',
  number: 'number',
  string: 'string',
  stringEscape: 'string.escape',
  stringInvalid: 'string.invalid',
  comment: 'comment',
  attribute: 'attribute.name',
  operator: 'operator',
  annotation: 'annotation',
  bracket: 'delimiter.parenthesis',
  identifier: 'identifier',
  invalid: 'invalid',
} as const;

export type WatTokenKind = keyof typeof WAT_TOKENS;

export interface WatTokenStyle {
  /** Six hex digits, no `#` (Monaco's form). */
  readonly foreground: string;
  readonly fontStyle?: 'italic' | 'underline';
}

export interface WatPalette {
  readonly base: 'vs' | 'vs-dark';
  readonly background: string;
  readonly foreground: string;
  /** Monaco's own line-number colour in its base theme (the placeholder's gutter). */
  readonly lineNumber: string;
  /** Kinds without an entry (operator) take the foreground colour. */
  readonly tokens: Readonly<Partial<Record<WatTokenKind, WatTokenStyle>>>;
}

export const WAT_PALETTES: Readonly<Record<'light' | 'dark', WatPalette>> = {
  light: {
    base: 'vs',
    background: '#FFFFFF',
    foreground: '#000000',
    lineNumber: '#237893',
    tokens: {
      keyword: { foreground: 'AF00DB' },
      instruction: { foreground: '0000FF' },
      type: { foreground: '1A7287' },
      variable: { foreground: '795E26' },
      number: { foreground: '067D55' },
      string: { foreground: 'A31515' },
      stringEscape: { foreground: 'CC0000' },
      stringInvalid: { foreground: 'CD3131', fontStyle: 'underline' },
      comment: { foreground: '5C6B77', fontStyle: 'italic' },
      attribute: { foreground: 'B8006E' },
      annotation: { foreground: '6F42C1' },
      bracket: { foreground: '383838' },
      identifier: { foreground: '001080' },
      invalid: { foreground: 'CD3131', fontStyle: 'underline' },
    },
  },
  dark: {
    base: 'vs-dark',
    background: '#1E1E1E',
    foreground: '#D4D4D4',
    lineNumber: '#858585',
    tokens: {
      keyword: { foreground: 'C586C0' },
      instruction: { foreground: '569CD6' },
      type: { foreground: '4EC9B0' },
      variable: { foreground: 'DCDCAA' },
      number: { foreground: 'B5CEA8' },
      string: { foreground: 'CE9178' },
      stringEscape: { foreground: 'D7BA7D' },
      stringInvalid: { foreground: 'F44747', fontStyle: 'underline' },
      comment: { foreground: '7CA668', fontStyle: 'italic' },
      attribute: { foreground: 'FF8FB1' },
      annotation: { foreground: 'D7BA7D' },
      bracket: { foreground: 'D4D4D4' },
      identifier: { foreground: 'D4D4D4' },
      invalid: { foreground: 'F44747', fontStyle: 'underline' },
    },
  },
};

/** The inline style of a token of `kind` in `palette` ('' when it takes the foreground colour). */
export function tokenStyle(palette: WatPalette, kind: WatTokenKind): string {
  const t = palette.tokens[kind];
  if (!t) return '';
  const font =
    t.fontStyle === 'italic'
      ? ';font-style:italic'
      : t.fontStyle === 'underline'
        ? ';text-decoration:underline'
        : '';
  return `color:#${t.foreground}${font}`;
}
