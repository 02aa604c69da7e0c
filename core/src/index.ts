// The platform-neutral entry of `@gammaflow/core` (browsers, bundlers); Node resolves index.node.ts.
export * from "./units/index.js";
export * from "./coords/index.js";
export * from "./fits/index.js";
export * from "./maps/index.js";
export * from "./data/index.js";
export * from "./irf/index.js";
export * from "./datasets/index.js";
export {
  interp1d,
  ScaledRegularGridInterpolator,
  scaleFor,
  rintHalfEven,
  pixelToIndex,
  pixelsToIndices,
  type GridInterpMethod,
  type GridInterpolatorOptions,
  type InterpScale,
  type Scale,
} from "./utils/interpolation/index.js";
export { firstRoot } from "./utils/roots.js";
export { closestNames, didYouMean, editDistance } from "./utils/did-you-mean.js";
export { FORBIDDEN_KEYS, forbiddenKeyMessage, MAX_TREE_DEPTH, treeIssues, type TreeIssue } from "./utils/json-tree.js";
export { kernelPaths, setKernelPaths, withKernelPaths, type KernelPaths } from "./utils/kernel-paths.js";
export * from "./stats/index.js";
export * from "./modeling/index.js";
export * from "./estimators/index.js";
export * from "./images/index.js";
export * from "./random/index.js";
