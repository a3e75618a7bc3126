// JavaScript versions of the seed WASI benchmarks (samples/wasi/*.c), doing the same work in the
// same order, so the app can compare Wasm and JS on identical work. Each returns exactly the stdout
// its C program prints (floating-point operations are in the same order as the C source, so the
// results are bit-identical). Pure ES2022: no DOM, no Node APIs.

// ---- nbody -------------------------------------------------------------------------------------

const PI = 3.141592653589793;
const SOLAR_MASS = 4 * PI * PI;
const DAYS_PER_YEAR = 365.24;

interface Body {
  x: number;
  y: number;
  z: number;
  vx: number;
  vy: number;
  vz: number;
  mass: number;
}

function body(x: number, y: number, z: number, vx: number, vy: number, vz: number, mass: number): Body {
  return { x, y, z, vx, vy, vz, mass };
}

function jovianPlanets(): Body[] {
  return [
    body(0, 0, 0, 0, 0, 0, SOLAR_MASS), // sun
    body(
      4.8414314424647209,
      -1.16032004402742839,
      -1.03622044471123109e-1,
      1.66007664274403694e-3 * DAYS_PER_YEAR,
      7.69901118419740425e-3 * DAYS_PER_YEAR,
      -6.90460016972063023e-5 * DAYS_PER_YEAR,
      9.54791938424326609e-4 * SOLAR_MASS,
    ), // jupiter
    body(
      8.34336671824457987,
      4.12479856412430479,
      -4.03523417114321381e-1,
      -2.76742510726862411e-3 * DAYS_PER_YEAR,
      4.99852801234917238e-3 * DAYS_PER_YEAR,
      2.30417297573763929e-5 * DAYS_PER_YEAR,
      2.85885980666130812e-4 * SOLAR_MASS,
    ), // saturn
    body(
      1.2894369562139131e1,
      -1.51111514016986312e1,
      -2.23307578892655734e-1,
      2.96460137564761618e-3 * DAYS_PER_YEAR,
      2.3784717395948095e-3 * DAYS_PER_YEAR,
      -2.96589568540237556e-5 * DAYS_PER_YEAR,
      4.36624404335156298e-5 * SOLAR_MASS,
    ), // uranus
    body(
      1.53796971148509165e1,
      -2.59193146099879641e1,
      1.79258772950371181e-1,
      2.68067772490389322e-3 * DAYS_PER_YEAR,
      1.62824170038242295e-3 * DAYS_PER_YEAR,
      -9.5159225451971587e-5 * DAYS_PER_YEAR,
      5.15138902046611451e-5 * SOLAR_MASS,
    ), // neptune
  ];
}

function advance(bodies: Body[], dt: number): void {
  const n = bodies.length;
  for (let i = 0; i < n; i++) {
    const b = bodies[i];
    for (let j = i + 1; j < n; j++) {
      const b2 = bodies[j];
      const dx = b.x - b2.x;
      const dy = b.y - b2.y;
      const dz = b.z - b2.z;
      const distance = Math.sqrt(dx * dx + dy * dy + dz * dz);
      const mag = dt / (distance * distance * distance);
      b.vx -= dx * b2.mass * mag;
      b.vy -= dy * b2.mass * mag;
      b.vz -= dz * b2.mass * mag;
      b2.vx += dx * b.mass * mag;
      b2.vy += dy * b.mass * mag;
      b2.vz += dz * b.mass * mag;
    }
  }
  for (let i = 0; i < n; i++) {
    const b = bodies[i];
    b.x += dt * b.vx;
    b.y += dt * b.vy;
    b.z += dt * b.vz;
  }
}

function energy(bodies: Body[]): number {
  const n = bodies.length;
  let e = 0.0;
  for (let i = 0; i < n; i++) {
    const b = bodies[i];
    e += 0.5 * b.mass * (b.vx * b.vx + b.vy * b.vy + b.vz * b.vz);
    for (let j = i + 1; j < n; j++) {
      const b2 = bodies[j];
      const dx = b.x - b2.x;
      const dy = b.y - b2.y;
      const dz = b.z - b2.z;
      const distance = Math.sqrt(dx * dx + dy * dy + dz * dz);
      e -= (b.mass * b2.mass) / distance;
    }
  }
  return e;
}

