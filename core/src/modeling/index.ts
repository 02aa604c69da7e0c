export * from "./parameter.js";
export * from "./covariance.js";
export * from "./model.js";
export {
  DNDE_UNIT,
  FLUX_UNIT,
  ENERGY_UNIT,
  INVERSE_ENERGY_UNIT,
  fluxOrNorm,
  ConstantSpectralModel,
  CompoundSpectralModel,
  type ValueAndError,
  type SpectralOperator,
} from "./spectral/spectral-model.js";
export * from "./spectral/integrate.js";
export * from "./spectral/power-law.js";
export * from "./spectral/cutoff.js";
export * from "./spectral/log-parabola.js";
export * from "./spectral/broken-power-law.js";
export * from "./spectral/gaussian.js";
export * from "./spectral/template.js";
export * from "./spectral/scale.js";
export { SpectralModel } from "./spectral/spectral-model.js";
export * from "./spatial/index.js";
export {
  SkyModel,
  FoVBackgroundModel,
  TemplateNPredModel,
  Models,
  CUTOUT_MARGIN,
  type ApplyIrf,
  type DatasetModel,
  type SkyModelOptions,
} from "./sky-model.js";
export * from "./minuit/index.js";
export { spectralModelFromDict, spatialModelFromDict, parameterInputs, type ModelFileAccess } from "./registry.js";
export * from "./models-io.js";
export * from "./fit.js";
export * from "./fit-report.js";
export { ConstantTemporalModel, locateTimeOffsets, type SampleTimeOptions, type TimeDraws } from "./temporal.js";
export { modelsSummaryLines, astropyUnitString } from "./models-summary.js";
