/**
 * WebAssembly text format (WAT) reference data: instructions, keywords, types
 * and a few pure lexical helpers shared by the Monaco language support
 * (`wat-language.ts`) and its tests. No Monaco imports here, so everything in
 * this file runs in Node.
 */

import { WAT_WORD_PATTERN } from './wat-lexical';

/** Value types (plus `anyref` from the GC proposal, accepted as a keyword). */
export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref' | 'anyref';

/**
 * One entry of an instruction's operand/result list.
 * - a concrete {@link ValueType};
 * - `'t'`   — one value of any type (the same `t` within one instruction, e.g. `select`);
 * - `'ref'` — one reference value whose type comes from an immediate or a table's element type;
 * - `'…'`   — any number of values: signature-dependent (`call`, `block`) or
 *             stack-polymorphic after an unconditional branch (`br`, `return`, `unreachable`).
 */
export type StackSlot = ValueType | 't' | 'ref' | '…';

export type InstructionCategory =
  'control' | 'reference' | 'parametric' | 'variable' | 'table' | 'memory' | 'numeric' | 'vector';

/** Which specification feature / proposal introduced the instruction. */
export type InstructionFeature =
  'mvp' | 'sign-extension' | 'nontrapping-fptoint' | 'bulk-memory' | 'reference-types' | 'tail-call' | 'simd';

export interface WatInstruction {
  readonly name: string;
  /** Operands popped, bottom → top (the last entry is the top of the stack). */
  readonly pops: readonly StackSlot[];
  /** Results pushed, bottom → top. */
  readonly pushes: readonly StackSlot[];
  readonly doc: string;
  /** Immediate operands written after the instruction name, e.g. `offset=N align=N`. */
  readonly immediates?: string;
  readonly category: InstructionCategory;
  readonly feature: InstructionFeature;
}

export const TYPES: readonly ValueType[] = [
  'i32',
  'i64',
  'f32',
  'f64',
  'v128',
  'funcref',
  'externref',
  'anyref',
];

/** Every slot string that may appear in `pops` / `pushes`. */
export const STACK_SLOTS: readonly StackSlot[] = [...TYPES, 't', 'ref', '…'];

export const TYPE_DOCS: Readonly<Record<ValueType, string>> = {
  i32: '32-bit integer (sign is given by the instruction, not the type).',
  i64: '64-bit integer (sign is given by the instruction, not the type).',
  f32: '32-bit IEEE 754 floating-point number.',
  f64: '64-bit IEEE 754 floating-point number.',
  v128: '128-bit SIMD vector, interpreted per instruction as i8x16, i16x8, i32x4, i64x2, f32x4 or f64x2 lanes.',
  funcref: 'Nullable reference to a function (reference-types).',
  externref: 'Nullable opaque reference to a host (JavaScript) value (reference-types).',
  anyref: 'Nullable reference to any internal GC value (GC proposal).',
};

/**
 * Structural keywords of the text format. `block`, `loop`, `if`, `else` and
 * `end` are also instructions (see {@link INSTRUCTIONS}).
 */
export const KEYWORD_DOCS: Readonly<Record<string, string>> = {
  module: 'Module definition: `(module $name? …fields)`.',
  func: 'Function definition `(func $name? (param …) (result …) (local …) …body)`, or the `func` heap type.',
  param: 'Function or block parameter: `(param $name type)` or `(param type*)`.',
  result: 'Function or block result types: `(result type*)`.',
  local: 'Function local variable: `(local $name type)` or `(local type*)`; initialised to zero / null.',
  global: 'Global variable: `(global $name type (init-expr))` or `(global $name (mut type) …)`.',
  mut: 'Marks a global as mutable: `(mut type)`.',
  memory: 'Linear memory: `(memory $name? min max?)` in 64 KiB pages, optionally `shared`.',
  data: 'Data segment: `(data $name? (memory $m)? (offset expr)? "bytes"…)`; passive without an offset.',
  table: 'Table of references: `(table $name? min max? reftype)`.',
  elem: 'Element segment: `(elem $name? (table $t)? (offset expr)? reftype? item*)`; passive or `declare`d without an offset.',
  type: 'Function type definition `(type $name (func (param …) (result …)))`, or a type use `(type $name)`.',
  import: 'Import: `(import "module" "name" (func|table|memory|global …))`, or inline `(import "m" "n")`.',
  export: 'Export: `(export "name" (func|table|memory|global $x))`, or inline `(export "name")`.',
  start: 'Start function run when the module is instantiated: `(start $func)`.',
  offset: 'Offset expression of an active data or element segment: `(offset (i32.const 0))`.',
  item: 'One element-segment item expression: `(item (ref.func $f))`.',
  declare:
    'Declarative element segment (`elem declare func $f …`) that makes functions referenceable by `ref.func`.',
  then: 'Then-branch of a folded `if`: `(if (cond) (then …) (else …))`.',
  block: 'Starts a block; a branch to its label jumps to its end.',
  loop: 'Starts a loop; a branch to its label jumps back to its start.',
  if: 'Conditional; pops an i32 condition.',
  else: 'Starts the else-branch of an `if`.',
  end: 'Ends a `block`, `loop`, `if` or function body.',
  ref: 'Typed reference type: `(ref null? heaptype)`.',
  null: 'Makes a typed reference nullable: `(ref null func)`.',
  extern: 'The `extern` heap type (host references), as in `ref.null extern`.',
  shared: 'Marks a memory as shared between threads (threads proposal): `(memory 1 1 shared)`.',
};

export const KEYWORDS: readonly string[] = Object.keys(KEYWORD_DOCS);

// ---------------------------------------------------------------------------
// Instruction table
// ---------------------------------------------------------------------------

type Def = (
  name: string,
  pops: readonly StackSlot[],
  pushes: readonly StackSlot[],
  doc: string,
  immediates?: string,
) => WatInstruction;

