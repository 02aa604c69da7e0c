import {
  type AllocateTables,
  getRandomState,
  InverseCDFSampler,
  locatePixels,
  PLAIN_ARRAYS,
  type RandomStateInit,
  type SearchTables,
} from "../random/index.js";

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
    const prepared = this.prepareTimeOffsets(n, tMinMjd, tMaxMjd, options);
    prepared.draw();
    locateTimeOffsets(prepared.drawn, 0, n);
    return prepared.drawn.offsets;
  }

  /**
   * The random part of `sampleTimeOffsets` in two steps: the arrays and the inverse-CDF sampler's
   * tables on the time grid now, its random numbers at `draw()`; `locateTimeOffsets` then makes
   * any range of them times. `allocate` makes the arrays (shared memory: a helper thread can be
   * handed them before they are filled, and locate part of them).
   */
  prepareTimeOffsets(
    n: number,
    tMinMjd: number,
    tMaxMjd: number,
    options: SampleTimeOptions = {},
    allocate: AllocateTables = PLAIN_ARRAYS,
  ): { drawn: TimeDraws; draw(): void } {
    const step = (options.tDelta ?? 1) * (1 / DAY);
    if (!(tMaxMjd > tMinMjd) || !(step > 0)) {
      throw new RangeError(
        `sampleTime: needs tMin < tMax and tDelta > 0 (got ${tMinMjd}, ${tMaxMjd}, ${step * DAY} s)`,
      );
    }
    const length = Math.max(Math.ceil((tMaxMjd - tMinMjd) / step), 1);
    // numpy's arange steps by (start + step) − start: at an MJD of 5e4 that is the step 2e-7 off
    const delta = tMinMjd + step - tMinMjd;
    const grid = allocate.doubles(length);
    for (let k = 0; k < length; k++) grid[k] = tMinMjd + k * delta - tMinMjd;
    const none = allocate.doubles(0);
    if (n === 0)
      return {
        drawn: { grid, tables: { cdf: none, guide: null, indices: [] }, draws: none, offsets: none },
        draw() {},
      };
    const randomState = getRandomState(options.randomState ?? 0);
    const sampler = new InverseCDFSampler(this.evaluate(grid), [length], { randomState });
    const pixels = { draws: allocate.doubles(n), pix: [allocate.doubles(n)] };
    return {
      drawn: { grid, tables: sampler.searchTables(allocate), draws: pixels.draws, offsets: pixels.pix[0] },
      draw: () => sampler.fillPixels(pixels),
    };
  }
}

/**
 * Times drawn on a grid (`prepareTimeOffsets`): `offsets` holds the jitter until `locateTimeOffsets`
 * makes them days after tMin. Plain data (it crosses to a helper thread).
 */
export interface TimeDraws {
  grid: Float64Array;
  tables: SearchTables;
  draws: Float64Array;
  offsets: Float64Array;
}

/**
 * The draws [from, to) of `drawn` located on the grid and interpolated: days after tMin, in
 * `offsets` (in place), or into `out` from 0, the draws left as they are.
 */
export function locateTimeOffsets(drawn: TimeDraws, from: number, to: number, out?: Float64Array): void {
  const grid = drawn.grid;
  const located = out ? out.subarray(0, to - from) : drawn.offsets.subarray(from, to);
  locatePixels(drawn.tables, drawn.draws, [drawn.offsets], from, to, [located]);
  for (let i = 0; i < located.length; i++) located[i] = interpolate(located[i], grid);
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
