export { simulateDataset, type SimulateDatasetOptions } from "./simulate-dataset.js";
export { eventColumns, sampleRun } from "./sampled-run.js";
export { eventSamplerPlugin, fakePlugin, simulateDatasetPlugin } from "./plugin.js";
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

import type { AnyPlugin } from "@gammaflow/pipeline";
import { eventSamplerPlugin, fakePlugin, simulateDatasetPlugin } from "./plugin.js";
/** The graph nodes this package provides. */
export const plugins: AnyPlugin[] = [simulateDatasetPlugin, fakePlugin, eventSamplerPlugin];
