export { simulateDataset, type SimulateDatasetOptions } from "./simulate-dataset.js";
export { eventColumns, sampleRun } from "./sampled-run.js";
