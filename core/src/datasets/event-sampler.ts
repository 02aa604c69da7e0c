import { type SkyCoord, skyOffset, transformFrame } from "../coords/index.js";
import type { GTI } from "../data/index.js";
import { timeRefMjd } from "../data/gti.js";
import { MapCoord, type WcsGeom, type WcsNDMap } from "../maps/index.js";
import { ConstantTemporalModel } from "../modeling/temporal.js";
import { getRandomState, type RandomState, type RandomStateInit } from "../random/index.js";
import { convert } from "../units/index.js";
import { EDispKernelMap } from "./edisp-kernel-map.js";
import { EDispMap } from "./edisp-map.js";
import { EventDirections } from "./event-directions.js";
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
 * for 20000 events at a time (gammapy builds them for all events × bins at once), and background
 * events become output rows 65536 at a time, so that memory is the output's and the draws'. Datasets with
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
      const table = this.sampleCoordTime(trueEnergyNpred(evaluator), dataset.gti);
      table.MC_ID = new Float64Array(table.TIME.length).fill(idx + 1);
      parts.push(table);
    });
    return { columns: concat(parts, ["ENERGY_TRUE", "RA_TRUE", "DEC_TRUE", "TIME", "MC_ID"]), models };
  }

  /** Background events (MC_ID 0) from the dataset's predicted background, reconstructed = true values. */
  sampleBackground(dataset: MapDataset): SampledEvents {
    const { pix, time, geom } = this.drawBackground(dataset);
    const table: SampledColumns = { ...eventCoords(geom, pix), TIME: time, MC_ID: new Float64Array(time.length) };
    const columns = { ...table, ENERGY: table.ENERGY_TRUE, RA: table.RA_TRUE, DEC: table.DEC_TRUE };
    return { columns, models: [{ id: 0, name: `${dataset.name}-bkg` }] };
  }

  /** The background's events as drawn: pixel coordinates on its map, and times. */
  private drawBackground(dataset: MapDataset): { pix: Float64Array[]; time: Float64Array; geom: WcsGeom } {
    const background = dataset.npredBackground();
    if (!background) throw new Error(`dataset '${dataset.name}': no background to sample`);
    return { ...this.drawPixTime(background, dataset.gti), geom: background.geom };
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
   * With gammapy's seed the events equal gammapy's, column by column (positions within ~1e-13°).
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
    const p = pointing.transformTo("icrs");
    const geom = dataset.counts.geom;
    addFov(src, p);
    const srcKept = keptIndices(containedEvents(geom, src));
    // the background is drawn after the sources (gammapy's order), its events written chunk by chunk
    const background = dataset.background ? this.drawBackground(dataset) : undefined;
    const nBackground = background?.time.length ?? 0;
    const out = Object.fromEntries(
      [...COLUMNS, "EVENT_ID"].map((n) => [n, new Float64Array(nBackground + srcKept.length)]),
    );
    let at = background ? writeBackground(out, background, geom, p) : 0;
    at = writeSelected(out, at, src, srcKept, nBackground);
    const columns: SampledColumns = {};
    for (const [name, column] of Object.entries(out))
      columns[name] = at < column.length ? column.subarray(0, at) : column;
    const models = [...(background ? [{ id: 0, name: `${dataset.name}-bkg` }] : []), ...sources.models];
    return { columns, models };
  }

  /** gammapy's `_sample_coord_time`: a Poisson number of events, positions and energies from the map, GTI times. */
  private sampleCoordTime(npred: WcsNDMap, gti: GTI): SampledColumns {
    const { pix, time } = this.drawPixTime(npred, gti);
    return { ...eventCoords(npred.geom, pix), TIME: time };
  }

  /** The random part of `sampleCoordTime`: the Poisson number, the pixel coordinates, the times. */
  private drawPixTime(npred: WcsNDMap, gti: GTI): { pix: Float64Array[]; time: Float64Array } {
    const n = this.randomState.poisson(npred.sum()) as number;
    const pix = n > 0 ? npred.samplePix(n, this.randomState) : npred.geom.dataShape.map(() => new Float64Array(0));
    return { pix, time: this.sampleTime(n, gti) };
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
    const times = new ConstantTemporalModel().sampleTimeOffsets(n, start, stop, { randomState: this.randomState });
    for (let i = 0; i < n; i++) times[i] = (start + times[i] - ref) * DAY;
    return times;
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
    inside = new Uint8Array(n).fill(1);
    // dimension by dimension, one plain loop each (a loop over the dimensions per event took
    // ~15 ns an event)
    for (let d = 0; d < extents.length; d++)
      clearOutside(inside, pix[d], EDGE_MARGIN - 0.5, extents[d] - 0.5 - EDGE_MARGIN);
    check = indicesWhere(inside, false);
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

/** inside[i] = 0 where p[i] is not strictly between low and high (NaN included). */
function clearOutside(inside: Uint8Array, p: Float64Array, low: number, high: number): void {
  for (let i = 0; i < p.length; i++) if (!(p[i] > low && p[i] < high)) inside[i] = 0;
}

/** The indices i where flags[i] is set (non-zero), or with `set` false where it is 0. */
function indicesWhere(flags: Uint8Array, set: boolean): Int32Array {
  let count = 0;
  for (let i = 0; i < flags.length; i++) if ((flags[i] !== 0) === set) count++;
  const out = new Int32Array(count);
  for (let i = 0, at = 0; i < flags.length; i++) if ((flags[i] !== 0) === set) out[at++] = i;
  return out;
}

const COLUMNS = ["ENERGY_TRUE", "RA_TRUE", "DEC_TRUE", "TIME", "MC_ID", "RA", "DEC", "ENERGY", "DETX", "DETY"];

/** True energies (TeV) and ICRS positions of pixel coordinates on a map (x, y, then the axes, as `samplePix`). */
function eventCoords(geom: WcsGeom, pix: Float64Array[]): SampledColumns {
  const n = pix[0].length;
  const columns = {
    ENERGY_TRUE: eventEnergies(geom, pix),
    RA_TRUE: new Float64Array(n),
    DEC_TRUE: new Float64Array(n),
  };
  if (n > 0) new EventDirections(geom, n).compute(pix[0], pix[1], { ra: columns.RA_TRUE, dec: columns.DEC_TRUE });
  return columns;
}

/**
 * The energies (TeV) of pixel coordinates on a map with an energy axis (true, or else
 * reconstructed), into `out` when given.
 */
function eventEnergies(geom: WcsGeom, pix: Float64Array[], out?: Float64Array): Float64Array {
  let at = geom.axes.findIndex((a) => a.name === "energy_true");
  if (at < 0) at = geom.axes.findIndex((a) => a.name === "energy");
  if (at < 0) throw new Error("event sampling: the map has no energy axis");
  const axis = geom.axes[at];
  const energy = axis.pixToCoord(pix[2 + at], out);
  if (axis.unit !== "TeV") for (let i = 0; i < energy.length; i++) energy[i] = convert(energy[i], axis.unit, "TeV");
  return energy;
}

/** DETX/DETY: offsets from the pointing (ICRS) in its RA/Dec frame. */
function addFov(part: SampledColumns, pointing: SkyCoord): void {
  const fov = skyOffset(part.RA, part.DEC, pointing.lon, pointing.lat);
  part.DETX = fov.lon;
  part.DETY = fov.lat;
}

/** Events of this many at a time become the background's columns: their temporaries stay small. */
const BACKGROUND_CHUNK = 65536;

/**
 * The background's events inside the geometry written into `out` from 0, chunk by chunk, each
 * computed in place in the output (the columns past the last kept event are free: the
 * background comes first), events outside then squeezed out: reconstructed = true values,
 * EVENT_ID = the index among all drawn, MC_ID the new columns' 0. Returns how many were kept.
 */
function writeBackground(
  out: SampledColumns,
  drawn: { pix: Float64Array[]; time: Float64Array; geom: WcsGeom },
  geom: WcsGeom,
  pointing: SkyCoord,
): number {
  const n = drawn.time.length;
  const samePixels = drawn.geom.equals(geom);
  const directions = new EventDirections(drawn.geom, Math.min(n, BACKGROUND_CHUNK), pointing);
  let at = 0;
  for (let from = 0; from < n; from += BACKGROUND_CHUNK) {
    const to = Math.min(n, from + BACKGROUND_CHUNK);
    const pix = drawn.pix.map((p) => p.subarray(from, to));
    const slot = (name: string) => out[name].subarray(at, at + to - from);
    const part: SampledColumns = {
      RA: slot("RA_TRUE"),
      DEC: slot("DEC_TRUE"),
      ENERGY: slot("ENERGY_TRUE"),
      DETX: slot("DETX"),
      DETY: slot("DETY"),
      TIME: slot("TIME"),
      EVENT_ID: slot("EVENT_ID"),
    };
    directions.compute(pix[0], pix[1], { ra: part.RA, dec: part.DEC, detx: part.DETX, dety: part.DETY });
    eventEnergies(drawn.geom, pix, part.ENERGY);
    part.TIME.set(drawn.time.subarray(from, to));
    countFrom(part.EVENT_ID, from);
    at += squeeze(Object.values(part), containedEvents(geom, part, samePixels ? pix : undefined));
  }
  for (const [reco, truth] of [
    ["RA", "RA_TRUE"],
    ["DEC", "DEC_TRUE"],
    ["ENERGY", "ENERGY_TRUE"],
  ])
    out[reco].set(out[truth].subarray(0, at));
  return at;
}

/** out[i] = first + i. */
function countFrom(out: Float64Array, first: number): void {
  for (let i = 0; i < out.length; i++) out[i] = first + i;
}

/** The columns' values where `keep` is set moved to their front, in order; returns how many. */
function squeeze(columns: Float64Array[], keep: Uint8Array): number {
  let kept = 0;
  for (let i = 0; i < keep.length; i++) kept += keep[i];
  if (kept === keep.length) return kept;
  for (const column of columns) squeezeColumn(column, keep);
  return kept;
}

function squeezeColumn(column: Float64Array, keep: Uint8Array): void {
  let j = 0;
  for (let i = 0; i < keep.length; i++) if (keep[i] !== 0) column[j++] = column[i];
}

/** The indices of the kept events. */
function keptIndices(keep: Uint8Array): Int32Array {
  return indicesWhere(keep, true);
}

/**
 * The part's events at `index` written into `out` from `at` (every column, EVENT_ID = firstId +
 * the event's index in the part: gammapy numbers all events before the selection, so the kept ids
 * have gaps). Returns the position after them.
 */
function writeSelected(out: SampledColumns, at: number, part: SampledColumns, index: Int32Array, firstId: number) {
  for (const name of COLUMNS) {
    const values = part[name];
    if (index.length === values.length)
      out[name].set(values, at); // all inside
    else gather(out[name], at, values, index);
  }
  numberFrom(out.EVENT_ID, at, firstId, index);
  return at + index.length;
}

// The loops of writeSelected as functions of their own: in a closure (a forEach over the parts,
// `at` captured), V8 ran the first 1e7-event gather ~5x slower (7.4 against 1.5 s).

/** out[at + i] = values[index[i]]. */
function gather(out: Float64Array, at: number, values: Float64Array, index: Int32Array): void {
  for (let i = 0; i < index.length; i++) out[at + i] = values[index[i]];
}

/** out[at + i] = first + index[i]. */
function numberFrom(out: Float64Array, at: number, first: number, index: Int32Array): void {
  for (let i = 0; i < index.length; i++) out[at + i] = first + index[i];
}
