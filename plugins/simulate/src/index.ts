export { simulateDataset, type SimulateDatasetOptions } from "./simulate-dataset.js";
export { eventColumns, sampleRun } from "./sampled-run.js";
export { eventSamplerPlugin, fakePlugin } from "./plugin.js";

import type { AnyPlugin } from "@gammaflow/pipeline";
import { eventSamplerPlugin, fakePlugin } from "./plugin.js";
/** The graph nodes this package provides. */
export const plugins: AnyPlugin[] = [fakePlugin, eventSamplerPlugin];
