import { datasetToHdus, writeFitsBytes, type MapDataset, type Observation } from "@gammaflow/core";
import type { ValidatedGraph } from "@gammaflow/pipeline";
import { browserRegistry, validateForBrowser } from "./browser-plugins.js";
import { DroppedFiles, type DroppedFile, type FoundRun } from "./dropped-files.js";
import { energyRangeText, figures, type Figure } from "./figures.js";
import { graphRunRows, runValidatedGraph, type GraphOutcome } from "./graph-run.js";
import { QuickLook, stackImages, type QuickLookSettings, type QuickLookTotals, type RunRow } from "./quick-look.js";

/** What the page shows after each run: the run table, the totals and the figures. */
export interface Update {
  settings: QuickLookSettings;
  runs: RunRow[];
  /** Runs listed by dropped index files whose files have not been dropped yet. */
  waiting: RunRow[];
  totals?: QuickLookTotals;
  figures: Figure[];
  /** The graph run instead of the built-in chain (where it came from), and what its nodes logged. */
  graph?: string;
  log?: string[];
  /** The name of the file to download (see Session.fits), when there is one. */
  download?: string;
}

/** Geometry and chain of graphs/quick-look.json, centred on the runs' mean pointing unless set. */
export function defaultSettings(center: [number, number]): QuickLookSettings {
  return {
    geom: {
      skydir: center,
      width: "5 deg",
      binsz: "0.02 deg",
      axes: [{ name: "energy", lo: "1 TeV", hi: "10 TeV", nbin: 11, interp: "log" }],
    },
    cutoutWidth: 6,
    offsetMax: 3,
    correlationRadius: 0.1,
  };
}

/**
 * The quick-look's state in the worker: the dropped files, the runs found in them (kept, so
 * that a new geometry reduces them again) and the stack. Runs are stacked as they arrive.
 */
export class Session {
  private readonly dropped = new DroppedFiles();
  private readonly handled: FoundRun[] = [];
  private waiting: FoundRun[] = [];
  private quickLook?: QuickLook;
  /** A loaded graph, run by the pipeline's runner on every dropped run instead of the built-in chain. */
  private graph?: { validated: ValidatedGraph; source: string; outcome?: GraphOutcome };
  private readonly registry = browserRegistry(() => this.observations());

  constructor(private settings?: QuickLookSettings) {}

  /** Add dropped files; `onUpdate` sees the stack after each new run (the last call: all of them). */
  async add(files: readonly DroppedFile[], onUpdate: (update: Update) => void): Promise<void> {
    this.dropped.add(files);
    const found = await this.dropped.runs();
    const seen = new Set(this.handled.map((r) => r.key));
    const fresh = found.filter((r) => !seen.has(r.key) && !r.waiting);
    this.waiting = found.filter((r) => r.waiting);
    if (!this.settings) this.settings = defaultSettings(meanPointing(fresh.flatMap((r) => r.observation ?? [])));
    if (this.graph) {
      this.handled.push(...fresh);
      return this.runGraph(onUpdate);
    }
    this.quickLook ??= new QuickLook(this.settings);
    if (!fresh.length) onUpdate(this.update());
    for (const run of fresh) {
      this.handled.push(run);
      this.reduce(run);
      onUpdate(this.update());
    }
  }

  /** Reduce every run again on new settings (a new target or geometry). */
  reset(settings: QuickLookSettings, onUpdate: (update: Update) => void): void {
    this.settings = settings;
    this.graph = undefined;
    this.quickLook = new QuickLook(settings);
    for (const run of this.handled) this.reduce(run);
    onUpdate(this.update());
  }

  /**
   * The file to download, uncompressed (a name ending in .gz is for gzipped bytes): the stacked
   * dataset as gammapy's MapDataset.read reads it; after a graph's run, the first FITS file its
   * writers wrote (named as the graph names it), else the dataset shown.
   */
  fits(): { name: string; bytes: Uint8Array } {
    const file = this.download();
    if (!file) throw new Error("no runs dropped yet: nothing is stacked");
    return { name: file.name, bytes: file.bytes() };
  }

  private download(): { name: string; bytes: () => Uint8Array } | undefined {
    const fitsOf = (dataset: MapDataset) => () => writeFitsBytes(datasetToHdus(dataset));
    if (!this.graph) return this.quickLook && { name: "stacked.fits.gz", bytes: fitsOf(this.quickLook.stacked) };
    const outcome = this.graph.outcome;
    const written = outcome?.report.outputs.find((o) => /\.fits(\.gz)?$/.test(o.path));
    if (written) return outcome!.files.file(written.path);
    return outcome?.dataset && { name: `${outcome.dataset.name}.fits.gz`, bytes: fitsOf(outcome.dataset) };
  }

