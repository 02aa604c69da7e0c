export * from "./axis/index.js";
export { MapCoord, type MapCoordInput, type Numeric } from "./coord.js";
export { NoOverlapError, PartialOverlapError, type CutoutMode, type CutoutSlices, type Slice1D } from "./cutout.js";
export { WcsGeom, angleDeg, type WcsGeomCreateOptions, type Projection, type PixCoord, type IdxCoord, type AngleInput, type PairInput } from "./geom.js";
export { WcsNDMap, dtypeOf, checkAllocation, setMaxMapBytes, DTYPE_BYTES, type MapDtype, type MapData, type MapOptions, type AxisSelection } from "./map.js";
export { mapFromFits, mapToHdus, type MapHduOptions, type MapReadOptions } from "./io.js";
export type { Kernel, ConvolveMethod } from "./map-convolve.js";
export { Wcs2D, type WcsParams } from "./wcs/index.js";
export { regionMask, exclusionMask, type SkyRegion } from "./regions.js";
