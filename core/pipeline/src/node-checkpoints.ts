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

/** The least time between two saves of a node's checkpoint file. */
const MIN_SAVE_INTERVAL_MS = 1000;
/** A node's saves take at most about this share of the time between them. */
const MAX_SAVE_SHARE = 0.1;

/**
 * Checkpoints as files `outDir/.gammaflow-checkpoints/<key>/<node>.v8` (V8's structured-clone
 * format, which keeps typed arrays exactly), each written aside and renamed (`writeFileAtomic`).
 * A node's first save is written at once, later ones when `due`: a second after the last, or
 * longer when a save is slow (a stack of tens of MiB written after every run took ~30 ms a run,
 * a fifth of the 21 PKS 2155-304 runs' main thread).
 */
export function fileCheckpoints(outDir: string, key: string): Checkpoints {
  const dir = path.join(outDir, CHECKPOINT_DIR, key);
  const file = (node: string) => path.join(dir, `${encodeURIComponent(node)}.v8`);
  const nextSaveAt = new Map<string, number>();
  return {
    due(node) {
      return performance.now() >= (nextSaveAt.get(node) ?? 0);
    },
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
      const started = performance.now();
      mkdirSync(dir, { recursive: true });
      writeFileAtomic(file(node), serialize(value));
      const ended = performance.now();
      nextSaveAt.set(node, ended + Math.max(MIN_SAVE_INTERVAL_MS, (ended - started) / MAX_SAVE_SHARE));
    },
    clear() {
      try {
        rmSync(dir, { recursive: true, force: true });
        rmdirSync(path.dirname(dir)); // when no other run keeps checkpoints there
      } catch {}
    },
  };
}