  /**
   * Run a graph (its JSON, from `source`) instead of the built-in chain, now on the runs dropped
   * so far and again after each drop; refused (a GraphValidationError) as the CLI refuses it, or
   * naming the node whose plugin needs Node. Undefined goes back to the built-in chain.
   */
  async loadGraph(input: unknown, source: string, onUpdate: (update: Update) => void): Promise<void> {
    if (input === undefined) {
      this.graph = undefined;
      return this.reset(this.settings ?? defaultSettings([0, 0]), onUpdate);
    }
    this.graph = { validated: validateForBrowser(input, this.registry, source), source };
    if (this.handled.length || !this.graph.validated.nodes.some((n) => n.plugin === "datastore-source"))
      return this.runGraph(onUpdate);
    onUpdate({ settings: this.settings ?? defaultSettings([0, 0]), runs: [], waiting: [], figures: [], graph: source });
  }

  /** Every run dropped, once per obs id: the data store of a graph's source. */
  private observations(): Observation[] {
    const seen = new Set<number>();
    return this.handled.flatMap((r) => (r.observation && !seen.has(r.observation.obsId) ? [r.observation] : []));
  }

  private async runGraph(onUpdate: (update: Update) => void): Promise<void> {
    const graph = this.graph!;
    const outcome = await runValidatedGraph(graph.validated);
    graph.outcome = outcome;
    onUpdate(this.graphUpdate(graph.source, outcome));
  }

  private graphUpdate(source: string, outcome: GraphOutcome): Update {
    const runs = graphRunRows(this.handled, outcome.report);
    const waiting = this.waitingRows();
    const download = this.download()?.name;
    const settings = this.settings ?? defaultSettings([0, 0]);
    const base = { settings, runs, waiting, graph: source, log: outcome.log, download };
    const { dataset } = outcome;
    if (!dataset) return { ...base, figures: [] };
    try {
      const { maps, totals } = stackImages(dataset, outcome.estimator);
      const used = outcome.report.used;
      const shown = { runs: runs.filter((r) => r.used).length, ...totals };
      return { ...base, totals: shown, figures: figures(maps, shown, energyRangeText(dataset), used) };
    } catch (error) {
      return {
        ...base,
        figures: [],
        log: [...outcome.log, `no maps of '${dataset.name}': ${(error as Error).message}`],
      };
    }
  }

  private reduce(run: FoundRun): void {
    const quickLook = this.quickLook!;
    if (!run.observation) quickLook.skip(run.file, run.cause ?? "not a run", run.obsId);
    else if (quickLook.has(run.observation.obsId))
      quickLook.skip(run.file, `obs ${run.observation.obsId} is stacked already`, run.observation.obsId);
    else quickLook.add(run.observation, run.file);
  }

  private update(): Update {
    const quickLook = this.quickLook!;
    const waiting = this.waitingRows();
    const base = { settings: quickLook.settings, runs: [...quickLook.runs], waiting };
    const used = quickLook.runs.filter((r) => r.used).map((r) => r.obsId);
    if (!used.length) return { ...base, figures: [] };
    const { maps, totals } = quickLook.images();
    const shown = figures(maps, totals, energyRangeText(quickLook.stacked), used);
    return { ...base, totals, figures: shown, download: this.download()?.name };
  }

  private waitingRows(): RunRow[] {
    return this.waiting.map((r) => ({ obsId: r.obsId ?? Number.NaN, file: r.file, used: false, cause: r.cause }));
  }
}

/** The mean pointing of the runs (a unit-vector mean, rounded to 0.01°); (0, 0) without runs. */
function meanPointing(observations: readonly Observation[]): [number, number] {
  let [x, y, z] = [0, 0, 0];
  for (const obs of observations) {
    try {
      const { lon, lat } = obs.pointingRadec;
      const [l, b] = [(lon * Math.PI) / 180, (lat * Math.PI) / 180];
      x += Math.cos(b) * Math.cos(l);
      y += Math.cos(b) * Math.sin(l);
      z += Math.sin(b);
    } catch {
      // a run without a valid pointing is skipped when it is reduced, with the cause
    }
  }
  if (x === 0 && y === 0 && z === 0) return [0, 0];
  const lon = ((((Math.atan2(y, x) * 180) / Math.PI) % 360) + 360) % 360;
  const lat = (Math.atan2(z, Math.hypot(x, y)) * 180) / Math.PI;
  return [Math.round(lon * 100) / 100, Math.round(lat * 100) / 100];
}
