export * from "./axis/index.js";
export { MapCoord, type MapCoordInput, type Numeric } from "./coord.js";
export { NoOverlapError, PartialOverlapError, type CutoutMode, type CutoutSlices, type Slice1D } from "./cutout.js";
export {
  WcsGeom,
  angleDeg,
  type WcsGeomCreateOptions,
  type Projection,
  type PixCoord,
  type IdxCoord,
  type AngleInput,
  type PairInput,
} from "./geom.js";
export {
  WcsNDMap,
  dtypeOf,
  checkAllocation,
  setMaxMapBytes,
  DTYPE_BYTES,
  type MapDtype,
  type MapData,
  type MapOptions,
  type AxisSelection,
} from "./map.js";
export { mapFromFits, mapToHdus, type MapHduOptions, type MapReadOptions } from "./io.js";
export type { Kernel, ConvolveMethod } from "./map-convolve.js";
export { SpectralConvolver, convolvePlane, ring2DKernel, tophat2DKernel, type Kernel2D } from "./convolve/index.js";
export { Wcs2D, type WcsParams } from "./wcs/index.js";
// the compute cache lives in utils/, which has no barrel of its own in the package's index
export {
  ComputeCache,
  defaultComputeCache,
  setDefaultComputeCache,
  estimateBytes,
  identityKey,
  withRunScope,
  exactKey,
  DEFAULT_COMPUTE_CACHE_BYTES,
  type ComputeCacheLimits,
  type ComputeCacheStats,
  type ComputeCacheCounts,
} from "../utils/compute-cache.js";
export { smoothMap } from "./smooth.js";
export { regionMask, exclusionMask, type SkyRegion } from "./regions.js";
