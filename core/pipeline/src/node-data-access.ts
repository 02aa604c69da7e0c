import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { deflateSync } from "node:zlib";
import { DataStore, expandVars } from "@gammaflow/core";
import { readMap, realPath, toStorePath, writeDatasetAsync, writeFileAtomic, writeMap } from "@gammaflow/core/node";
import type { DataAccess } from "./services.js";

/**
 * Data access through node:fs for graph runs: paths relative to `baseDir` (the graph file's
 * folder); `$VAR` / `${VAR}` expand from the environment, $GAMMAPY_DATA defaulting to
 * `defaults.GAMMAPY_DATA`. Files are written aside and renamed (`writeFileAtomic`), so an
 * interrupted run never leaves half a file.
 */
export function nodeDataAccess(baseDir: string, defaults: Record<string, string> = {}): DataAccess {
  const env = (name: string) => process.env[name] ?? defaults[name];
  const resolve = (p: string) => path.resolve(baseDir, expandVars(p, env, `'${p}'`));
  const ensureDir = (file: string) => mkdirSync(path.dirname(file), { recursive: true });
  return {
    openDataStore: (dir, options) => DataStore.fromDir(toStorePath(resolve(dir)), options),
    list: (dir) => {
      try {
        return readdirSync(resolve(dir));
      } catch {
        return [];
      }
    },
    readMap: (file) => readMap(resolve(file)),
    readText: (file) => readFileSync(resolve(file), "utf8"),
    writeMap: (map, file) => {
      ensureDir(resolve(file));
      writeMap(map, resolve(file));
    },
    writeDataset: async (dataset, file, options) => {
      ensureDir(resolve(file));
      await writeDatasetAsync(dataset, resolve(file), options);
    },
    writeBytes: (file, bytes) => {
      ensureDir(resolve(file));
      writeFileAtomic(resolve(file), bytes);
    },
    deflate: (bytes) => deflateSync(bytes),
    resolve,
    realPath: (p) => realPath(resolve(p)),
    join: (...parts) => path.join(...parts),
  };
}