function section(category: InstructionCategory, feature: InstructionFeature): Def {
  return (name, pops, pushes, doc, immediates) =>
    immediates === undefined
      ? { name, pops, pushes, doc, category, feature }
      : { name, pops, pushes, doc, immediates, category, feature };
}

const MEMARG = 'offset=N align=N';
const POLY: readonly StackSlot[] = ['…'];

function controlInstructions(): WatInstruction[] {
  const d = section('control', 'mvp');
  const tail = section('control', 'tail-call');
  return [
    d(
      'unreachable',
      POLY,
      POLY,
      'Traps unconditionally. The stack is polymorphic afterwards (code after it is unreachable).',
    ),
    d('nop', [], [], 'Does nothing.'),
    d(
      'block',
      POLY,
      POLY,
      'Starts a block: pops the block-type parameters, runs the body, pushes the results. A branch to its label jumps to the end. Multi-value: the block type may be `(param …) (result …)` or `(type $t)`.',
      '$label? blocktype',
    ),
    d(
      'loop',
      POLY,
      POLY,
      'Starts a loop: pops the block-type parameters, runs the body, pushes the results. A branch to its label jumps back to the start (re-supplying the parameters). Multi-value block types allowed.',
      '$label? blocktype',
    ),
    d(
      'if',
      ['…', 'i32'],
      POLY,
      'Pops an i32 condition (plus the block-type parameters) and runs the then-branch if it is non-zero, else the else-branch. Multi-value block types allowed.',
      '$label? blocktype',
    ),
    d('else', [], [], 'Starts the else-branch of an `if` (flat syntax); in folded syntax use `(else …)`.'),
    d('end', [], [], 'Ends a `block`, `loop`, `if` or function body (flat syntax).', '$label?'),
    d(
      'br',
      POLY,
      POLY,
      'Unconditional branch to a label: exits a block/if (with its results) or continues a loop (with its params). The stack is polymorphic afterwards.',
      'labelidx',
    ),
    d(
      'br_if',
      ['…', 'i32'],
      POLY,
      "Pops an i32 condition and branches to the label if it is non-zero; otherwise falls through, leaving the label's values on the stack.",
      'labelidx',
    ),
    d(
      'br_table',
      ['…', 'i32'],
      POLY,
      'Pops an i32 index and branches to the index-th label of the list, or to the default (last) label if out of range. The stack is polymorphic afterwards.',
      'labelidx* labelidx',
    ),
    d(
      'return',
      POLY,
      POLY,
      "Returns from the current function with the function's results on top of the stack. The stack is polymorphic afterwards.",
    ),
    d(
      'call',
      POLY,
      POLY,
      'Calls a function: pops its parameters and pushes its results (signature-dependent).',
      'funcidx',
    ),
    d(
      'call_indirect',
      ['…', 'i32'],
      POLY,
      'Pops an i32 table index and calls the function stored there, checking its signature against the type use at run time (traps on mismatch or null). Pops the parameters and pushes the results.',
      'tableidx? (type $t)',
    ),
    tail(
      'return_call',
      POLY,
      POLY,
      'Tail call: calls a function and returns its results from the current function, reusing the current frame. The callee must return the caller’s result types.',
      'funcidx',
    ),
    tail(
      'return_call_indirect',
      ['…', 'i32'],
      POLY,
      'Tail call through a table: pops an i32 table index and tail-calls the function stored there, checking its signature at run time.',
      'tableidx? (type $t)',
    ),
  ];
}

function referenceInstructions(): WatInstruction[] {
  const d = section('reference', 'reference-types');
  return [
    d(
      'ref.null',
      [],
      ['ref'],
      'Pushes a null reference of the given heap type (`func` → funcref, `extern` → externref).',
      'heaptype',
    ),
    d('ref.is_null', ['ref'], ['i32'], 'Pops a reference and pushes 1 if it is null, otherwise 0.'),
    d(
      'ref.func',
      [],
      ['funcref'],
      'Pushes a reference to the given function. The function must be declared (exported, in an element segment, or `elem declare`).',
      'funcidx',
    ),
  ];
}

function parametricInstructions(): WatInstruction[] {
  const d = section('parametric', 'mvp');
  return [
    d('drop', ['t'], [], 'Pops and discards one value of any type.'),
    d(
      'select',
      ['t', 't', 'i32'],
      ['t'],
      'Pops an i32 condition and two values of the same type t; pushes the first value if the condition is non-zero, else the second. Reference operands need the typed form `select (result t)`.',
      '(result t)?',
    ),
  ];
}

function variableInstructions(): WatInstruction[] {
  const d = section('variable', 'mvp');
  return [
    d(
      'local.get',
      [],
      ['t'],
      'Pushes the value of a local variable or parameter (of its declared type t).',
      'localidx',
    ),
    d('local.set', ['t'], [], 'Pops a value and stores it in a local variable or parameter.', 'localidx'),
    d(
      'local.tee',
      ['t'],
      ['t'],
      'Stores the top value in a local variable and leaves it on the stack (like local.set + local.get).',
      'localidx',
    ),
    d('global.get', [], ['t'], 'Pushes the value of a global variable.', 'globalidx'),
    d('global.set', ['t'], [], 'Pops a value and stores it in a mutable global variable.', 'globalidx'),
  ];
}

