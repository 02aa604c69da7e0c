import { existsSync } from "node:fs";
import path from "node:path";
import type { FileAccess } from "../data/index.js";
import { readFits } from "./fits-io.js";

/** File access through node:fs; relative paths resolve against the working directory. */
export const nodeFiles: FileAccess = {
  readFits: (p) => readFits(p),
  exists: (p) => existsSync(p),
  env: (name) => process.env[name],
};

/** Absolute "/"-separated form of a local path, as the data store expects. */
export function toStorePath(p: string): string {
  return path.resolve(p).split(path.sep).join("/");
}
