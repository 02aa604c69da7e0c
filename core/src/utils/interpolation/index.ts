export { scaleFor, rintHalfEven, pixelToIndex, pixelsToIndices, type InterpScale, type Scale } from "./scale.js";
export { interp1d, findCell, isPlainLog, fastLogInverse, ScaledRegularGridInterpolator, type GridInterpMethod, type GridInterpolatorOptions } from "./grid.js";
