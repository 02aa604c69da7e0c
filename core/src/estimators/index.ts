export {
  FluxPoints,
  FluxPointsEstimator,
  type FluxPointRow,
  type FluxPointsEstimatorOptions,
  type FluxSelection,
} from "./flux-points.js";
