/**
 * Gaussian smoothing of map images, as gammapy's `WcsNDMap.smooth(width, kernel="gauss")`:
 * scipy's `ndimage.gaussian_filter` on each image plane (a separable kernel truncated at
 * 4σ, edges mirrored in "reflect" mode: d c b a | a b c d | d c b a).
 */
import { angleDeg, type AngleInput } from "./geom.js";
import { WcsNDMap } from "./map.js";

const TRUNCATE = 4;

/**
 * The map smoothed with a Gaussian of standard deviation `width`: an angle ("0.05 deg") is
 * divided by the mean pixel size, a bare number is a width in pixels (as in gammapy). Float64 out.
 */
export function smoothMap(map: WcsNDMap, width: AngleInput | number): WcsNDMap<Float64Array> {
  const sigma = typeof width === "number" ? width : angleDeg(width, "smooth width") / meanPixelScale(map);
  if (!(sigma >= 0) || !Number.isFinite(sigma)) {
    throw new RangeError(`smooth: the width must be a finite angle or pixel count ≥ 0, got ${String(width)}`);
  }
  const { nx, ny } = map.geom;
  const out = Float64Array.from(map.data);
  if (sigma > 0) {
    const weights = gaussianWeights(sigma);
    const planes = out.length / (nx * ny);
    const line = new Float64Array(Math.max(nx, ny));
    for (let p = 0; p < planes; p++) {
      const plane = out.subarray(p * nx * ny, (p + 1) * nx * ny);
      for (let x = 0; x < nx; x++) filterLine(plane, x, nx, ny, weights, line);
      for (let y = 0; y < ny; y++) filterLine(plane, y * nx, 1, nx, weights, line);
    }
  }
  return new WcsNDMap(map.geom, out, map.unit, "float64", structuredClone(map.meta));
}

function meanPixelScale(map: WcsNDMap): number {
  const [sx, sy] = map.geom.pixelScales;
  return (Math.abs(sx) + Math.abs(sy)) / 2;
}

/** scipy's `_gaussian_kernel1d`: exp(−x²/2σ²) for |x| ≤ ⌊4σ + 0.5⌋, normalised to sum 1. */
function gaussianWeights(sigma: number): Float64Array {
  const radius = Math.floor(TRUNCATE * sigma + 0.5);
  const weights = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    weights[i + radius] = Math.exp((-0.5 * i * i) / (sigma * sigma));
    sum += weights[i + radius];
  }
  for (let i = 0; i < weights.length; i++) weights[i] /= sum;
  return weights;
}

/** Correlate the n values at data[start + k·stride] with the weights in place ("reflect" edges). */
function filterLine(
  data: Float64Array,
  start: number,
  stride: number,
  n: number,
  weights: Float64Array,
  line: Float64Array,
): void {
  for (let k = 0; k < n; k++) line[k] = data[start + k * stride];
  const radius = (weights.length - 1) / 2;
  for (let k = 0; k < n; k++) {
    let acc = 0;
    for (let j = -radius; j <= radius; j++) acc += weights[j + radius] * line[reflect(k + j, n)];
    data[start + k * stride] = acc;
  }
}

/** Index into [0, n) mirrored about the edges, the edge sample repeated (scipy's "reflect"). */
function reflect(i: number, n: number): number {
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}
