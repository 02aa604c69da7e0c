import { datasetFromFits, datasetToHdus, type MapDataset } from "../datasets/index.js";
import { readFits, writeFits, writeFitsAsync, type WriteFitsAsyncOptions } from "./fits-io.js";

/** Write a dataset in gammapy's layout (gzip when the path ends in .gz). */
export function writeDataset(dataset: MapDataset, path: string): void {
  writeFits(path, datasetToHdus(dataset));
}

/** `writeDataset` with the compression off the main thread (see `writeFitsAsync`). */
export async function writeDatasetAsync(dataset: MapDataset, path: string, options: WriteFitsAsyncOptions = {}) {
  await writeFitsAsync(path, datasetToHdus(dataset), options);
}

export function readDataset(path: string): MapDataset {
  return datasetFromFits(readFits(path));
}
