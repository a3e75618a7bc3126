/**
 * Monaco support for the WebAssembly text format (language id `wat`):
 * Monarch tokenizer, language configuration, completion, hover, folding and
 * two themes (`wat-light`, `wat-dark`).
 *
 * Only *type* imports of monaco-editor here: the caller passes the Monaco
 * namespace to {@link registerWat}, and every other export is plain data or a
 * pure function that runs in Node (see wat-instructions.test.ts).
 */
import type { editor, IRange, languages } from 'monaco-editor';
import {
  classifyWord,
  formatStackEffect,
  instructionByName,
  INSTRUCTION_NAMES,
  INSTRUCTIONS,
  KEYWORD_DOCS,
  KEYWORDS,
  TYPE_DOCS,
  TYPES,
  wordAt,
  type ValueType,
  type WatInstruction,
} from './wat-instructions';
import {
  WAT_ATTRIBUTE_RE,
  WAT_IDENTIFIER_RE,
  WAT_NUMBER_RE,
  WAT_STRING_ESCAPE_RE,
  WAT_WORD_PATTERN,
  WAT_WORD_RE,
} from './wat-lexical';

type MonacoApi = typeof import('monaco-editor');

import { WAT_LANGUAGE_ID } from './wat-id';
import { WAT_PALETTES, WAT_TOKENS, type WatPalette, type WatTokenKind } from './wat-theme';

export { WAT_LANGUAGE_ID };

// ---------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------

export { WAT_TOKENS };

const T = WAT_TOKENS;

