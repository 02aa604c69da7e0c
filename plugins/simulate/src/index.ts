export { simulateDataset, type SimulateDatasetOptions } from "./simulate-dataset.js";
export {
  PULL_SOURCE,
  pullDistribution,
  pullGeometry,
  trueModels,
  type PullDistribution,
  type PullDistributionOptions,
  type PulledParameter,
  type PullSummary,
  type SimulationOutcome,
} from "./pulls.js";
