import { ScaledRegularGridInterpolator, type GridInterpMethod } from "../utils/interpolation/index.js";

export type { GridInterpMethod };

/**
 * Interpolate map data at pixel coordinates (x, y, a0, …) on the grid of integer pixel
 * indices, as gammapy 1.0's `interp_by_pix`: non-finite data count as 0 (when any value
 * is finite), values outside the grid are extrapolated, and nothing is clipped.
 */
export function interpolateOnPixelGrid(
  data: ArrayLike<number>,
  dims: readonly number[],
  pix: readonly ArrayLike<number>[],
  method: GridInterpMethod,
): Float64Array {
  if (method === "nearest") return nearestOnPixelGrid(data, dims, pix);
  let values: ArrayLike<number> = data;
  let anyFinite = false;
  let anyNonFinite = false;
  for (let i = 0; i < data.length; i++) {
    if (Number.isFinite(data[i])) anyFinite = true;
    else anyNonFinite = true;
  }
  if (anyFinite && anyNonFinite) {
    const cleaned = Float64Array.from(data);
    for (let i = 0; i < cleaned.length; i++) if (!Number.isFinite(cleaned[i])) cleaned[i] = 0;
    values = cleaned;
  }
  // The data are stored last-dimension-slowest: the interpolator takes C order, so the grid
  // dimensions are listed in reverse (a_last, …, a0, y, x) and so are the queries.
  const points = [...dims].reverse().map((n) => Float64Array.from({ length: n }, (_, i) => i));
  const interpolator = new ScaledRegularGridInterpolator(points, values, { method });
  return interpolator.evaluate([...pix].reverse(), { clip: false });
}

/**
 * `interpolateOnPixelGrid` by the nearest pixel, read straight from the data: the grid
 * interpolator's "nearest" on the grid of integer indices picks floor(x) + 1 when the fraction
 * is above one half (so x.5 goes down), clamped to the grid, and NaN for a NaN coordinate;
 * length-1 coordinate arrays broadcast. No interpolator over the whole map (a safe mask's
 * aeff-max read one pixel's spectrum through a float64 copy of the exposure cube, ~20 ms a run).
 */
function nearestOnPixelGrid(data: ArrayLike<number>, dims: readonly number[], pix: readonly ArrayLike<number>[]) {
  if (pix.length !== dims.length)
    throw new Error(`interpolator: ${dims.length} dimensions, got ${pix.length} query arrays`);
  const n = pix.length ? Math.max(...pix.map((q) => q.length)) : 0;
  const out = new Float64Array(n);
  const strides = dims.map((_, d) => dims.slice(0, d).reduce((a, b) => a * b, 1));
  let anyFinite: boolean | undefined;
  for (let i = 0; i < n; i++) {
    let flat = 0;
    let nan = false;
    for (let d = 0; d < dims.length; d++) {
      const x = pix[d][pix[d].length === 1 ? 0 : i];
      if (Number.isNaN(x)) nan = true;
      const index = dims[d] < 2 ? 0 : Math.min(Math.max(Math.ceil(x - 0.5), 0), dims[d] - 1);
      flat += index * strides[d];
    }
    if (nan) {
      out[i] = NaN;
      continue;
    }
    let value = data[flat];
    // non-finite data count as 0 when any value is finite, as on the interpolated path
    if (!Number.isFinite(value) && (anyFinite ??= someFinite(data))) value = 0;
    out[i] = value;
  }
  return out;
}

function someFinite(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i++) if (Number.isFinite(data[i])) return true;
  return false;
}

/**
 * `interpolateOnPixelGrid` (linear) at one fractional image pixel (px, py) for every plane of the
 * non-spatial axes at their nodes: the bilinear sum of the four pixels around it, extrapolated
 * beyond the edges, with the interpolator's arithmetic (the same numbers) but without an
 * interpolator over the whole map (a PSF map's table at a model's position cost ~2 ms that way).
 */
export function interpolateImagePoint(data: ArrayLike<number>, nx: number, ny: number, px: number, py: number) {
  const n = nx * ny;
  const out = new Float64Array(data.length / n);
  if (Number.isNaN(px) || Number.isNaN(py)) return out.fill(NaN);
  const [x0, dx, tx] = pixelCell(px, nx);
  const [y0, dy, ty] = pixelCell(py, ny);
  // the corners in the interpolator's order (y, then x, the slower), a zero weight skipped
  const corners = [
    [y0 * nx + x0, (1 - ty) * (1 - tx)],
    [(y0 + dy) * nx + x0, ty * (1 - tx)],
    [y0 * nx + x0 + dx, (1 - ty) * tx],
    [(y0 + dy) * nx + x0 + dx, ty * tx],
  ].filter(([, weight]) => weight !== 0);
  let anyFinite: boolean | undefined;
  for (let plane = 0, at = 0; at < data.length; plane++, at += n) {
    let value = 0;
    for (const [offset, weight] of corners) {
      let v = data[at + offset];
      if (!Number.isFinite(v) && (anyFinite ??= someFinite(data))) v = 0;
      value += weight * v;
    }
    out[plane] = value;
  }
  return out;
}

/** The lower node, the step to the upper one and the upper weight on a grid of n integer nodes. */
function pixelCell(x: number, n: number): [number, number, number] {
  if (n < 2) return [0, 0, 0];
  const lower = x <= 0 ? 0 : x >= n - 1 ? n - 2 : Math.floor(x);
  return [lower, 1, x - lower];
}
