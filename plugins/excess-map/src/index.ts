export { excessMaps, type ExcessMapsInput, type ExcessMaps } from "./excess-maps.js";
export {
  ExcessMapEstimator,
  mapMaximum,
  type ExcessMapEstimatorOptions,
  type ExcessMapResult,
} from "./excess-map-estimator.js";
export { excessImages, type ExcessImages } from "./excess-images.js";
export { excessMapPlugin } from "./plugin.js";

import type { AnyPlugin } from "@gammaflow/pipeline";
import { excessMapPlugin } from "./plugin.js";
/** The graph nodes this package provides. */
export const plugins: AnyPlugin[] = [excessMapPlugin];
