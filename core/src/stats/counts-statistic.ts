import { bisect } from "../utils/roots.js";
import { chi2SfOneDof } from "./erfc.js";
import { cash } from "./fit-statistics.js";
import { wstat } from "./wstat.js";

/** A count-like input: one value, or one per bin. Scalars broadcast against arrays. */
export type CountsInput = number | ArrayLike<number>;

/**
 * Per-bin test of an excess over a background (gammapy 1.0 `CountsStatistic`): TS is the
 * statistic difference between "no signal" and the best-fit signal, its signed square root
 * the (Li & Ma-like) significance. All outputs are Float64Arrays, one value per bin, computed
 * once and shared between calls (the inputs are fixed): do not modify them.
 */
export abstract class CountsStatistic {
  readonly nOn: Float64Array;
  private readonly computed = new Map<string, Float64Array>();

  protected constructor(nOn: CountsInput, size: number) {
    this.nOn = broadcast(nOn, size);
  }

  /** `compute()` the first time `key` is asked for, the same array afterwards. */
  protected once(key: string, compute: () => Float64Array): Float64Array {
    let values = this.computed.get(key);
    if (!values) {
      values = compute();
      this.computed.set(key, values);
    }
    return values;
  }

  get length(): number {
    return this.nOn.length;
  }

  abstract get nBkg(): Float64Array;
  /** Measured excess. */
  abstract get nSig(): Float64Array;
  /** Symmetric error on the excess from the curvature of the likelihood. */
  abstract get error(): Float64Array;
  abstract get statNull(): Float64Array;
  abstract get statMax(): Float64Array;
  /** The statistic of bin `i` for an (extra) signal `mu`. */
  protected abstract statAt(i: number, mu: number): number;

  /** statNull − statMax, clipped at 0 (root-finding noise can make it slightly negative). */
  get ts(): Float64Array {
    return this.once("ts", () => {
      const max = this.statMax;
      return this.statNull.map((v, i) => Math.max(v - max[i], 0));
    });
  }

  /** Significance, signed by the excess. */
  get sqrtTs(): Float64Array {
    return this.once("sqrtTs", () => {
      const nSig = this.nSig;
      return this.ts.map((t, i) => sign(nSig[i]) * Math.sqrt(t));
    });
  }

  /** One-sided p-value of the excess, ½·χ²₁.sf(TS). */
  get pValue(): Float64Array {
    return this.ts.map((t) => 0.5 * chi2SfOneDof(t));
  }

  /**
   * Downward error: the signal below nSig where the statistic rises by nSigma². Where none
   * is found in [nSig − 2·nSigma·(error+1), nSig], gammapy returns nOn; so do we.
   */
  computeErrn(nSigma = 1): Float64Array {
    const nSig = this.nSig;
    const error = this.error;
    const statMax = this.statMax;
    return nSig.map((s, i) => {
      const target = statMax[i] + nSigma ** 2;
      const root = bracketedRoot((mu) => this.statAt(i, mu) - target, s - 2 * nSigma * (error[i] + 1), s);
      return Number.isNaN(root) ? this.nOn[i] : s - root;
    });
  }

  /** Upward error: the signal above nSig where the statistic rises by nSigma² (NaN if none). */
  computeErrp(nSigma = 1): Float64Array {
    const nSig = this.nSig;
    const error = this.error;
    const statMax = this.statMax;
    return nSig.map((s, i) => {
      const target = statMax[i] + nSigma ** 2;
      return bracketedRoot((mu) => this.statAt(i, mu) - target, s, s + 2 * nSigma * (error[i] + 1)) - s;
    });
  }

  /**
   * Upper limit: the signal above nSig where the statistic rises by nSigma² over its value
   * at nSig (gammapy's docstring mentions 0 for negative excesses; its code, like this, does not).
   */
  computeUpperLimit(nSigma = 3): Float64Array {
    const nSig = this.nSig;
    const error = this.error;
    return nSig.map((s, i) => {
      const target = this.statAt(i, s) + nSigma ** 2;
      return bracketedRoot((mu) => this.statAt(i, mu) - target, s, s + 2 * nSigma * (error[i] + 1));
    });
  }
}

/** Poisson counts over a known background μ_bkg (Cash statistic). */
export class CashCountsStatistic extends CountsStatistic {
  readonly muBkg: Float64Array;

  constructor(nOn: CountsInput, muBkg: CountsInput) {
    const size = commonLength(nOn, muBkg);
    super(nOn, size);
    this.muBkg = broadcast(muBkg, size);
  }

