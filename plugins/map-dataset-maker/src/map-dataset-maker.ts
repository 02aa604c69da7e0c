import { angleDeg, convert, defaultComputeCache, EDispKernelMap, EDispMap, estimateBytes } from "@gammaflow/core";
import { identityKey } from "@gammaflow/core";
import { MapDataset, PSFMap, WcsNDMap } from "@gammaflow/core";
import type { AngleInput, ComputeCache, EDisp, Irf, MapAxis, Observation, WcsGeom } from "@gammaflow/core";
import { makeMapBackgroundIrf } from "./background.js";
import { makeMapExposureTrueEnergy } from "./exposure.js";
import { makeEdispKernelMap, makeEdispMap, makePsfMap } from "./irf-maps.js";

/** The compute-cache namespace of prepared background IRFs per loaded IRF (loaded once per observation). */
const PREPARED_BACKGROUNDS = "prepared background irfs";

export type MapSelection = "counts" | "exposure" | "background" | "psf" | "edisp";
export const MAP_SELECTION_ALL: readonly MapSelection[] = ["counts", "exposure", "background", "psf", "edisp"];

export interface MapDatasetMakerOptions {
  /** Energy oversampling of the background evaluation. */
  backgroundOversampling?: number;
  /** Which maps to make (default all). */
  selection?: readonly MapSelection[];
  /** Fill zeros of the background IRF by interpolation along energy first (default true, as gammapy 1.0). */
  backgroundInterpMissingData?: boolean;
  /** Pad an offset-binned background IRF by one edge bin at each end (default true, as gammapy 1.0). */
  backgroundPadOffset?: boolean;
  /** Pixels farther than this from the pointing leave the safe mask (deg or an angle string). */
  offsetMax?: AngleInput;
  /** Receives warnings such as IRFs not covering the requested energies (default console.warn). */
  warn?: (message: string) => void;
  /**
   * Where prepared IRFs, offset tables and FoV coordinates are kept (default the process's,
   * `defaultComputeCache()`, read at each call); geometries' per-grid arrays always go there.
   */
  cache?: ComputeCache;
}

/**
 * Reduce one observation onto a reference dataset's geometries (gammapy's MapDatasetMaker):
 * counts, exposure, background, PSF map and EDisp map (a kernel map or a migra map, as the reference
 * dataset's). Usable without any stream machinery.
 */
export class MapDatasetMaker {
  readonly backgroundOversampling?: number;
  readonly selection: readonly MapSelection[];
  readonly offsetMax?: number;
  readonly backgroundInterpMissingData: boolean;
  readonly backgroundPadOffset: boolean;
  private readonly warn: (message: string) => void;
  private readonly ownCache?: ComputeCache;
  /** How many of each observation's load warnings were passed on already. */
  private readonly warnedLoads = new WeakMap<Observation, number>();

  constructor(options: MapDatasetMakerOptions = {}) {
    this.ownCache = options.cache;
    this.backgroundOversampling = options.backgroundOversampling;
    this.offsetMax = options.offsetMax === undefined ? undefined : angleDeg(options.offsetMax, "offsetMax");
    this.warn = options.warn ?? ((m) => console.warn(m));
    this.backgroundInterpMissingData = options.backgroundInterpMissingData ?? true;
    this.backgroundPadOffset = options.backgroundPadOffset ?? true;
    this.selection = options.selection ?? MAP_SELECTION_ALL;
    const unknown = this.selection.filter((s) => !MAP_SELECTION_ALL.includes(s));
    if (unknown.length)
      throw new Error(
        `MapDatasetMaker: unknown selection ${unknown.join(", ")} (choose from ${MAP_SELECTION_ALL.join(", ")})`,
      );
  }

  makeCounts(geom: WcsGeom, observation: Observation): WcsNDMap {
    const events = observation.events;
    const counts = WcsNDMap.fromGeom(geom);
    const columns: Record<string, Float64Array> = {};
    for (const axis of geom.axes) columns[axis.name] = events.column(axis.name);
    counts.fillEvents({ lon: events.ra, lat: events.dec, columns, float32LonLat: events.radecFloat32 });
    return counts;
  }

