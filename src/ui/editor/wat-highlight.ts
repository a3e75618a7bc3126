/**
 * WAT highlighting without Monaco: the code shown in the editor's place while Monaco (its biggest
 * chunk) is still loading. The same rules as the Monarch tokenizer of `wat-language.ts` and the
 * same token classes, so the text keeps its colours when Monaco takes over; plain data out (lines
 * of tokens), rendered as text by EditorPane.
 *
 * Words are classified without the instruction table (it stays in Monaco's chunk): types, then
 * keywords, then anything shaped like an instruction name. `wat-highlight.test.ts` checks that
 * this agrees with `classifyWord` on every instruction, keyword and type.
 */
import {
  WAT_ATTRIBUTE_RE,
  WAT_IDENTIFIER_RE,
  WAT_NUMBER_RE,
  WAT_STRING_ESCAPE_RE,
  WAT_WORD_RE,
} from './wat-lexical';
import type { WatTokenKind } from './wat-theme';

export type { WatTokenKind };

export interface WatToken {
  readonly text: string;
  readonly kind: WatTokenKind | null;
}

const TYPE_WORDS = new Set(['i32', 'i64', 'f32', 'f64', 'v128', 'funcref', 'externref', 'anyref']);
const KEYWORD_WORDS = new Set(
  (
    'module func param result local global mut memory data table elem type import export start ' +
    'offset item declare then block loop if else end ref null extern shared'
  ).split(' '),
);
/** Instructions without a dot; dotted ones are `<prefix>.<name>`. */
const BARE_INSTRUCTION =
  /^(?:unreachable|nop|br|br_if|br_table|return|call|call_indirect|return_call|return_call_indirect|drop|select)$/;
const DOTTED_INSTRUCTION =
  /^(?:ref|local|global|table|elem|memory|data|[if](?:32|64)|v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.[0-9a-z_.]+$/;

/** How a bare word is coloured (types win, then keywords, then instructions), as `classifyWord` does. */
export function wordKind(word: string): 'type' | 'keyword' | 'instruction' | 'identifier' {
  if (TYPE_WORDS.has(word)) return 'type';
  if (KEYWORD_WORDS.has(word)) return 'keyword';
  if (BARE_INSTRUCTION.test(word) || DOTTED_INSTRUCTION.test(word)) return 'instruction';
  return 'identifier';
}

const sticky = (re: RegExp) => new RegExp(re.source, 'y');
const RULES = {
  space: /[ \t\r\n]+/y,
  blockOpen: /\(;/y,
  lineComment: /;;.*$/y,
  bracket: /[()]/y,
  quote: /"/y,
  identifier: sticky(WAT_IDENTIFIER_RE),
  dollar: /\$/y,
  attribute: sticky(WAT_ATTRIBUTE_RE),
  number: sticky(WAT_NUMBER_RE),
  word: sticky(WAT_WORD_RE),
  annotation: /\x40[0-9A-Za-z_.-]*/y,
  invalid: /[^\s()";$]+|;/y,
  commentText: /[^(;]+/y,
  commentClose: /;\)/y,
  commentChar: /[(;]/y,
  stringText: /[^\\"]+/y,
  escape: sticky(WAT_STRING_ESCAPE_RE),
  badEscape: /\\./y,
  trailingBackslash: /\\$/y,
};

/**
 * Splits WAT source into lines of tokens. Block comments nest and, like strings, carry on to the
 * next line, as in the Monarch tokenizer's states.
 */
export function highlightWat(source: string): WatToken[][] {
  const lines: WatToken[][] = [];
  /** Open block comments (nesting depth), or -1 inside a string. */
  let depth = 0;
  for (const line of source.split('\n')) {
    const tokens: WatToken[] = [];
    const push = (text: string, kind: WatTokenKind | null) => {
      const last = tokens[tokens.length - 1];
      if (last && last.kind === kind) tokens[tokens.length - 1] = { text: last.text + text, kind };
      else tokens.push({ text, kind });
    };
    let at = 0;
    const take = (re: RegExp): string | null => {
      re.lastIndex = at;
      const m = re.exec(line);
      if (!m || m[0].length === 0) return null;
      at += m[0].length;
      return m[0];
    };
    while (at < line.length) {
      let t: string | null;
      if (depth > 0) {
        if ((t = take(RULES.commentText))) push(t, 'comment');
        else if ((t = take(RULES.blockOpen))) {
          depth++;
          push(t, 'comment');
        } else if ((t = take(RULES.commentClose))) {
          depth--;
          push(t, 'comment');
        } else push(take(RULES.commentChar) ?? line[at++], 'comment');
      } else if (depth < 0) {
        if ((t = take(RULES.stringText))) push(t, 'string');
        else if ((t = take(RULES.escape))) push(t, 'stringEscape');
        else if ((t = take(RULES.badEscape)) || (t = take(RULES.trailingBackslash))) push(t, 'stringInvalid');
        else if ((t = take(RULES.quote))) {
          depth = 0;
          push(t, 'string');
        } else push(line[at++], 'string');
      } else if ((t = take(RULES.space))) push(t, null);
      else if ((t = take(RULES.blockOpen))) {
        depth = 1;
        push(t, 'comment');
      } else if ((t = take(RULES.lineComment))) push(t, 'comment');
      else if ((t = take(RULES.bracket))) push(t, 'bracket');
      else if ((t = take(RULES.quote))) {
        depth = -1;
        push(t, 'string');
      } else if ((t = take(RULES.identifier)) || (t = take(RULES.dollar))) push(t, 'variable');
      else if ((t = take(RULES.attribute))) {
        push(t.slice(0, -1), 'attribute');
        push('=', 'operator');
      } else if ((t = take(RULES.number))) push(t, 'number');
      else if ((t = take(RULES.word))) push(t, wordKind(t));
      else if ((t = take(RULES.annotation))) push(t, 'annotation');
      else push(take(RULES.invalid) ?? line[at++], 'invalid');
    }
    lines.push(tokens);
  }
  return lines;
}
