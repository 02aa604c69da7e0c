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