function tableInstructions(): WatInstruction[] {
  const d = section('table', 'reference-types');
  const bulk = section('table', 'bulk-memory');
  return [
    d(
      'table.get',
      ['i32'],
      ['ref'],
      'Pops an index and pushes the reference stored at it in the table. Traps if out of bounds.',
      'tableidx?',
    ),
    d(
      'table.set',
      ['i32', 'ref'],
      [],
      'Pops a reference and an index and stores the reference in the table. Traps if out of bounds.',
      'tableidx?',
    ),
    d('table.size', [], ['i32'], 'Pushes the current number of elements in the table.', 'tableidx?'),
    d(
      'table.grow',
      ['ref', 'i32'],
      ['i32'],
      'Pops a count n and an initial reference; grows the table by n elements filled with it. Pushes the previous size, or -1 on failure.',
      'tableidx?',
    ),
    d(
      'table.fill',
      ['i32', 'ref', 'i32'],
      [],
      'Pops [index, ref, n] and sets n table elements starting at index to ref. Traps if out of bounds.',
      'tableidx?',
    ),
    bulk(
      'table.copy',
      ['i32', 'i32', 'i32'],
      [],
      'Pops [dest, src, n] and copies n elements from the source table to the destination table (ranges may overlap). Traps if out of bounds.',
      'tableidx? tableidx?',
    ),
    bulk(
      'table.init',
      ['i32', 'i32', 'i32'],
      [],
      'Pops [dest, src, n] and copies n elements from a passive element segment (starting at src) into the table at dest. Traps if out of bounds.',
      'tableidx? elemidx',
    ),
    bulk(
      'elem.drop',
      [],
      [],
      'Drops a passive element segment, releasing it; later table.init from it traps (unless n = 0).',
      'elemidx',
    ),
  ];
}

interface AccessSpec {
  readonly name: string;
  readonly type: ValueType;
  readonly bytes: number;
  readonly doc: string;
}

function memoryInstructions(): WatInstruction[] {
  const d = section('memory', 'mvp');
  const bulk = section('memory', 'bulk-memory');
  const loads: AccessSpec[] = [
    { name: 'i32.load', type: 'i32', bytes: 4, doc: 'Loads a 4-byte i32 from memory' },
    { name: 'i64.load', type: 'i64', bytes: 8, doc: 'Loads an 8-byte i64 from memory' },
    { name: 'f32.load', type: 'f32', bytes: 4, doc: 'Loads a 4-byte f32 from memory' },
    { name: 'f64.load', type: 'f64', bytes: 8, doc: 'Loads an 8-byte f64 from memory' },
    {
      name: 'i32.load8_s',
      type: 'i32',
      bytes: 1,
      doc: 'Loads 1 byte from memory and sign-extends it to i32',
    },
    {
      name: 'i32.load8_u',
      type: 'i32',
      bytes: 1,
      doc: 'Loads 1 byte from memory and zero-extends it to i32',
    },
    {
      name: 'i32.load16_s',
      type: 'i32',
      bytes: 2,
      doc: 'Loads 2 bytes from memory and sign-extends them to i32',
    },
    {
      name: 'i32.load16_u',
      type: 'i32',
      bytes: 2,
      doc: 'Loads 2 bytes from memory and zero-extends them to i32',
    },
    {
      name: 'i64.load8_s',
      type: 'i64',
      bytes: 1,
      doc: 'Loads 1 byte from memory and sign-extends it to i64',
    },
    {
      name: 'i64.load8_u',
      type: 'i64',
      bytes: 1,
      doc: 'Loads 1 byte from memory and zero-extends it to i64',
    },
    {
      name: 'i64.load16_s',
      type: 'i64',
      bytes: 2,
      doc: 'Loads 2 bytes from memory and sign-extends them to i64',
    },
    {
      name: 'i64.load16_u',
      type: 'i64',
      bytes: 2,
      doc: 'Loads 2 bytes from memory and zero-extends them to i64',
    },
    {
      name: 'i64.load32_s',
      type: 'i64',
      bytes: 4,
      doc: 'Loads 4 bytes from memory and sign-extends them to i64',
    },
    {
      name: 'i64.load32_u',
      type: 'i64',
      bytes: 4,
      doc: 'Loads 4 bytes from memory and zero-extends them to i64',
    },
  ];
  const stores: AccessSpec[] = [
    { name: 'i32.store', type: 'i32', bytes: 4, doc: 'Stores an i32 as 4 bytes' },
    { name: 'i64.store', type: 'i64', bytes: 8, doc: 'Stores an i64 as 8 bytes' },
    { name: 'f32.store', type: 'f32', bytes: 4, doc: 'Stores an f32 as 4 bytes' },
    { name: 'f64.store', type: 'f64', bytes: 8, doc: 'Stores an f64 as 8 bytes' },
    { name: 'i32.store8', type: 'i32', bytes: 1, doc: 'Stores the low 8 bits of an i32 as 1 byte' },
    { name: 'i32.store16', type: 'i32', bytes: 2, doc: 'Stores the low 16 bits of an i32 as 2 bytes' },
    { name: 'i64.store8', type: 'i64', bytes: 1, doc: 'Stores the low 8 bits of an i64 as 1 byte' },
    { name: 'i64.store16', type: 'i64', bytes: 2, doc: 'Stores the low 16 bits of an i64 as 2 bytes' },
    { name: 'i64.store32', type: 'i64', bytes: 4, doc: 'Stores the low 32 bits of an i64 as 4 bytes' },
  ];
  const tailDoc = (bytes: number): string =>
    ` (little-endian) at address + offset. Traps if out of bounds. Natural alignment: align=${bytes}.`;
  return [
    ...loads.map((l) => d(l.name, ['i32'], [l.type], `${l.doc}${tailDoc(l.bytes)}`, MEMARG)),
    ...stores.map((s) =>
      d(s.name, ['i32', s.type], [], `Pops [address, value]. ${s.doc}${tailDoc(s.bytes)}`, MEMARG),
    ),
    d('memory.size', [], ['i32'], 'Pushes the current size of the memory in 64 KiB pages.', 'memidx?'),
    d(
      'memory.grow',
      ['i32'],
      ['i32'],
      'Pops a page count n and grows the memory by n 64 KiB pages. Pushes the previous size in pages, or -1 on failure.',
      'memidx?',
    ),
    bulk(
      'memory.fill',
      ['i32', 'i32', 'i32'],
      [],
      'Pops [dest, value, n] and sets n bytes starting at dest to the low 8 bits of value. Traps if out of bounds.',
      'memidx?',
    ),
    bulk(
      'memory.copy',
      ['i32', 'i32', 'i32'],
      [],
      'Pops [dest, src, n] and copies n bytes from src to dest (regions may overlap, like memmove). Traps if out of bounds.',
      'memidx? memidx?',
    ),
    bulk(
      'memory.init',
      ['i32', 'i32', 'i32'],
      [],
      'Pops [dest, src, n] and copies n bytes from a passive data segment (starting at src) into memory at dest. Traps if out of bounds.',
      'memidx? dataidx',
    ),
    bulk(
      'data.drop',
      [],
      [],
      'Drops a passive data segment, releasing it; later memory.init from it traps (unless n = 0).',
      'dataidx',
    ),
  ];
}

