import { datasetFromFits, datasetToHdus, type MapDataset } from "../datasets/index.js";
import { readFits, writeFits } from "./fits-io.js";

/** Write a dataset in gammapy's layout (gzip when the path ends in .gz). */
export function writeDataset(dataset: MapDataset, path: string): void {
  writeFits(path, datasetToHdus(dataset));
}

export function readDataset(path: string): MapDataset {
  return datasetFromFits(readFits(path));
}
