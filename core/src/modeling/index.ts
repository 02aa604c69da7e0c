export * from "./minimize.js";
export * from "./parameter.js";
export * from "./covariance.js";
export * from "./model.js";
export { SpectralModel } from "./spectral/spectral-model.js";
export { SpatialModel, type ModelFrame } from "./spatial/spatial-model.js";
export {
  SkyModel,
  FoVBackgroundModel,
  Models,
  CUTOUT_MARGIN,
  type ApplyIrf,
  type DatasetModel,
  type SkyModelOptions,
} from "./sky-model.js";