export const watMonarchLanguage: languages.IMonarchLanguage = {
  defaultToken: T.invalid,
  tokenPostfix: '.wat',
  ignoreCase: false,
  brackets: [{ open: '(', close: ')', token: T.bracket }],
  keywords: [...KEYWORDS],
  typeKeywords: [...TYPES],
  instructions: [...INSTRUCTION_NAMES],
  tokenizer: {
    root: [
      [/[ \t\r\n]+/, ''],
      [/\(;/, T.comment, '@blockComment'],
      [/;;.*$/, T.comment],
      [/[()]/, '@brackets'],
      [/"/, T.string, '@string'],
      [WAT_IDENTIFIER_RE, T.variable],
      [/\$/, T.variable],
      [WAT_ATTRIBUTE_RE, [T.attribute, T.operator]],
      [WAT_NUMBER_RE, T.number],
      [
        WAT_WORD_RE,
        {
          cases: {
            '@typeKeywords': T.type,
            '@keywords': T.keyword,
            '@instructions': T.instruction,
            '@default': T.identifier,
          },
        },
      ],
      [/\x40[0-9A-Za-z_.-]*/, T.annotation],
      [/[^\s()";$]+|;/, T.invalid],
    ],
    blockComment: [
      [/[^(;]+/, T.comment],
      [/\(;/, T.comment, '@push'],
      [/;\)/, T.comment, '@pop'],
      [/[(;]/, T.comment],
    ],
    string: [
      [/[^\\"]+/, T.string],
      [WAT_STRING_ESCAPE_RE, T.stringEscape],
      [/\\./, T.stringInvalid],
      [/\\$/, T.stringInvalid],
      [/"/, T.string, '@pop'],
    ],
  },
};

// ---------------------------------------------------------------------------
// Language configuration
// ---------------------------------------------------------------------------

export const watLanguageConfiguration: languages.LanguageConfiguration = {
  comments: { lineComment: ';;', blockComment: ['(;', ';)'] },
  brackets: [['(', ')']],
  colorizedBracketPairs: [['(', ')']],
  autoClosingPairs: [
    { open: '(', close: ')' },
    { open: '"', close: '"', notIn: ['string', 'comment'] },
  ],
  surroundingPairs: [
    { open: '(', close: ')' },
    { open: '"', close: '"' },
  ],
  wordPattern: WAT_WORD_PATTERN,
};

// ---------------------------------------------------------------------------
// Document scanning (pure)
// ---------------------------------------------------------------------------

export interface WatRegion {
  readonly kind: 'line-comment' | 'block-comment' | 'string';
  /** Offset of the first character. */
  readonly start: number;
  /** Offset just after the last character. */
  readonly end: number;
  /** False for unterminated strings / block comments and for line comments (open until the newline). */
  readonly closed: boolean;
}

/** Comments (`;;`, nested `(; ;)`) and strings of a WAT document, in order. `$"quoted ids"` are not strings. */
export function scanRegions(text: string): WatRegion[] {
  const regions: WatRegion[] = [];
  const n = text.length;
  const skipString = (from: number): { end: number; closed: boolean } => {
    let j = from + 1;
    while (j < n) {
      const c = text[j];
      if (c === '\\' && j + 1 < n && text[j + 1] !== '\n') j += 2;
      else if (c === '"') return { end: j + 1, closed: true };
      else if (c === '\n') break;
      else j++;
    }
    return { end: Math.min(j, n), closed: false };
  };
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (c === ';' && text[i + 1] === ';') {
      let j = text.indexOf('\n', i);
      if (j < 0) j = n;
      regions.push({ kind: 'line-comment', start: i, end: j, closed: false });
      i = j;
    } else if (c === '(' && text[i + 1] === ';') {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (text[j] === '(' && text[j + 1] === ';') {
          depth++;
          j += 2;
        } else if (text[j] === ';' && text[j + 1] === ')') {
          depth--;
          j += 2;
        } else j++;
      }
      regions.push({ kind: 'block-comment', start: i, end: Math.min(j, n), closed: depth === 0 });
      i = Math.min(j, n);
    } else if (c === '$' && text[i + 1] === '"') {
      i = skipString(i + 1).end;
    } else if (c === '"') {
      const s = skipString(i);
      regions.push({ kind: 'string', start: i, end: s.end, closed: s.closed });
      i = s.end;
    } else i++;
  }
  return regions;
}

/** Replaces comment and string characters by spaces (newlines kept), so offsets and lines are preserved. */
export function maskCommentsAndStrings(
  text: string,
  regions: readonly WatRegion[] = scanRegions(text),
): string {
  let out = '';
  let last = 0;
  for (const r of regions) {
    out += text.slice(last, r.start) + text.slice(r.start, r.end).replace(/[^\n]/g, ' ');
    last = r.end;
  }
  return out + text.slice(last);
}

export type WatContext = 'code' | 'comment' | 'string';

/** Whether a cursor at `offset` (between characters offset-1 and offset) is in code, a comment or a string. */
export function contextAt(text: string, offset: number): WatContext {
  for (const r of scanRegions(text)) {
    if (r.start >= offset) break;
    if (offset < r.end || (offset === r.end && !r.closed)) return r.kind === 'string' ? 'string' : 'comment';
  }
  return 'code';
}

export type DollarNameKind =
  'func' | 'param' | 'local' | 'global' | 'type' | 'table' | 'memory' | 'data' | 'elem' | 'tag' | 'label';

export interface DollarName {
  readonly name: string;
  readonly kind: DollarNameKind;
  /** Declared type for params, locals and globals, e.g. `i32` or `(mut i64)`. */
  readonly detail?: string;
  /** Offset of the `$name` in the document. */
  readonly offset: number;
}

const ID_SRC = WAT_IDENTIFIER_RE.source;
const DEF_RE = new RegExp(
  `\\((func|param|local|global|type|table|memory|data|elem|tag)\\s+(${ID_SRC})(?:\\s+(\\(\\s*mut\\s+[a-z0-9]+\\s*\\)|[a-z][a-z0-9]*))?`,
  'g',
);
const LABEL_RE = new RegExp(`(^|[\\s(])(block|loop|if|try)\\s+(${ID_SRC})`, 'g');

/** `$names` defined in the document (functions, params, locals, globals, types, labels, …), in document order. */
export function collectDollarNames(text: string): DollarName[] {
  const masked = maskCommentsAndStrings(text);
  const found: DollarName[] = [];
  for (const m of masked.matchAll(DEF_RE)) {
    const kind = m[1] as DollarNameKind;
    const name = m[2];
    const offset = (m.index ?? 0) + m[0].indexOf(name, kind.length + 1);
    const typed = kind === 'param' || kind === 'local' || kind === 'global';
    const detail =
      typed && m[3] ? m[3].replace(/\s+/g, ' ').replace(/\( /, '(').replace(/ \)/, ')') : undefined;
    found.push(detail === undefined ? { name, kind, offset } : { name, kind, detail, offset });
  }
  for (const m of masked.matchAll(LABEL_RE)) {
    const name = m[3];
    found.push({ name, kind: 'label', offset: (m.index ?? 0) + m[0].lastIndexOf(name) });
  }
  found.sort((a, b) => a.offset - b.offset);
  const seen = new Set<string>();
  return found.filter((d) => {
    const key = `${d.kind} ${d.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface WatFoldingRange {
  /** 1-based first line. */
  readonly start: number;
  /** 1-based last folded line. */
  readonly end: number;
  readonly kind: 'region' | 'comment';
}

/**
 * Folding ranges for multi-line parenthesised forms and block comments. A
 * closing `)` that starts its own line stays visible (the range ends on the
 * line before it). At most one range per start line (the outermost).
 */
export function computeFoldingRanges(text: string): WatFoldingRange[] {
  const regions = scanRegions(text);
  const masked = maskCommentsAndStrings(text, regions);
  const byStart = new Map<number, WatFoldingRange>();
  const add = (r: WatFoldingRange): void => {
    if (r.end <= r.start) return;
    const prev = byStart.get(r.start);
    if (!prev || prev.end < r.end) byStart.set(r.start, r);
  };
  const stack: number[] = [];
  let line = 1;
  let lineBlank = true;
  for (let i = 0; i < masked.length; i++) {
    const c = masked[i];
    if (c === '\n') {
      line++;
      lineBlank = true;
      continue;
    }
    if (c === '(') stack.push(line);
    else if (c === ')') {
      const open = stack.pop();
      if (open !== undefined) add({ start: open, end: lineBlank ? line - 1 : line, kind: 'region' });
    }
    if (c !== ' ' && c !== '\t' && c !== '\r') lineBlank = false;
  }
  // Regions come in document order, so one cursor walks the text once for all of them (wabt's
  // output has a `(;N;)` comment on most lines; counting from the top for each was quadratic).
  let cursorLine = 1;
  let nextNewline = text.indexOf('\n');
  const lineOf = (offset: number): number => {
    while (nextNewline >= 0 && nextNewline < offset) {
      cursorLine++;
      nextNewline = text.indexOf('\n', nextNewline + 1);
    }
    return cursorLine;
  };
  for (const r of regions) {
    if (r.kind !== 'block-comment') continue;
    const start = lineOf(r.start);
    add({ start, end: lineOf(Math.max(r.start, r.end - 1)), kind: 'comment' });
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------------------
// Completion and hover (pure)
// ---------------------------------------------------------------------------

/** `valtype` = a value type keyword such as `i32`; `type` = a `$name` defined by `(type $name …)`. */
export type WatCompletionKind = 'instruction' | 'keyword' | 'valtype' | DollarNameKind;

export interface WatCompletion {
  readonly label: string;
  readonly kind: WatCompletionKind;
  readonly detail: string;
  /** Markdown. */
  readonly documentation: string;
  readonly insertText: string;
  readonly sortText: string;
}

export interface WatCompletionResult {
  readonly items: readonly WatCompletion[];
  /** 1-based column where the typed prefix starts (the replaced range starts here). */
  readonly startColumn: number;
  /** 1-based column just after the whole word under the cursor (end of the replace range). */
  readonly endColumn: number;
}

/** Markdown documentation of one instruction (used by completion and hover). */
export function instructionMarkdown(ins: WatInstruction): string {
  const lines = [`\`${formatStackEffect(ins)}\` *(pops → pushes)*`, '', ins.doc];
  if (ins.immediates) lines.push('', `Immediates: \`${ins.immediates}\``);
  if (ins.feature !== 'mvp') lines.push('', `Feature: ${ins.feature}`);
  return lines.join('\n');
}

let staticCompletions: readonly WatCompletion[] | undefined;

function getStaticCompletions(): readonly WatCompletion[] {
  if (staticCompletions) return staticCompletions;
  const items: WatCompletion[] = [];
  for (const k of KEYWORDS) {
    if (instructionByName(k)) continue; // block/loop/if/else/end: offered once, as instructions
    items.push({
      label: k,
      kind: 'keyword',
      detail: 'keyword',
      documentation: KEYWORD_DOCS[k],
      insertText: k,
      sortText: `1${k}`,
    });
  }
  for (const t of TYPES) {
    items.push({
      label: t,
      kind: 'valtype',
      detail: 'value type',
      documentation: TYPE_DOCS[t],
      insertText: t,
      sortText: `2${t}`,
    });
  }
  for (const ins of INSTRUCTIONS) {
    items.push({
      label: ins.name,
      kind: 'instruction',
      detail: formatStackEffect(ins),
      documentation: instructionMarkdown(ins),
      insertText: ins.name,
      sortText: `3${ins.name}`,
    });
  }
  staticCompletions = items;
  return items;
}

const NAME_PRIORITY: Readonly<Record<DollarNameKind, number>> = {
  param: 0,
  local: 0,
  label: 1,
  global: 2,
  func: 3,
  type: 4,
  table: 5,
  memory: 5,
  data: 6,
  elem: 6,
  tag: 6,
};

function describeName(d: DollarName): string {
  return d.detail ? `${d.kind} ${d.detail}` : d.kind;
}

/**
 * Completion items for a cursor at 1-based `column` of `line` (which is the
 * line of `text` containing `offset`, the cursor's document offset).
 * Returns null inside comments and strings and after a number.
 */
export function watCompletions(
  text: string,
  offset: number,
  line: string,
  column: number,
): WatCompletionResult | null {
  if (contextAt(text, offset) !== 'code') return null;
  const w = wordAt(line, column);
  const inWord = w !== null && w.start < column;
  const startColumn = inWord ? w.start : column;
  const endColumn = inWord ? Math.max(w.end, column) : column;
  const prefix = line.slice(startColumn - 1, column - 1);
  if (/^[+-]?[0-9]/.test(prefix)) return null;
  if (prefix.startsWith('$')) {
    const byName = new Map<string, DollarName[]>();
    for (const d of collectDollarNames(text)) {
      if (d.offset === offset - prefix.length) continue; // the word being typed is itself a definition
      byName.set(d.name, [...(byName.get(d.name) ?? []), d]);
    }
    const items: WatCompletion[] = [];
    for (const [name, defs] of byName) {
      const first = defs.reduce((a, b) => (NAME_PRIORITY[b.kind] < NAME_PRIORITY[a.kind] ? b : a));
      items.push({
        label: name,
        kind: first.kind,
        detail: defs.map(describeName).join(', '),
        documentation: defs
          .map((d) => `${d.kind} \`${d.name}\`${d.detail ? `: \`${d.detail}\`` : ''}`)
          .join('\n\n'),
        insertText: name,
        sortText: `${NAME_PRIORITY[first.kind]}${name}`,
      });
    }
    return { items, startColumn, endColumn };
  }
  return { items: getStaticCompletions(), startColumn, endColumn };
}

export interface WatHoverResult {
  /** Markdown paragraphs. */
  readonly contents: readonly string[];
  readonly startColumn: number;
  readonly endColumn: number;
}

/** Hover for the word at 1-based `column` of `line`; `text` is the whole document (for `$name` lookups). */
export function watHover(text: string, line: string, column: number): WatHoverResult | null {
  const w = wordAt(line, column);
  if (!w) return null;
  const range = { startColumn: w.start, endColumn: w.end };
  const ins = instructionByName(w.word);
  if (ins) {
    const head = ins.immediates ? `${ins.name} ${ins.immediates}` : ins.name;
    return { contents: ['```wat\n' + head + '\n```', instructionMarkdown(ins)], ...range };
  }
  switch (classifyWord(w.word)) {
    case 'keyword':
      return { contents: [`**keyword** \`${w.word}\` — ${KEYWORD_DOCS[w.word]}`], ...range };
    case 'type':
      return { contents: [`**type** \`${w.word}\` — ${TYPE_DOCS[w.word as ValueType]}`], ...range };
    default:
      break;
  }
  if (w.word.startsWith('$') && w.word.length > 1) {
    const defs = collectDollarNames(text).filter((d) => d.name === w.word);
    if (defs.length === 0) return null;
    const shown = defs
      .slice(0, 6)
      .map((d) => `**${d.kind}** \`${d.name}\`${d.detail ? ` : \`${d.detail}\`` : ''}`);
    if (defs.length > shown.length) shown.push(`… and ${defs.length - shown.length} more`);
    return { contents: shown, ...range };
  }
  return null;
}

// ---------------------------------------------------------------------------
// Themes
// ---------------------------------------------------------------------------

/** A Monaco theme from one of the palettes of wat-theme.ts (shared with the loading placeholder). */
function themeOf(p: WatPalette): editor.IStandaloneThemeData {
  return {
    base: p.base,
    inherit: true,
    rules: (Object.keys(p.tokens) as WatTokenKind[]).map((kind) => ({
      token: `${WAT_TOKENS[kind]}.wat`,
      ...p.tokens[kind],
    })),
    colors: { 'editor.background': p.background, 'editor.foreground': p.foreground },
  };
}

export const WAT_LIGHT_THEME = themeOf(WAT_PALETTES.light);
export const WAT_DARK_THEME = themeOf(WAT_PALETTES.dark);

// ---------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------

const REGISTRY_KEY = Symbol.for('nanofaas.wat-language.registered');

/** Monaco `languages` objects already set up, kept on globalThis so HMR re-imports stay idempotent. */
function registry(): WeakSet<object> {
  const g = globalThis as typeof globalThis & { [REGISTRY_KEY]?: WeakSet<object> };
  return (g[REGISTRY_KEY] ??= new WeakSet<object>());
}

function completionKind(monaco: MonacoApi, kind: WatCompletionKind): languages.CompletionItemKind {
  const K = monaco.languages.CompletionItemKind;
  switch (kind) {
    case 'instruction':
      return K.Function;
    case 'keyword':
      return K.Keyword;
    case 'valtype':
      return K.TypeParameter;
    case 'type':
      return K.Interface;
    case 'func':
      return K.Method;
    case 'param':
    case 'local':
    case 'global':
      return K.Variable;
    case 'label':
      return K.Reference;
    case 'tag':
      return K.Event;
    case 'table':
    case 'memory':
    case 'data':
    case 'elem':
      return K.Struct;
  }
}

/**
 * Registers the `wat` language, its tokenizer, configuration, completion,
 * hover and folding providers, and the `wat-light` / `wat-dark` themes.
 * Safe to call more than once.
 */
export function registerWat(monaco: MonacoApi): void {
  const done = registry();
  if (done.has(monaco.languages)) return;
  done.add(monaco.languages);

  const { languages } = monaco;
  if (!languages.getLanguages().some((l) => l.id === WAT_LANGUAGE_ID)) {
    languages.register({
      id: WAT_LANGUAGE_ID,
      extensions: ['.wat', '.wast'],
      aliases: ['WebAssembly Text', 'WAT', 'wat'],
      mimetypes: ['text/x-wat'],
    });
  }
  languages.setMonarchTokensProvider(WAT_LANGUAGE_ID, watMonarchLanguage);
  languages.setLanguageConfiguration(WAT_LANGUAGE_ID, watLanguageConfiguration);

  languages.registerCompletionItemProvider(WAT_LANGUAGE_ID, {
    triggerCharacters: ['$', '.'],
    provideCompletionItems(model, position) {
      const text = model.getValue();
      const result = watCompletions(
        text,
        model.getOffsetAt(position),
        model.getLineContent(position.lineNumber),
        position.column,
      );
      if (!result) return { suggestions: [] };
      const ln = position.lineNumber;
      const range: languages.CompletionItemRanges = {
        insert: new monaco.Range(ln, result.startColumn, ln, position.column),
        replace: new monaco.Range(ln, result.startColumn, ln, result.endColumn),
      };
      return {
        suggestions: result.items.map((item) => ({
          label: item.label,
          kind: completionKind(monaco, item.kind),
          detail: item.detail,
          documentation: { value: item.documentation },
          insertText: item.insertText,
          sortText: item.sortText,
          range,
        })),
      };
    },
  });

  languages.registerHoverProvider(WAT_LANGUAGE_ID, {
    provideHover(model, position) {
      const hover = watHover(model.getValue(), model.getLineContent(position.lineNumber), position.column);
      if (!hover) return null;
      const range: IRange = {
        startLineNumber: position.lineNumber,
        startColumn: hover.startColumn,
        endLineNumber: position.lineNumber,
        endColumn: hover.endColumn,
      };
      return { contents: hover.contents.map((value) => ({ value })), range };
    },
  });

  languages.registerFoldingRangeProvider(WAT_LANGUAGE_ID, {
    provideFoldingRanges(model) {
      return computeFoldingRanges(model.getValue()).map((r) => ({
        start: r.start,
        end: r.end,
        kind: r.kind === 'comment' ? languages.FoldingRangeKind.Comment : languages.FoldingRangeKind.Region,
      }));
    },
  });

  monaco.editor.defineTheme('wat-light', WAT_LIGHT_THEME);
  monaco.editor.defineTheme('wat-dark', WAT_DARK_THEME);
}
