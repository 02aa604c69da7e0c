import { type SkyCoord, skyOffset, transformFrame } from "../coords/index.js";
import type { GTI } from "../data/index.js";
import { timeRefMjd } from "../data/gti.js";
import { MapCoord, type WcsGeom, type WcsNDMap } from "../maps/index.js";
import { ConstantTemporalModel } from "../modeling/temporal.js";
import { getRandomState, type RandomState, type RandomStateInit } from "../random/index.js";
import { convert } from "../units/index.js";
import { EDispKernelMap } from "./edisp-kernel-map.js";
import { EDispMap } from "./edisp-map.js";
import type { MapDataset } from "./map-dataset.js";
import type { MapEvaluator } from "./map-evaluator.js";
import type { PSFMap } from "./psf-map.js";

/** Sampled events by column (GADF names; angles deg, energies TeV, TIME s after the GTI reference). */
export type SampledColumns = Record<string, Float64Array>;

/** Events and the models they were drawn from (MC_ID → name; 0 is the background). */
export interface SampledEvents {
  columns: SampledColumns;
  models: Array<{ id: number; name: string }>;
}

const DAY = 86400;

/**
 * Events drawn from a map dataset (gammapy 1.0's `MapDatasetEventSampler`), with numpy's random
 * numbers in gammapy's order, so that with the same seed the numbers of events per model equal
 * gammapy's: per sky model a Poisson number of events with true positions and energies from its
 * npred (flux × exposure, before PSF and EDisp) and times uniform in the GTI, then PSF and EDisp
 * sampling; background events from the background map (MC_ID 0). The PSF and EDisp pdfs are built
 * for 20000 events at a time (gammapy builds them for all events × bins at once). Datasets with
 * an EDispKernelMap (gammapy's default, which its sampler cannot use) draw the reconstructed
 * energy bin from the kernel.
 */
export class MapDatasetEventSampler {
  readonly randomState: RandomState;

  constructor(options: { randomState?: RandomStateInit } = {}) {
    this.randomState = getRandomState(options.randomState ?? "random-seed");
  }

  /** Source events, model after model (MC_ID 1, 2, …): ENERGY_TRUE, RA_TRUE, DEC_TRUE, TIME, MC_ID. */
  sampleSources(dataset: MapDataset): SampledEvents {
    dataset.updateEvaluators();
    const parts: SampledColumns[] = [];
    const models: SampledEvents["models"] = [];
    [...dataset.evaluators.values()].forEach((evaluator, idx) => {
      models.push({ id: idx + 1, name: evaluator.model.name });
      if (!evaluator.contributes) return;
      const table = this.sampleCoordTime(trueEnergyNpred(evaluator), dataset.gti).columns;
      table.MC_ID = new Float64Array(table.TIME.length).fill(idx + 1);
      parts.push(table);
    });
    return { columns: concat(parts, ["ENERGY_TRUE", "RA_TRUE", "DEC_TRUE", "TIME", "MC_ID"]), models };
  }

  /** Background events (MC_ID 0) from the dataset's predicted background, reconstructed = true values. */
  sampleBackground(dataset: MapDataset): SampledEvents {
    return this.sampleBackgroundPix(dataset).events;
  }

  /** `sampleBackground`, with the sampled pixel coordinates on the background map's geometry. */
  private sampleBackgroundPix(dataset: MapDataset): { events: SampledEvents; pix: Float64Array[]; geom: WcsGeom } {
    const background = dataset.npredBackground();
    if (!background) throw new Error(`dataset '${dataset.name}': no background to sample`);
    const { columns: table, pix } = this.sampleCoordTime(background, dataset.gti);
    table.MC_ID = new Float64Array(table.TIME.length);
    table.ENERGY = table.ENERGY_TRUE;
    table.RA = table.RA_TRUE;
    table.DEC = table.DEC_TRUE;
    const events = { columns: table, models: [{ id: 0, name: `${dataset.name}-bkg` }] };
    return { events, pix, geom: background.geom };
  }

  /** RA, DEC: the true positions moved by a PSF draw (gammapy's `PSFMap.sample_coord`). */
  samplePsf(psf: PSFMap, columns: SampledColumns): void {
    const moved = psf.sampleCoord(trueCoord(columns, psf.psfMap.geom.axisByName("energy_true").unit), this.randomState);
    columns.RA = moved.lon;
    columns.DEC = moved.lat;
  }

  /**
   * ENERGY: the true energy × a migration drawn from an EDisp map (gammapy's `EDispMap.sample_coord`),
   * or an energy drawn from the reconstructed-energy bins of a kernel map.
   */
  sampleEdisp(edisp: EDispMap | EDispKernelMap, columns: SampledColumns): void {
    const geom = edisp.edispMap.geom;
    const trueUnit = geom.axisByName("energy_true").unit;
    const energy = edisp.sampleCoord(trueCoord(columns, trueUnit), this.randomState).axis("energy")!;
    const unit = edisp instanceof EDispMap ? trueUnit : geom.axisByName("energy").unit;
    columns.ENERGY = unit === "TeV" ? energy : energy.map((e) => convert(e, unit, "TeV"));
  }

