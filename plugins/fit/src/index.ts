export { fitPlugin, loadModels } from "./plugin.js";
export { fitDatasets, fitFiles, fitMaps, type DatasetFit, type FitDatasetOptions } from "./fit-dataset.js";

import type { AnyPlugin } from "@gammaflow/pipeline";
import { fitPlugin } from "./plugin.js";
/** The graph nodes this package provides. */
export const plugins: AnyPlugin[] = [fitPlugin];
