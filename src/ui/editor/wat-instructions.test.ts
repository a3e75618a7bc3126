import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import {
  classifyWord,
  describeWord,
  formatStackEffect,
  instructionByName,
  INSTRUCTIONS,
  KEYWORDS,
  STACK_SLOTS,
  TYPES,
  wordAt,
  type InstructionFeature,
} from './wat-instructions';
import {
  WAT_ATTRIBUTE_RE,
  WAT_IDENTIFIER_RE,
  WAT_NUMBER_RE,
  WAT_STRING_ESCAPE_RE,
  WAT_WORD_PATTERN,
  WAT_WORD_RE,
} from './wat-lexical';
import {
  collectDollarNames,
  computeFoldingRanges,
  contextAt,
  maskCommentsAndStrings,
  scanRegions,
  WAT_DARK_THEME,
  WAT_LIGHT_THEME,
  watCompletions,
  watHover,
  watLanguageConfiguration,
  watMonarchLanguage,
} from './wat-language';

/** Whole-string match, the way Monarch anchors a rule (`^(?:…)`) plus an end anchor. */
function fullMatch(re: RegExp, s: string): boolean {
  return new RegExp(`^(?:${re.source})$`, re.flags.replace('g', '')).test(s);
}

function get(name: string) {
  const ins = instructionByName(name);
  if (!ins) throw new Error(`missing instruction ${name}`);
  return ins;
}

