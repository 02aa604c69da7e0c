import { getRandomState, InverseCDFSampler, type RandomStateInit } from "../random/index.js";

const DAY = 86400;

/**
 * A constant light curve (gammapy 1.0's `ConstantTemporalModel`): the same flux at every time.
 * Times are MJD (days); its use is the fraction of the flux in a time range and sampling the
 * arrival times of simulated events.
 */
export class ConstantTemporalModel {
  readonly tag = "ConstantTemporalModel";

  /** The model's value at each time: 1. */
  evaluate(timeMjd: ArrayLike<number>): Float64Array {
    return new Float64Array(timeMjd.length).fill(1);
  }

  /** The fraction of the total flux in each [tMin, tMax] range (gammapy's `integral`): its length over their sum. */
  integral(tMinMjd: ArrayLike<number>, tMaxMjd: ArrayLike<number>): Float64Array {
    let sum = 0;
    for (let i = 0; i < tMinMjd.length; i++) sum += tMaxMjd[i] - tMinMjd[i];
    return Float64Array.from(tMinMjd, (t, i) => (tMaxMjd[i] - t) / sum);
  }

  /** Arrival times of `n` events between tMin and tMax (MJD; gammapy 1.0's `sample_time`). */
  sampleTime(n: number, tMinMjd: number, tMaxMjd: number, options: SampleTimeOptions = {}): Float64Array {
    return this.sampleTimeOffsets(n, tMinMjd, tMaxMjd, options).map((offset) => tMinMjd + offset);
  }

  /**
   * The sampled times as days after tMin, before they are added to it: gammapy's grid of `tDelta`
   * steps (seconds, default 1) from tMin, a grid pixel drawn by the inverse-CDF sampler (numpy's
   * random numbers in gammapy's order) and interpolated on the grid.
   */
  sampleTimeOffsets(n: number, tMinMjd: number, tMaxMjd: number, options: SampleTimeOptions = {}): Float64Array {
    const step = (options.tDelta ?? 1) * (1 / DAY);
    if (!(tMaxMjd > tMinMjd) || !(step > 0)) {
      throw new RangeError(
        `sampleTime: needs tMin < tMax and tDelta > 0 (got ${tMinMjd}, ${tMaxMjd}, ${step * DAY} s)`,
      );
    }
    if (n === 0) return new Float64Array(0);
    const length = Math.max(Math.ceil((tMaxMjd - tMinMjd) / step), 1);
    // numpy's arange steps by (start + step) − start: at an MJD of 5e4 that is the step 2e-7 off
    const delta = tMinMjd + step - tMinMjd;
    const grid = Float64Array.from({ length }, (_, k) => tMinMjd + k * delta - tMinMjd);
    const pdf = this.evaluate(grid);
    const randomState = getRandomState(options.randomState ?? 0);
    const [pix] = new InverseCDFSampler(pdf, [length], { randomState }).sample(n);
    for (let i = 0; i < n; i++) pix[i] = interpolate(pix[i], grid);
    return pix;
  }
}

export interface SampleTimeOptions {
  /** The time grid's step, seconds (gammapy's `t_delta`, default 1 s). */
  tDelta?: number;
  /** gammapy's `random_state` (default 0), through `getRandomState`. */
  randomState?: RandomStateInit;
}

/** numpy's interp on nodes 0, 1, …, L − 1 (ends held). */
function interpolate(p: number, values: Float64Array): number {
  if (!(p > 0)) return values[0];
  const last = values.length - 1;
  if (p >= last) return values[last];
  const k = Math.floor(p);
  const t = p - k;
  return values[k] + t * (values[k + 1] - values[k]);
}
