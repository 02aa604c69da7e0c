// gammapy 1.0's numeric integration of spectra (gammapy/utils/integrate.py, `integrate_spectrum` in
// gammapy/modeling/models/spectral.py): each band is sampled on a geometric grid and the segments
// are integrated as power laws through their end points (the trapezoidal rule in log-log).

/** gammapy's default sampling: grid points per decade. */
export const INTEGRATION_NDECADE = 100;

/** numpy's float32 `tiny`: gammapy's LogScale clips ratios to it before taking the log. */
export const FLOAT32_TINY = 1.1754943508222875e-38;

/** Writes dN/dE (or any spectrum) at `energy` into `out`. */
export type SpectrumInto = (energy: Float64Array, out: Float64Array) => void;

/**
 * The number of grid points for a call: gammapy uses one count for all bands, that of the widest
 * (ndecade · decades, truncated, at least 2), so the result for a band depends on its companions.
 */
export function integrationNodeCount(
  energyMin: ArrayLike<number>,
  energyMax: ArrayLike<number>,
  ndecade = INTEGRATION_NDECADE,
): number {
  if (energyMin.length !== energyMax.length)
    throw new Error(`integral: ${energyMin.length} lower and ${energyMax.length} upper band edges`);
  let widest = -Infinity;
  for (let i = 0; i < energyMin.length; i++) {
    const decades = ndecade * Math.log10(energyMax[i] / energyMin[i]);
    if (!(energyMin[i] > 0 && energyMax[i] > 0) || Number.isNaN(decades))
      throw new RangeError(`integral: band [${energyMin[i]}, ${energyMax[i]}] TeV needs positive energies`);
    if (decades > widest) widest = decades;
  }
  return Math.trunc(Math.max(widest, 2));
}

/**
 * Writes `num` points from `start` to `stop` at `out[offset…]` as numpy's geomspace: 10 to the
 * power of the linspace of the log10 edges, with the end points set exactly.
 */
export function geomspaceInto(start: number, stop: number, num: number, out: Float64Array, offset = 0): void {
  const logStart = Math.log10(start);
  const step = (Math.log10(stop) - logStart) / (num - 1);
  for (let k = 1; k < num - 1; k++) out[offset + k] = 10 ** (k * step + logStart);
  out[offset] = start;
  out[offset + num - 1] = stop;
}

const clippedLog = (x: number): number => Math.log(Math.max(x, FLOAT32_TINY)); // NaN stays NaN

/**
 * ∫ y dx over [x0, x1] for the power law through (x0, y0) and (x1, y1), as gammapy's `trapz_loglog`
 * (an undefined slope, 0/0, counts as infinitely steep: the segment gives 0).
 */
export function loglogSegment(x0: number, x1: number, y0: number, y1: number): number {
  let index = -clippedLog(y0 / y1) / clippedLog(x0 / x1);
  if (Number.isNaN(index)) index = Infinity;
  const exponent = 1 - index;
  // gammapy's power-law integral switches to the logarithm where np.isclose(exponent, 0)
  if (Math.abs(exponent) <= 1e-8) return y0 * x0 * Math.log(x1 / x0);
  // gammapy's (x1/x0)^s − 1, as expm1: no cancellation for nearly flat segments (s near 0)
  return ((y0 * x0) / exponent) * Math.expm1(exponent * Math.log(x1 / x0));
}

/** Reusable grid and value buffers, so that repeated integrals (a fit) allocate only their output. */
export class IntegrationScratch {
  nodes = new Float64Array(0);
  values = new Float64Array(0);

  ensure(size: number): void {
    if (this.nodes.length < size) {
      this.nodes = new Float64Array(size);
      this.values = new Float64Array(size);
    }
  }
}

/**
 * gammapy 1.0's `integrate_spectrum`: ∫ f dE (or ∫ E f dE with `energyWeighted`) over each band,
 * by the log-log trapezoidal rule on a geometric grid of `integrationNodeCount` points per band.
 */
export function integrateSpectrum(
  spectrum: SpectrumInto,
  energyMin: ArrayLike<number>,
  energyMax: ArrayLike<number>,
  options: { energyWeighted?: boolean; ndecade?: number; scratch?: IntegrationScratch } = {},
): Float64Array {
  const bands = energyMin.length;
  const out = new Float64Array(bands);
  if (bands === 0) return out;
  const num = integrationNodeCount(energyMin, energyMax, options.ndecade);
  const scratch = options.scratch ?? new IntegrationScratch();
  scratch.ensure(bands * num);
  const nodes = scratch.nodes.subarray(0, bands * num);
  const values = scratch.values.subarray(0, bands * num);
  for (let b = 0; b < bands; b++) geomspaceInto(energyMin[b], energyMax[b], num, nodes, b * num);
  spectrum(nodes, values);
  if (options.energyWeighted) for (let k = 0; k < nodes.length; k++) values[k] *= nodes[k];
  for (let b = 0; b < bands; b++) {
    let sum = 0;
    for (let k = b * num; k < (b + 1) * num - 1; k++)
      sum += loglogSegment(nodes[k], nodes[k + 1], values[k], values[k + 1]);
    out[b] = sum;
  }
  return out;
}
