import { datasetToHdus, joinPath, mapToHdus, writeFitsBytes, type MapDataset, type WcsNDMap } from "@gammaflow/core";
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

/**
 * The page's file access: no folder to read (the source node serves the dropped runs), and what
 * the graph's writers write is kept here, by path, for the page to offer as downloads.
 */
export class PageFiles implements DataAccess {
  /** Files written, by path: a dataset (its FITS made when downloaded) or the bytes of a map or file. */
  readonly written = new Map<string, MapDataset | Uint8Array>();

  openDataStore(): never {
    return refuse("a data store");
  }
  list(): string[] {
    return [];
  }
  readMap(path: string): never {
    return refuse(path);
  }
  readText(path: string): never {
    return refuse(path);
  }
  writeMap(map: WcsNDMap, path: string): void {
    this.written.set(path, writeFitsBytes(mapToHdus(map)));
  }
  writeDataset(dataset: MapDataset, path: string): void {
    this.written.set(path, dataset);
  }
  writeBytes(path: string, bytes: Uint8Array): void {
    this.written.set(path, bytes.slice());
  }
  resolve(path: string): string {
    return path;
  }
  join(...parts: string[]): string {
    return joinPath(...parts);
  }

  /** A written file's name (the last part of its path) and its uncompressed bytes (a .gz name: gzip them). */
  file(path: string): { name: string; bytes: () => Uint8Array } {
    const content = this.written.get(path);
    if (content === undefined) throw new Error(`the graph wrote no file ${path}`);
    const bytes = () => (content instanceof Uint8Array ? content : writeFitsBytes(datasetToHdus(content)));
    return { name: path.split("/").at(-1) ?? path, bytes };
  }
}

const refuse = (what: string): never => {
  throw new Error(`the page reads no file but the dropped runs: not ${what}`);
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
  /** What the graph's writers wrote. */
  files: PageFiles;
}

/** Run a validated graph (see validateForBrowser) with the pipeline's runner, in this thread. */
export async function runValidatedGraph(validated: ValidatedGraph): Promise<GraphOutcome> {
  const logger = new MemoryLogger();
  const files = new PageFiles();
  const container = runContainer(validated, createContainer({ data: files, logger }));
  const report = await runGraph(validated, container);
  const datasets = report.results.filter(isDatasetMessage);
  const dataset = (report.finals[0] ?? datasets.at(-1))?.dataset;
  const excess = validated.nodes.find((n) => n.plugin === "excess-map");
  const radius = (excess?.params.correlationRadius as number | undefined) ?? 0.1;
  const log = logger.lines.map((l) => `${l.level}: ${l.message}`);
  return { report, dataset, estimator: new ExcessMapEstimator({ correlationRadius: radius }), log, files };
}

/**
 * The run table after a graph's run: each dropped run used, skipped with the node's cause, or not
 * selected; then the runs the graph asked for that were not dropped (its source's error records).
 */
export function graphRunRows(runs: readonly FoundRun[], report: RunReport): RunRow[] {
  const used = new Set(report.used);
  const seen = new Set<number>();
  const rows = runs.map((run): RunRow => {
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
  const missing = report.skipped.filter((s) => s.obsId !== undefined && !seen.has(s.obsId));
  const missingRows = missing.map((s) => ({ obsId: s.obsId!, file: "", used: false, cause: `${s.node}: ${s.reason}` }));
  return [...rows, ...missingRows];
}
