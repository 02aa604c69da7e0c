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

// Double-double values travel as two plain numbers: each operation returns the high part
// and leaves the low part in `R[LO]` (read it at once). The operations are the textbook ones
// (twoSum, quickTwoSum, split, twoProd and their compositions), written out on numbers:
// arrays per operation made ~50 objects of garbage per call, and a process's first correctly
// rounded mask re-projection ran mostly in allocation.

const SPLITTER = 134217729; // 2^27 + 1

/**
 * The low part of the last operation's result (R[LO]), and sin/cos of the last `sinCosDD`
 * argument (high and low parts): slots of a typed array, where V8 stores doubles as they
 * are (a module variable would hold each in a new heap object).
 */
const R = new Float64Array(5);
const LO = 0;
const SIN_H = 1;
const SIN_L = 2;
const COS_H = 3;
const COS_L = 4;

/** twoProd(a, b): a·b rounded, its error in `R[LO]` (Dekker's product with Veltkamp's split). */
function twoProdHi(a: number, b: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  R[LO] = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

/** [ah, al] · [bh, bl]: returns the high part, the low part in `R[LO]`. */
function mulHi(ah: number, al: number, bh: number, bl: number): number {
  const p = twoProdHi(ah, bh);
  const x = R[LO] + (ah * bl + al * bh); // quickTwoSum(p, x)
  const s = p + x;
  R[LO] = x - (s - p);
  return s;
}

/** [ah, al] · b: returns the high part, the low part in `R[LO]`. */
function mulDHi(ah: number, al: number, b: number): number {
  const p = twoProdHi(ah, b);
  const x = R[LO] + al * b; // quickTwoSum(p, x)
  const s = p + x;
  R[LO] = x - (s - p);
  return s;
}

/** [ah, al] + [bh, bl]: returns the high part, the low part in `R[LO]`. */
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
  R[LO] = z - (hi - s2);
  return hi;
}

/** [ah, al] / [bh, bl] (three quotient terms): returns the high part, the low part in `R[LO]`. */
function divHi(ah: number, al: number, bh: number, bl: number): number {
  const q1 = ah / bh;
  let m = mulDHi(bh, bl, q1);
  const r = addHi(ah, al, -m, -R[LO]);
  const rl = R[LO];
  const q2 = r / bh;
  m = mulDHi(bh, bl, q2);
  const q3 = addHi(r, rl, -m, -R[LO]) / bh;
  const s = q1 + q2; // quickTwoSum(q1, q2)
  return addHi(s, q2 - (s - q1), q3, 0);
}

// π/2 as the sum of three doubles (hi + mid + lo), enough for the reduction of |x| < 1e6.
const PIO2: readonly number[] = [1.5707963267948966, 6.123233995736766e-17, -1.4973849048591698e-33];

// 1/n! for n = 0..32 in double-double: high parts and low parts.
const INV_FACT_HI = new Float64Array(33);
const INV_FACT_LO = new Float64Array(33);
INV_FACT_HI[0] = 1;
for (let n = 1; n <= 32; n++) {
  INV_FACT_HI[n] = divHi(INV_FACT_HI[n - 1], INV_FACT_LO[n - 1], n, 0);
  INV_FACT_LO[n] = R[LO];
}

/**
 * sin and cos of a reduced |r| ≤ π/4 (r = [rh, rl]) by their Taylor series in double-double,
 * into R[SIN_H]/R[SIN_L] and R[COS_H]/R[COS_L].
 */
function sinCosReduced(rh: number, rl: number): void {
  const th = mulHi(rh, rl, rh, rl);
  const tl = R[LO];
  let sh = 0;
  let sl = 0;
  let ch = 0;
  let cl = 0;
  for (let n = 15; n >= 0; n--) {
    const sign = n % 2 === 0 ? 1 : -1;
    let ph = mulHi(sh, sl, th, tl);
    sh = addHi(ph, R[LO], sign * INV_FACT_HI[2 * n + 1], sign * INV_FACT_LO[2 * n + 1]);
    sl = R[LO];
    ph = mulHi(ch, cl, th, tl);
    ch = addHi(ph, R[LO], sign * INV_FACT_HI[2 * n], sign * INV_FACT_LO[2 * n]);
    cl = R[LO];
  }
  R[SIN_H] = mulHi(sh, sl, rh, rl);
  R[SIN_L] = R[LO];
  R[COS_H] = ch;
  R[COS_L] = cl;
}

