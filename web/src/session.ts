import { datasetToHdus, writeFitsBytes, type Observation } from "@gammaflow/core";
import { DroppedFiles, type DroppedFile, type FoundRun } from "./dropped-files.js";
import { energyRangeText, figures, type Figure } from "./figures.js";
import { QuickLook, type QuickLookSettings, type QuickLookTotals, type RunRow } from "./quick-look.js";

/** What the page shows after each run: the run table, the totals and the figures. */
export interface Update {
  settings: QuickLookSettings;
  runs: RunRow[];
  /** Runs listed by dropped index files whose files have not been dropped yet. */
  waiting: RunRow[];
  totals?: QuickLookTotals;
  figures: Figure[];
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

  constructor(private settings?: QuickLookSettings) {}

  /** Add dropped files; `onUpdate` sees the stack after each new run (the last call: all of them). */
  async add(files: readonly DroppedFile[], onUpdate: (update: Update) => void): Promise<void> {
    this.dropped.add(files);
    const found = await this.dropped.runs();
    const seen = new Set(this.handled.map((r) => r.key));
    const fresh = found.filter((r) => !seen.has(r.key) && !r.waiting);
    this.waiting = found.filter((r) => r.waiting);
    if (!this.settings) this.settings = defaultSettings(meanPointing(fresh.flatMap((r) => r.observation ?? [])));
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
    this.quickLook = new QuickLook(settings);
    for (const run of this.handled) this.reduce(run);
    onUpdate(this.update());
  }

  /** The stacked dataset as gammapy's MapDataset.read reads it (uncompressed FITS). */
  fits(): Uint8Array {
    if (!this.quickLook) throw new Error("no runs dropped yet: nothing is stacked");
    return writeFitsBytes(datasetToHdus(this.quickLook.stacked));
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
    const waiting = this.waiting.map((r) => ({
      obsId: r.obsId ?? Number.NaN,
      file: r.file,
      used: false,
      cause: r.cause,
    }));
    const base = { settings: quickLook.settings, runs: [...quickLook.runs], waiting };
    const used = quickLook.runs.filter((r) => r.used).map((r) => r.obsId);
    if (!used.length) return { ...base, figures: [] };
    const { maps, totals } = quickLook.images();
    return { ...base, totals, figures: figures(maps, totals, energyRangeText(quickLook.stacked), used) };
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
