import { type SkyCoord, skyOffset, transformFrame } from "../coords/index.js";
import { directionalOffset } from "../coords/sphere.js";
import type { GTI } from "../data/index.js";
import { timeRefMjd } from "../data/gti.js";
import type { WcsNDMap } from "../maps/index.js";
import { getRandomState, InverseCDFSampler, type RandomState, type RandomStateInit } from "../random/index.js";
import { convert } from "../units/index.js";
import { tunedPaths } from "../utils/kernel-paths.js";
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

/** Events whose PSF or EDisp pdf rows are built at once: the memory is this × the IRF's bins, not all events'. */
const CHUNK = 20000;
const DAY = 86400;

/**
 * Events drawn from a map dataset (gammapy 1.0's `MapDatasetEventSampler`), with numpy's random
 * numbers in gammapy's order, so that with the same seed the numbers of events per model equal
 * gammapy's: per sky model a Poisson number of events with true positions and energies from its
 * npred (flux × exposure, before PSF and EDisp) and times uniform in the GTI, then PSF and EDisp
 * sampling; background events from the background map (MC_ID 0). The PSF and EDisp pdfs are built
 * for `CHUNK` events at a time (gammapy builds them for all events × bins at once). Datasets with
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
    dataset.npredSignal(); // brings the evaluators up to date
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
    const background = dataset.npredBackground();
    if (!background) throw new Error(`dataset '${dataset.name}': no background to sample`);
    const table = this.sampleCoordTime(background, dataset.gti);
    table.MC_ID = new Float64Array(table.TIME.length);
    table.ENERGY = table.ENERGY_TRUE;
    table.RA = table.RA_TRUE;
    table.DEC = table.DEC_TRUE;
    return { columns: table, models: [{ id: 0, name: `${dataset.name}-bkg` }] };
  }

  /** RA, DEC: the true positions moved by a PSF draw (gammapy's `PSFMap.sample_coord`). */
  samplePsf(psf: PSFMap, columns: SampledColumns): void {
    const n = columns.RA_TRUE.length;
    const map = psf.psfMap;
    const rad = map.geom.axisByName("rad");
    const weights = Float64Array.from(rad.center, (r, j) => r * rad.binWidth[j]);
    const separation = this.sampleRows(map, columns, "rad", rad.center, weights);
    const angle = this.randomState.uniform(360, 1, n);
    const ra = new Float64Array(n);
    const dec = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      [ra[i], dec[i]] = directionalOffset(columns.RA_TRUE[i], columns.DEC_TRUE[i], angle[i], separation[i]);
    }
    columns.RA = ra;
    columns.DEC = dec;
  }

  /**
   * ENERGY: the true energy × a migration drawn from an EDisp map (gammapy's `EDispMap.sample_coord`),
   * or an energy drawn from the reconstructed-energy bins of a kernel map.
   */
  sampleEdisp(edisp: EDispMap | EDispKernelMap, columns: SampledColumns): void {
    const map = edisp.edispMap;
    if (edisp instanceof EDispMap) {
      const migra = map.geom.axisByName("migra");
      const values = this.sampleRows(map, columns, "migra", migra.center);
      columns.ENERGY = Float64Array.from(values, (m, i) => columns.ENERGY_TRUE[i] * m);
    } else {
      const energy = map.geom.axisByName("energy");
      const values = this.sampleRows(map, columns, "energy", energy.center);
      columns.ENERGY =
        energy.unit === "TeV" ? values : Float64Array.from(values, (e) => convert(e, energy.unit, "TeV"));
    }
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
    const background = dataset.background ? this.sampleBackground(dataset) : undefined;
    const names = ["ENERGY_TRUE", "RA_TRUE", "DEC_TRUE", "TIME", "MC_ID", "RA", "DEC", "ENERGY"];
    const all = concat(background ? [background.columns, src] : [src], names);
    const p = pointing.transformTo("icrs");
    const fov = skyOffset(all.RA, all.DEC, p.lon, p.lat);
    all.DETX = fov.lon;
    all.DETY = fov.lat;
    const geom = dataset.counts.geom;
    const frame = transformFrame(all.RA, all.DEC, "icrs", geom.frame);
    const inside = geom.contains({ lon: frame.lon, lat: frame.lat, frame: geom.frame, energy: all.ENERGY });
    // numbered before the selection, as gammapy does (the kept ids have gaps)
    all.EVENT_ID = Float64Array.from(all.TIME, (_, i) => i);
    const kept = select(all, inside);
    return { columns: kept, models: [...(background?.models ?? []), ...sources.models] };
  }

  /** gammapy's `_sample_coord_time`: a Poisson number of events, positions and energies from the map, GTI times. */
  private sampleCoordTime(npred: WcsNDMap, gti: GTI): SampledColumns {
    let total = 0;
    for (const v of npred.data) if (Number.isFinite(v)) total += v;
    const n = this.randomState.poisson(total) as number;
    const geom = npred.geom;
    const energyName = geom.axes.some((a) => a.name === "energy_true") ? "energy_true" : "energy";
    let energy: Float64Array = new Float64Array(0);
    let lon: Float64Array = new Float64Array(0);
    let lat: Float64Array = new Float64Array(0);
    if (n > 0) {
      const sampler = new InverseCDFSampler(npred.data, geom.dataShape, { randomState: this.randomState });
      const pix = sampler.sample(n).reverse();
      const coord = geom.pixToCoord(pix);
      const axis = geom.axisByName(energyName);
      energy = coord.axis(energyName)!;
      if (axis.unit !== "TeV") energy = Float64Array.from(energy, (e) => convert(e, axis.unit, "TeV"));
      ({ lon, lat } = geom.frame === "icrs" ? coord : transformFrame(coord.lon, coord.lat, geom.frame, "icrs"));
    }
    return { ENERGY_TRUE: energy, RA_TRUE: lon, DEC_TRUE: lat, TIME: this.sampleTime(n, gti) };
  }

  /**
   * Times of `n` events of a constant temporal model (gammapy 1.0's `sample_time`): a 1 s grid
   * over the first GTI interval, a pixel drawn on it and interpolated; seconds after the GTI
   * reference, through MJD as gammapy computes them.
   */
  private sampleTime(n: number, gti: GTI): Float64Array {
    if (!gti.length) throw new Error("event sampling needs a GTI (the dataset has none)");
    if (n === 0) return new Float64Array(0);
    const ref = timeRefMjd(gti.timeRef);
    const start = ref + gti.start[0] / DAY;
    const stop = ref + gti.stop[0] / DAY;
    const step = 1 / DAY;
    const length = Math.max(Math.ceil((stop - start) / step), 1);
    // numpy's arange steps by (start + step) − start: at an MJD of 5e4 that is the step 2e-7 off
    const delta = start + step - start;
    const grid = Float64Array.from({ length }, (_, k) => start + k * delta - start);
    const sampler = new InverseCDFSampler(new Float64Array(length).fill(1), [length], {
      randomState: this.randomState,
    });
    const [pix] = sampler.sample(n);
    return Float64Array.from(pix, (p) => (start + interpolate(p, grid) - ref) * DAY);
  }

  /**
   * One value of `axisName` per event, drawn from the IRF map's values along it at the event's
   * true position and energy (× `weights`): gammapy's row sampler, `CHUNK` events at a time.
   */
  private sampleRows(
    map: WcsNDMap,
    columns: SampledColumns,
    axisName: string,
    nodes: Float64Array,
    weights?: Float64Array,
  ): Float64Array {
    const n = columns.RA_TRUE.length;
    const m = nodes.length;
    const axis = map.geom.axisByName(axisName);
    const out = new Float64Array(n);
    const energyUnit = map.geom.axisByName("energy_true").unit;
    const [first, second] = map.geom.axes;
    const direct =
      tunedPaths() && map.geom.axes.length === 2 && first.name === axisName && second.name === "energy_true";
    for (let from = 0; from < n; from += CHUNK) {
      const rows = Math.min(CHUNK, n - from);
      const size = rows * m;
      const position = transformFrame(
        columns.RA_TRUE.subarray(from, from + rows),
        columns.DEC_TRUE.subarray(from, from + rows),
        "icrs",
        map.geom.frame,
      );
      const energy = columns.ENERGY_TRUE.subarray(from, from + rows);
      const inUnit = energyUnit === "TeV" ? energy : Float64Array.from(energy, (e) => convert(e, "TeV", energyUnit));
      const pdf = direct
        ? rowPdfs(map, position.lon, position.lat, inUnit, m)
        : map.interpByCoord({
            lon: repeatEach(position.lon, m),
            lat: repeatEach(position.lat, m),
            frame: map.geom.frame,
            energy_true: repeatEach(inUnit, m),
            [axisName]: tile(nodes, rows),
          });
      if (weights) for (let i = 0; i < size; i++) pdf[i] *= weights[i % m];
      const sampler = new InverseCDFSampler(pdf, [rows, m], { axis: 1, randomState: this.randomState });
      out.set(axis.pixToCoord(sampler.sampleAxis()), from);
    }
    return out;
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

/**
 * The map's values along its first axis (at its m nodes) for each event's position and true
 * energy, as `interpByCoord` gives them (linear in the
 * pixel coordinates, extrapolated from the edge cells): the sky and energy pixel found once per
 * event instead of once per value, and 8 corners instead of 16.
 */
function rowPdfs(
  map: WcsNDMap,
  lon: Float64Array,
  lat: Float64Array,
  energy: ArrayLike<number>,
  m: number,
): Float64Array {
  const geom = map.geom;
  const { nx, ny } = geom;
  const rows = lon.length;
  const { x, y } = geom.wcs.worldToPix(lon, lat);
  const e = geom.axes[1].coordToPix(energy);
  const ne = geom.axes[1].nbin;
  const data = map.data;
  const out = new Float64Array(rows * m);
  const xs = new Float64Array(4);
  const idx = new Int32Array(8);
  const w = new Float64Array(8);
  for (let r = 0; r < rows; r++) {
    // lower cell and position in it along x, y and energy (n = 1: the one node, weight 1)
    cellOf(x[r], nx, xs, 0);
    cellOf(y[r], ny, xs, 2);
    const [x0, tx, y0, ty] = xs;
    cellOf(e[r], ne, xs, 0);
    const [e0, te] = xs;
    let k = 0;
    for (let de = 0; de < 2; de++)
      for (let dy = 0; dy < 2; dy++)
        for (let dx = 0; dx < 2; dx++) {
          const ie = Math.min(e0 + de, ne - 1);
          const iy = Math.min(y0 + dy, ny - 1);
          const ix = Math.min(x0 + dx, nx - 1);
          idx[k] = (ie * m * ny + iy) * nx + ix;
          w[k++] = (de ? te : 1 - te) * (dy ? ty : 1 - ty) * (dx ? tx : 1 - tx);
        }
    const plane = ny * nx;
    const [i0, i1, i2, i3, i4, i5, i6, i7] = idx;
    const [w0, w1, w2, w3, w4, w5, w6, w7] = w;
    const row = r * m;
    for (let j = 0, o = 0; j < m; j++, o += plane) {
      out[row + j] =
        w0 * data[i0 + o] +
        w1 * data[i1 + o] +
        w2 * data[i2 + o] +
        w3 * data[i3 + o] +
        w4 * data[i4 + o] +
        w5 * data[i5 + o] +
        w6 * data[i6 + o] +
        w7 * data[i7 + o];
    }
  }
  return out;
}

/** Linear interpolation cell of pixel coordinate p on n nodes: [lower node, weight of the upper] into out[at…]. */
function cellOf(p: number, n: number, out: Float64Array, at: number): void {
  if (n === 1) {
    out[at] = 0;
    out[at + 1] = 0;
    return;
  }
  const i = Math.min(Math.max(Math.floor(p), 0), n - 2);
  out[at] = i;
  out[at + 1] = p - i;
}

/** Each value repeated m times. */
function repeatEach(values: ArrayLike<number>, m: number): Float64Array {
  const out = new Float64Array(values.length * m);
  for (let r = 0; r < values.length; r++) out.fill(values[r], r * m, (r + 1) * m);
  return out;
}

/** `values` repeated `times` times. */
function tile(values: Float64Array, times: number): Float64Array {
  const out = new Float64Array(values.length * times);
  for (let r = 0; r < times; r++) out.set(values, r * values.length);
  return out;
}

/** numpy's interp on nodes 0, 1, …, L − 1 (ends held). */
function interpolate(p: number, values: Float64Array): number {
  if (!(p > 0)) return values[0];
  const last = values.length - 1;
  if (p >= last) return values[last];
  const k = Math.floor(p);
  const t = p - k;
  return values[k] + t * (values[k + 1] - values[k]);
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

function select(columns: SampledColumns, keep: Uint8Array): SampledColumns {
  const count = keep.reduce((s, k) => s + k, 0);
  const out: SampledColumns = {};
  for (const [name, values] of Object.entries(columns)) {
    const column = new Float64Array(count);
    let at = 0;
    for (let i = 0; i < values.length; i++) if (keep[i]) column[at++] = values[i];
    out[name] = column;
  }
  return out;
}
