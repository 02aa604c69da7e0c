export { fitPlugin, loadModels } from "./plugin.js";
export { fitDatasets, fitFiles, fitMaps, type DatasetFit, type FitDatasetOptions } from "./fit-dataset.js";
export {
  energyEdgesFrom,
  energyEdgesFromText,
  estimateFluxPoints,
  fluxPointsFiles,
  fluxPointsSources,
  spectrumFigures,
  type FluxPointsOptions,
} from "./flux-points.js";

import type { AnyPlugin } from "@gammaflow/pipeline";
import { fitPlugin } from "./plugin.js";
/** The graph nodes this package provides. */
export const plugins: AnyPlugin[] = [fitPlugin];
