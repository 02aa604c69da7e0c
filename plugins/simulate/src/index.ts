export { simulateDataset, type SimulateDatasetOptions } from "./simulate-dataset.js";
