import { MapDataset, type Observation, type WcsNDMap } from "@gammaflow/core";
import { ExcessMapEstimator, excessImages, mapMaximum } from "@gammaflow/excess-map";
import { MapDatasetMaker } from "@gammaflow/map-dataset-maker";
import { geomFromSpec, type GeomSpec } from "@gammaflow/pipeline";
import { SafeMaskMaker } from "@gammaflow/safe-mask";

/** What the page asks for: graphs/quick-look.json's chain, its params as numbers (deg). */
export interface QuickLookSettings {
  /** The target geometry, as a graph's inputs.geom. */
  geom: GeomSpec;
  /** Width of the cutout around each run's pointing (the cutout node's). */
  cutoutWidth: number;
  /** The safe mask's offset-max (with aeff-default, as the graph's). */
  offsetMax: number;
  /** The excess-map node's correlation radius. */
  correlationRadius: number;
}

/** One row of the run table: a run stacked, or skipped with its cause. */
export interface RunRow {
  obsId: number;
  file: string;
  used: boolean;
  cause?: string;
  object?: string;
  pointing?: [number, number];
  livetime?: number;
  events?: number;
  /** Time to reduce and stack it (ms). */
  ms?: number;
}

/** The images of the stack, summed over energy inside the safe mask. */
export interface QuickLookMaps {
  counts: WcsNDMap;
  exposure: WcsNDMap;
  background: WcsNDMap;
  excess: WcsNDMap;
  significance: WcsNDMap;
}

export interface QuickLookTotals {
  runs: number;
  counts: number;
  background: number;
  excess: number;
  peakSignificance: number;
  peakAt: [number, number];
}

/**
 * gammapy's stacked reduction, run by run as they arrive (graphs/quick-look.json): each run cut
 * to `cutoutWidth` around its pointing, reduced by MapDatasetMaker, masked by SafeMaskMaker
 * (aeff-default, offset-max) and stacked; excess and significance from ExcessMapEstimator.
 */
export class QuickLook {
  readonly stacked: MapDataset;
  readonly runs: RunRow[] = [];
  private readonly maker = new MapDatasetMaker();
  private readonly safeMask: SafeMaskMaker;
  private readonly estimator: ExcessMapEstimator;

  constructor(readonly settings: QuickLookSettings) {
    this.stacked = MapDataset.create(geomFromSpec(settings.geom), { name: "stacked" });
    this.safeMask = new SafeMaskMaker({ methods: ["aeff-default", "offset-max"], offsetMax: settings.offsetMax });
    this.estimator = new ExcessMapEstimator({ correlationRadius: settings.correlationRadius });
  }

  /** Whether a run of this id was stacked already (a run dropped twice counts once). */
  has(obsId: number): boolean {
    return this.runs.some((r) => r.used && r.obsId === obsId);
  }

  /** Reduce and stack one run; a run that fails is listed as skipped with the cause, not thrown. */
  add(observation: Observation, file: string): RunRow {
    const start = performance.now();
    const row: RunRow = { obsId: observation.obsId, file, used: false };
    try {
      const pointing = observation.pointingRadec;
      row.pointing = [pointing.lon, pointing.lat];
      row.object = observation.infoText("OBJECT");
      const cutout = this.stacked.cutout(pointing, this.settings.cutoutWidth, "trim", `obs-${observation.obsId}`);
      const dataset = this.safeMask.run(this.maker.run(cutout, observation), observation);
      row.livetime = observation.observationLiveTimeDuration;
      row.events = observation.events.length;
      this.stacked.stack(dataset);
      row.used = true;
    } catch (error) {
      row.cause = (error as Error).message;
    }
    row.ms = performance.now() - start;
    this.runs.push(row);
    return row;
  }

  /** Skip a file that is no run (or cannot be read), with the cause. */
  skip(file: string, cause: string, obsId = Number.NaN): RunRow {
    const row: RunRow = { obsId, file, used: false, cause };
    this.runs.push(row);
    return row;
  }

  /** The stack's images and the numbers the page shows beside them (see `stackImages`). */
  images(): { maps: QuickLookMaps; totals: QuickLookTotals } {
    const { maps, totals } = stackImages(this.stacked, this.estimator);
    return { maps, totals: { runs: this.runs.filter((r) => r.used).length, ...totals } };
  }
}

/**
 * A stacked dataset's images summed over energy inside its safe mask (see `excessImages`;
 * exposure over true energy, as the png-preview node draws it) and the sums inside the mask, with
 * the significance peak. The page shows them, and so does the run report (`gammaflow run --report`).
 */
export function stackImages(
  dataset: MapDataset,
  estimator: ExcessMapEstimator,
): { maps: QuickLookMaps; totals: Omit<QuickLookTotals, "runs"> } {
  const { image, background, excess, significance } = excessImages(dataset, estimator);
  const exposure = image.exposure?.sumOverAxes() ?? image.counts.copy();
  const maps = { counts: image.counts, exposure, background, excess, significance };
  const mask = image.mask;
  const sum = (map: WcsNDMap) => {
    let total = 0;
    for (let i = 0; i < map.data.length; i++) if (!mask || mask[i]) total += map.data[i];
    return total;
  };
  const peak = mapMaximum(significance);
  const [counts, predicted] = [sum(image.counts), sum(background)];
  const totals = {
    counts,
    background: predicted,
    // in float64: the excess map is float32, as gammapy's
    excess: counts - predicted,
    peakSignificance: peak.value,
    peakAt: [peak.lon, peak.lat] as [number, number],
  };
  return { maps, totals };
}