  get nBkg(): Float64Array {
    return this.muBkg;
  }

  get nSig(): Float64Array {
    return this.once("nSig", () => this.nOn.map((n, i) => n - this.muBkg[i]));
  }

  get error(): Float64Array {
    return this.nOn.map(Math.sqrt);
  }

  get statNull(): Float64Array {
    return this.once("statNull", () => this.nOn.map((n, i) => cash(n, this.muBkg[i])));
  }

  get statMax(): Float64Array {
    return this.once("statMax", () => this.nOn.map((n) => cash(n, n)));
  }

  protected statAt(i: number, mu: number): number {
    return cash(this.nOn[i], this.muBkg[i] + mu);
  }

  /** Totals over all bins. */
  sum(): CashCountsStatistic {
    return new CashCountsStatistic(total(this.nOn), total(this.muBkg));
  }
}

/** Poisson on counts with a background measured in an off region α⁻¹ times larger (WStat). */
export class WStatCountsStatistic extends CountsStatistic {
  readonly nOff: Float64Array;
  readonly alpha: Float64Array;
  /** Signal already expected in the on region (excess is measured on top of it). */
  readonly muSig: Float64Array;

  constructor(nOn: CountsInput, nOff: CountsInput, alpha: CountsInput, muSig: CountsInput = 0) {
    const size = commonLength(nOn, nOff, alpha, muSig);
    super(nOn, size);
    this.nOff = broadcast(nOff, size);
    this.alpha = broadcast(alpha, size);
    this.muSig = broadcast(muSig, size);
  }

  /** α·n_off. */
  get nBkg(): Float64Array {
    return this.once("nBkg", () => this.alpha.map((a, i) => a * this.nOff[i]));
  }

  get nSig(): Float64Array {
    return this.once("nSig", () => this.nOn.map((n, i) => n - this.alpha[i] * this.nOff[i] - this.muSig[i]));
  }

  get error(): Float64Array {
    return this.nOn.map((n, i) => Math.sqrt(n + this.alpha[i] ** 2 * this.nOff[i]));
  }

  get statNull(): Float64Array {
    return this.once("statNull", () => this.nOn.map((n, i) => wstat(n, this.nOff[i], this.alpha[i], this.muSig[i])));
  }

  get statMax(): Float64Array {
    return this.once("statMax", () => {
      const nSig = this.nSig;
      return this.nOn.map((n, i) => wstat(n, this.nOff[i], this.alpha[i], nSig[i] + this.muSig[i]));
    });
  }

  protected statAt(i: number, mu: number): number {
    return wstat(this.nOn[i], this.nOff[i], this.alpha[i], mu + this.muSig[i]);
  }

  /** Totals over all bins, α the background-weighted mean (as gammapy; muSig is dropped there too). */
  sum(): WStatCountsStatistic {
    const nOff = total(this.nOff);
    return new WStatCountsStatistic(total(this.nOn), nOff, total(this.nBkg) / nOff);
  }
}

function commonLength(...inputs: CountsInput[]): number {
  let size = 1;
  for (const input of inputs) {
    if (typeof input === "number") continue;
    if (size !== 1 && input.length !== size && input.length !== 1) {
      throw new Error(`counts statistic: inputs of lengths ${size} and ${input.length} do not broadcast`);
    }
    if (input.length !== 1) size = input.length;
  }
  return size;
}

function broadcast(input: CountsInput, size: number): Float64Array {
  if (typeof input === "number") return new Float64Array(size).fill(input);
  if (input.length === 1 && size !== 1) return new Float64Array(size).fill(input[0]);
  return Float64Array.from(input);
}

function total(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** numpy's sign: ±1, and 0 for ±0 (no negative zero significance). */
function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN;
}

/**
 * The root of f in [lo, hi] when f changes sign there (gammapy's `find_roots` with one bin:
 * brentq on the whole interval), else NaN. Bisection to full precision: gammapy's brentq
 * stops at ~2e-12 absolute, well inside any comparison tolerance.
 */
function bracketedRoot(f: (x: number) => number, lo: number, hi: number): number {
  const flo = f(lo);
  const fhi = f(hi);
  if (Number.isNaN(flo) || Number.isNaN(fhi) || flo * fhi > 0) return NaN;
  if (fhi === 0 && flo !== 0) return hi;
  return bisect(f, lo, hi, flo);
}