function numericInstructions(): WatInstruction[] {
  const d = section('numeric', 'mvp');
  const out: WatInstruction[] = [];

  for (const t of ['i32', 'i64'] as const) {
    const bits = t === 'i32' ? 32 : 64;
    out.push(
      d(
        `${t}.const`,
        [],
        [t],
        `Pushes a constant ${t} (decimal or 0x hex, optionally signed, \`_\` separators allowed).`,
        'value',
      ),
    );
    out.push(d(`${t}.eqz`, [t], ['i32'], `Pushes 1 if the ${t} operand is zero, otherwise 0.`));
    const cmp: [string, string][] = [
      ['eq', 'equal to'],
      ['ne', 'not equal to'],
      ['lt_s', 'less than (signed)'],
      ['lt_u', 'less than (unsigned)'],
      ['gt_s', 'greater than (signed)'],
      ['gt_u', 'greater than (unsigned)'],
      ['le_s', 'less than or equal to (signed)'],
      ['le_u', 'less than or equal to (unsigned)'],
      ['ge_s', 'greater than or equal to (signed)'],
      ['ge_u', 'greater than or equal to (unsigned)'],
    ];
    for (const [op, text] of cmp) {
      out.push(
        d(`${t}.${op}`, [t, t], ['i32'], `Pushes 1 if the first ${t} is ${text} the second, otherwise 0.`),
      );
    }
    const unary: [string, string][] = [
      ['clz', `Counts the leading zero bits of a ${t} (${bits} for 0).`],
      ['ctz', `Counts the trailing zero bits of a ${t} (${bits} for 0).`],
      ['popcnt', `Counts the 1 bits of a ${t} (population count).`],
    ];
    for (const [op, doc] of unary) out.push(d(`${t}.${op}`, [t], [t], doc));
    const binary: [string, string][] = [
      ['add', `Adds two ${t} values (wrapping modulo 2^${bits}).`],
      ['sub', `Subtracts the second ${t} from the first (wrapping modulo 2^${bits}).`],
      ['mul', `Multiplies two ${t} values (wrapping; keeps the low ${bits} bits).`],
      [
        'div_s',
        `Signed division of two ${t} values, truncating toward zero. Traps on division by zero or overflow (MIN / -1).`,
      ],
      ['div_u', `Unsigned division of two ${t} values. Traps on division by zero.`],
      [
        'rem_s',
        `Signed remainder of two ${t} values (takes the sign of the dividend). Traps on division by zero.`,
      ],
      ['rem_u', `Unsigned remainder of two ${t} values. Traps on division by zero.`],
      ['and', `Bitwise AND of two ${t} values.`],
      ['or', `Bitwise OR of two ${t} values.`],
      ['xor', `Bitwise XOR of two ${t} values.`],
      ['shl', `Shifts the first ${t} left by the second modulo ${bits} bits.`],
      [
        'shr_s',
        `Arithmetic (sign-propagating) right shift of the first ${t} by the second modulo ${bits} bits.`,
      ],
      ['shr_u', `Logical (zero-filling) right shift of the first ${t} by the second modulo ${bits} bits.`],
      ['rotl', `Rotates the first ${t} left by the second modulo ${bits} bits.`],
      ['rotr', `Rotates the first ${t} right by the second modulo ${bits} bits.`],
    ];
    for (const [op, doc] of binary) out.push(d(`${t}.${op}`, [t, t], [t], doc));
  }

  for (const t of ['f32', 'f64'] as const) {
    out.push(
      d(
        `${t}.const`,
        [],
        [t],
        `Pushes a constant ${t}: decimal or hex float (\`0x1.8p3\`), \`inf\`, \`nan\` or \`nan:0x…\` payload, optionally signed.`,
        'value',
      ),
    );
    const cmp: [string, string][] = [
      ['eq', 'Pushes 1 if the two operands are equal (0 if either is NaN; -0 equals +0).'],
      ['ne', 'Pushes 1 if the two operands are not equal (1 if either is NaN).'],
      ['lt', 'Pushes 1 if the first operand is less than the second (0 if either is NaN).'],
      ['gt', 'Pushes 1 if the first operand is greater than the second (0 if either is NaN).'],
      ['le', 'Pushes 1 if the first operand is less than or equal to the second (0 if either is NaN).'],
      ['ge', 'Pushes 1 if the first operand is greater than or equal to the second (0 if either is NaN).'],
    ];
    for (const [op, doc] of cmp)
      out.push(d(`${t}.${op}`, [t, t], ['i32'], `Compares two ${t} values. ${doc}`));
    const unary: [string, string][] = [
      ['abs', `Absolute value of a ${t} (clears the sign bit, also for NaN).`],
      ['neg', `Negates a ${t} (flips the sign bit, also for NaN).`],
      ['ceil', `Rounds a ${t} up to the nearest integer value.`],
      ['floor', `Rounds a ${t} down to the nearest integer value.`],
      ['trunc', `Rounds a ${t} toward zero to an integer value.`],
      ['nearest', `Rounds a ${t} to the nearest integer value, ties to even.`],
      ['sqrt', `Square root of a ${t} (NaN for negative operands).`],
    ];
    for (const [op, doc] of unary) out.push(d(`${t}.${op}`, [t], [t], doc));
    const binary: [string, string][] = [
      ['add', `Adds two ${t} values (IEEE 754, round to nearest even).`],
      ['sub', `Subtracts the second ${t} from the first (IEEE 754).`],
      ['mul', `Multiplies two ${t} values (IEEE 754).`],
      ['div', `Divides the first ${t} by the second (IEEE 754; x/0 is ±inf or NaN, never traps).`],
      ['min', `Minimum of two ${t} values; NaN if either is NaN, and -0 is less than +0.`],
      ['max', `Maximum of two ${t} values; NaN if either is NaN, and +0 is greater than -0.`],
      ['copysign', `Returns the first ${t} with the sign bit of the second.`],
    ];
    for (const [op, doc] of binary) out.push(d(`${t}.${op}`, [t, t], [t], doc));
  }

  const conv = (name: string, from: ValueType, to: ValueType, doc: string): WatInstruction =>
    d(name, [from], [to], doc);
  const truncDoc = (to: string, signed: boolean): string =>
    `Truncates a float toward zero to ${signed ? 'a signed' : 'an unsigned'} ${to}. Traps on NaN or if the result does not fit.`;
  const convertDoc = (from: string, to: string, signed: boolean): string =>
    `Converts ${signed ? 'a signed' : 'an unsigned'} ${from} to the nearest ${to} (round to nearest even).`;
  out.push(
    conv('i32.wrap_i64', 'i64', 'i32', 'Wraps an i64 to i32 by keeping its low 32 bits.'),
    conv('i32.trunc_f32_s', 'f32', 'i32', truncDoc('i32', true)),
    conv('i32.trunc_f32_u', 'f32', 'i32', truncDoc('i32', false)),
    conv('i32.trunc_f64_s', 'f64', 'i32', truncDoc('i32', true)),
    conv('i32.trunc_f64_u', 'f64', 'i32', truncDoc('i32', false)),
    conv('i64.extend_i32_s', 'i32', 'i64', 'Sign-extends an i32 to i64.'),
    conv('i64.extend_i32_u', 'i32', 'i64', 'Zero-extends an i32 to i64.'),
    conv('i64.trunc_f32_s', 'f32', 'i64', truncDoc('i64', true)),
    conv('i64.trunc_f32_u', 'f32', 'i64', truncDoc('i64', false)),
    conv('i64.trunc_f64_s', 'f64', 'i64', truncDoc('i64', true)),
    conv('i64.trunc_f64_u', 'f64', 'i64', truncDoc('i64', false)),
    conv('f32.convert_i32_s', 'i32', 'f32', convertDoc('i32', 'f32', true)),
    conv('f32.convert_i32_u', 'i32', 'f32', convertDoc('i32', 'f32', false)),
    conv('f32.convert_i64_s', 'i64', 'f32', convertDoc('i64', 'f32', true)),
    conv('f32.convert_i64_u', 'i64', 'f32', convertDoc('i64', 'f32', false)),
    conv(
      'f32.demote_f64',
      'f64',
      'f32',
      'Converts an f64 to the nearest f32 (may lose precision or overflow to inf).',
    ),
    conv('f64.convert_i32_s', 'i32', 'f64', 'Converts a signed i32 to f64 (exact).'),
    conv('f64.convert_i32_u', 'i32', 'f64', 'Converts an unsigned i32 to f64 (exact).'),
    conv('f64.convert_i64_s', 'i64', 'f64', convertDoc('i64', 'f64', true)),
    conv('f64.convert_i64_u', 'i64', 'f64', convertDoc('i64', 'f64', false)),
    conv('f64.promote_f32', 'f32', 'f64', 'Converts an f32 to f64 (exact).'),
    conv('i32.reinterpret_f32', 'f32', 'i32', 'Reinterprets the bits of an f32 as an i32 (no conversion).'),
    conv('i64.reinterpret_f64', 'f64', 'i64', 'Reinterprets the bits of an f64 as an i64 (no conversion).'),
    conv('f32.reinterpret_i32', 'i32', 'f32', 'Reinterprets the bits of an i32 as an f32 (no conversion).'),
    conv('f64.reinterpret_i64', 'i64', 'f64', 'Reinterprets the bits of an i64 as an f64 (no conversion).'),
  );

  const sx = section('numeric', 'sign-extension');
  out.push(
    sx('i32.extend8_s', ['i32'], ['i32'], 'Sign-extends the low 8 bits of an i32 to the full i32.'),
    sx('i32.extend16_s', ['i32'], ['i32'], 'Sign-extends the low 16 bits of an i32 to the full i32.'),
    sx('i64.extend8_s', ['i64'], ['i64'], 'Sign-extends the low 8 bits of an i64 to the full i64.'),
    sx('i64.extend16_s', ['i64'], ['i64'], 'Sign-extends the low 16 bits of an i64 to the full i64.'),
    sx('i64.extend32_s', ['i64'], ['i64'], 'Sign-extends the low 32 bits of an i64 to the full i64.'),
  );

  const sat = section('numeric', 'nontrapping-fptoint');
  for (const to of ['i32', 'i64'] as const) {
    for (const from of ['f32', 'f64'] as const) {
      for (const sign of ['s', 'u'] as const) {
        out.push(
          sat(
            `${to}.trunc_sat_${from}_${sign}`,
            [from],
            [to],
            `Saturating truncation of an ${from} toward zero to ${sign === 's' ? 'a signed' : 'an unsigned'} ${to}: NaN becomes 0 and out-of-range values clamp to the ${to} ${sign === 's' ? 'signed' : 'unsigned'} min/max (never traps).`,
          ),
        );
      }
    }
  }
  return out;
}

