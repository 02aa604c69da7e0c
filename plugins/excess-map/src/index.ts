export { excessMaps, type ExcessMapsInput, type ExcessMaps } from "./excess-maps.js";
export { ExcessMapEstimator, mapMaximum, type ExcessMapEstimatorOptions, type ExcessMapResult } from "./estimator.js";
export { excessMapPlugin } from "./plugin.js";

import { excessMapPlugin } from "./plugin.js";
/** The graph nodes this package provides. */
export const plugins = [excessMapPlugin];
