import { joinPath, type MapDataset } from "@gammaflow/core";
import { ExcessMapEstimator } from "@gammaflow/excess-map";
import {
  createContainer,
  isDatasetMessage,
  MemoryLogger,
  runContainer,
  runGraph,
  type DataAccess,
  type RunReport,
  type ValidatedGraph,
} from "@gammaflow/pipeline";
import type { FoundRun } from "./dropped-files.js";
import type { RunRow } from "./quick-look.js";

const NO_FILES = "the page reads and writes no files but the dropped runs";
const refuse = (): never => {
  throw new Error(NO_FILES);
};

/** The page's file access: none (the source node serves the dropped runs; writers are refused before a run). */
const pageData: DataAccess = {
  openDataStore: refuse,
  list: () => [],
  readMap: refuse,
  readText: refuse,
  writeMap: refuse,
  writeDataset: refuse,
  writeBytes: refuse,
  resolve: (path) => path,
  join: (...parts) => joinPath(...parts),
};

/** What a graph's run on the dropped runs gives the page. */
export interface GraphOutcome {
  report: RunReport;
  /** The dataset whose maps are shown: the first final one (a stack), else the last a node emitted. */
  dataset?: MapDataset;
  /** For its excess and significance: the graph's excess-map node's correlation radius (default 0.1°). */
  estimator: ExcessMapEstimator;
  /** What the nodes logged (a summary node's printout), as "level: message". */
  log: string[];
}

/** Run a validated graph (see validateForBrowser) with the pipeline's runner, in this thread. */
export async function runValidatedGraph(validated: ValidatedGraph): Promise<GraphOutcome> {
  const logger = new MemoryLogger();
  const container = runContainer(validated, createContainer({ data: pageData, logger }));
  const report = await runGraph(validated, container);
  const datasets = report.results.filter(isDatasetMessage);
  const dataset = (report.finals[0] ?? datasets.at(-1))?.dataset;
  const excess = validated.nodes.find((n) => n.plugin === "excess-map");
  const radius = (excess?.params.correlationRadius as number | undefined) ?? 0.1;
  const log = logger.lines.map((l) => `${l.level}: ${l.message}`);
  return { report, dataset, estimator: new ExcessMapEstimator({ correlationRadius: radius }), log };
}

/** The run table after a graph's run: each dropped run used, skipped with the node's cause, or not selected. */
export function graphRunRows(runs: readonly FoundRun[], report: RunReport): RunRow[] {
  const used = new Set(report.used);
  const seen = new Set<number>();
  return runs.map((run): RunRow => {
    const obs = run.observation;
    if (!obs) return { obsId: run.obsId ?? Number.NaN, file: run.file, used: false, cause: run.cause ?? "not a run" };
    const row: RunRow = { obsId: obs.obsId, file: run.file, used: false, object: obs.infoText("OBJECT") };
    if (seen.has(obs.obsId)) return { ...row, cause: `obs ${obs.obsId} was dropped already` };
    seen.add(obs.obsId);
    try {
      row.pointing = [obs.pointingRadec.lon, obs.pointingRadec.lat];
      row.livetime = obs.observationLiveTimeDuration;
      row.events = obs.events.length;
    } catch (error) {
      return { ...row, cause: (error as Error).message };
    }
    const skipped = report.skipped.find((s) => s.obsId === obs.obsId);
    if (used.has(obs.obsId)) return { ...row, used: true };
    return { ...row, cause: skipped ? `${skipped.node}: ${skipped.reason}` : "not selected by the graph's source" };
  });
}
