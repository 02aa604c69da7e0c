import type { DroppedFile } from "./dropped-files.js";
import type { QuickLookSettings } from "./quick-look.js";
import type { Update } from "./session.js";

/** Messages from the page to its worker. */
export type ToWorker =
  | { type: "add"; files: DroppedFile[] }
  | { type: "settings"; settings: QuickLookSettings }
  /** A graph's JSON (undefined: back to the built-in chain) and where it came from, for messages. */
  | { type: "graph"; graph: unknown; source: string }
  | { type: "download" };

/**
 * Messages from the worker: an update after each run, "done" once a message is handled (time
 * since it arrived), the stacked dataset's file, or an error.
 */
export type FromWorker =
  | { type: "update"; update: Update }
  | { type: "done"; elapsedMs: number }
  | { type: "fits"; name: string; bytes: Uint8Array }
  | { type: "error"; message: string };
