import { EDispMap, MapDataset, PSFMap, WcsNDMap, type Observation, type WcsGeom } from "@gammaflow/core";
import { makeMapBackgroundIrf } from "./background.js";
import { makeMapExposureTrueEnergy } from "./exposure.js";
import { makeEdispMap, makePsfMap } from "./irf-maps.js";

export type MapSelection = "counts" | "exposure" | "background" | "psf" | "edisp";
export const MAP_SELECTION_ALL: readonly MapSelection[] = ["counts", "exposure", "background", "psf", "edisp"];

export interface MapDatasetMakerOptions {
  /** Energy oversampling of the background evaluation. */
  backgroundOversampling?: number;
  /** Which maps to make (default all). */
  selection?: readonly MapSelection[];
}

/**
 * Reduce one observation onto a reference dataset's geometries (gammapy's MapDatasetMaker):
 * counts, exposure, background, PSF map and EDisp map. Usable without any stream machinery.
 */
export class MapDatasetMaker {
  readonly backgroundOversampling?: number;
  readonly selection: readonly MapSelection[];

  constructor(options: MapDatasetMakerOptions = {}) {
    this.backgroundOversampling = options.backgroundOversampling;
    this.selection = options.selection ?? MAP_SELECTION_ALL;
    const unknown = this.selection.filter((s) => !MAP_SELECTION_ALL.includes(s));
    if (unknown.length) throw new Error(`MapDatasetMaker: unknown selection ${unknown.join(", ")} (choose from ${MAP_SELECTION_ALL.join(", ")})`);
  }

  makeCounts(geom: WcsGeom, observation: Observation): WcsNDMap {
    const events = observation.events;
    const counts = WcsNDMap.fromGeom(geom);
    const columns: Record<string, Float64Array> = {};
    for (const axis of geom.axes) columns[axis.name] = events.column(axis.name);
    counts.fillEvents({ lon: events.ra, lat: events.dec, columns });
    return counts;
  }

  makeExposure(geom: WcsGeom, observation: Observation): WcsNDMap {
    this.fullEnclosure(observation, "aeff");
    return makeMapExposureTrueEnergy(observation.pointingRadec, observation.observationLiveTimeDuration, observation.aeff, geom);
  }

  makeBackground(geom: WcsGeom, observation: Observation): WcsNDMap {
    return makeMapBackgroundIrf(observation.pointingRadec, observation.observationTimeDuration, observation.bkg, geom, {
      oversampling: this.backgroundOversampling,
    });
  }

  makePsf(geom: WcsGeom, observation: Observation): PSFMap {
    const exposure = this.makeExposure(geom.squash("rad"), observation);
    return new PSFMap(makePsfMap(observation.psf, observation.pointingRadec, geom), exposure);
  }

  makeEdisp(geom: WcsGeom, observation: Observation): EDispMap {
    this.fullEnclosure(observation, "edisp");
    const exposure = this.makeExposure(geom.squash("migra"), observation);
    return new EDispMap(makeEdispMap(observation.edisp, observation.pointingRadec, geom), exposure);
  }

  /** A new dataset with the selected maps of `observation` on `dataset`'s geometries. */
  run(dataset: MapDataset, observation: Observation): MapDataset {
    const geom = dataset.counts.geom;
    const has = (s: MapSelection) => this.selection.includes(s);
    const mask = WcsNDMap.fromGeom(geom, { dtype: "bool" });
    mask.data.fill(1);
    const need = <T>(value: T | undefined, what: string): T => {
      if (value === undefined) throw new Error(`MapDatasetMaker: the reference dataset '${dataset.name}' has no ${what} geometry`);
      return value;
    };
    return new MapDataset(
      dataset.name,
      has("counts") ? this.makeCounts(geom, observation) : WcsNDMap.fromGeom(geom),
      has("exposure") ? this.makeExposure(need(dataset.exposure, "exposure").geom, observation) : undefined,
      has("background") ? this.makeBackground(geom, observation) : undefined,
      has("psf") ? this.makePsf(need(dataset.psf, "PSF").psfMap.geom, observation) : undefined,
      has("edisp") ? this.makeEdisp(need(dataset.edisp, "EDisp").edispMap.geom, observation) : undefined,
      mask,
      undefined,
      observation.gti,
      { obsId: observation.obsId },
    );
  }

  private fullEnclosure(observation: Observation, irf: "aeff" | "edisp"): void {
    observation[irf].requireFullEnclosure(`observation ${observation.obsId}`);
  }
}