/**
 * sin and cos of x in double-double, into R[SIN_H]/R[SIN_L] and R[COS_H]/R[COS_L]: x − k·π/2 (k the nearest integer
 * to x/(π/2)), then the series and the quadrant.
 */
function sinCosDD(x: number): void {
  const k = Math.round(x / PIO2[0]);
  let rh = x;
  let rl = 0;
  if (k !== 0) {
    for (let i = 0; i < PIO2.length; i++) {
      const p = twoProdHi(k, PIO2[i]);
      rh = addHi(rh, rl, -p, -R[LO]);
      rl = R[LO];
    }
  }
  sinCosReduced(rh, rl);
  const sh = R[SIN_H],
    sl = R[SIN_L],
    ch = R[COS_H],
    cl = R[COS_L];
  switch (((k % 4) + 4) % 4) {
    case 0:
      return;
    case 1:
      R[SIN_H] = ch;
      R[SIN_L] = cl;
      R[COS_H] = -sh;
      R[COS_L] = -sl;
      return;
    case 2:
      R[SIN_H] = -sh;
      R[SIN_L] = -sl;
      R[COS_H] = -ch;
      R[COS_L] = -cl;
      return;
    default:
      R[SIN_H] = -ch;
      R[SIN_L] = -cl;
      R[COS_H] = sh;
      R[COS_L] = sl;
  }
}

function finite(x: number): boolean {
  return Number.isFinite(x) && Math.abs(x) < 1e6;
}

export function crSin(x: number): number {
  if (!finite(x) || x === 0) return Math.sin(x);
  sinCosDD(x);
  return R[SIN_H] + R[SIN_L];
}

export function crCos(x: number): number {
  if (!finite(x)) return Math.cos(x);
  sinCosDD(x);
  return R[COS_H] + R[COS_L];
}

export function crTan(x: number): number {
  if (!finite(x) || x === 0) return Math.tan(x);
  sinCosDD(x);
  const q = divHi(R[SIN_H], R[SIN_L], R[COS_H], R[COS_L]);
  return q + R[LO];
}

/** θ0 + [dh, dl] rounded once (a double-double correction). */
function refine(theta0: number, dh: number, dl: number): number {
  const hi = addHi(theta0, 0, dh, dl);
  return hi + R[LO];
}

export function crAtan2(y: number, x: number): number {
  const theta0 = Math.atan2(y, x);
  if (!Number.isFinite(theta0) || y === 0 || x === 0 || !Number.isFinite(x) || !Number.isFinite(y)) return theta0;
  // one Newton step on y·cos θ − x·sin θ = 0 from V8's (1-ulp) estimate
  sinCosDD(theta0);
  let a = mulDHi(R[COS_H], R[COS_L], y);
  let al = R[LO];
  let b = mulDHi(R[SIN_H], R[SIN_L], x);
  const f = addHi(a, al, -b, -R[LO]);
  const fl = R[LO];
  a = mulDHi(R[COS_H], R[COS_L], x);
  al = R[LO];
  b = mulDHi(R[SIN_H], R[SIN_L], y);
  const g = addHi(a, al, b, R[LO]);
  const d = divHi(f, fl, g, R[LO]);
  return refine(theta0, d, R[LO]);
}

export function crAtan(v: number): number {
  return crAtan2(v, 1);
}

export function crAsin(v: number): number {
  const theta0 = Math.asin(v);
  if (!Number.isFinite(theta0) || v === 0 || Math.abs(v) === 1) return theta0;
  sinCosDD(theta0);
  const n = addHi(v, 0, -R[SIN_H], -R[SIN_L]);
  const d = divHi(n, R[LO], R[COS_H], R[COS_L]);
  return refine(theta0, d, R[LO]);
}

export function crAcos(v: number): number {
  const theta0 = Math.acos(v);
  if (!Number.isFinite(theta0) || Math.abs(v) === 1) return theta0;
  sinCosDD(theta0);
  const n = addHi(R[COS_H], R[COS_L], -v, 0);
  const d = divHi(n, R[LO], R[SIN_H], R[SIN_L]);
  return refine(theta0, d, R[LO]);
}
