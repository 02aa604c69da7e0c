import { type SkyCoord, skyOffset } from "../coords/index.js";
import type { GTI } from "../data/index.js";
import { timeRefMjd } from "../data/gti.js";
import { MapCoord, type WcsGeom, type WcsNDMap } from "../maps/index.js";
import { ConstantTemporalModel } from "../modeling/temporal.js";
import {
  type AllocateTables,
  getRandomState,
  InverseCDFSampler,
  type RandomState,
  type RandomStateInit,
} from "../random/index.js";
import { ScratchArena } from "../random/scratch-arena.js";
import { convert } from "../units/index.js";
import { EDispKernelMap } from "./edisp-kernel-map.js";
import { EDispMap } from "./edisp-map.js";
import {
  type BackgroundDraws,
  type EventSamplingHelper,
  eventEnergies,
  HELPER_MIN_EVENTS,
  writeBackground,
} from "./background-events.js";
import { EventDirections } from "./event-directions.js";
import { containedEvents, keptIndices } from "./event-selection.js";
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
  private readonly helper?: EventSamplingHelper;

  /**
   * `helper`: a second thread that writes part of a large background (in Node,
   * `eventSamplingThread()` of @gammaflow/core/node); the events are the same with or without.
   */
  constructor(options: { randomState?: RandomStateInit; helper?: EventSamplingHelper } = {}) {
    this.randomState = getRandomState(options.randomState ?? "random-seed");
    this.helper = options.helper;
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
    const drawn = dataset.background ? this.drawBackgroundEvents(dataset, geom, p, srcKept.length) : undefined;
    const background = drawn?.draws;
    const nBackground = drawn?.n ?? 0;
    const makeColumns = (): SampledColumns =>
      Object.fromEntries(OUTPUT_COLUMNS.map((n) => [n, new Float64Array(nBackground + srcKept.length)]));
    const written = background
      ? writeBackground(makeColumns, background, nBackground, drawn.drawTimes, drawn.helped)
      : undefined;
    const out = written?.out ?? makeColumns();
    let at = written?.at ?? 0;
    at = writeSelected(out, at, src, srcKept, nBackground);
    const columns: SampledColumns = {};
    for (const [name, column] of Object.entries(out))
      columns[name] = at < column.length ? column.subarray(0, at) : column;
    const models = [...(background ? [{ id: 0, name: `${dataset.name}-bkg` }] : []), ...sources.models];
    return { columns, models };
  }

  /**
   * The background's events drawn, not yet located (`writeBackground` does that): its pixel
   * draws and times, in memory a helper thread shares when one will write part of them (`helper`).
   */
  private drawBackgroundEvents(
    dataset: MapDataset,
    target: WcsGeom,
    pointing: SkyCoord,
    sourceRows: number,
  ): {
    draws: BackgroundDraws;
    n: number;
    helped?: { helper: EventSamplingHelper; out: SampledColumns };
    drawTimes: () => void;
  } {
    const background = dataset.npredBackground();
    if (!background) throw new Error(`dataset '${dataset.name}': no background to sample`);
    const geom = background.geom;
    const n = this.randomState.poisson(background.sum()) as number;
    const helper = this.helper?.ready() && n >= HELPER_MIN_EVENTS ? this.helper : undefined;
    // the draws in the helper's memory, or in this thread's kept from one sampling to the next
    const memory = helper ?? DRAWS;
    memory.begin();
    const allocate: AllocateTables = {
      doubles: (length) => memory.doubles(length),
      ints: (length) => memory.ints(length),
    };
    // the output first: the helper's thread makes its pages while the pixels are drawn (MC_ID,
    // 0 for the background, is written by the caller, for the sources alone)
    const rows = n + sourceRows;
    const helped = helper
      ? { helper, out: { ...helper.columns(BACKGROUND_OUTPUT, rows), MC_ID: new Float64Array(rows) } }
      : undefined;
    const shape = geom.dataShape;
    const sampler =
      n > 0 ? new InverseCDFSampler(background.data, shape, { randomState: this.randomState }) : undefined;
    const none = allocate.doubles(0);
    const drawn = sampler?.drawPixels(n, allocate.doubles) ?? { draws: none, pix: shape.map(() => none) };
    // the times' random numbers follow the pixels' (gammapy's order), drawn by `drawTimes`
    const { ref, start, stop } = timeWindow(dataset.gti);
    const times =
      n > 0
        ? new ConstantTemporalModel().prepareTimeOffsets(n, start, stop, { randomState: this.randomState }, allocate)
        : {
            drawn: { grid: none, tables: { cdf: none, guide: null, indices: [] }, draws: none, offsets: none },
            draw() {},
          };
    // (the helper's memory is handed out again each sampling: the flag is cleared)
    const ready = helper?.ints(1).fill(0);
    const draws: BackgroundDraws = {
      tables: sampler?.searchTables(allocate) ?? { cdf: none, guide: null, indices: [] },
      ...drawn,
      times: { drawn: times.drawn, startMjd: start, refMjd: ref, ready },
      geom,
      target,
      samePixels: geom.equals(target),
      pointing: { lon: pointing.lon, lat: pointing.lat },
    };
    return { draws, n, helped, drawTimes: () => times.draw() };
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
    const { ref, start, stop } = timeWindow(gti);
    if (n === 0) return new Float64Array(0);
    const times = new ConstantTemporalModel().sampleTimeOffsets(n, start, stop, { randomState: this.randomState });
    for (let i = 0; i < n; i++) times[i] = (start + times[i] - ref) * DAY;
    return times;
  }
}

/** The GTI reference and the first interval's start and stop, MJD (what gammapy's sampler draws times in). */
function timeWindow(gti: GTI): { ref: number; start: number; stop: number } {
  if (!gti.length) throw new Error("event sampling needs a GTI (the dataset has none)");
  const ref = timeRefMjd(gti.timeRef);
  return { ref, start: ref + gti.start[0] / DAY, stop: ref + gti.stop[0] / DAY };
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

const COLUMNS = ["ENERGY_TRUE", "RA_TRUE", "DEC_TRUE", "TIME", "MC_ID", "RA", "DEC", "ENERGY", "DETX", "DETY"];
const OUTPUT_COLUMNS = [...COLUMNS, "EVENT_ID"];

/**
 * A background's draws without a helper, in memory kept from one sampling to the next (a run
 * is synchronous: nothing of them outlives it): 1e6 events' 56 MB are not faulted in afresh.
 */
const DRAWS = new ScratchArena(false);
const BACKGROUND_OUTPUT = OUTPUT_COLUMNS.filter((name) => name !== "MC_ID");

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

/** DETX/DETY: offsets from the pointing (ICRS) in its RA/Dec frame. */
function addFov(part: SampledColumns, pointing: SkyCoord): void {
  const fov = skyOffset(part.RA, part.DEC, pointing.lon, pointing.lat);
  part.DETX = fov.lon;
  part.DETY = fov.lat;
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
