/**
 * Correctly rounded (to within ~1e-30 relative, i.e. except for near-midpoint cases)
 * sin, cos, tan, atan2, atan, asin and acos, computed in double-double arithmetic.
 *
 * Why: glibc's libm, which wcslib (and so astropy and gammapy) calls, rounds these correctly
 * in all but ~0.2 % of cases, while V8's Math functions differ from it in 3–15 % of calls.
 * Where a computation's result is decided by the last bit — gammapy re-projects masks onto
 * grids whose pixel centres lie exactly on mask pixel edges — these reproduce gammapy's
 * choices. They are ~10× slower than Math's, so only such tie-sensitive paths use them.
 */

type DD = [number, number];

const SPLITTER = 134217729; // 2^27 + 1

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}

function split(a: number): DD {
  const t = SPLITTER * a;
  const hi = t - (t - a);
  return [hi, a - hi];
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function add(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  const [t, f] = twoSum(a[1], b[1]);
  const [s2, e2] = quickTwoSum(s, e + t);
  return quickTwoSum(s2, e2 + f);
}

function mul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return quickTwoSum(p, e + (a[0] * b[1] + a[1] * b[0]));
}

function mulD(a: DD, b: number): DD {
  const [p, e] = twoProd(a[0], b);
  return quickTwoSum(p, e + a[1] * b);
}

function div(a: DD, b: DD): DD {
  const q1 = a[0] / b[0];
  let r = add(a, neg(mulD(b, q1)));
  const q2 = r[0] / b[0];
  r = add(r, neg(mulD(b, q2)));
  const q3 = r[0] / b[0];
  return add(quickTwoSum(q1, q2), [q3, 0]);
}

function neg(a: DD): DD {
  return [-a[0], -a[1]];
}

/** The double nearest to a double-double value. */
function round(a: DD): number {
  return a[0] + a[1];
}

// π/2 as the sum of three doubles (hi + mid + lo), enough for the reduction of |x| < 1e6.
const PIO2: readonly number[] = [1.5707963267948966, 6.123233995736766e-17, -1.4973849048591698e-33];

// 1/n! for n = 0..32 in double-double.
const INV_FACT: DD[] = [[1, 0]];
for (let n = 1; n <= 32; n++) INV_FACT.push(div(INV_FACT[n - 1], [n, 0]));

/** x − k·π/2 in double-double, k the nearest integer to x/(π/2). */
function reduce(x: number): { r: DD; k: number } {
  const k = Math.round(x / PIO2[0]);
  if (k === 0) return { r: [x, 0], k };
  let r: DD = [x, 0];
  for (const part of PIO2) r = add(r, neg(twoProd(k, part)));
  return { r, k };
}

/**
 * sin and cos of a reduced |r| ≤ π/4 by their Taylor series in double-double: `mul` and `add`
 * operation for operation, on plain numbers (the series is where the time goes, and arrays
 * per operation made ~300 objects of garbage per call).
 */
function sinCosReduced(r: DD): { s: DD; c: DD } {
  const th = mulHi(r[0], r[1], r[0], r[1]);
  const tl = lo;
  let sh = 0;
  let sl = 0;
  let ch = 0;
  let cl = 0;
  for (let n = 15; n >= 0; n--) {
    const sign = n % 2 === 0 ? 1 : -1;
    const sinCoef = INV_FACT[2 * n + 1];
    const cosCoef = INV_FACT[2 * n];
    let ph = mulHi(sh, sl, th, tl);
    sh = addHi(ph, lo, sign * sinCoef[0], sign * sinCoef[1]);
    sl = lo;
    ph = mulHi(ch, cl, th, tl);
    ch = addHi(ph, lo, sign * cosCoef[0], sign * cosCoef[1]);
    cl = lo;
  }
  const rh = mulHi(sh, sl, r[0], r[1]);
  return { s: [rh, lo], c: [ch, cl] };
}