  /**
   * gammapy 1.0's `run`: sources with PSF and EDisp, then background; DETX/DETY (offsets from the
   * pointing in its RA/Dec frame), EVENT_ID; only events inside the dataset's geometry are kept.
   * With gammapy's seed the events equal gammapy's, column by column (within an ulp).
   */
  run(dataset: MapDataset, pointing: SkyCoord): SampledEvents {
    const sources = this.sampleSources(dataset);
    const src = sources.columns;
    if (src.TIME.length) {
      if (dataset.psf) this.samplePsf(dataset.psf, src);
      else [src.RA, src.DEC] = [src.RA_TRUE, src.DEC_TRUE];
      const edisp = dataset.edisp;
      if (edisp instanceof EDispMap || edisp instanceof EDispKernelMap) this.sampleEdisp(edisp, src);
      else src.ENERGY = src.ENERGY_TRUE;
    } else [src.RA, src.DEC, src.ENERGY] = [src.RA_TRUE, src.DEC_TRUE, src.ENERGY_TRUE];
    const sampled = dataset.background ? this.sampleBackgroundPix(dataset) : undefined;
    const background = sampled?.events;
    const parts = background ? [background.columns, src] : [src];
    const p = pointing.transformTo("icrs");
    const geom = dataset.counts.geom;
    const inside = parts.map((part, k) => {
      const fov = skyOffset(part.RA, part.DEC, p.lon, p.lat);
      part.DETX = fov.lon;
      part.DETY = fov.lat;
      const pix = k === 0 && sampled?.geom.equals(geom) ? sampled.pix : undefined;
      return containedEvents(geom, part, pix);
    });
    return { columns: selectFromParts(parts, inside), models: [...(background?.models ?? []), ...sources.models] };
  }

  /** gammapy's `_sample_coord_time`: a Poisson number of events, positions and energies from the map, GTI times. */
  private sampleCoordTime(npred: WcsNDMap, gti: GTI): { columns: SampledColumns; pix: Float64Array[] } {
    let total = 0;
    for (const v of npred.data) if (Number.isFinite(v)) total += v;
    const n = this.randomState.poisson(total) as number;
    const geom = npred.geom;
    const energyName = geom.axes.some((a) => a.name === "energy_true") ? "energy_true" : "energy";
    let energy: Float64Array = new Float64Array(0);
    let lon: Float64Array = new Float64Array(0);
    let lat: Float64Array = new Float64Array(0);
    let pix: Float64Array[] = [];
    if (n > 0) {
      pix = npred.samplePix(n, this.randomState);
      const coord = geom.pixToCoord(pix);
      const axis = geom.axisByName(energyName);
      energy = coord.axis(energyName)!;
      if (axis.unit !== "TeV") energy = Float64Array.from(energy, (e) => convert(e, axis.unit, "TeV"));
      ({ lon, lat } = geom.frame === "icrs" ? coord : transformFrame(coord.lon, coord.lat, geom.frame, "icrs"));
    }
    return { columns: { ENERGY_TRUE: energy, RA_TRUE: lon, DEC_TRUE: lat, TIME: this.sampleTime(n, gti) }, pix };
  }

  /**
   * Times of `n` events of a constant temporal model (gammapy 1.0's `sample_time` over the first
   * GTI interval), seconds after the GTI reference, through MJD as gammapy computes them.
   */
  private sampleTime(n: number, gti: GTI): Float64Array {
    if (!gti.length) throw new Error("event sampling needs a GTI (the dataset has none)");
    if (n === 0) return new Float64Array(0);
    const ref = timeRefMjd(gti.timeRef);
    const start = ref + gti.start[0] / DAY;
    const stop = ref + gti.stop[0] / DAY;
    const offsets = new ConstantTemporalModel().sampleTimeOffsets(n, start, stop, { randomState: this.randomState });
    return offsets.map((offset) => (start + offset - ref) * DAY);
  }
}

/** The evaluator's flux × exposure in true energy on its (cutout) geometry, before PSF and EDisp (gammapy). */
export function trueEnergyNpred(evaluator: MapEvaluator): WcsNDMap {
  const geom = evaluator.geom;
  const model = evaluator.model;
  const energy = geom.axisByName("energy_true").edges;
  const spectral = model.spectralModel.integral(energy.subarray(0, -1), energy.subarray(1));
  const n = geom.imageSize;
  const spatial = model.spatialModel?.integrateGeom(model.spatialModel.isEnergyDependent ? geom : geom.toImage());
  const flux = new Float64Array(spectral.length * n);
  for (let e = 0; e < spectral.length; e++)
    for (let i = 0; i < n; i++)
      flux[e * n + i] = spectral[e] * (spatial ? spatial[spatial.length === n ? i : e * n + i] : 1);
  const counts = evaluator.applyExposure(flux);
  return evaluator.exposure!.copy({ data: counts, unit: "" });
}