interface Shape {
  readonly name: 'i8x16' | 'i16x8' | 'i32x4' | 'i64x2' | 'f32x4' | 'f64x2';
  readonly lane: ValueType;
  readonly lanes: number;
  readonly bits: number;
}

const SHAPES: readonly Shape[] = [
  { name: 'i8x16', lane: 'i32', lanes: 16, bits: 8 },
  { name: 'i16x8', lane: 'i32', lanes: 8, bits: 16 },
  { name: 'i32x4', lane: 'i32', lanes: 4, bits: 32 },
  { name: 'i64x2', lane: 'i64', lanes: 2, bits: 64 },
  { name: 'f32x4', lane: 'f32', lanes: 4, bits: 32 },
  { name: 'f64x2', lane: 'f64', lanes: 2, bits: 64 },
];

function vectorInstructions(): WatInstruction[] {
  const d = section('vector', 'simd');
  const V: StackSlot = 'v128';
  const out: WatInstruction[] = [];
  const bounds = 'Traps if out of bounds.';

  // Memory.
  out.push(
    d('v128.load', ['i32'], [V], `Loads 16 bytes from memory as a v128. ${bounds}`, MEMARG),
    d('v128.store', ['i32', V], [], `Pops [address, value] and stores a v128 as 16 bytes. ${bounds}`, MEMARG),
  );
  for (const [m, n, to] of [
    [8, 8, 16],
    [16, 4, 32],
    [32, 2, 64],
  ] as const) {
    for (const sign of ['s', 'u'] as const) {
      out.push(
        d(
          `v128.load${m}x${n}_${sign}`,
          ['i32'],
          [V],
          `Loads ${n} ${m}-bit integers and ${sign === 's' ? 'sign' : 'zero'}-extends each to ${to} bits (i${to}x${n}). ${bounds}`,
          MEMARG,
        ),
      );
    }
  }
  for (const bits of [8, 16, 32, 64] as const) {
    out.push(
      d(
        `v128.load${bits}_splat`,
        ['i32'],
        [V],
        `Loads one ${bits}-bit value and replicates it into every lane. ${bounds}`,
        MEMARG,
      ),
    );
  }
  for (const bits of [32, 64] as const) {
    out.push(
      d(
        `v128.load${bits}_zero`,
        ['i32'],
        [V],
        `Loads one ${bits}-bit value into lane 0 and zeroes the other lanes. ${bounds}`,
        MEMARG,
      ),
    );
  }
  for (const bits of [8, 16, 32, 64] as const) {
    out.push(
      d(
        `v128.load${bits}_lane`,
        ['i32', V],
        [V],
        `Pops [address, vector], loads ${bits} bits into the given lane and pushes the updated vector. ${bounds}`,
        `${MEMARG} laneidx`,
      ),
      d(
        `v128.store${bits}_lane`,
        ['i32', V],
        [],
        `Pops [address, vector] and stores the given ${bits}-bit lane to memory. ${bounds}`,
        `${MEMARG} laneidx`,
      ),
    );
  }

  // Constants, shuffles, lanes.
  out.push(
    d(
      'v128.const',
      [],
      [V],
      'Pushes a constant v128, written as a shape and one literal per lane, e.g. `v128.const i32x4 1 2 3 4`.',
      'shape literal…',
    ),
    d(
      'i8x16.shuffle',
      [V, V],
      [V],
      'Builds a vector from 16 byte-lane indices (0–15 pick from the first operand, 16–31 from the second).',
      'laneidx×16',
    ),
    d(
      'i8x16.swizzle',
      [V, V],
      [V],
      'Selects bytes of the first vector using the byte indices in the second; out-of-range indices (≥16) give 0.',
    ),
  );
  for (const s of SHAPES) {
    out.push(
      d(
        `${s.name}.splat`,
        [s.lane],
        [V],
        `Creates a ${s.name} vector with every one of the ${s.lanes} lanes set to the ${s.lane} operand.`,
      ),
    );
  }
  for (const s of SHAPES) {
    const narrow = s.bits < 32;
    if (narrow) {
      for (const sign of ['s', 'u'] as const) {
        out.push(
          d(
            `${s.name}.extract_lane_${sign}`,
            [V],
            ['i32'],
            `Extracts a ${s.bits}-bit lane of a ${s.name} vector, ${sign === 's' ? 'sign' : 'zero'}-extended to i32.`,
            'laneidx',
          ),
        );
      }
    } else {
      out.push(
        d(
          `${s.name}.extract_lane`,
          [V],
          [s.lane],
          `Extracts one lane of a ${s.name} vector as ${s.lane}.`,
          'laneidx',
        ),
      );
    }
    out.push(
      d(
        `${s.name}.replace_lane`,
        [V, s.lane],
        [V],
        `Pops [vector, ${s.lane}] and replaces one lane of the ${s.name} vector${narrow ? ` (low ${s.bits} bits)` : ''}.`,
        'laneidx',
      ),
    );
  }

  // Comparisons.
  const icmp: [string, string][] = [
    ['eq', '=='],
    ['ne', '!='],
    ['lt_s', '< (signed)'],
    ['lt_u', '< (unsigned)'],
    ['gt_s', '> (signed)'],
    ['gt_u', '> (unsigned)'],
    ['le_s', '<= (signed)'],
    ['le_u', '<= (unsigned)'],
    ['ge_s', '>= (signed)'],
    ['ge_u', '>= (unsigned)'],
  ];
  const maskDoc = 'each result lane is all ones if true, all zeros if false.';
  for (const s of SHAPES.filter((x) => x.name.startsWith('i'))) {
    for (const [op, text] of icmp) {
      if (s.name === 'i64x2' && op.endsWith('_u')) continue;
      out.push(d(`${s.name}.${op}`, [V, V], [V], `Lane-wise ${s.name} comparison a ${text} b; ${maskDoc}`));
    }
  }
  for (const s of SHAPES.filter((x) => x.name.startsWith('f'))) {
    for (const [op, text] of [
      ['eq', '=='],
      ['ne', '!='],
      ['lt', '<'],
      ['gt', '>'],
      ['le', '<='],
      ['ge', '>='],
    ] as const) {
      out.push(
        d(
          `${s.name}.${op}`,
          [V, V],
          [V],
          `Lane-wise ${s.name} comparison a ${text} b (IEEE 754); ${maskDoc}`,
        ),
      );
    }
  }

  // Bitwise.
  out.push(
    d('v128.not', [V], [V], 'Bitwise NOT of a v128.'),
    d('v128.and', [V, V], [V], 'Bitwise AND of two v128 values.'),
    d('v128.andnot', [V, V], [V], 'Bitwise AND of the first v128 with the NOT of the second (a & ~b).'),
    d('v128.or', [V, V], [V], 'Bitwise OR of two v128 values.'),
    d('v128.xor', [V, V], [V], 'Bitwise XOR of two v128 values.'),
    d(
      'v128.bitselect',
      [V, V, V],
      [V],
      'Pops [a, b, mask]; takes each bit from a where the mask bit is 1, else from b.',
    ),
    d('v128.any_true', [V], ['i32'], 'Pushes 1 if any bit of the v128 is set, otherwise 0.'),
  );

  // Integer lane arithmetic.
  const ints = SHAPES.filter((x) => x.name.startsWith('i'));
  const wider: Record<string, Shape['name']> = { i8x16: 'i16x8', i16x8: 'i32x4', i32x4: 'i64x2' };
  for (const s of ints) {
    const n = s.name;
    out.push(
      d(`${n}.abs`, [V], [V], `Lane-wise absolute value of ${n} lanes (wrapping: MIN stays MIN).`),
      d(`${n}.neg`, [V], [V], `Lane-wise negation of ${n} lanes (wrapping).`),
      d(`${n}.all_true`, [V], ['i32'], `Pushes 1 if every ${n} lane is non-zero, otherwise 0.`),
      d(`${n}.bitmask`, [V], ['i32'], `Pushes an i32 whose bit i is the sign bit of ${n} lane i.`),
      d(`${n}.shl`, [V, 'i32'], [V], `Shifts every ${n} lane left by the i32 count modulo ${s.bits}.`),
      d(
        `${n}.shr_s`,
        [V, 'i32'],
        [V],
        `Arithmetic right shift of every ${n} lane by the i32 count modulo ${s.bits}.`,
      ),
      d(
        `${n}.shr_u`,
        [V, 'i32'],
        [V],
        `Logical right shift of every ${n} lane by the i32 count modulo ${s.bits}.`,
      ),
      d(`${n}.add`, [V, V], [V], `Lane-wise wrapping addition of two ${n} vectors.`),
      d(`${n}.sub`, [V, V], [V], `Lane-wise wrapping subtraction of two ${n} vectors.`),
    );
    if (n !== 'i8x16')
      out.push(d(`${n}.mul`, [V, V], [V], `Lane-wise wrapping multiplication of two ${n} vectors.`));
    if (n === 'i8x16' || n === 'i16x8') {
      for (const sign of ['s', 'u'] as const) {
        const kind = sign === 's' ? 'signed' : 'unsigned';
        out.push(
          d(
            `${n}.add_sat_${sign}`,
            [V, V],
            [V],
            `Lane-wise ${kind} saturating addition of two ${n} vectors.`,
          ),
          d(
            `${n}.sub_sat_${sign}`,
            [V, V],
            [V],
            `Lane-wise ${kind} saturating subtraction of two ${n} vectors.`,
          ),
        );
      }
      out.push(
        d(
          `${n}.avgr_u`,
          [V, V],
          [V],
          `Lane-wise unsigned rounding average of two ${n} vectors: (a + b + 1) / 2.`,
        ),
      );
    }
    if (n !== 'i64x2') {
      for (const op of ['min', 'max'] as const) {
        for (const sign of ['s', 'u'] as const) {
          out.push(
            d(
              `${n}.${op}_${sign}`,
              [V, V],
              [V],
              `Lane-wise ${sign === 's' ? 'signed' : 'unsigned'} ${op}imum of two ${n} vectors.`,
            ),
          );
        }
      }
    }
  }
  out.push(
    d('i8x16.popcnt', [V], [V], 'Counts the 1 bits in each i8x16 lane.'),
    d(
      'i16x8.q15mulr_sat_s',
      [V, V],
      [V],
      'Lane-wise saturating, rounding Q15 fixed-point multiplication of two i16x8 vectors.',
    ),
    d(
      'i32x4.dot_i16x8_s',
      [V, V],
      [V],
      'Multiplies signed i16x8 lanes and adds adjacent pairs of the 32-bit products into i32x4 lanes.',
    ),
  );
  for (const [narrowTo, from] of [
    ['i8x16', 'i16x8'],
    ['i16x8', 'i32x4'],
  ] as const) {
    for (const sign of ['s', 'u'] as const) {
      out.push(
        d(
          `${narrowTo}.narrow_${from}_${sign}`,
          [V, V],
          [V],
          `Narrows the ${from} lanes of both operands to ${narrowTo}, saturating to the ${sign === 's' ? 'signed' : 'unsigned'} range.`,
        ),
      );
    }
  }
  for (const [src, dst] of Object.entries(wider)) {
    for (const half of ['low', 'high'] as const) {
      for (const sign of ['s', 'u'] as const) {
        const ext = sign === 's' ? 'sign' : 'zero';
        out.push(
          d(
            `${dst}.extend_${half}_${src}_${sign}`,
            [V],
            [V],
            `${ext === 'sign' ? 'Sign' : 'Zero'}-extends the ${half} half of the ${src} lanes to ${dst}.`,
          ),
          d(
            `${dst}.extmul_${half}_${src}_${sign}`,
            [V, V],
            [V],
            `Multiplies the ${ext}-extended ${half} halves of two ${src} vectors into ${dst} lanes (exact).`,
          ),
        );
      }
    }
  }
  for (const [src, dst] of [
    ['i8x16', 'i16x8'],
    ['i16x8', 'i32x4'],
  ] as const) {
    for (const sign of ['s', 'u'] as const) {
      out.push(
        d(
          `${dst}.extadd_pairwise_${src}_${sign}`,
          [V],
          [V],
          `Adds adjacent pairs of ${sign === 's' ? 'signed' : 'unsigned'} ${src} lanes into ${dst} lanes.`,
        ),
      );
    }
  }

  // Floating-point lane arithmetic.
  for (const s of SHAPES.filter((x) => x.name.startsWith('f'))) {
    const n = s.name;
    const unary: [string, string][] = [
      ['abs', 'absolute value'],
      ['neg', 'negation'],
      ['sqrt', 'square root'],
      ['ceil', 'round up to an integer'],
      ['floor', 'round down to an integer'],
      ['trunc', 'round toward zero to an integer'],
      ['nearest', 'round to the nearest integer, ties to even'],
    ];
    for (const [op, text] of unary) out.push(d(`${n}.${op}`, [V], [V], `Lane-wise ${text} of ${n} lanes.`));
    const binary: [string, string][] = [
      ['add', 'addition'],
      ['sub', 'subtraction'],
      ['mul', 'multiplication'],
      ['div', 'division'],
      ['min', 'minimum (NaN-propagating, -0 < +0)'],
      ['max', 'maximum (NaN-propagating, -0 < +0)'],
      ['pmin', 'pseudo-minimum: b < a ? b : a'],
      ['pmax', 'pseudo-maximum: a < b ? b : a'],
    ];
    for (const [op, text] of binary)
      out.push(d(`${n}.${op}`, [V, V], [V], `Lane-wise IEEE 754 ${text} of two ${n} vectors.`));
  }

  // Conversions.
  out.push(
    d('i32x4.trunc_sat_f32x4_s', [V], [V], 'Saturating truncation of f32x4 lanes to signed i32x4 (NaN → 0).'),
    d(
      'i32x4.trunc_sat_f32x4_u',
      [V],
      [V],
      'Saturating truncation of f32x4 lanes to unsigned i32x4 (NaN → 0).',
    ),
    d('f32x4.convert_i32x4_s', [V], [V], 'Converts signed i32x4 lanes to f32x4.'),
    d('f32x4.convert_i32x4_u', [V], [V], 'Converts unsigned i32x4 lanes to f32x4.'),
    d(
      'i32x4.trunc_sat_f64x2_s_zero',
      [V],
      [V],
      'Saturating truncation of the two f64x2 lanes to signed i32 in lanes 0–1; lanes 2–3 are zero.',
    ),
    d(
      'i32x4.trunc_sat_f64x2_u_zero',
      [V],
      [V],
      'Saturating truncation of the two f64x2 lanes to unsigned i32 in lanes 0–1; lanes 2–3 are zero.',
    ),
    d('f64x2.convert_low_i32x4_s', [V], [V], 'Converts the low two signed i32x4 lanes to f64x2.'),
    d('f64x2.convert_low_i32x4_u', [V], [V], 'Converts the low two unsigned i32x4 lanes to f64x2.'),
    d(
      'f32x4.demote_f64x2_zero',
      [V],
      [V],
      'Demotes the two f64x2 lanes to f32 in lanes 0–1; lanes 2–3 are zero.',
    ),
    d('f64x2.promote_low_f32x4', [V], [V], 'Promotes the low two f32x4 lanes to f64x2.'),
  );
  return out;
}

