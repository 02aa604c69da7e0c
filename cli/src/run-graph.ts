import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  applyTracedOverrides,
  createContainer,
  GraphValidationError,
  InProcessPool,
  locateIssues,
  runContainer,
  runGraph,
  TYPES,
  validateGraph,
  type Graph,
  type Logger,
  type Progress,
  type RunReport,
  type ValidatedGraph,
} from "@gammaflow/pipeline";
import { fileCheckpoints, nodeDataAccess, runKey } from "@gammaflow/pipeline/node-files";
import { kernelPaths, setKernelPaths } from "@gammaflow/core";
import { atomicWritesSettled, gammapyDataDir, realPath, removeStaleTemporaries } from "@gammaflow/core/node";
import { parseJson } from "./json-syntax.js";
import { prerequisiteIssues } from "./prerequisites.js";
import { packageId, registryWith } from "./registry.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** $GAMMAPY_DATA when unset: the public data beside the repository (../shared/gammapy-data). */
export const GAMMAPY_DATA_DEFAULT = gammapyDataDir(REPO_ROOT);

export interface LoadedGraph {
  file: string;
  baseDir: string;
  validated: ValidatedGraph;
}

/**
 * Read a graph file, apply --set overrides and validate it against the built-in plugins and
 * the packages of `plugins` (the user's --plugin, relative to the working directory), then
 * check what its nodes need without reading data (`prerequisiteIssues`). The graph's own
 * `plugins` list is only checked against those: a graph never loads code. A problem names the
 * node and param, and the --set override when one put the value there.
 */
export async function loadGraph(
  file: string,
  options: { sets?: string[]; plugins?: string[] } = {},
): Promise<LoadedGraph> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, "utf8");
  } catch (e) {
    throw new Error(`${file}: cannot read the graph: ${(e as Error).message}`);
  }
  const raw = parseJson(text, file) as Graph;
  let traced: ReturnType<typeof applyTracedOverrides>;
  try {
    traced = applyTracedOverrides(raw, options.sets ?? []);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  const { graph, sources: overrides } = traced;
  const baseDir = path.dirname(absolute);
  const registry = await registryWith(options.plugins ?? []);
  const packageOf = (entry: string) => packageId(entry, baseDir);
  const validated = validateGraph(graph, registry, file, { packageOf, overrides });
  const missing = prerequisiteIssues(
    validated,
    nodeDataAccess(baseDir, { GAMMAPY_DATA: GAMMAPY_DATA_DEFAULT }).resolve,
  );
  if (missing.length) throw new GraphValidationError(locateIssues(graph, missing, overrides), file);
  return { file: absolute, baseDir, validated };
}

export interface RunOptions {
  sets?: string[];
  plugins?: string[];
  /**
   * Folders index paths may lead into beyond a store's own (--allow-root; relative to the working
   * directory): a graph's `root` param may only name one inside these.
   */
  allowRoots?: string[];
  /** Output folder (default ./out). */
  outDir?: string;
  /** Where the per-observation tasks run: in-process, pool (of `workers` threads), bullmq (on `redis`). */
  executor?: string;
  /** Worker threads for the map makers (0: in this thread; auto: see `autoWorkers`). */
  workers?: number | "auto";
  /** The BullMQ executor's Redis, redis://HOST:PORT. */
  redis?: string;
  logger?: Logger;
  progress?: Progress;
  /** Cancels the run at once (nothing more is written). */
  signal?: AbortSignal;
  /** Asks the run to finish early: no new runs, outputs written and named partial. */
  finish?: AbortSignal;
  /** Run the reference paths instead of the tuned kernels (see `setKernelPaths`). */
  referencePaths?: boolean;
}

/** Below this many runs per core a pool's start-up (a module load and cold caches per worker) does not pay. */
const RUNS_PER_CORE_FOR_A_POOL = 4;

/**
 * The worker pool `--workers auto` chooses: none (in this thread) on 2 cores or fewer, where
 * bench/workers-ceiling.mjs measured two whole processes no faster than one (one process already
 * keeps a second core busy with GC and compilation), or when the graph names few runs; else one
 * worker per core but one (the main thread stacks).
 */
export function autoWorkers(validated: ValidatedGraph, cores = availableParallelism()): number {
  if (cores <= 2) return 0;
  const named = validated.nodes
    .filter((n) => n.plugin === "datastore-source")
    .map((n) => (n.params as { obsIds?: number[] }).obsIds?.length);
  const few = named.length > 0 && named.every((n) => n !== undefined && n < RUNS_PER_CORE_FOR_A_POOL * cores);
  return few ? 0 : cores - 1;
}

export async function runGraphFile(file: string, options: RunOptions = {}): Promise<RunReport> {
  return runLoadedGraph(await loadGraph(file, options), options);
}

/**
 * Run a loaded graph. Temporaries of killed writes (`*.partial-<pid>`, their process gone) in
 * the output folder are removed first. The run keeps checkpoints in the output folder: the same
 * command after a crash resumes (see the stacker).
 */
export async function runLoadedGraph(loaded: LoadedGraph, options: RunOptions = {}): Promise<RunReport> {
  const { baseDir, validated } = loaded;
  const outDir = path.resolve(options.outDir ?? "out");
  // auto sizes a pool only where no other executor was asked for
  const auto = options.executor === undefined || options.executor === "pool" ? autoWorkers(validated) : 0;
  const size = options.workers === "auto" ? auto : (options.workers ?? 0);
  // the default needs none of the other executors' modules; each loads only its own
  const workers =
    options.executor === undefined && !size && options.redis === undefined
      ? new InProcessPool()
      : await (await import("@gammaflow/pipeline/executors")).createExecutor({ ...options, workers: size });
  const paths = setKernelPaths(options.referencePaths ? "reference" : kernelPaths());
  try {
    const services = createContainer({
      data: nodeDataAccess(baseDir, { GAMMAPY_DATA: GAMMAPY_DATA_DEFAULT }),
      logger: options.logger,
      progress: options.progress,
      workers,
    });
    const stale = removeStaleTemporaries(outDir);
    if (stale.length)
      services
        .get<Logger>(TYPES.Logger)
        .info(`removed ${stale.length} temporaries of killed writes: ${stale.join(", ")}`);
    const run = runContainer(validated, services, {
      outDir,
      allowedRoots: (options.allowRoots ?? []).map((dir) => realPath(dir)),
      signal: options.signal,
      finish: options.finish,
      checkpoints: fileCheckpoints(outDir, runKey(validated, kernelPaths())),
      concurrency: Math.max(1, 2 * workers.size),
    });
    return await runGraph(validated, run);
  } finally {
    // a cancelled run reports at once; its writes under way end (put in place or removed) first
    await atomicWritesSettled();
    await workers.close();
    setKernelPaths(paths);
  }
}