function offsetMomentum(bodies: Body[]): void {
  let px = 0.0;
  let py = 0.0;
  let pz = 0.0;
  for (const b of bodies) {
    px += b.vx * b.mass;
    py += b.vy * b.mass;
    pz += b.vz * b.mass;
  }
  bodies[0].vx = -px / SOLAR_MASS;
  bodies[0].vy = -py / SOLAR_MASS;
  bodies[0].vz = -pz / SOLAR_MASS;
}

/** n-body: energy before and after n steps, like `nbody n` (`%.9f\n` twice). */
export function nbody(n: number): string {
  const bodies = jovianPlanets();
  offsetMomentum(bodies);
  let out = `${energy(bodies).toFixed(9)}\n`;
  for (let i = 0; i < n; i++) advance(bodies, 0.01);
  out += `${energy(bodies).toFixed(9)}\n`;
  return out;
}

// ---- fannkuch-redux ----------------------------------------------------------------------------

/** Counts the flips for one permutation (copied from perm1 into perm). */
function countFlips(perm: Int32Array, perm1: Int32Array, n: number): number {
  for (let i = 0; i < n; i++) perm[i] = perm1[i];
  let flips = 0;
  let k: number;
  while ((k = perm[0]) !== 0) {
    const k2 = (k + 1) >> 1;
    for (let i = 0; i < k2; i++) {
      const t = perm[i];
      perm[i] = perm[k - i];
      perm[k - i] = t;
    }
    flips++;
  }
  return flips;
}

/** fannkuch-redux: checksum and maximum flips, like `fannkuch-redux n`. */
export function fannkuchRedux(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 12) throw new RangeError(`N must be between 1 and 12 (got ${n})`);
  const perm = new Int32Array(n);
  const perm1 = new Int32Array(n);
  const count = new Int32Array(n);
  let maxFlips = 0;
  let permCount = 0;
  let checksum = 0;
  for (let i = 0; i < n; i++) perm1[i] = i;
  let r = n;

  for (;;) {
    while (r !== 1) {
      count[r - 1] = r;
      r--;
    }
    const flips = countFlips(perm, perm1, n);
    if (flips > maxFlips) maxFlips = flips;
    checksum += permCount % 2 === 0 ? flips : -flips;

    // Next permutation (incremental change).
    for (;;) {
      if (r === n) return `${checksum}\nPfannkuchen(${n}) = ${maxFlips}\n`;
      const perm0 = perm1[0];
      for (let i = 0; i < r; i++) perm1[i] = perm1[i + 1];
      perm1[r] = perm0;
      count[r]--;
      if (count[r] > 0) break;
      r++;
    }
    permCount++;
  }
}

// ---- mandelbrot --------------------------------------------------------------------------------

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

/** Renders row y into out[pos…] (one bit per pixel, the row padded to whole bytes). */
function renderRow(out: Uint8Array, pos: number, y: number, w: number, h: number): void {
  const iter = 50;
  const limit = 2.0;
  let bitNum = 0;
  let byteAcc = 0;
  const Ci = (2.0 * y) / h - 1.0;
  for (let x = 0; x < w; x++) {
    let Zr = 0.0;
    let Zi = 0.0;
    let Tr = 0.0;
    let Ti = 0.0;
    const Cr = (2.0 * x) / w - 1.5;
    for (let i = 0; i < iter && Tr + Ti <= limit * limit; i++) {
      Zi = 2.0 * Zr * Zi + Ci;
      Zr = Tr - Ti + Cr;
      Tr = Zr * Zr;
      Ti = Zi * Zi;
    }
    byteAcc = (byteAcc << 1) & 0xff;
    if (Tr + Ti <= limit * limit) byteAcc |= 0x01;
    bitNum++;
    if (bitNum === 8) {
      out[pos++] = byteAcc;
      byteAcc = 0;
      bitNum = 0;
    } else if (x === w - 1) {
      byteAcc = (byteAcc << (8 - (w % 8))) & 0xff;
      out[pos++] = byteAcc;
      byteAcc = 0;
      bitNum = 0;
    }
  }
}