/** The events' true positions (ICRS) and true energies (in `energyUnit`) as map coordinates. */
function trueCoord(columns: SampledColumns, energyUnit: string): MapCoord {
  const energy = columns.ENERGY_TRUE;
  const energyTrue = energyUnit === "TeV" ? energy : energy.map((e) => convert(e, "TeV", energyUnit));
  return MapCoord.create({ lon: columns.RA_TRUE, lat: columns.DEC_TRUE, frame: "icrs", energy_true: energyTrue });
}

function concat(parts: SampledColumns[], names: string[]): SampledColumns {
  const out: SampledColumns = {};
  for (const name of names) {
    const length = parts.reduce((s, p) => s + (p[name]?.length ?? 0), 0);
    const column = new Float64Array(length);
    let at = 0;
    for (const p of parts) {
      if (!p[name]) continue;
      column.set(p[name], at);
      at += p[name].length;
    }
    out[name] = column;
  }
  return out;
}

/** Pixel coordinates this close to a map edge are checked through the world round trip (its error: ~1e-10). */
const EDGE_MARGIN = 1e-6;

/**
 * Which events lie inside the geometry (ICRS RA, DEC and ENERGY in TeV), as gammapy's selection
 * finds them. With `pix`, the events' sampled pixel coordinates on this geometry, the events
 * farther than EDGE_MARGIN from the edges of every dimension are inside without a look; only
 * the others (exactly on an edge, in practice) are converted and checked.
 */
function containedEvents(geom: WcsGeom, part: SampledColumns, pix?: Float64Array[]): Uint8Array {
  const n = part.RA.length;
  let check: Int32Array | undefined;
  let inside: Uint8Array | undefined;
  if (pix) {
    const extents = [geom.nx, geom.ny, ...geom.axes.map((a) => a.nbin)];
    inside = new Uint8Array(n);
    const edge = new Int32Array(n);
    let edges = 0;
    for (let i = 0; i < n; i++) {
      let interior = true;
      for (let d = 0; d < extents.length && interior; d++) {
        const p = pix[d][i];
        interior = p > EDGE_MARGIN - 0.5 && p < extents[d] - 0.5 - EDGE_MARGIN;
      }
      if (interior) inside[i] = 1;
      else edge[edges++] = i;
    }
    check = edge.subarray(0, edges);
  }
  const pick = (values: Float64Array): Float64Array => {
    if (!check) return values;
    const out = new Float64Array(check.length);
    for (let k = 0; k < check.length; k++) out[k] = values[check[k]];
    return out;
  };
  const frame = transformFrame(pick(part.RA), pick(part.DEC), "icrs", geom.frame);
  const energy = pick(part.ENERGY);
  const axisUnit = geom.axisByName("energy").unit;
  const energyInUnit = axisUnit === "TeV" ? energy : energy.map((e) => convert(e, "TeV", axisUnit));
  const found = geom.contains({ lon: frame.lon, lat: frame.lat, frame: geom.frame, energy: energyInUnit });
  if (!check || !inside) return found;
  for (let k = 0; k < check.length; k++) inside[check[k]] = found[k];
  return inside;
}

const COLUMNS = ["ENERGY_TRUE", "RA_TRUE", "DEC_TRUE", "TIME", "MC_ID", "RA", "DEC", "ENERGY", "DETX", "DETY"];

/**
 * The parts' events inside the geometry, part after part, gathered straight into the output columns
 * (no concatenated copy of all events); EVENT_ID numbers all events before the selection, as gammapy
 * does (the kept ids have gaps).
 */
function selectFromParts(parts: SampledColumns[], inside: Uint8Array[]): SampledColumns {
  const kept = inside.map((keep) => {
    let count = 0;
    for (let i = 0; i < keep.length; i++) count += keep[i];
    const index = new Int32Array(count);
    for (let i = 0, at = 0; i < keep.length; i++) if (keep[i]) index[at++] = i;
    return index;
  });
  const total = kept.reduce((sum, index) => sum + index.length, 0);
  const out: SampledColumns = {};
  // one part holding every event, all inside (background only, in practice): its columns are the
  // output, copied only where two names share one array (background ENERGY is ENERGY_TRUE)
  const whole = parts.findIndex((part, k) => kept[k].length === total && part.TIME.length === total);
  if (whole >= 0 && parts.every((part, k) => k === whole || part.TIME.length === 0)) {
    const taken = new Set<Float64Array>();
    for (const name of COLUMNS) {
      const column = parts[whole][name];
      out[name] = taken.has(column) ? column.slice() : column;
      taken.add(column);
    }
    const ids = (out.EVENT_ID = new Float64Array(total));
    for (let i = 0; i < total; i++) ids[i] = i;
    return out;
  }
  for (const name of [...COLUMNS, "EVENT_ID"]) {
    const column = new Float64Array(total);
    let at = 0;
    let first = 0;
    parts.forEach((part, k) => {
      const index = kept[k];
      if (name === "EVENT_ID") for (let i = 0; i < index.length; i++) column[at + i] = first + index[i];
      else if (index.length === part[name].length)
        column.set(part[name], at); // all inside
      else {
        const values = part[name];
        for (let i = 0; i < index.length; i++) column[at + i] = values[index[i]];
      }
      at += index.length;
      first += inside[k].length;
    });
    out[name] = column;
  }
  return out;
}
