import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import { writeFileAtomic } from "@gammaflow/core/node";
import type { Checkpoints } from "./checkpoints.js";
import type { ValidatedGraph } from "./graph.js";

/** The folder in an output folder where runs keep their checkpoints, one subfolder per run key. */
export const CHECKPOINT_DIR = ".gammaflow-checkpoints";

/**
 * What identifies a run for resuming: the graph after overrides and anything else that changes
 * its numbers (`extra`: kernel paths). Another graph in the same output folder starts afresh.
 */
export function runKey(validated: ValidatedGraph, extra: unknown = null): string {
  return createHash("sha256")
    .update(JSON.stringify([validated.graph, extra]))
    .digest("hex")
    .slice(0, 16);
}

/**
 * Checkpoints as files `outDir/.gammaflow-checkpoints/<key>/<node>.v8` (V8's structured-clone
 * format, which keeps typed arrays exactly), each written aside and renamed (`writeFileAtomic`).
 */
export function fileCheckpoints(outDir: string, key: string): Checkpoints {
  const dir = path.join(outDir, CHECKPOINT_DIR, key);
  const file = (node: string) => path.join(dir, `${encodeURIComponent(node)}.v8`);
  return {
    load(node) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file(node));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return undefined; // none yet (or no --out folder to keep one)
        throw error;
      }
      try {
        return deserialize(bytes);
      } catch (error) {
        throw new Error(`checkpoint ${file(node)} of node '${node}' is unreadable: ${(error as Error).message}`);
      }
    },
    save(node, value) {
      mkdirSync(dir, { recursive: true });
      writeFileAtomic(file(node), serialize(value));
    },
    clear() {
      try {
        rmSync(dir, { recursive: true, force: true });
        rmdirSync(path.dirname(dir)); // when no other run keeps checkpoints there
      } catch {}
    },
  };
}