describe('instruction table', () => {
  it('has unique names', () => {
    const names = INSTRUCTIONS.map((i) => i.name);
    const dupes = names.filter((n, i) => names.indexOf(n) !== i);
    expect(dupes).toEqual([]);
  });

  it('gives every instruction a doc, valid stack slots and a well-formed name', () => {
    const slots = new Set<string>(STACK_SLOTS);
    for (const ins of INSTRUCTIONS) {
      expect(ins.doc.trim().length, ins.name).toBeGreaterThan(10);
      expect(ins.name).toMatch(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)?$/);
      expect(fullMatch(WAT_WORD_RE, ins.name), ins.name).toBe(true);
      for (const s of [...ins.pops, ...ins.pushes]) expect(slots.has(s), `${ins.name}: ${s}`).toBe(true);
      if (ins.immediates !== undefined) expect(ins.immediates.trim()).not.toBe('');
      expect(instructionByName(ins.name)).toBe(ins);
    }
  });

  it('explains polymorphic stacks in the doc', () => {
    for (const ins of INSTRUCTIONS.filter((i) =>
      [...i.pops, ...i.pushes].some((s) => s === '…' || s === 't'),
    )) {
      expect(ins.doc, ins.name).toMatch(
        /polymorphic|signature|parameters|results|any type|type t|declared type|variable|value/,
      );
    }
  });

  it('contains well-known instructions', () => {
    const wellKnown = [
      'unreachable',
      'nop',
      'block',
      'loop',
      'if',
      'else',
      'end',
      'br',
      'br_if',
      'br_table',
      'return',
      'call',
      'call_indirect',
      'drop',
      'select',
      'local.get',
      'local.set',
      'local.tee',
      'global.get',
      'global.set',
      'i32.load',
      'i64.load32_u',
      'i32.load8_u',
      'i32.load16_s',
      'f64.load',
      'i32.store8',
      'i64.store32',
      'f32.store',
      'memory.size',
      'memory.grow',
      'i32.const',
      'i64.const',
      'f32.const',
      'f64.const',
      'i32.eqz',
      'i32.add',
      'i64.mul',
      'i32.div_s',
      'i64.rem_u',
      'i32.shr_u',
      'i64.rotl',
      'i32.clz',
      'i64.popcnt',
      'f32.sqrt',
      'f64.copysign',
      'f64.nearest',
      'f32.lt',
      'i32.wrap_i64',
      'i64.extend_i32_u',
      'f64.promote_f32',
      'f32.demote_f64',
      'i32.trunc_f64_s',
      'f64.convert_i64_u',
      'i32.reinterpret_f32',
      'f64.reinterpret_i64',
      'i32.extend8_s',
      'i64.extend32_s',
      'i32.trunc_sat_f32_s',
      'i64.trunc_sat_f64_u',
      'memory.copy',
      'memory.fill',
      'memory.init',
      'data.drop',
      'table.copy',
      'table.init',
      'elem.drop',
      'ref.null',
      'ref.is_null',
      'ref.func',
      'table.get',
      'table.set',
      'table.size',
      'table.grow',
      'table.fill',
      'return_call',
      'return_call_indirect',
      'v128.load',
      'v128.store',
      'v128.const',
      'i8x16.shuffle',
      'i8x16.swizzle',
      'i32x4.add',
      'f32x4.mul',
      'v128.and',
      'v128.bitselect',
      'i32x4.splat',
      'i32x4.extract_lane',
      'i8x16.extract_lane_u',
      'f64x2.replace_lane',
      'i16x8.add_sat_s',
      'i32x4.dot_i16x8_s',
      'i64x2.mul',
      'f32x4.pmin',
      'i32x4.trunc_sat_f32x4_s',
      'v128.load8x8_u',
      'v128.load32_zero',
      'v128.any_true',
      'i8x16.popcnt',
      'f64x2.promote_low_f32x4',
    ];
    expect(wellKnown.filter((n) => !instructionByName(n))).toEqual([]);
  });

  it('covers the MVP and post-MVP feature sets completely', () => {
    const count = (f: InstructionFeature) => INSTRUCTIONS.filter((i) => i.feature === f).length;
    // MVP: 13 control + 2 parametric + 5 variable + 25 memory + 127 numeric.
    expect(count('mvp')).toBe(172);
    expect(count('sign-extension')).toBe(5);
    expect(count('nontrapping-fptoint')).toBe(8);
    expect(count('bulk-memory')).toBe(7);
    expect(count('reference-types')).toBe(8);
    expect(count('tail-call')).toBe(2);
    // Every fixed-width SIMD instruction (236), well over the required 30.
    expect(count('simd')).toBe(236);
    const numeric = INSTRUCTIONS.filter((i) => i.feature === 'mvp' && i.category === 'numeric');
    expect(numeric).toHaveLength(127);
  });

  it('has the right stack effects for a sample', () => {
    const effects: Record<string, string> = {
      'i32.add': '[i32 i32] → [i32]',
      'i64.eqz': '[i64] → [i32]',
      'f64.lt': '[f64 f64] → [i32]',
      'i64.load32_u': '[i32] → [i64]',
      'i32.store8': '[i32 i32] → []',
      'f64.store': '[i32 f64] → []',
      'f32.convert_i64_u': '[i64] → [f32]',
      'i32.trunc_sat_f64_s': '[f64] → [i32]',
      'i64.reinterpret_f64': '[f64] → [i64]',
      'memory.grow': '[i32] → [i32]',
      'memory.copy': '[i32 i32 i32] → []',
      select: '[t t i32] → [t]',
      drop: '[t] → []',
      'local.tee': '[t] → [t]',
      call: '[…] → […]',
      if: '[… i32] → […]',
      'ref.is_null': '[ref] → [i32]',
      'ref.func': '[] → [funcref]',
      'table.grow': '[ref i32] → [i32]',
      'table.fill': '[i32 ref i32] → []',
      'i8x16.shuffle': '[v128 v128] → [v128]',
      'v128.bitselect': '[v128 v128 v128] → [v128]',
      'i32x4.extract_lane': '[v128] → [i32]',
      'i64x2.replace_lane': '[v128 i64] → [v128]',
      'f32x4.splat': '[f32] → [v128]',
      'i32x4.shl': '[v128 i32] → [v128]',
      'v128.any_true': '[v128] → [i32]',
      'v128.store16_lane': '[i32 v128] → []',
    };
    for (const [name, effect] of Object.entries(effects))
      expect(formatStackEffect(get(name)), name).toBe(effect);
    expect(get('i32.load8_u').immediates).toBe('offset=N align=N');
    expect(get('i32.add').doc).toMatch(/wrapping/);
    expect(instructionByName('i32.nope')).toBeUndefined();
  });

  it('exports keywords and types', () => {
    for (const k of [
      'module',
      'func',
      'param',
      'result',
      'local',
      'global',
      'mut',
      'memory',
      'data',
      'table',
      'elem',
      'type',
      'import',
      'export',
      'start',
      'offset',
      'item',
      'declare',
      'then',
      'block',
      'loop',
      'if',
      'else',
      'end',
    ]) {
      expect(KEYWORDS, k).toContain(k);
    }
    expect([...TYPES]).toEqual(['i32', 'i64', 'f32', 'f64', 'v128', 'funcref', 'externref', 'anyref']);
    expect(classifyWord('i32')).toBe('type');
    expect(classifyWord('module')).toBe('keyword');
    expect(classifyWord('block')).toBe('keyword');
    expect(classifyWord('i32.add')).toBe('instruction');
    expect(classifyWord('i32.nope')).toBeUndefined();
    expect(describeWord('i32.add')).toContain('[i32 i32] → [i32]');
    expect(describeWord('mut')).toMatch(/mutable/);
  });
});