/** Every instruction known to the editor, grouped by category in spec order. */
export const INSTRUCTIONS: readonly WatInstruction[] = [
  ...controlInstructions(),
  ...referenceInstructions(),
  ...parametricInstructions(),
  ...variableInstructions(),
  ...tableInstructions(),
  ...memoryInstructions(),
  ...numericInstructions(),
  ...vectorInstructions(),
];

export const INSTRUCTION_NAMES: readonly string[] = INSTRUCTIONS.map((i) => i.name);

const BY_NAME: ReadonlyMap<string, WatInstruction> = new Map(INSTRUCTIONS.map((i) => [i.name, i]));

export function instructionByName(name: string): WatInstruction | undefined {
  return BY_NAME.get(name);
}

/** `[i32 i32] → [i32]` */
export function formatStackEffect(ins: Pick<WatInstruction, 'pops' | 'pushes'>): string {
  return `[${ins.pops.join(' ')}] → [${ins.pushes.join(' ')}]`;
}

/** Short description for any word: instruction, keyword or type. */
export function describeWord(word: string): string | undefined {
  const ins = BY_NAME.get(word);
  if (ins) return `${ins.name} ${formatStackEffect(ins)} — ${ins.doc}`;
  if (Object.hasOwn(KEYWORD_DOCS, word)) return KEYWORD_DOCS[word];
  if (Object.hasOwn(TYPE_DOCS, word)) return TYPE_DOCS[word as ValueType];
  return undefined;
}