  /** The cache this maker uses: its own, else the process default at the time of the call. */
  get cache(): ComputeCache {
    return this.ownCache ?? defaultComputeCache();
  }

  makeExposure(geom: WcsGeom, observation: Observation): WcsNDMap {
    this.fullEnclosure(observation, "aeff");
    const { pointingRadec, observationLiveTimeDuration: livetime, aeff } = observation;
    return makeMapExposureTrueEnergy(pointingRadec, livetime, aeff, geom, { cache: this.cache });
  }

  makeBackground(geom: WcsGeom, observation: Observation): WcsNDMap {
    return makeMapBackgroundIrf(
      observation.pointingRadec,
      observation.observationTimeDuration,
      this.backgroundIrf(observation),
      geom,
      {
        oversampling: this.backgroundOversampling,
        cache: this.cache,
      },
    );
  }

  makePsf(geom: WcsGeom, observation: Observation): PSFMap {
    const exposure = this.makeExposure(geom.squash("rad"), observation);
    return new PSFMap(makePsfMap(observation.psf, observation.pointingRadec, geom, { cache: this.cache }), exposure);
  }

  makeEdisp(geom: WcsGeom, observation: Observation): EDispMap {
    this.fullEnclosure(observation, "edisp");
    const exposure = this.makeExposure(geom.squash("migra"), observation);
    const edisp = makeEdispMap(observation.edisp, observation.pointingRadec, geom, { cache: this.cache });
    return new EDispMap(edisp, exposure);
  }

  /**
   * The energy-dispersion kernel map on `geom` (axes [energy, energy_true]; gammapy 1.0's
   * `make_edisp_kernel`), with its exposure on `geom` with energy squashed.
   */
  makeEdispKernel(geom: WcsGeom, observation: Observation): EDispKernelMap {
    this.fullEnclosure(observation, "edisp");
    const exposure = this.makeExposure(geom.squash("energy"), observation);
    return makeEdispKernelMap(observation.edisp, observation.pointingRadec, geom, exposure, { cache: this.cache });
  }

  /** A new dataset with the selected maps of `observation` on `dataset`'s geometries. */
  run(dataset: MapDataset, observation: Observation): MapDataset {
    const geom = dataset.counts.geom;
    const has = (s: MapSelection) => this.selection.includes(s);
    const need = <T>(value: T | undefined, what: string): T => {
      if (value === undefined)
        throw new Error(`MapDatasetMaker: the reference dataset '${dataset.name}' has no ${what} geometry`);
      return value;
    };
    const counts = has("counts") ? this.makeCounts(geom, observation) : WcsNDMap.fromGeom(geom);
    const exposure = has("exposure")
      ? this.makeExposure(need(dataset.exposure, "exposure").geom, observation)
      : undefined;
    const background = has("background") ? this.makeBackground(geom, observation) : undefined;
    const psf = has("psf") ? this.makePsf(need(dataset.psf, "PSF").psfMap.geom, observation) : undefined;
    const edisp = has("edisp") ? this.makeEdispLike(need(dataset.edisp, "EDisp"), observation) : undefined;
    this.reportLoadWarnings(observation);
    return new MapDataset({
      name: dataset.name,
      counts,
      exposure,
      background,
      psf,
      edisp,
      maskSafe: this.makeSafeMask(dataset, observation),
      gti: observation.gti,
      meta: { obsId: observation.obsId },
    });
  }

  /**
   * Pass on what reading the observation's files warned about (e.g. NaN cells of an IRF,
   * naming the run and file), each warning once per maker.
   */
  private reportLoadWarnings(observation: Observation): void {
    const warnings = observation.loadWarnings;
    const done = this.warnedLoads.get(observation) ?? 0;
    for (const warning of warnings.slice(done)) this.warn(warning);
    this.warnedLoads.set(observation, warnings.length);
  }

  /** The reference dataset's kind of energy dispersion (kernel map or migra map) for `observation`. */
  private makeEdispLike(reference: EDisp, observation: Observation): EDisp {
    const geom = reference.edispMap.geom;
    return reference instanceof EDispKernelMap
      ? this.makeEdispKernel(geom, observation)
      : this.makeEdisp(geom, observation);
  }

