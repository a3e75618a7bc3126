// Parameter names from a module's "name" custom section (wabt writes it from $names in WAT),
// so the Run panel can label inputs "a (i32)" instead of "param 0 (i32)".

function leb(bytes: Uint8Array, pos: number): [value: number, next: number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= bytes.length) throw new RangeError('truncated LEB128');
    const b = bytes[pos++];
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
    if (shift > 35) throw new RangeError('LEB128 too long');
  }
}

// ignoreBOM: a name that starts with U+FEFF keeps it (the decoder would drop it by default).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Local names by function index (params are the first locals). Empty when the module has no name
 * section or it cannot be read: names are a nicety, never a reason to fail.
 */
export function localNames(bytes: Uint8Array): Map<number, Map<number, string>> {
  const out = new Map<number, Map<number, string>>();
  try {
    let pos = 8;
    while (pos < bytes.length) {
      const id = bytes[pos++];
      let size: number;
      [size, pos] = leb(bytes, pos);
      const end = pos + size;
      if (id === 0) {
        const [len, p] = leb(bytes, pos);
        const name = utf8.decode(bytes.subarray(p, p + len));
        if (name === 'name') readNameSection(bytes, p + len, end, out);
      }
      pos = end;
    }
  } catch {
    // A malformed name section: no names.
  }
  return out;
}

function readNameSection(bytes: Uint8Array, pos: number, end: number, out: Map<number, Map<number, string>>) {
  while (pos < end) {
    const sub = bytes[pos++];
    let size: number;
    [size, pos] = leb(bytes, pos);
    const subEnd = pos + size;
    if (sub === 2) {
      const [fns, first] = leb(bytes, pos);
      let p = first;
      for (let f = 0; f < fns; f++) {
        let fi: number;
        let count: number;
        [fi, p] = leb(bytes, p);
        [count, p] = leb(bytes, p);
        const locals = new Map<number, string>();
        for (let l = 0; l < count; l++) {
          let li: number;
          let len: number;
          [li, p] = leb(bytes, p);
          [len, p] = leb(bytes, p);
          locals.set(li, utf8.decode(bytes.subarray(p, p + len)));
          p += len;
        }
        out.set(fi, locals);
      }
    }
    pos = subEnd;
  }
}