export type WordClass = 'instruction' | 'keyword' | 'type';

/** How the tokenizer colours a bare word (types win, then keywords, then instructions). */
export function classifyWord(word: string): WordClass | undefined {
  if ((TYPES as readonly string[]).includes(word)) return 'type';
  if (Object.hasOwn(KEYWORD_DOCS, word)) return 'keyword';
  if (BY_NAME.has(word)) return 'instruction';
  return undefined;
}

export interface WordAt {
  readonly word: string;
  /** 1-based column of the first character (Monaco convention). */
  readonly start: number;
  /** 1-based column just after the last character (exclusive). */
  readonly end: number;
}

/**
 * The word at a 1-based Monaco `column` of `line` — the word containing the
 * character at that column, or the word ending just before it (cursor right
 * after a word). Words are `$names` (including a lone `$` while typing),
 * dotted instruction names such as `i32.load8_u`, keywords and numbers.
 */
export function wordAt(line: string, column: number): WordAt | null {
  const pattern = new RegExp(WAT_WORD_PATTERN.source, 'g');
  const index = column - 1;
  for (let m = pattern.exec(line); m !== null; m = pattern.exec(line)) {
    if (m[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const start = m.index;
    const end = start + m[0].length;
    if (start > index) break;
    if (index >= start && index <= end) return { word: m[0], start: start + 1, end: end + 1 };
  }
  return null;
}
