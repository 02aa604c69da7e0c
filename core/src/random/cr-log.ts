/**
 * A correctly rounded natural logarithm (double-double evaluation, ~2⁻¹⁰⁰ relative).
 *
 * Why: numpy's legacy Gaussian returns `sqrt(−2 ln r² / r²)·x`, so its last bit is the last bit
 * of glibc's `log`. V8's Math.log differs from glibc's in ~7 % of arguments; glibc's `log` is
 * correctly rounded in all but ~0.1 % of them, so this one reproduces it far more often.
 *
 * Method: x = 2^e·m with m in [√½, √2), c = 1 + k/256 the nearest grid point to m,
 * ln x = e·ln 2 + ln c + 2·atanh(s), s = (m − c)/(m + c), |s| < 2⁻⁹; ln c from a table made
 * on first use with the same series, everything summed in double-double.
 */

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's split
const LN2_HI = Math.LN2;
const LN2_LO = 2.3190468138462996e-17;
const SQRT2 = Math.SQRT2;
const GRID = 256;
const K_MIN = -76; // round((√½ − 1)·256) − 1
const K_MAX = 107; // round((√2 − 1)·256) + 1
const SERIES_TERMS_NEAR = 7; // |s| < 2⁻⁹: s^14 below 2⁻¹⁰⁶
const SERIES_TERMS_TABLE = 24; // |s| < 0.18 for the table's own grid points

/** The low part of the last double-double operation (a typed array: no boxing of doubles). */
const R = new Float64Array(1);

function twoProdHi(a: number, b: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  R[0] = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

/** [ah, al] + [bh, bl], normalized: the high part returned, the low part in R[0]. */
function addHi(ah: number, al: number, bh: number, bl: number): number {
  const s = ah + bh;
  const bb = s - ah;
  const e = ah - (s - bb) + (bh - bb) + al + bl;
  const hi = s + e;
  R[0] = e - (hi - s);
  return hi;
}

/** [ah, al] · [bh, bl]. */
function mulHi(ah: number, al: number, bh: number, bl: number): number {
  const p = twoProdHi(ah, bh);
  const e = R[0] + (ah * bl + al * bh);
  const hi = p + e;
  R[0] = e - (hi - p);
  return hi;
}

/** [nh, nl] / [dh, dl]. */
function divHi(nh: number, nl: number, dh: number, dl: number): number {
  const q1 = nh / dh;
  const p = mulHi(q1, 0, dh, dl);
  const rh = addHi(nh, nl, -p, -R[0]);
  const q2 = (rh + R[0]) / dh;
  const hi = q1 + q2;
  R[0] = q2 - (hi - q1);
  return hi;
}

/** 2/(2j + 1) as double-doubles: the coefficients of 2·atanh(s)/s in powers of s². */
const COEF_HI = new Float64Array(SERIES_TERMS_TABLE);
const COEF_LO = new Float64Array(SERIES_TERMS_TABLE);
/** ln(1 + k/256) for k in [K_MIN, K_MAX], double-double. */
const TABLE_HI = new Float64Array(K_MAX - K_MIN + 1);
const TABLE_LO = new Float64Array(K_MAX - K_MIN + 1);
let tablesReady = false;

/** 2·atanh([sh, sl]) from `terms` terms of its series: the high part, the low part in R[0]. */
function twoAtanhHi(sh: number, sl: number, terms: number): number {
  const th = mulHi(sh, sl, sh, sl);
  const tl = R[0];
  let ph = COEF_HI[terms - 1];
  let pl = COEF_LO[terms - 1];
  for (let j = terms - 2; j >= 0; j--) {
    ph = mulHi(ph, pl, th, tl);
    ph = addHi(COEF_HI[j], COEF_LO[j], ph, R[0]);
    pl = R[0];
  }
  return mulHi(sh, sl, ph, pl);
}

/** ln(m/c) for m, c within a factor 2 of each other (m − c is then exact). */
function logRatioHi(m: number, c: number, terms: number): number {
  const sum = addHi(m, 0, c, 0);
  const sh = divHi(m - c, 0, sum, R[0]);
  return twoAtanhHi(sh, R[0], terms);
}

function prepareTables(): void {
  for (let j = 0; j < SERIES_TERMS_TABLE; j++) {
    COEF_HI[j] = divHi(2, 0, 2 * j + 1, 0);
    COEF_LO[j] = R[0];
  }
  for (let k = K_MIN; k <= K_MAX; k++) {
    TABLE_HI[k - K_MIN] = logRatioHi(1 + k / GRID, 1, SERIES_TERMS_TABLE);
    TABLE_LO[k - K_MIN] = R[0];
  }
  tablesReady = true;
}

const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: word 1

/** ln x, correctly rounded except for arguments within ~2⁻⁵⁰ ulp of a rounding midpoint. */
export function crLog(x: number): number {
  if (!(x > 0) || x === Infinity) return x === 0 ? -Infinity : x === Infinity ? x : Number.NaN;
  if (!tablesReady) prepareTables();
  let e = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 18014398509481984; // 2^54: subnormals become normal
    e = -54;
  }
  BITS[0] = x;
  const high = WORDS[HIGH_WORD];
  e += (high >>> 20) - 1023;
  WORDS[HIGH_WORD] = (high & 0x000fffff) | 0x3ff00000; // mantissa m in [1, 2)
  let m = BITS[0];
  if (m > SQRT2) {
    m *= 0.5;
    e += 1;
  }
  const k = Math.round((m - 1) * GRID);
  let hi = logRatioHi(m, 1 + k / GRID, SERIES_TERMS_NEAR);
  hi = addHi(TABLE_HI[k - K_MIN], TABLE_LO[k - K_MIN], hi, R[0]);
  if (e !== 0) {
    const lo = R[0];
    const eh = twoProdHi(e, LN2_HI);
    const el = R[0] + e * LN2_LO;
    hi = addHi(eh, el, hi, lo);
  }
  return hi;
}
