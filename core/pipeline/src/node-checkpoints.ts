import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import { writeFileAtomicAsync } from "@gammaflow/core/node";
import type { Checkpoints } from "./checkpoints.js";
import { collectGarbage } from "./collect-garbage.js";
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
 * A save at least this large is collected once written. V8 keeps such garbage long where
 * little else is allocated: with 2 workers the main thread only stacks, and the saves of the
 * 720×360×11 all-sky stack of the 105 H.E.S.S. DR1 runs (90 MiB each) piled up, the peak grew
 * from 398 MiB for 4 runs to 510 for 105 (1.28×); collected, 427–490 (1.08–1.23×). A full
 * collection there costs ~5–10 ms beside the ~100 ms of serialising and writing such a save.
 */
const COLLECTED_SAVE_BYTES = 32 * 2 ** 20;

/**
 * Two collections: the first leaves the bytes to an object of the write that only the next
 * frees (one alone kept all 40 MiB of a test's save).
 */
function collectSave(): void {
  collectGarbage();
  collectGarbage();
}

/**
 * Checkpoints as files `outDir/.gammaflow-checkpoints/<key>/<node>.v8` (V8's structured-clone
 * format, which keeps typed arrays exactly), each written aside and renamed (`writeFileAtomic`).
 * A node's first save is written at once, later ones when `due`: a second after the last, or
 * longer when a save is slow (a stack of tens of MiB written after every run took ~30 ms a run,
 * a fifth of the 21 PKS 2155-304 runs' main thread). A save is serialised on the calling thread
 * (the node goes on changing its value) and written on libuv's thread pool (MSH 15-52's 21 MiB
 * stack: 40–100 ms of writing each, off the main thread); `flush` and `clear` wait for it.
 * A large save is collected once written (COLLECTED_SAVE_BYTES).
 */
export function fileCheckpoints(outDir: string, key: string): Checkpoints {
  const dir = path.join(outDir, CHECKPOINT_DIR, key);
  const file = (node: string) => path.join(dir, `${encodeURIComponent(node)}.v8`);
  const nextSaveAt = new Map<string, number>();
  /** Each node's last save being written, with its bytes (what `load` returns meanwhile). */
  const writing = new Map<string, { done: Promise<void>; bytes: Buffer }>();
  let failure: Error | undefined;
  const written = () => Promise.all([...writing.values()].map((w) => w.done));
  /** Throw the failure of an earlier write, once. */
  const reportFailure = () => {
    const error = failure;
    failure = undefined;
    if (error) throw error;
  };
  return {
    due(node) {
      return !writing.has(node) && performance.now() >= (nextSaveAt.get(node) ?? 0);
    },
    load(node) {
      const pending = writing.get(node);
      if (pending) return deserialize(pending.bytes);
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
      reportFailure();
      const started = performance.now();
      mkdirSync(dir, { recursive: true });
      const bytes = serialize(value);
      const serializing = performance.now() - started;
      const previous = writing.get(node)?.done ?? Promise.resolve();
      const done: Promise<void> = previous
        .then(async () => {
          const writeStarted = performance.now();
          await writeFileAtomicAsync(file(node), bytes);
          const ended = performance.now();
          const cost = serializing + (ended - writeStarted);
          nextSaveAt.set(node, ended + Math.max(MIN_SAVE_INTERVAL_MS, cost / MAX_SAVE_SHARE));
        })
        .catch((error: unknown) => {
          failure = error instanceof Error ? error : new Error(String(error));
        })
        .finally(() => {
          if (writing.get(node)?.done === done) writing.delete(node);
          if (bytes.length >= COLLECTED_SAVE_BYTES) setImmediate(collectSave);
        });
      writing.set(node, { done, bytes });
    },
    async flush() {
      await written();
      reportFailure();
    },
    async clear() {
      await written();
      failure = undefined; // the values are forgotten: a failed write no longer matters
      try {
        rmSync(dir, { recursive: true, force: true });
        rmdirSync(path.dirname(dir)); // when no other run keeps checkpoints there
      } catch {}
    },
  };
}
