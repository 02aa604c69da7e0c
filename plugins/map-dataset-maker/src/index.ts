export { makeMapExposureTrueEnergy, trueEnergyAxisName, seconds } from "./exposure.js";
export { makeMapBackgroundIrf, type BackgroundOptions } from "./background.js";
export { trapzLogLogBins } from "./integrate.js";
export { makePsfMap, makeEdispMap, makeEdispKernelMap } from "./irf-maps.js";
export {
  MapDatasetMaker,
  MAP_SELECTION_ALL,
  type MapSelection,
  type MapDatasetMakerOptions,
} from "./map-dataset-maker.js";
export { mapDatasetMakerPlugin, type MapDatasetMakerParams } from "./plugin.js";
export { runTask, reduceInWorker, type ReduceTask, type ReduceResult } from "./worker-task.js";

import type { AnyPlugin } from "@gammaflow/pipeline";
import { mapDatasetMakerPlugin } from "./plugin.js";
/** The graph nodes this package provides. */
export const plugins: AnyPlugin[] = [mapDatasetMakerPlugin];
