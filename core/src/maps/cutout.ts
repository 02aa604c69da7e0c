/** Array-index slices in the style of astropy's `overlap_slices` (half-open [start, stop)). */
export interface Slice1D {
  start: number;
  stop: number;
}

export type CutoutMode = "trim" | "partial" | "strict";

export class NoOverlapError extends Error {
  override name = "NoOverlapError";
}

export class PartialOverlapError extends Error {
  override name = "PartialOverlapError";
}

/**
 * Where a small array of `smallSize` centred at continuous index `position` overlaps a
 * large array of `largeSize` along one axis (astropy `overlap_slices`, one dimension).
 * Returns the slice into the large array and the matching slice into the small one.
 */
export function overlapSlice(
  largeSize: number,
  smallSize: number,
  position: number,
  mode: CutoutMode,
): { large: Slice1D; small: Slice1D } {
  if (!Number.isFinite(position)) {
    throw new Error("cutout position has no pixel coordinate in this geometry (outside the projection)");
  }
  const iMin = Math.ceil(position - smallSize / 2);
  const iMax = Math.ceil(position + smallSize / 2);
  if (iMax < 0 || iMin >= largeSize) throw new NoOverlapError("Arrays do not overlap.");
  if (mode === "strict" && (iMin < 0 || iMax > largeSize)) {
    throw new PartialOverlapError("Arrays overlap only partially.");
  }
  const large = { start: Math.max(0, iMin), stop: Math.min(largeSize, iMax) };
  const small =
    mode === "trim"
      ? { start: 0, stop: large.stop - large.start }
      : { start: Math.max(0, -iMin), stop: Math.min(largeSize - iMin, iMax - iMin) };
  return { large, small };
}

/** Parent and cutout slices of the two spatial axes, in (y, x) order like gammapy. */
export interface CutoutSlices {
  parent: [Slice1D, Slice1D];
  cutout: [Slice1D, Slice1D];
}
