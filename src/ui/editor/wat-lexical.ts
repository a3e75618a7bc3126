/**
 * The lexical regexes of the WebAssembly text format, shared by the Monaco tokenizer
 * (`wat-language.ts`) and the highlighted text shown before Monaco has loaded
 * (`wat-highlight.ts`). Kept apart from the instruction table so that the page's first script can
 * use them without carrying the table. No `@` characters in their sources: Monarch treats `@name`
 * as an attribute reference.
 */

/** Body of the spec's `idchar` class (`\x40` is `@`). */
const IDCHAR = "0-9A-Za-z!#$%&'*+\\-./:<=>?\\x40\\\\^_`|~";
const DEC = '[0-9](?:_?[0-9])*';
const HEX = '[0-9a-fA-F](?:_?[0-9a-fA-F])*';

/** `$name` or `$"quoted name"`. */
export const WAT_IDENTIFIER_RE = new RegExp(`\\$(?:[${IDCHAR}]+|"(?:[^"\\\\\\n]|\\\\.)*")`);

/**
 * Integer and float literals: `42`, `-7`, `1_000`, `0xff`, `1.5e-3`, `0x1.8p3`,
 * `inf`, `-inf`, `nan`, `nan:0x7f_ffff`. Must not be followed by an id char.
 */
export const WAT_NUMBER_RE = new RegExp(
  `[+-]?(?:0x${HEX}(?:\\.(?:${HEX})?)?(?:[pP][+-]?${DEC})?|${DEC}(?:\\.(?:${DEC})?)?(?:[eE][+-]?${DEC})?|inf|nan(?::0x${HEX})?)(?![${IDCHAR}])`,
);

/** Instruction names, keywords and types (classified afterwards: `classifyWord` in wat-instructions.ts). */
export const WAT_WORD_RE = /[a-z][0-9A-Za-z_.]*/;

/** Memory-argument attributes `offset=` / `align=` (group 1: name, group 2: `=`). */
export const WAT_ATTRIBUTE_RE = /(offset|align)(=)/;

/** A valid escape inside a string: `\t \n \r \" \' \\`, `\hh`, `\u{hex}`. */
export const WAT_STRING_ESCAPE_RE = new RegExp(`\\\\(?:[tnr"'\\\\]|[0-9a-fA-F]{2}|u\\{${HEX}\\})`);

/** Monaco `wordPattern`: `$names`, dotted instruction names and numbers are whole words. */
export const WAT_WORD_PATTERN = new RegExp(
  `(\\$(?:[${IDCHAR}]+|"(?:[^"\\\\\\n]|\\\\.)*"?)?)|([+-]?[0-9][0-9A-Za-z_.:+-]*)|([A-Za-z_][0-9A-Za-z_.]*)`,
  'g',
);