/** The low part of the last `mulHi` or `addHi` result. */
let lo = 0;

/** `mul([ah, al], [bh, bl])`: returns the high part, the low part in `lo`. */
function mulHi(ah: number, al: number, bh: number, bl: number): number {
  const p = ah * bh; // twoProd(ah, bh), with split(ah) and split(bh)
  let t = SPLITTER * ah;
  const ahh = t - (t - ah);
  const ahl = ah - ahh;
  t = SPLITTER * bh;
  const bhh = t - (t - bh);
  const bhl = bh - bhh;
  const e = ahh * bhh - p + ahh * bhl + ahl * bhh + ahl * bhl;
  const x = e + (ah * bl + al * bh); // quickTwoSum(p, x)
  const s = p + x;
  lo = x - (s - p);
  return s;
}

/** `add([ah, al], [bh, bl])`: returns the high part, the low part in `lo`. */
function addHi(ah: number, al: number, bh: number, bl: number): number {
  const s = ah + bh; // twoSum(ah, bh)
  let bb = s - ah;
  const e = ah - (s - bb) + (bh - bb);
  const t = al + bl; // twoSum(al, bl)
  bb = t - al;
  const f = al - (t - bb) + (bl - bb);
  const y = e + t; // quickTwoSum(s, e + t)
  const s2 = s + y;
  const e2 = y - (s2 - s);
  const z = e2 + f; // quickTwoSum(s2, e2 + f)
  const hi = s2 + z;
  lo = z - (hi - s2);
  return hi;
}

function sinCosDD(x: number): { s: DD; c: DD } {
  const { r, k } = reduce(x);
  const { s, c } = sinCosReduced(r);
  switch (((k % 4) + 4) % 4) {
    case 0:
      return { s, c };
    case 1:
      return { s: c, c: neg(s) };
    case 2:
      return { s: neg(s), c: neg(c) };
    default:
      return { s: neg(c), c: s };
  }
}

function finite(x: number): boolean {
  return Number.isFinite(x) && Math.abs(x) < 1e6;
}

export function crSin(x: number): number {
  if (!finite(x) || x === 0) return Math.sin(x);
  return round(sinCosDD(x).s);
}

export function crCos(x: number): number {
  if (!finite(x)) return Math.cos(x);
  return round(sinCosDD(x).c);
}

export function crTan(x: number): number {
  if (!finite(x) || x === 0) return Math.tan(x);
  const { s, c } = sinCosDD(x);
  return round(div(s, c));
}

/** θ0 + δ rounded once, δ a double-double correction. */
function refine(theta0: number, delta: DD): number {
  return round(add([theta0, 0], delta));
}

export function crAtan2(y: number, x: number): number {
  const theta0 = Math.atan2(y, x);
  if (!Number.isFinite(theta0) || y === 0 || x === 0 || !Number.isFinite(x) || !Number.isFinite(y)) return theta0;
  // one Newton step on y·cos θ − x·sin θ = 0 from V8's (1-ulp) estimate
  const { s, c } = sinCosDD(theta0);
  const f = add(mulD(c, y), neg(mulD(s, x)));
  const g = add(mulD(c, x), mulD(s, y));
  return refine(theta0, div(f, g));
}

export function crAtan(v: number): number {
  return crAtan2(v, 1);
}

export function crAsin(v: number): number {
  const theta0 = Math.asin(v);
  if (!Number.isFinite(theta0) || v === 0 || Math.abs(v) === 1) return theta0;
  const { s, c } = sinCosDD(theta0);
  return refine(theta0, div(add([v, 0], neg(s)), c));
}

export function crAcos(v: number): number {
  const theta0 = Math.acos(v);
  if (!Number.isFinite(theta0) || Math.abs(v) === 1) return theta0;
  const { s, c } = sinCosDD(theta0);
  return refine(theta0, div(add(c, [-v, 0]), s));
}
