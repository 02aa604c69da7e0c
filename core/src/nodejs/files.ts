import { existsSync, lstatSync, readlinkSync, realpathSync } from "node:fs";
import path from "node:path";
import type { FileAccess } from "../data/index.js";
import { readFits, readFitsHeader } from "./fits-io.js";

/** File access through node:fs; relative paths resolve against the working directory. */
export const nodeFiles: FileAccess = {
  readFits: (p) => readFits(p),
  readHeader: (p, hdu) => readFitsHeader(p, hdu),
  exists: (p) => existsSync(p),
  env: (name) => process.env[name],
  realPath: (p) => realPath(p),
};

/**
 * `p` with every symbolic link of its existing part resolved ("/"-separated, absolute): where a
 * file there would really be written or read. The part that does not exist yet is kept as written.
 */
export function realPath(p: string): string {
  let existing = path.resolve(p);
  const rest: string[] = [];
  while (!lstatSync(existing, { throwIfNoEntry: false })) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    // a dangling link: where it points (a write would go there); else no permission: as written
    real = lstatSync(existing).isSymbolicLink()
      ? path.resolve(path.dirname(existing), readlinkSync(existing))
      : existing;
  }
  return toStorePath(path.join(real, ...rest));
}

/** Absolute "/"-separated form of a local path, as the data store expects. */
export function toStorePath(p: string): string {
  return path.resolve(p).split(path.sep).join("/");
}