  /** The run's background IRF as gammapy 1.0's maker uses it: gaps in energy filled, offsets padded. */
  backgroundIrf(observation: Observation): Irf {
    const bkg = observation.bkg;
    const cache = this.cache;
    const key = `${identityKey(bkg)} ${this.backgroundInterpMissingData}/${this.backgroundPadOffset}`;
    let prepared = cache.get<Irf>(PREPARED_BACKGROUNDS, key);
    if (!prepared) {
      prepared = bkg;
      if (this.backgroundInterpMissingData) prepared = prepared.interpMissingData("energy");
      if (this.backgroundPadOffset && prepared.axes.some((a) => a.name === "offset"))
        prepared = prepared.pad("offset", 1);
      cache.set(PREPARED_BACKGROUNDS, key, prepared, estimateBytes(prepared));
    }
    return prepared;
  }

  /**
   * All true, except reconstructed-energy bins outside the energies the run's IRFs cover
   * (where the maps are 0; one warning names the run) and, with `offsetMax`, pixels beyond it.
   */
  makeSafeMask(dataset: MapDataset, observation: Observation): WcsNDMap {
    const geom = dataset.counts.geom;
    const mask = WcsNDMap.fromGeom(geom, { dtype: "bool" });
    mask.data.fill(1);
    const energy = geom.axisByName("energy");
    const coverage = this.energyCoverage(observation, energy.unit || "TeV");
    const n = geom.imageSize;
    const stride = geom.axes.slice(0, geom.axisIndex("energy")).reduce((p, a) => p * a.nbin, 1);
    const uncovered = new Set<number>();
    for (const { lo, hi } of coverage) {
      for (let k = 0; k < energy.nbin; k++)
        if (energy.edges[k] < lo * (1 - 1e-6) || energy.edges[k + 1] > hi * (1 + 1e-6)) uncovered.add(k);
    }
    if (uncovered.size) {
      const range = (a: MapAxis) => `${fmt(a.edges[0])}–${fmt(a.edges[a.nbin])} ${a.unit}`;
      this.warn(
        `observation ${observation.obsId}: its IRFs do not cover all requested energies (${range(energy)}): ` +
          `${coverage.map((c) => `${c.irf} ${fmt(c.lo)}–${fmt(c.hi)} ${energy.unit}`).join(", ")}; ` +
          `${uncovered.size} of ${energy.nbin} energy bins are left out of the safe mask`,
      );
      for (let p = 0; p < mask.data.length / n; p++)
        if (uncovered.has(Math.floor(p / stride) % energy.nbin)) mask.data.fill(0, p * n, (p + 1) * n);
    }
    if (this.offsetMax !== undefined) {
      zeroBeyond(mask.data, geom.toImage().separation(observation.pointingRadec), this.offsetMax);
    }
    return mask;
  }

  /** Energy ranges (in `unit`) of the IRFs the selected maps use. */
  private energyCoverage(observation: Observation, unit: string): Array<{ irf: string; lo: number; hi: number }> {
    const out: Array<{ irf: string; lo: number; hi: number }> = [];
    const add = (irf: string, axes: readonly MapAxis[] | undefined, name: string) => {
      const axis = axes?.find((a) => a.name === name);
      if (!axis) return;
      const f = convert(1, axis.unit || "TeV", unit);
      out.push({ irf, lo: axis.edges[0] * f, hi: axis.edges[axis.nbin] * f });
    };
    const has = (s: MapSelection) => this.selection.includes(s);
    if (has("exposure")) add("effective area", observation.aeff.axes, "energy_true");
    if (has("background")) add("background", observation.bkg.axes, "energy");
    return out;
  }

  private fullEnclosure(observation: Observation, irf: "aeff" | "edisp"): void {
    observation[irf].requireFullEnclosure(`observation ${observation.obsId}`);
  }
}

/** Every image plane of `data` set to 0 where `offset` (one image) is ≥ `max`, plane by plane. */
function zeroBeyond(data: { length: number; [i: number]: number }, offset: Float64Array, max: number): void {
  const n = offset.length;
  for (let at = 0; at < data.length; at += n) {
    for (let i = 0; i < n; i++) if (offset[i] >= max) data[at + i] = 0;
  }
}

const fmt = (v: number) => Number(v.toPrecision(4)).toString();
