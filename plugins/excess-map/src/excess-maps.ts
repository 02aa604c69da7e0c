import {
  CashCountsStatistic,
  convolvePlane,
  rintHalfEven,
  tophat2DKernel,
  WStatCountsStatistic,
  type CountsStatistic,
} from "@gammaflow/core";

/**
 * Images (ny×nx, row-major) of one energy bin, as gammapy's ExcessMapEstimator sees a
 * `to_image()` dataset. Give `background` for a MapDataset (Cash statistic against the
 * predicted background), or `countsOff` + `acceptanceOff` (and `acceptance`, default 1) for a
 * MapDatasetOnOff (WStat statistic).
 */
export interface ExcessMapsInput {
  nx: number;
  ny: number;
  /** Mean |CDELT| of the map, deg. */
  pixelScaleDeg: number;
  /** Radius of the top-hat correlation, deg (gammapy's default 0.1). */
  correlationRadius: number;
  counts: ArrayLike<number>;
  /** MapDataset: predicted background counts (npred). */
  background?: ArrayLike<number>;
  /** MapDatasetOnOff: off counts. */
  countsOff?: ArrayLike<number>;
  /** MapDatasetOnOff: on-region background efficiency, one value per pixel or one for all (default 1). */
  acceptance?: ArrayLike<number> | number;
  /** MapDatasetOnOff: off-region background efficiency (α = acceptance / acceptanceOff). */
  acceptanceOff?: ArrayLike<number>;
  /** Pixels used (safe mask, and fit mask if any); all when absent. */
  mask?: ArrayLike<number | boolean>;
}

/** Correlated images; NaN outside the mask, like gammapy's output maps. */
export interface ExcessMaps {
  /** Correlated counts (gammapy's `npred` and `counts` maps). */
  counts: Float64Array;
  /** Correlated background: npred background, or α·n_off for on-off. */
  background: Float64Array;
  /** counts − background (gammapy's `npred_excess`). */
  excess: Float64Array;
  ts: Float64Array;
  /** Signed significance (gammapy's `sqrt_ts`; Li & Ma for on-off). */
  sqrtTs: Float64Array;
  /** Symmetric excess error (gammapy's `norm_err` without exposure, n_sigma 1). */
  error: Float64Array;
  /** On-off only: correlated off counts and the α of the correlated on/off. */
  countsOff?: Float64Array;
  alpha?: Float64Array;
  /** The per-pixel statistic (all pixels, unmasked), for errn/errp/upper limits. */
  statistic: CountsStatistic;
}

/**
 * gammapy 1.0's `ExcessMapEstimator(correlation_radius).run(dataset)` on a single-bin image
 * with the default correlate_off=True and no models: masked images are correlated with a
 * peak-normalised top-hat of radius correlationRadius/pixelScaleDeg, correlated counts are
 * rounded to integers (gammapy's FFT-noise guard), then Cash or WStat per pixel.
 */
export function excessMaps(input: ExcessMapsInput): ExcessMaps {
  const { nx, ny } = input;
  const n = nx * ny;
  checkLength("counts", input.counts, n);
  const mask = maskValues(input.mask, n);
  // core's "same" convolution (scipy's alignment, float32 out like gammapy's convolved maps)
  const kernel = tophat2DKernel(input.correlationRadius / input.pixelScaleDeg);
  const correlate = (image: Float64Array) =>
    convolvePlane(image, ny, nx, kernel.data, kernel.shape[0], kernel.shape[1]);
  const counts = Float64Array.from(correlate(masked(input.counts, mask)), rintHalfEven);

  let statistic: CashCountsStatistic | WStatCountsStatistic;
  let countsOff: Float64Array | undefined;
  let alpha: Float64Array | undefined;
  if (input.background) {
    checkLength("background", input.background, n);
    statistic = new CashCountsStatistic(counts, correlate(masked(input.background, mask)));
  } else if (input.countsOff && input.acceptanceOff) {
    checkLength("countsOff", input.countsOff, n);
    checkLength("acceptanceOff", input.acceptanceOff, n);
    const offBackground = onOffBackground(input.countsOff, input.acceptance ?? 1, input.acceptanceOff, mask);
    const backgroundConv = correlate(offBackground);
    const nOff = correlate(masked(input.countsOff, mask));
    countsOff = Float64Array.from(nOff);
    alpha = countsOff.map((off, i) => backgroundConv[i] / off); // NaN where no off counts, as gammapy
    statistic = new WStatCountsStatistic(counts, countsOff, alpha);
  } else {
    throw new Error("excessMaps: give background (MapDataset) or countsOff and acceptanceOff (MapDatasetOnOff)");
  }

  const outside = (image: Float64Array) => image.map((v, i) => (mask[i] ? v : NaN));
  return {
    counts: outside(counts),
    background: outside(statistic.nBkg),
    excess: outside(statistic.nSig),
    ts: outside(statistic.ts),
    sqrtTs: outside(statistic.sqrtTs),
    error: outside(statistic.error),
    ...(countsOff && alpha ? { countsOff: outside(countsOff), alpha: outside(alpha) } : {}),
    statistic,
  };
}

/**
 * The on-off dataset's background α·n_off inside the mask, with α = acceptance/acceptanceOff
 * made finite as numpy's nan_to_num does (NaN → 0, ∞ → largest double), and 0 where
 * acceptanceOff is 0 (gammapy zeroes those pixels before correlating).
 */
function onOffBackground(
  countsOff: ArrayLike<number>,
  acceptance: ArrayLike<number> | number,
  acceptanceOff: ArrayLike<number>,
  mask: Uint8Array,
): Float64Array {
  const out = new Float64Array(countsOff.length);
  for (let i = 0; i < out.length; i++) {
    if (!mask[i] || acceptanceOff[i] === 0) continue;
    const on = typeof acceptance === "number" ? acceptance : acceptance[i];
    out[i] = nanToNum(on / acceptanceOff[i]) * countsOff[i];
  }
  return out;
}

function nanToNum(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x === Infinity) return Number.MAX_VALUE;
  if (x === -Infinity) return -Number.MAX_VALUE;
  return x;
}

function maskValues(mask: ArrayLike<number | boolean> | undefined, n: number): Uint8Array {
  if (!mask) return new Uint8Array(n).fill(1);
  checkLength("mask", mask, n);
  return Uint8Array.from({ length: n }, (_, i) => (mask[i] ? 1 : 0));
}

function masked(image: ArrayLike<number>, mask: Uint8Array): Float64Array {
  return Float64Array.from({ length: image.length }, (_, i) => (mask[i] ? image[i] : 0));
}

function checkLength(name: string, image: ArrayLike<unknown>, n: number): void {
  if (image.length !== n) throw new Error(`excessMaps: ${name} has ${image.length} pixels, expected ${n}`);
}
