// `@gammaflow/core/internals`: building blocks of the tuned kernels that plugins of this repository
// share with core (map-dataset-maker's IRF-on-offsets tables and background kernel). Not part of the
// public API: names and signatures change with the kernels.
export { fastExp, FAST_EXP } from "./utils/fast-exp.js";
export { findCell, isPlainLog, fastLogInverse, LN_TWO_TINY_ABOVE } from "./utils/interpolation/grid.js";
export { tunedPaths } from "./utils/kernel-paths.js";
export { normalizeAlongAxis, normalizedUnit, accumulateRuns, divideRuns } from "./utils/normalize.js";
export { copyRun } from "./maps/map.js";
