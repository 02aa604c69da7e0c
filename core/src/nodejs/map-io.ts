import { mapFromFits, mapToHdus, type MapHduOptions, type MapReadOptions } from "../maps/io.js";
import type { WcsNDMap } from "../maps/map.js";
import { readFits, writeFits } from "./fits-io.js";

/** Read a map file (.fits or .fits.gz) in gammapy's layout. */
export function readMap(path: string, options: MapReadOptions = {}): WcsNDMap {
  return mapFromFits(readFits(path), options);
}

/** Write a map in gammapy's layout; gzip when the path ends in .gz. */
export function writeMap(map: WcsNDMap, path: string, options: MapHduOptions = {}): void {
  writeFits(path, mapToHdus(map, options));
}
