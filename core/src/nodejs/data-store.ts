import { DataStore as NeutralDataStore } from "../data/index.js";
import type { FileAccess } from "../data/index.js";
import { nodeFiles } from "./files.js";

/**
 * The DataStore of the package's Node entry: `fromDir` reads through node:fs unless `files`
 * is passed. A subclass rather than a registered default, so that importing sets nothing.
 */
export class DataStore extends NeutralDataStore {
  protected static override readonly defaultFiles: FileAccess | undefined = nodeFiles;
}