/**
 * mandelbrot: the n×n P4 bitmap that `mandelbrot n path` writes to `path`, and the line it prints.
 */
export function mandelbrot(n: number, path = 'mandelbrot.pbm'): { stdout: string; pbm: Uint8Array } {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`N must be positive (got ${n})`);
  const w = n;
  const h = n;
  const header = ascii(`P4\n${w} ${h}\n`);
  const rowBytes = (w + 7) >> 3;
  const pbm = new Uint8Array(header.length + rowBytes * h);
  pbm.set(header);

  for (let y = 0; y < h; y++) {
    renderRow(pbm, header.length + y * rowBytes, y, w, h);
  }
  return { stdout: `wrote ${path} (${w}x${h}, ${pbm.length} bytes)\n`, pbm };
}

// ---- binary-trees ------------------------------------------------------------------------------

interface TreeNode {
  left: TreeNode | null;
  right: TreeNode | null;
}

function bottomUpTree(depth: number): TreeNode {
  return depth > 0
    ? { left: bottomUpTree(depth - 1), right: bottomUpTree(depth - 1) }
    : { left: null, right: null };
}

function itemCheck(node: TreeNode): number {
  if (node.left === null || node.right === null) return 1;
  return 1 + itemCheck(node.left) + itemCheck(node.right);
}

/** binary-trees: the Benchmarks Game report, like `binary-trees n` (the GC stands in for free()). */
export function binaryTrees(n: number): string {
  const minDepth = 4;
  const maxDepth = Math.max(minDepth + 2, n);
  const stretchDepth = maxDepth + 1;
  let out = `stretch tree of depth ${stretchDepth}\t check: ${itemCheck(bottomUpTree(stretchDepth))}\n`;

  const longLived = bottomUpTree(maxDepth);
  for (let depth = minDepth; depth <= maxDepth; depth += 2) {
    const iterations = 2 ** (maxDepth - depth + minDepth);
    let check = 0;
    for (let i = 1; i <= iterations; i++) check += itemCheck(bottomUpTree(depth));
    out += `${iterations}\t trees of depth ${depth}\t check: ${check}\n`;
  }
  out += `long lived tree of depth ${maxDepth}\t check: ${itemCheck(longLived)}\n`;
  return out;
}

// ---- argv-driven entry points ------------------------------------------------------------------

/** What a JS benchmark produced: the stdout and the files it "wrote" (path → bytes). */
export interface JsRun {
  stdout: string;
  files: Record<string, Uint8Array>;
}

/** C's atoi: leading whitespace, optional sign, digits; 0 when there are none. */
function atoi(s: string | undefined, fallback: number): number {
  if (s === undefined) return fallback;
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? parseInt(m[1], 10) : 0;
}

/**
 * The JS benchmarks keyed by sample name (index.json `name`), taking the same argv (without
 * argv[0]) as the Wasm program, e.g. `jsBenchmarks.nbody(['1000'])`.
 */
export const jsBenchmarks: Record<string, (argv: readonly string[]) => JsRun> = {
  nbody: (argv) => ({ stdout: nbody(atoi(argv[0], 1000)), files: {} }),
  'fannkuch-redux': (argv) => ({ stdout: fannkuchRedux(atoi(argv[0], 7)), files: {} }),
  mandelbrot: (argv) => {
    const path = argv[1] ?? 'mandelbrot.pbm';
    const { stdout, pbm } = mandelbrot(atoi(argv[0], 200), path);
    return { stdout, files: { [path]: pbm } };
  },
  'binary-trees': (argv) => ({ stdout: binaryTrees(atoi(argv[0], 10)), files: {} }),
};
