// Helpers for tests that run the command line in child processes and interrupt them.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readDataset } from "@gammaflow/core/node";
import { CHECKPOINT_DIR } from "@gammaflow/pipeline/node";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const CLI = path.join(REPO, "cli", "dist", "src", "gammaflow.js");
export const MAIN_JOB = path.join(REPO, "cli", "dist", "src", "main-job.js");
/** The build's bundle of the command (scripts/bundle-cli.mjs), as `npx gammaflow` runs it. */
export const BUNDLED_CLI = path.join(REPO, "cli", "dist", "bundle", "gammaflow.js");
export const STORE = path.join(REPO, "data", "hess-dl3-dr1");

export const temp = (label: string) => mkdtempSync(path.join(tmpdir(), `gammaflow-${label}-`));

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  /** Output so far. */
  readonly stdout: string;
  readonly stderr: string;
  done: Promise<Finished>;
}

/** Start `node script args…` in the repository. */
export function start(args: string[], script = CLI): Running {
  const child = spawn(process.execPath, [script, ...args], { cwd: REPO });
  const out = { stdout: "", stderr: "" };
  child.stdout!.on("data", (d: Buffer) => {
    out.stdout += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    out.stderr += d.toString();
  });
  const done = new Promise<Finished>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, ...out }));
  });
  return {
    child,
    get stdout() {
      return out.stdout;
    },
    get stderr() {
      return out.stderr;
    },
    done,
  };
}

/** Resolve once `condition()` holds, checking every 5 ms; fail after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Start `args`, send `signal` after each delay in turn (a new process each time) until one
 * reaches a handler of ours, and return that run. Before Node has run the entry module (tens
 * of ms; a few hundred on a loaded machine) no handler can exist and the process dies of the
 * signal: the next, later delay is tried.
 */
export async function signalEarly(
  args: string[],
  signal: NodeJS.Signals,
  delays: number[],
  script = CLI,
): Promise<Finished & { delay: number; killed: number[] }> {
  const killed: number[] = [];
  for (const delay of delays) {
    const run = start(args, script);
    await new Promise((r) => setTimeout(r, delay));
    run.child.kill(signal);
    const r = await run.done;
    if (r.signal === null) return { ...r, delay, killed };
    killed.push(delay);
  }
  throw new Error(`every process died of ${signal} (after ${killed.join(", ")} ms): no handler was installed`);
}

/**
 * Every file under `dir` (relative paths, sorted); [] when it does not exist. A run's checkpoints
 * (kept for a resume, in `CHECKPOINT_DIR`) are not outputs: listed only with `checkpoints`.
 */
export function filesIn(dir: string, options: { checkpoints?: boolean } = {}): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .filter((f) => options.checkpoints || !f.startsWith(`${CHECKPOINT_DIR}${path.sep}`))
    .sort();
}

/**
 * What a run may leave in `out`, whenever it was interrupted: no temporary, no file named
 * as complete when it was written after the finish request, every dataset readable.
 */
export function assertNothingHalfWritten(out: string, options: { partialOnly: boolean }): void {
  for (const file of filesIn(out, { checkpoints: true }))
    assert.doesNotMatch(file, /\.partial-\d+$/, `temporary ${file} left`);
  for (const file of filesIn(out)) {
    assert.doesNotMatch(file, /\.partial-\d+$/, `temporary ${file} left`);
    if (options.partialOnly) assert.match(file, /\.partial\.(fits\.gz|png)$/, `${file} is named as complete`);
    if (file.endsWith(".fits.gz")) assert.ok(readDataset(path.join(out, file)).counts, `${file} reads`);
  }
}