describe('instruction table against wabt + V8', () => {
  // Independent check of names and stack effects: for every instruction whose
  // stack effect is not signature-dependent ('…'), build a function taking the
  // declared pops as params and returning the declared pushes, then parse and
  // validate it with wabt and with the host engine (WebAssembly.validate).
  it('every instruction with a fixed stack effect validates exactly as declared', async () => {
    const wabt = await wabtInit();
    const failures: string[] = [];
    let checked = 0;
    for (const ins of INSTRUCTIONS) {
      if ([...ins.pops, ...ins.pushes].includes('…')) continue;
      if (ins.name === 'else' || ins.name === 'end') continue; // structural, not standalone
      const concrete = (s: string) => (s === 't' ? 'i32' : s === 'ref' ? 'funcref' : s);
      const n = ins.name;
      let imm = '';
      if (n === 'v128.const') imm = 'i32x4 0 0 0 0';
      else if (n.endsWith('.const')) imm = '0';
      else if (n === 'i8x16.shuffle') imm = Array.from({ length: 16 }, (_, i) => i).join(' ');
      else if (/_lane(_[su])?$/.test(n)) imm = '0';
      else if (n === 'memory.init' || n === 'data.drop') imm = '$d';
      else if (n === 'table.init' || n === 'elem.drop') imm = '$e';
      else if (n === 'ref.null') imm = 'func';
      else if (n === 'ref.func') imm = '$f0';
      else if (n.startsWith('local.')) imm = '$x';
      else if (n.startsWith('global.')) imm = '$g';
      const pops = ins.pops.map(concrete);
      const pushes = ins.pushes.map(concrete);
      const text = `(module (memory 1) (data $d "") (table 1 funcref) (elem $e func $f0) (func $f0)
        (global $g (mut i32) (i32.const 0))
        (func ${pops.map((t) => `(param ${t})`).join(' ')} ${pushes.length ? `(result ${pushes.join(' ')})` : ''} (local $x i32)
          ${pops.map((_, i) => `local.get ${i}`).join(' ')}
          ${n} ${imm}))`;
      checked++;
      try {
        const m = wabt.parseWat(`${n}.wat`, text, {
          simd: true,
          bulk_memory: true,
          reference_types: true,
          tail_call: true,
          sign_extension: true,
          sat_float_to_int: true,
        });
        try {
          m.resolveNames();
          m.validate();
          if (!WebAssembly.validate(m.toBinary({}).buffer as Uint8Array<ArrayBuffer>))
            failures.push(`${n}: rejected by WebAssembly.validate`);
        } finally {
          m.destroy();
        }
      } catch (e) {
        failures.push(`${n}: ${String(e).split('\n').slice(0, 3).join(' | ')}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(400);
  });
});

describe('formatStackEffect', () => {
  it('formats pops → pushes', () => {
    expect(formatStackEffect({ pops: ['i32', 'i32'], pushes: ['i32'] })).toBe('[i32 i32] → [i32]');
    expect(formatStackEffect(get('nop'))).toBe('[] → []');
    expect(formatStackEffect(get('i32.const'))).toBe('[] → [i32]');
  });
});

describe('wordAt', () => {
  const line = '    (i32.load8_u offset=4 (call $fib (local.get $n)))';
  //            1234567890123456789012345678901234567890123456789012
  it('finds dotted instruction names at any column of the word', () => {
    const expected = { word: 'i32.load8_u', start: 6, end: 17 };
    for (const col of [6, 7, 9, 10, 14, 16, 17]) expect(wordAt(line, col), `column ${col}`).toEqual(expected);
  });

  it('finds $names including the sigil', () => {
    const start = line.indexOf('$fib') + 1;
    for (const col of [start, start + 1, start + 3, start + 4]) {
      expect(wordAt(line, col), `column ${col}`).toEqual({ word: '$fib', start, end: start + 4 });
    }
    const n = line.indexOf('$n') + 1;
    expect(wordAt(line, n + 1)).toEqual({ word: '$n', start: n, end: n + 2 });
  });

  it('stops at = and parentheses and returns null on blanks', () => {
    expect(wordAt(line, line.indexOf('offset') + 3)?.word).toBe('offset');
    expect(wordAt(line, line.indexOf('=4') + 2)?.word).toBe('4');
    expect(wordAt(line, 2)).toBeNull();
    expect(wordAt(line, line.length + 5)).toBeNull();
    expect(wordAt('(local.get', 2)?.word).toBe('local.get');
    expect(wordAt('$', 2)).toEqual({ word: '$', start: 1, end: 2 });
    expect(wordAt('(call $my.func:2)', 10)?.word).toBe('$my.func:2');
    expect(wordAt('(f64.const -0x1.8p3)', 14)?.word).toBe('-0x1.8p3');
  });
});

describe('lexical regexes', () => {
  it('numbers', () => {
    const good = [
      '0',
      '42',
      '-7',
      '+7',
      '1_000_000',
      '0xff',
      '0xFF_FF',
      '-0x80000000',
      '1.5',
      '1.',
      '-1.5e-3',
      '6.02E23',
      '0x1.8p3',
      '0x1p-1',
      '-0x1.fffffep+127',
      'inf',
      '-inf',
      'nan',
      '+nan',
      'nan:0x7f_ffff',
      '-nan:0x1',
    ];
    const bad = ['1__0', '_1', '0x', '1e', 'abc', '1a', '0xg', 'nan:0x', '1_', 'infinity', '$1'];
    for (const s of good) expect(fullMatch(WAT_NUMBER_RE, s), s).toBe(true);
    for (const s of bad) expect(fullMatch(WAT_NUMBER_RE, s), s).toBe(false);
  });

  it('identifiers', () => {
    for (const s of ['$fib', '$n', '$0', '$a.b', '$my-func', '$x=y', "$it's", '$"quoted name"', '$"a\\"b"']) {
      expect(fullMatch(WAT_IDENTIFIER_RE, s), s).toBe(true);
    }
    for (const s of ['$', 'fib', '$a b', '$(', '$a)']) expect(fullMatch(WAT_IDENTIFIER_RE, s), s).toBe(false);
  });

  it('words (instructions, keywords, types), attributes and escapes', () => {
    for (const s of ['i32.add', 'i32.load8_u', 'module', 'i32', 'v128.load64_splat'])
      expect(fullMatch(WAT_WORD_RE, s), s).toBe(true);
    for (const s of ['$x', '32bit', 'offset=4']) expect(fullMatch(WAT_WORD_RE, s), s).toBe(false);
    expect(fullMatch(WAT_ATTRIBUTE_RE, 'offset=')).toBe(true);
    expect(fullMatch(WAT_ATTRIBUTE_RE, 'align=')).toBe(true);
    for (const s of ['\\n', '\\t', '\\"', "\\'", '\\\\', '\\00', '\\fF', '\\u{1F600}', '\\u{1_f}']) {
      expect(fullMatch(WAT_STRING_ESCAPE_RE, s), s).toBe(true);
    }
    for (const s of ['\\q', '\\0', '\\u{}', '\\u1234'])
      expect(fullMatch(WAT_STRING_ESCAPE_RE, s), s).toBe(false);
  });

  it('contain no @ (Monarch would read it as an attribute reference) and compile under Monarch anchoring', () => {
    for (const re of [
      WAT_NUMBER_RE,
      WAT_IDENTIFIER_RE,
      WAT_WORD_RE,
      WAT_ATTRIBUTE_RE,
      WAT_STRING_ESCAPE_RE,
    ]) {
      expect(re.source).not.toContain('@');
      expect(() => new RegExp(`^(?:${re.source})`)).not.toThrow();
    }
  });

  it('wordPattern keeps dotted names and $names whole', () => {
    const words = (s: string) => [...s.matchAll(new RegExp(WAT_WORD_PATTERN.source, 'g'))].map((m) => m[0]);
    expect(words('(i32.load8_u offset=4 (local.get $fib))')).toEqual([
      'i32.load8_u',
      'offset',
      '4',
      'local.get',
      '$fib',
    ]);
    expect(watLanguageConfiguration.wordPattern?.source).toBe(WAT_WORD_PATTERN.source);
    expect(watLanguageConfiguration.comments).toEqual({ lineComment: ';;', blockComment: ['(;', ';)'] });
  });
});

// ---------------------------------------------------------------------------
// The real Monarch compiler + lexer happen to load in Node (they are internal
// modules with no DOM dependencies). If a future Monaco moves them, these
// tests are skipped rather than failing; the regex tests above still apply.
// ---------------------------------------------------------------------------

interface MonarchToken {
  readonly offset: number;
  readonly type: string;
}
interface MonarchTokenizerLike {
  getInitialState(): unknown;
  tokenize(line: string, hasEOL: boolean, state: unknown): { tokens: MonarchToken[]; endState: unknown };
  dispose(): void;
}
type MonarchTokenizerCtor = new (
  languageService: unknown,
  themeService: unknown,
  languageId: string,
  lexer: unknown,
  configurationService: unknown,
) => MonarchTokenizerLike;

async function loadMonarch(): Promise<{
  compile: (id: string, def: unknown) => unknown;
  Tokenizer: MonarchTokenizerCtor;
} | null> {
  const base = 'monaco-editor/editor/standalone/common/monarch/';
  try {
    const compileMod = (await import(/* @vite-ignore */ `${base}monarchCompile.js`)) as {
      compile: (id: string, def: unknown) => unknown;
    };
    const lexerMod = (await import(/* @vite-ignore */ `${base}monarchLexer.js`)) as {
      MonarchTokenizer: MonarchTokenizerCtor;
    };
    return { compile: compileMod.compile, Tokenizer: lexerMod.MonarchTokenizer };
  } catch {
    return null;
  }
}

const monarch = await loadMonarch();

describe.skipIf(monarch === null)('Monarch tokenizer (real Monaco lexer)', () => {
  function tokenizeLines(lines: string[]): [string, string][][] {
    const { compile, Tokenizer } = monarch!;
    const lexer = compile('wat', watMonarchLanguage);
    const languageService = {
      languageIdCodec: { encodeLanguageId: () => 1 },
      isRegisteredLanguageId: () => false,
      requestRichLanguageFeatures() {},
    };
    const config = { getValue: () => 20_000, onDidChangeConfiguration: () => ({ dispose() {} }) };
    const tokenizer = new Tokenizer(languageService, {}, 'wat', lexer, config);
    let state = tokenizer.getInitialState();
    const out: [string, string][][] = [];
    for (const line of lines) {
      const r = tokenizer.tokenize(line, true, state);
      state = r.endState;
      out.push(
        r.tokens
          .map((t, i): [string, string] => [
            line.slice(t.offset, r.tokens[i + 1]?.offset ?? line.length).trim(),
            t.type.replace(/\.wat$/, ''),
          ])
          .filter(([text]) => text !== ''),
      );
    }
    tokenizer.dispose();
    return out;
  }

  it('compiles', () => {
    expect(() => monarch!.compile('wat', watMonarchLanguage)).not.toThrow();
  });

  it('tokenizes a sample module', () => {
    const [l1, l2, l3, l4, l5, l6, l7, l8] = tokenizeLines([
      '(module ;; fib',
      '  (func $fib (export "fib") (param $n i32) (result i32)',
      '    (i32.load8_u offset=4 align=1 (local.get $n))',
      '    (f64.const -0x1.8p3) (f32.const nan:0x7f_ffff) (i64.const 1_000)',
      '    (; outer (; nested ;) still',
      '    comment ;) block $done br_if $done',
      '    (data "a\\n\\q\\u{41}")',
      '    v128.const i32x4 1 2 3 4 i32x4.add frobnicate))',
    ]);
    expect(l1).toEqual([
      ['(', 'delimiter.parenthesis'],
      ['module', 'keyword'],
      [';; fib', 'comment'],
    ]);
    expect(l2).toContainEqual(['func', 'keyword']);
    expect(l2).toContainEqual(['$fib', 'variable']);
    expect(l2).toContainEqual(['"fib"', 'string']);
    expect(l2).toContainEqual(['$n', 'variable']);
    expect(l2).toContainEqual(['i32', 'type']);
    expect(l3).toEqual([
      ['(', 'delimiter.parenthesis'],
      ['i32.load8_u', 'keyword.instruction'],
      ['offset', 'attribute.name'],
      ['=', 'operator'],
      ['4', 'number'],
      ['align', 'attribute.name'],
      ['=', 'operator'],
      ['1', 'number'],
      ['(', 'delimiter.parenthesis'],
      ['local.get', 'keyword.instruction'],
      ['$n', 'variable'],
      ['))', 'delimiter.parenthesis'],
    ]);
    expect(l4).toContainEqual(['-0x1.8p3', 'number']);
    expect(l4).toContainEqual(['nan:0x7f_ffff', 'number']);
    expect(l4).toContainEqual(['1_000', 'number']);
    expect(l5).toEqual([['(; outer (; nested ;) still', 'comment']]);
    expect(l6).toEqual([
      ['comment ;)', 'comment'],
      ['block', 'keyword'],
      ['$done', 'variable'],
      ['br_if', 'keyword.instruction'],
      ['$done', 'variable'],
    ]);
    expect(l7).toEqual([
      ['(', 'delimiter.parenthesis'],
      ['data', 'keyword'],
      ['"a', 'string'],
      ['\\n', 'string.escape'],
      ['\\q', 'string.invalid'],
      ['\\u{41}', 'string.escape'],
      ['"', 'string'],
      [')', 'delimiter.parenthesis'],
    ]);
    expect(l8).toContainEqual(['v128.const', 'keyword.instruction']);
    expect(l8).toContainEqual(['i32x4.add', 'keyword.instruction']);
    expect(l8).toContainEqual(['frobnicate', 'identifier']);
    expect(l8).toContainEqual(['4', 'number']);
  });
});

describe('document helpers', () => {
  const doc = [
    '(module',
    '  (global $counter (mut i32) (i32.const 0))',
    '  ;; (func $commented)',
    '  (func $fib (export "fib (func $fake)") (param $n i32) (result i32)',
    '    (local $tmp i64)',
    '    (block $exit',
    '      (loop $top',
    '        (br_if $exit (i32.eqz (local.get $n)))))',
    '    (local.get $n))',
    '  (; multi',
    '     line ;)',
    '  (memory $mem 1)',
    ')',
  ].join('\n');

  it('scans comments and strings', () => {
    const kinds = scanRegions(doc).map((r) => r.kind);
    expect(kinds).toEqual(['line-comment', 'string', 'block-comment']);
    expect(maskCommentsAndStrings(doc)).toHaveLength(doc.length);
    expect(contextAt(doc, doc.indexOf('$commented'))).toBe('comment');
    expect(contextAt(doc, doc.indexOf('$fake'))).toBe('string');
    expect(contextAt(doc, doc.indexOf('$tmp'))).toBe('code');
    expect(contextAt('(data "abc', 10)).toBe('string');
    expect(contextAt('(data "abc")', 12)).toBe('code');
  });

  it('collects $names with kinds and types', () => {
    const names = collectDollarNames(doc).map((d) => [d.name, d.kind, d.detail ?? '']);
    expect(names).toEqual([
      ['$counter', 'global', '(mut i32)'],
      ['$fib', 'func', ''],
      ['$n', 'param', 'i32'],
      ['$tmp', 'local', 'i64'],
      ['$exit', 'label', ''],
      ['$top', 'label', ''],
      ['$mem', 'memory', ''],
    ]);
    const fib = collectDollarNames(doc).find((d) => d.name === '$fib');
    expect(doc.slice(fib!.offset, fib!.offset + 4)).toBe('$fib');
  });

  it('folds multi-line parenthesised forms and block comments', () => {
    expect(computeFoldingRanges(doc)).toEqual([
      { start: 1, end: 12, kind: 'region' }, // `)` on its own line 13 stays visible
      { start: 4, end: 9, kind: 'region' },
      { start: 6, end: 8, kind: 'region' },
      { start: 7, end: 8, kind: 'region' },
      { start: 10, end: 11, kind: 'comment' },
    ]);
  });

  it('folds a disassembly-sized text in linear time (one block comment per line)', () => {
    // wabt writes `(;N;)` on most lines; 200,000 of them took minutes when each comment's line
    // was counted from the top of the text.
    const funcs = 50_000;
    const parts = ['(module'];
    for (let i = 0; i < funcs; i++) {
      parts.push(`  (func (;${i};) (type 0)`, '    (; a block', '       comment ;)', `    i32.const ${i})`);
    }
    parts.push(')');
    const text = parts.join('\n');
    const started = performance.now();
    const ranges = computeFoldingRanges(text);
    const elapsed = performance.now() - started;
    expect(ranges).toHaveLength(1 + 2 * funcs);
    expect(ranges[0]).toEqual({ start: 1, end: 4 * funcs + 1, kind: 'region' });
    const last = 2 + 4 * (funcs - 1);
    expect(ranges.slice(-2)).toEqual([
      { start: last, end: last + 3, kind: 'region' },
      { start: last + 1, end: last + 2, kind: 'comment' },
    ]);
    // Linear: about a second here; the quadratic scan needed minutes for this input.
    expect(elapsed).toBeLessThan(15_000);
  }, 60_000);

  it('completes instructions, keywords and types', () => {
    const text = '(func (i32.ad';
    const r = watCompletions(text, text.length, text, text.length + 1);
    expect(r).not.toBeNull();
    expect(r!.startColumn).toBe(8);
    const add = r!.items.find((i) => i.label === 'i32.add');
    expect(add).toMatchObject({ kind: 'instruction', detail: '[i32 i32] → [i32]' });
    expect(add!.documentation).toContain('Adds two i32');
    expect(r!.items.some((i) => i.label === 'module' && i.kind === 'keyword')).toBe(true);
    expect(r!.items.some((i) => i.label === 'externref' && i.kind === 'valtype')).toBe(true);
    expect(r!.items.filter((i) => i.label === 'block')).toHaveLength(1);
  });

  it('completes $names after $ and not in comments or strings', () => {
    const text = `${doc}\n(call $`;
    const line = '(call $';
    const r = watCompletions(text, text.length, line, line.length + 1);
    expect(r!.startColumn).toBe(7);
    expect(r!.items.map((i) => i.label)).toEqual(
      expect.arrayContaining(['$fib', '$n', '$tmp', '$counter', '$exit']),
    );
    expect(r!.items.every((i) => i.label.startsWith('$'))).toBe(true);
    const comment = ';; i32.';
    expect(watCompletions(comment, comment.length, comment, comment.length + 1)).toBeNull();
  });

  it('hovers instructions, keywords, types and $names', () => {
    const line = '    (i32.load8_u offset=4 (local.get $n))';
    const h = watHover(doc, line, 8);
    expect(h).toMatchObject({ startColumn: 6, endColumn: 17 });
    expect(h!.contents.join('\n')).toContain('[i32] → [i32]');
    expect(h!.contents.join('\n')).toContain('zero-extends');
    expect(watHover(doc, '(module', 3)!.contents[0]).toContain('keyword');
    expect(watHover(doc, '(param i64)', 9)!.contents[0]).toContain('64-bit integer');
    expect(watHover(doc, line, line.indexOf('$n') + 2)!.contents[0]).toContain('param');
    expect(watHover(doc, '   ', 2)).toBeNull();
  });
});

describe('themes', () => {
  function luminance(hex: string): number {
    const n = parseInt(hex.replace('#', ''), 16);
    const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function contrast(a: string, b: string): number {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }

  for (const [name, theme] of [
    ['wat-light', WAT_LIGHT_THEME],
    ['wat-dark', WAT_DARK_THEME],
  ] as const) {
    it(`${name}: every colour meets WCAG AA (4.5:1) on the background`, () => {
      const bg = theme.colors['editor.background'];
      expect(bg).toBeDefined();
      for (const rule of theme.rules) {
        if (rule.foreground) expect(contrast(rule.foreground, bg!), rule.token).toBeGreaterThanOrEqual(4.5);
      }
    });

    it(`${name}: instructions, keywords, types and $names have distinct colours`, () => {
      const colour = (token: string) => theme.rules.find((r) => r.token === `${token}.wat`)?.foreground;
      const colours = ['keyword.instruction', 'keyword', 'type', 'variable'].map(colour);
      expect(colours.every(Boolean)).toBe(true);
      expect(new Set(colours).size).toBe(4);
    });
  }
});
