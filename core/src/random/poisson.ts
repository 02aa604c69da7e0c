/**
 * numpy's Poisson sampler (`random_poisson` in numpy/random/src/distributions/distributions.c,
 * which legacy `RandomState.poisson` calls unchanged): the multiplication method below λ = 10,
 * Hörmann's transformed rejection (PTRS, 1993) from λ = 10 on.
 *
 * Math.exp/Math.log differ from glibc's in the last bit now and then; here they only decide
 * comparisons against independent uniforms, so a different draw needs a tie within an ulp
 * (probability ~1e-15 per draw) and the fast functions are used.
 */
import type { MT19937 } from "./mt19937.js";

/** numpy's `LEGACY_POISSON_LAM_MAX`: larger λ are refused ("lam value too large"). */
export const POISSON_LAM_MAX = 2 ** 63 - Math.sqrt(2 ** 63) * 10;

const LOGGAM_COEF = [
  8.333333333333333e-2, -2.777777777777778e-3, 7.936507936507937e-4, -5.952380952380952e-4, 8.417508417508418e-4,
  -1.917526917526918e-3, 6.41025641025641e-3, -2.955065359477124e-2, 1.796443723688307e-1, -1.3924322169059,
];
const LN_2PI = 1.8378770664093453;

/** ln Γ(x) for x ≥ 1 as numpy's `random_loggam` (Stirling series, shifted up to x ≥ 7). */
export function loggam(x: number): number {
  if (x === 1 || x === 2) return 0;
  const n = x < 7 ? Math.trunc(7 - x) : 0;
  let x0 = x + n;
  const x2 = (1 / x0) * (1 / x0);
  let gl0 = LOGGAM_COEF[9];
  for (let k = 8; k >= 0; k--) {
    gl0 *= x2;
    gl0 += LOGGAM_COEF[k];
  }
  let gl = gl0 / x0 + 0.5 * LN_2PI + (x0 - 0.5) * Math.log(x0) - x0;
  for (let k = 1; k <= n; k++) {
    gl -= Math.log(x0 - 1);
    x0 -= 1;
  }
  return gl;
}

/** numpy `random_poisson_mult` with its threshold e^−λ given (0 < λ < 10). */
export function poissonMultiplication(bits: MT19937, expMinusLam: number): number {
  let count = 0;
  let product = 1;
  for (;;) {
    product *= bits.nextDouble();
    if (product > expMinusLam) count += 1;
    else return count;
  }
}

/** The constants of PTRS for one λ (numpy `random_poisson_ptrs`'s prologue). */
export class PtrsConstants {
  lam = Number.NaN;
  logLam = 0;
  a = 0;
  b = 0;
  logInvAlpha = 0;
  vr = 0;

  /** Recomputes the constants unless `lam` is the λ they were made for. */
  update(lam: number): this {
    if (lam === this.lam) return this;
    this.lam = lam;
    this.logLam = Math.log(lam);
    this.b = 0.931 + 2.53 * Math.sqrt(lam);
    this.a = -0.059 + 0.02483 * this.b;
    this.logInvAlpha = Math.log(1.1239 + 1.1328 / (this.b - 3.4));
    this.vr = 0.9277 - 3.6224 / (this.b - 2);
    return this;
  }
}

/** One PTRS draw (λ ≥ 10), the same uniforms consumed in the same order as numpy. */
export function poissonPtrs(bits: MT19937, c: PtrsConstants): number {
  const { lam, a, b, vr } = c;
  for (;;) {
    const u = bits.nextDouble() - 0.5;
    const v = bits.nextDouble();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + c.logInvAlpha - Math.log(a / (us * us) + b) <= -lam + k * c.logLam - loggam(k + 1)) return k;
  }
}

/** One draw for a λ already checked to be in [0, POISSON_LAM_MAX] (numpy `random_poisson`). */
export function poissonDraw(bits: MT19937, lam: number, ptrs: PtrsConstants): number {
  if (lam >= 10) return poissonPtrs(bits, ptrs.update(lam));
  if (lam === 0) return 0;
  return poissonMultiplication(bits, Math.exp(-lam));
}

/**
 * Draws for each λ in order into `out` (numpy `disc` over an array of λ). Consecutive equal λ
 * (constant maps, long runs of one background level) reuse e^−λ or the PTRS constants.
 */
export function fillPoisson(bits: MT19937, lams: ArrayLike<number>, out: { [i: number]: number }): void {
  const ptrs = new PtrsConstants();
  let multLam = Number.NaN;
  let expMinusLam = 0;
  const n = lams.length;
  for (let i = 0; i < n; i++) {
    const lam = lams[i];
    if (lam >= 10) {
      out[i] = poissonPtrs(bits, ptrs.update(lam));
    } else if (lam === 0) {
      out[i] = 0;
    } else {
      if (lam !== multLam) {
        multLam = lam;
        expMinusLam = Math.exp(-lam);
      }
      let count = 0;
      let product = bits.nextDouble();
      while (product > expMinusLam) {
        count += 1;
        product *= bits.nextDouble();
      }
      out[i] = count;
    }
  }
}

/** Throws numpy's errors for λ outside [0, POISSON_LAM_MAX] or NaN, before anything is drawn. */
export function checkPoissonLam(lam: number): void {
  if (!(lam >= 0)) throw new RangeError(`poisson: lam < 0 or lam is NaN (got ${lam})`);
  if (!(lam <= POISSON_LAM_MAX)) throw new RangeError(`poisson: lam value too large (got ${lam})`);
}

/** The array form of the check: numpy tests "too large" (NaN included) first, then "< 0". */
export function checkPoissonLams(lams: ArrayLike<number>): void {
  const n = lams.length;
  for (let i = 0; i < n; i++) {
    if (!(lams[i] <= POISSON_LAM_MAX)) {
      throw new RangeError(`poisson: lam value too large or NaN (lam[${i}] = ${lams[i]})`);
    }
  }
  for (let i = 0; i < n; i++) {
    if (!(lams[i] >= 0)) throw new RangeError(`poisson: lam < 0 (lam[${i}] = ${lams[i]})`);
  }
}
