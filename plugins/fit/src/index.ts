export { fitPlugin, loadModels, type FitOutcome } from "./plugin.js";
export { fitMapFigure, spectrumFigures, type SpectrumFigure } from "./figures.js";
export {
  type DatasetFit,
  type FitDatasetOptions,
  fitDatasets,
  fitFiles,
  fitImages,
  fitMaps,
  RESIDUAL_SMOOTHING,
} from "./fit-dataset.js";
export {
  energyEdgesFrom,
  energyEdgesFromText,
  estimateFluxPoints,
  fluxPointsFiles,
  fluxPointsSources,
  type FluxPointsOptions,
} from "./flux-points.js";

import type { AnyPlugin } from "@gammaflow/pipeline";
import { fitPlugin } from "./plugin.js";
/** The graph nodes this package provides. */
export const plugins: AnyPlugin[] = [fitPlugin];
