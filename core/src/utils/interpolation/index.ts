export {
  scaleFor,
  inverseInPlace,
  rintHalfEven,
  pixelToIndex,
  pixelsToIndices,
  type InterpScale,
  type Scale,
} from "./scale.js";
export {
  interp1d,
  findCell,
  isPlainLog,
  fastLogInverse,
  LN_TWO_TINY_ABOVE,
  ScaledRegularGridInterpolator,
  type GridInterpMethod,
  type GridInterpolatorOptions,
} from "./grid.js";
