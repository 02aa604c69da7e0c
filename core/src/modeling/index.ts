export * from "./minimize.js";
export * from "./parameter.js";
export * from "./covariance.js";
export * from "./model.js";
export { SpectralModel } from "./spectral/spectral-model.js";
export * from "./spatial/index.js";
