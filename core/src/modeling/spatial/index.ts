export {
  SpatialModel,
  DEG2_TO_SR,
  type ModelFrame,
  type SpatialModelOptions,
  type SpatialRegion,
} from "./spatial-model.js";
export { CenteredSpatialModel, ExtendedSpatialModel, POSITION_SPECS, effectiveRadius } from "./centered.js";
export { MAX_OVERSAMPLING } from "./integrate.js";
export { PointSpatialModel } from "./point.js";
export { GaussianSpatialModel, GeneralizedGaussianSpatialModel } from "./gaussian.js";
export { DiskSpatialModel } from "./disk.js";
export { ShellSpatialModel, Shell2SpatialModel } from "./shell.js";
export { ConstantFluxSpatialModel, ConstantSpatialModel } from "./constant.js";
export { TemplateSpatialModel, type TemplateSpatialModelOptions } from "./template.js";
