import { GTI } from "../data/index.js";
import type { SkyCoord } from "../coords/index.js";
import {
  checkAllocation,
  MapAxis,
  WcsNDMap,
  type AngleInput,
  type AxisSelection,
  type CutoutMode,
  type MapData,
  type PairInput,
  type WcsGeom,
} from "../maps/index.js";
import { RAD_AXIS_DEFAULT } from "../irf/index.js";
import { parseQuantity } from "../units/index.js";
import { cash, cashSum, CashCountsStatistic } from "../stats/index.js";
import type { DatasetModel, Models } from "../modeling/sky-model.js";
import { DatasetEvaluation } from "./dataset-models.js";
import { getRandomState, type RandomState, type RandomStateInit } from "../random/index.js";
import { modelsSummaryLines, pyExp } from "../modeling/models-summary.js";
import type { MapEvaluator } from "./map-evaluator.js";
import { mapEdisp, type EDisp } from "./edisp.js";
import { EDispKernelMap } from "./edisp-kernel-map.js";
import { EDispMap } from "./edisp-map.js";
import { PSFMap } from "./psf-map.js";
import { maskCubeOnGeom, maskOnGeom, stackIrfMap } from "./stack.js";
import { maskedSum } from "../utils/masked-sum.js";
import { positiveRange, summarySums } from "./summary-sums.js";

/** gammapy 1.0's `info_dict`, with its keys (exposure in m² s, times in s). */
export interface DatasetInfo {
  name: string;
  counts: number;
  excess: number;
  sqrt_ts: number;
  background: number;
  npred: number;
  npred_background: number;
  npred_signal: number;
  exposure_min: number;
  exposure_max: number;
  livetime: number;
  ontime: number;
  counts_rate: number;
  background_rate: number;
  excess_rate: number;
  n_bins: number;
  n_fit_bins: number;
  stat_type: string;
  stat_sum: number;
}

export interface MapDatasetCreateOptions {
  /** True-energy axis; default: the reconstructed axis renamed energy_true. */
  energyAxisTrue?: MapAxis;
  /**
   * Migration axis: given, the energy dispersion is an EDispMap on it; absent, an EDispKernelMap
   * on the reconstructed-energy axis (gammapy 1.0's default; v0.15 made an EDispMap on
   * `MIGRA_AXIS_V015`).
   */
  migraAxis?: MapAxis;
  /** Offset axis of the PSF map; default 0–0.66° in 66 bins. */
  radAxis?: MapAxis;
  /** Pixel size of the IRF maps (deg); default 0.2. */
  binszIrf?: number;
  name?: string;
}

/** gammapy v0.15's default migration axis (0.2–5, 48 bins), for EDisp maps as v0.15 made them. */
export const MIGRA_AXIS_V015 = MapAxis.fromBounds(0.2, 5, 48, { name: "migra", unit: "" });
export const BINSZ_IRF_DEFAULT = 0.2;

/** v0.15 axis names map to gammapy 1.0's: "theta" → "rad", a true-energy "energy" → "energy_true". */
function axisNamed(axis: MapAxis | undefined, name: string, aliases: string[]): MapAxis | undefined {
  if (!axis) return undefined;
  if (axis.name === name) return axis;
  if (aliases.includes(axis.name.toLowerCase())) return axis.rename(name);
  throw new Error(`MapDataset.create: the ${name} axis is named '${axis.name}'`);
}

let datasetCounter = 0;

/**
 * data = 0 where the mask is false (hot loops in functions of their own optimise better).
 * A stacked safe mask is mostly true: a byte mask is read four bytes at a time, and only
 * the words holding a 0 byte are looked at byte by byte.
 */
function zeroOutsideMask(data: MapData, mask: MapData): void {
  if (!(mask instanceof Uint8Array) || mask.length !== data.length || mask.byteOffset % 4 !== 0) {
    for (let i = 0; i < data.length; i++) if (!mask[i]) data[i] = 0;
    return;
  }
  const words = new Uint32Array(mask.buffer, mask.byteOffset, mask.length >> 2);
  for (let k = 0; k < words.length; k++) {
    if (words[k] === 0x01010101) continue; // four true bytes
    for (let i = 4 * k; i < 4 * k + 4; i++) if (!mask[i]) data[i] = 0;
  }
  for (let i = 4 * words.length; i < data.length; i++) if (!mask[i]) data[i] = 0;
}

/** Mask values made 0/1 in place. */
function toBool(data: { length: number; [i: number]: number }): void {
  for (let i = 0; i < data.length; i++) if (data[i] !== 0 && data[i] !== 1) data[i] = data[i] ? 1 : 0;
}

/** Stack a mask as gammapy stacks boolean maps: OR-ed with `other` when given; every value ends 0/1. */
function stackMask(mask: WcsNDMap, other: WcsNDMap | undefined): void {
  if (other && mask.data instanceof Uint8Array && other.data instanceof Uint8Array) {
    mask.stackMask(other);
    return;
  }
  if (other) mask.stack(other); // masks of another dtype: added, then made 0/1
  toBool(mask.data);
}

/** Whether the finite values of a map sum to more than 0; for a byte mask, whether any is set (no full pass). */
function sumIsPositive(map: WcsNDMap): boolean {
  const data = map.data;
  if (!(data instanceof Uint8Array)) return map.sum() > 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) return true;
  return false;
}

/** What a MapDataset holds; every map but the counts is optional. */
export interface MapDatasetFields {
  name: string;
  counts: WcsNDMap;
  exposure?: WcsNDMap;
  background?: WcsNDMap;
  psf?: PSFMap;
  edisp?: EDisp;
  maskSafe?: WcsNDMap;
  maskFit?: WcsNDMap;
  gti?: GTI;
  meta?: Record<string, unknown>;
}

/** Binned data and IRF maps of one or more observations (gammapy's `MapDataset`). */
export class MapDataset {
  name: string;
  counts: WcsNDMap;
  exposure?: WcsNDMap;
  background?: WcsNDMap;
  psf?: PSFMap;
  edisp?: EDisp;
  maskSafe?: WcsNDMap;
  maskFit?: WcsNDMap;
  gti: GTI;
  meta: Record<string, unknown>;
  private evaluation?: DatasetEvaluation;

  /** The maps by name, as gammapy's keyword arguments (`MapDataset(counts=…, exposure=…)`). */
  constructor(fields: MapDatasetFields) {
    this.name = fields.name;
    this.counts = fields.counts;
    this.exposure = fields.exposure;
    this.background = fields.background;
    this.psf = fields.psf;
    this.edisp = fields.edisp;
    this.maskSafe = fields.maskSafe;
    this.maskFit = fields.maskFit;
    this.gti = fields.gti ?? GTI.create([], []);
    this.meta = fields.meta ?? {};
  }

  /**
   * Empty maps on `geom` (counts, background, mask) and the IRF geometries gammapy 1.0 derives:
   * the energy dispersion is a diagonal EDispKernelMap on [energy, energy_true], or with
   * `migraAxis` a diagonal EDispMap on [migra, energy_true].
   */
  static create(geom: WcsGeom, options: MapDatasetCreateOptions = {}): MapDataset {
    const name = options.name ?? `dataset-${++datasetCounter}`;
    const { image, energyTrue, migra, psfGeom, edispGeom } = MapDataset.checkCreate(geom, options, name);
    // gammapy 1.0 starts with an all-false safe mask: stacking ORs the datasets' masks in
    const mask = WcsNDMap.fromGeom(geom, { dtype: "bool" });
    return new MapDataset({
      name,
      counts: WcsNDMap.fromGeom(geom),
      exposure: WcsNDMap.fromGeom(image.toCube([energyTrue]), { unit: "m2 s" }),
      background: WcsNDMap.fromGeom(geom),
      psf: PSFMap.fromGeom(psfGeom),
      edisp: migra ? EDispMap.fromGeom(edispGeom) : EDispKernelMap.fromGeom(edispGeom),
      maskSafe: mask,
    });
  }

  /**
   * The geometries `create` allocates maps on, checked against the allocation limit (so a graph's
   * validation refuses a dataset too large before anything is allocated); throws naming the maps.
   */
  static checkCreate(geom: WcsGeom, options: MapDatasetCreateOptions = {}, name = options.name ?? "dataset") {
    const energy = geom.axisByName("energy");
    const energyTrue = axisNamed(options.energyAxisTrue, "energy_true", ["energy"]) ?? energy.rename("energy_true");
    const rad = axisNamed(options.radAxis, "rad", ["theta"]) ?? RAD_AXIS_DEFAULT;
    const migra = axisNamed(options.migraAxis, "migra", []);
    const image = geom.toImage();
    const binszIrf = options.binszIrf ?? BINSZ_IRF_DEFAULT;
    let psfGeom: WcsGeom;
    let edispGeom: WcsGeom;
    try {
      const irfImage = image.toBinsz(binszIrf);
      psfGeom = irfImage.toCube([rad, energyTrue]);
      edispGeom = irfImage.toCube([migra ?? energy, energyTrue]);
    } catch (e) {
      throw new Error(`MapDataset.create '${name}': IRF maps at binszIrf ${binszIrf} deg: ${(e as Error).message}`);
    }
    checkAllocation(
      [
        { name: "counts", geom, dtype: "float32" },
        { name: "background", geom, dtype: "float32" },
        { name: "mask_safe", geom, dtype: "bool" },
        { name: "exposure", geom: image.toCube([energyTrue]), dtype: "float32" },
        { name: "psf", geom: psfGeom, dtype: "float32" },
        { name: "edisp", geom: edispGeom, dtype: migra ? "float64" : "float32" },
      ],
      `MapDataset.create '${name}'`,
    );
    return { image, energyTrue, migra, psfGeom, edispGeom };
  }

  /**
   * The safe mask on the EDisp map's pixels (gammapy's `mask_safe_edisp`): per
   * reconstructed-energy bin for a kernel map, the safe image mask for an EDispMap.
   */
  maskSafeEdisp(): WcsNDMap | undefined {
    if (!this.maskSafe || !this.edisp) return undefined;
    const geom = this.edisp.edispMap.geom;
    if (!(this.edisp instanceof EDispKernelMap)) return maskOnGeom(this.maskSafeImage!, geom);
    const [mine, theirs] = [this.maskSafe.geom.axisByName("energy"), geom.axisByName("energy")];
    if (mine.nbin !== theirs.nbin)
      throw new Error(
        `MapDataset '${this.name}': the EDisp kernel map has ${theirs.nbin} reconstructed-energy bins, ` +
          `the safe mask ${mine.nbin}`,
      );
    return maskCubeOnGeom(this.maskSafe, geom);
  }

  /** The safe mask reduced over energy (a pixel is safe if any energy bin is). */
  get maskSafeImage(): WcsNDMap | undefined {
    return this.maskSafe?.sumOverAxes();
  }

  /** Bins used by fits: the safe mask AND the fit mask (undefined when neither exists). */
  get mask(): Uint8Array | undefined {
    const safe = this.maskSafe?.data;
    const fit = this.maskFit?.data;
    if (!safe && !fit) return undefined;
    const out = new Uint8Array(this.counts.data.length);
    for (let i = 0; i < out.length; i++) out[i] = (!safe || safe[i]) && (!fit || fit[i]) ? 1 : 0;
    return out;
  }

  /** The sky and background models of this dataset (gammapy 1.0's `models`; setting it builds the evaluators). */
  get models(): Models | undefined {
    return this.evaluation?.models;
  }

  set models(models: Models | Iterable<DatasetModel> | undefined) {
    this.evaluation = models === undefined ? undefined : new DatasetEvaluation(this.name, models);
  }

  /** One evaluator per sky model, by model name. */
  get evaluators(): ReadonlyMap<string, MapEvaluator> {
    return this.evaluation?.evaluators ?? new Map();
  }

  /** The main geometry: the counts'. */
  get geom(): WcsGeom {
    return this.counts.geom;
  }

  /** The fit bins reduced over energy (true where any is); all true without masks. */
  get maskImage(): WcsNDMap {
    const mask = this.mask;
    const image = this.counts.geom.toImage();
    const out = WcsNDMap.fromGeom(image, { dtype: "bool" });
    const n = image.imageSize;
    if (!mask) out.data.fill(1);
    else
      for (let plane = 0; plane < mask.length; plane += n)
        for (let i = 0; i < n; i++) if (mask[plane + i]) out.data[i] = 1;
    return out;
  }

  /** Brings the sky models' evaluators up to date (IRFs at their positions, cutouts) without computing npred. */
  updateEvaluators(): void {
    this.evaluation?.updateEvaluators(this);
  }

  /** Predicted counts of the sky models (all, or the one named), without background. */
  npredSignal(modelName?: string): WcsNDMap {
    if (!this.evaluation) {
      if (modelName !== undefined) throw new Error(`dataset '${this.name}' has no models`);
      return WcsNDMap.fromGeom(this.counts.geom, { dtype: "float64" });
    }
    return this.evaluation.npredSignal(this, modelName);
  }

  /**
   * The background template scaled by the background model (gammapy's `npred_background`):
   * the dataset's FoVBackgroundModel (`<name>-bkg`) among its models; without one the map itself.
   */
  npredBackground(): WcsNDMap | undefined {
    if (this.background && this.evaluation?.backgroundModel) return this.evaluation.npredBackground(this.background);
    return this.background;
  }

  /** Predicted counts: the sky models' plus the background, negative values set to 0. */
  npred(): WcsNDMap {
    const out = this.npredSignal();
    const background = this.npredBackground();
    const data = out.data;
    if (background) for (let i = 0; i < data.length; i++) data[i] += background.data[i];
    for (let i = 0; i < data.length; i++) if (data[i] < 0) data[i] = 0;
    return out;
  }

  /**
   * Replace the counts by a Poisson draw of npred in every bin (gammapy 1.0's `fake`): one
   * generator, bins in C order, non-finite npred drawn as 0; with the same seed the counts
   * equal gammapy's.
   */
  fake(randomState: RandomStateInit = "random-seed"): void {
    this.counts = poissonMap(this.npred(), getRandomState(randomState));
  }

  /**
   * gammapy 1.0's `info_dict` (within the safe mask unless `inSafeDataRange` is false): counts,
   * background, excess and its significance (summed Cash counts statistic), npred and its parts,
   * exposure range, livetime and ontime (s), rates, bins, the statistic.
   */
  infoDict(inSafeDataRange = true): DatasetInfo {
    const safe = inSafeDataRange ? this.maskSafe?.data : undefined;
    const sum = (data: ArrayLike<number> | undefined) => (data ? maskedSum(data, safe) : Number.NaN);
    const counts = sum(this.counts.data);
    const background = this.background ? sum(this.background.data) : Number.NaN;
    const summed = this.background ? new CashCountsStatistic(counts, background) : undefined;
    const withModels = this.models !== undefined;
    const npred = withModels || this.background ? sum(this.npred().data) : Number.NaN;
    const npredBackground = this.background ? sum(this.npredBackground()!.data) : Number.NaN;
    const npredSignal = withModels ? sum(this.npredSignal().data) : Number.NaN;
    const [exposureMin, exposureMax] = this.exposureRange();
    const meta = this.exposure?.meta.livetime;
    const livetime = typeof meta === "number" ? meta : Number.NaN;
    const ontime = this.gti.length > 0 ? this.gti.timeSum : Number.NaN;
    const mask = this.mask;
    return {
      name: this.name,
      counts: Math.trunc(counts),
      excess: summed ? summed.nSig[0] : Number.NaN,
      sqrt_ts: summed ? summed.sqrtTs[0] : Number.NaN,
      background,
      npred,
      npred_background: npredBackground,
      npred_signal: npredSignal,
      exposure_min: exposureMin,
      exposure_max: exposureMax,
      livetime,
      ontime,
      counts_rate: Math.trunc(counts) / livetime,
      background_rate: background / livetime,
      excess_rate: (summed ? summed.nSig[0] : Number.NaN) / livetime,
      n_bins: this.counts.data.length,
      n_fit_bins: mask ? mask.reduce((a, v) => a + (v ? 1 : 0), 0) : 0,
      stat_type: this.statType,
      stat_sum: withModels ? this.statSum() : Number.NaN,
    };
  }

  /**
   * The exposure's range over its positive values inside the safe image mask (over all values
   * when there are none); NaN without an exposure.
   */
  private exposureRange(): [number, number] {
    if (!this.exposure) return [Number.NaN, Number.NaN];
    return positiveRange(this.exposure.data, this.maskSafeImage?.data, this.exposure.geom.imageSize);
  }

  /** The Cash statistic of every bin (gammapy's `stat_array`). */
  statArray(): Float64Array {
    const counts = this.counts.data;
    const npred = this.npred().data;
    return Float64Array.from(npred, (mu, i) => cash(counts[i], mu));
  }

  /** The Cash statistic summed over the fit bins (`mask`). */
  statSum(): number {
    if (!this.evaluation) return cashSum(this.counts.data, this.npred().data, this.mask);
    // npred() summed as it goes, in a reused signal map: the same numbers, one pass, no new maps
    const signal = this.evaluation.npredSignalScratch(this).data;
    const background = this.npredBackground()?.data;
    const counts = this.counts.data;
    const mask = this.mask;
    let total = 0;
    for (let i = 0; i < counts.length; i++) {
      if (mask && !mask[i]) continue;
      const mu = background ? signal[i] + background[i] : signal[i];
      total += cash(counts[i], mu < 0 ? 0 : mu);
    }
    return total;
  }

  /**
   * counts − npred ("diff"), divided by npred ("diff/model") or by its square root ("diff/sqrt(model)").
   * `npred`, when given (this dataset's `npred()`, computed once for several products), is left unchanged.
   */
  residuals(method: "diff" | "diff/model" | "diff/sqrt(model)" = "diff", npred?: WcsNDMap): WcsNDMap {
    const counts = this.counts.data;
    const result = npred ? WcsNDMap.fromGeom(npred.geom, { data: npred.data.slice() }) : this.npred();
    const data = result.data;
    const divide = method === "diff/model" ? (m: number) => m : method === "diff/sqrt(model)" ? Math.sqrt : undefined;
    if (method !== "diff" && !divide)
      throw new Error(`residuals: method must be "diff", "diff/model" or "diff/sqrt(model)", got '${method}'`);
    for (let i = 0; i < data.length; i++) {
      const diff = counts[i] - data[i];
      data[i] = divide ? diff / divide(data[i]) : diff;
    }
    return result;
  }

  /**
   * Stack `other` into this dataset in place, with gammapy 1.0's rules: counts and
   * background of `other` enter within its safe mask, exposure within its safe image mask;
   * PSF and EDisp maps are averaged weighted by their exposure (the safe image mask
   * re-projected onto the IRF grid; for an EDisp kernel map the safe mask of each
   * reconstructed-energy bin); safe masks are OR-ed; GTIs joined.
   */
  stack(other: MapDataset): void {
    const otherMask = other.maskSafe;
    this.counts.stack(other.counts, otherMask);
    const otherImage = other.maskSafeImage;
    if (this.exposure && other.exposure) {
      this.exposure.stack(other.exposure, otherImage);
      const livetime = other.exposure.meta.livetime;
      if (typeof livetime === "number" && (!otherImage || sumIsPositive(otherImage))) {
        this.exposure.meta.livetime =
          (typeof this.exposure.meta.livetime === "number" ? this.exposure.meta.livetime : 0) + livetime;
      }
    }
    if (this.background && other.background) {
      // both backgrounds enter with their models applied; the sum is then the template itself
      const theirs = other.npredBackground()!;
      // with a model a new map; without one the template itself, updated in place unless
      // `other` shares its data (which must then stay as it is)
      let background = this.npredBackground()!;
      const buffer = background.data.buffer;
      if (buffer === theirs.data.buffer || buffer === other.background.data.buffer) background = background.copy();
      if (this.maskSafe) zeroOutsideMask(background.data, this.maskSafe.data);
      background.stack(theirs, otherMask);
      this.background = background;
      this.dropBackgroundModel();
    }
    if (this.psf && other.psf) {
      const weights = otherImage && maskOnGeom(otherImage, other.psf.psfMap.geom);
      stackIrf("PSF", this.psf.psfMap, this.psf.exposureMap, other.psf.psfMap, other.psf.exposureMap, weights);
    }
    if (this.edisp && other.edisp) {
      const [mine, theirs] = [this.edisp, other.edisp];
      if (mine instanceof EDispKernelMap && theirs instanceof EDispKernelMap) mine.stack(theirs, other.maskSafeEdisp());
      else if (mine instanceof EDispMap && theirs instanceof EDispMap) {
        const weights = otherImage && maskOnGeom(otherImage, theirs.edispMap.geom);
        stackIrf("EDisp", mine.edispMap, mine.exposureMap, theirs.edispMap, theirs.exposureMap, weights);
      } else throw new Error("MapDataset.stack: an EDisp kernel map and an EDisp migration map do not stack");
    }
    if (this.maskSafe) stackMask(this.maskSafe, otherMask);
    if (this.maskFit && other.maskFit) {
      stackMask(this.maskFit, other.maskFit);
    } else if (other.maskFit) {
      this.maskFit = other.maskFit.copy();
    }
    // in this dataset's time reference, as gammapy
    if (other.gti.length > 0) this.gti = this.gti.stack(other.gti).union();
  }

  /** gammapy's class name, as printed and as dataset lists name it (a minifier renames classes). */
  get tag(): string {
    return "MapDataset";
  }

  /** gammapy's printed summary (`print(dataset)`); model-dependent lines are nan without models. */
  toString(): string {
    const withModels = this.models !== undefined && this.models.length > 0;
    const { counts, background, predicted, predictedBackground, predictedSignal, bins } = summarySums({
      counts: this.counts.data,
      mask: (this.maskSafe ?? this.maskFit)?.data,
      npredBackground: this.npredBackground()?.data,
      totalBackground: this.summaryBackground()?.data,
      signal: withModels ? this.npredSignal().data : undefined,
    });
    const [expMin, expMax] = this.exposureRange();
    const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "nan");
    const sci = (v: number) => pyExp(v, 2);
    // gammapy leaves a space after names and integers, none after floats
    const row = (label: string, value: string | number) =>
      `  ${label.padEnd(32)}: ${value}${typeof value === "number" ? " " : ""}`;
    const title = this.tag;
    return [
      title,
      "-".repeat(title.length),
      "",
      row("Name", `${this.name} `),
      "",
      row("Total counts", counts),
      row("Total background counts", fmt(background)),
      row("Total excess counts", fmt(counts - background)),
      "",
      row("Predicted counts", fmt(predicted)),
      row("Predicted background counts", fmt(predictedBackground)),
      row("Predicted excess counts", withModels ? fmt(predictedSignal) : "nan"),
      "",
      row("Exposure min", `${sci(expMin)} m2 s`),
      row("Exposure max", `${sci(expMax)} m2 s`),
      "",
      row("Number of total bins", this.counts.data.length),
      row("Number of fit bins", bins),
      "",
      row("Fit statistic type", this.statType),
      row("Fit statistic value (-2 log(L))", fmt(withModels ? this.statSum() : this.summaryStat())),
      "",
      ...this.modelSummary(),
      ...this.extraSummary(),
    ].join("\n");
  }

  /** The likelihood this dataset is fitted with. */
  get statType(): string {
    return "cash";
  }

  /** The statistic the printed summary shows: NaN without sky models, as gammapy. */
  protected summaryStat(): number {
    return NaN;
  }

  /** The background summed in the printed summary's "Total background counts". */
  protected summaryBackground(): WcsNDMap | undefined {
    // with models (gammapy 1.0) the background map itself; the legacy norm scales it otherwise
    return this.models && this.models.length > 0 ? this.background : this.npredBackground();
  }

  /** Lines a subclass appends to the printed summary. */
  protected extraSummary(): string[] {
    return [];
  }

  private modelSummary(): string[] {
    const row = (label: string, value: string) => `  ${label.padEnd(32)}: ${value}`;
    const models = this.models;
    if (models && models.length > 0) {
      const parameters = models.parameters;
      return [
        row("Number of models", `${models.length} `),
        row("Number of parameters", String(parameters.length)),
        row("Number of free parameters", String(parameters.freeParameters.length)),
        "",
        ...modelsSummaryLines(models).map((l) => `  ${l}`),
      ];
    }
    return [row("Number of models", "0 "), row("Number of parameters", "0"), row("Number of free parameters", "0")];
  }

  /** After stacking, the background map holds the scaled sum: this dataset's background model goes. */
  private dropBackgroundModel(): void {
    const models = this.models;
    if (!models) return;
    const kept = models.toArray().filter((m) => m.name !== `${this.name}-bkg`);
    this.models = kept.length > 0 ? kept : undefined;
  }

  /**
   * The dataset summed over reconstructed energy (gammapy 1.0's `to_image`): counts and
   * background within the safe mask, masks OR-ed, on one squashed energy bin; an EDisp kernel
   * map summed over reconstructed energy within the safe mask (`mask_safe_edisp`); exposure, PSF,
   * an EDispMap and GTI are kept as they are.
   */
  toImage(name?: string): MapDataset {
    const geom = this.counts.geom.squash("energy");
    const mask = (map: WcsNDMap | undefined) => map && sumOverEnergy(map, undefined, true, geom);
    const background = this.npredBackground();
    return new MapDataset({
      name: name ?? `${this.name}-image`,
      counts: this.imageOf(this.counts),
      exposure: this.exposure,
      // the background model is applied (gammapy 1.0 sums the bare template and drops the model)
      background: background && this.imageOf(background),
      psf: this.psf,
      edisp: this.edisp instanceof EDispKernelMap ? this.edisp.toImage(this.maskSafeEdisp()) : this.edisp,
      maskSafe: mask(this.maskSafe),
      maskFit: mask(this.maskFit),
      gti: this.gti,
      meta: structuredClone(this.meta),
    });
  }

  /**
   * `map` (on this dataset's geometry) summed over reconstructed energy inside the safe mask, on
   * one energy bin: what `toImage` makes of the counts and the background.
   */
  imageOf(map: WcsNDMap): WcsNDMap {
    return sumOverEnergy(map, this.maskSafe, false, this.counts.geom.squash("energy"));
  }

  /** A deep copy (maps, masks, background model), e.g. a snapshot of a running stack. */
  copy(name?: string): MapDataset {
    return this.withEachMap(name ?? this.name, (m) => m.copy());
  }

  /** A cutout of every map around `position` (the IRF maps on their own coarser grid). */
  cutout(position: SkyCoord, width: PairInput<AngleInput>, mode: CutoutMode = "trim", name?: string): MapDataset {
    return this.withEachMap(name ?? `${this.name}-cutout`, (m) => m.cutout(position, width, mode));
  }

  /**
   * The dataset on sub-ranges of its axes (gammapy 1.0's `slice_by_idx`), e.g. `{ energy: [1, 3] }`
   * for reconstructed-energy bins 1 and 2: each map sliced along the axes it has, the others
   * (the exposure, PSF and an EDispMap for an energy slice) kept as they are, shared with this
   * dataset as gammapy's numpy views share; an IRF map's exposure is sliced only by a true-energy
   * selection. The background is the bare map (a background model is not applied: the models
   * are not carried over), GTI and meta are kept.
   */
  sliceByIdx(selection: AxisSelection, name?: string): MapDataset {
    const slice = <M extends WcsNDMap | undefined>(m: M): M => {
      if (!m) return m;
      const names = m.geom.axesNames.map((a) => a.toLowerCase());
      const touched = Object.keys(selection).some((k) => names.includes(k.toLowerCase()));
      return (touched ? m.sliceByIdx(selection) : m) as M;
    };
    const trueEnergy = Object.keys(selection).some((k) => k.toLowerCase() === "energy_true");
    const irfExposure = <M extends WcsNDMap | undefined>(m: M): M => (trueEnergy ? slice(m) : m);
    return new MapDataset({
      name: name ?? `${this.name}-slice`,
      counts: slice(this.counts),
      exposure: slice(this.exposure),
      background: this.statType === "cash" ? slice(this.background) : undefined,
      psf: this.psf && new PSFMap(slice(this.psf.psfMap), irfExposure(this.psf.exposureMap)),
      edisp: this.edisp && mapEdisp(this.edisp, slice, irfExposure),
      maskSafe: slice(this.maskSafe),
      maskFit: slice(this.maskFit),
      gti: this.gti,
      meta: structuredClone(this.meta),
    });
  }

  /**
   * The dataset on the reconstructed-energy bins between two energies (gammapy 1.0's
   * `slice_by_energy`): each bound snapped to the nearest bin edge (`MapAxis.groupTable`),
   * default the axis' bounds; numbers in TeV or quantity strings ("500 GeV"). Throws a
   * NoOverlapError when both snap to the same edge.
   */
  sliceByEnergy(energyMin?: number | string, energyMax?: number | string, name?: string): MapDataset {
    const axis = this.counts.geom.axisByName("energy");
    const unit = axis.unit || "TeV";
    const inUnit = (e: number | string) => parseQuantity(e, typeof e === "number" ? "TeV" : undefined).to(unit).value;
    const [lo, hi] = axis.bounds;
    const edges = [energyMin === undefined ? lo : inUnit(energyMin), energyMax === undefined ? hi : inUnit(energyMax)];
    const group = axis.groupTable(edges).find((g) => g.binType === "normal")!;
    return this.sliceByIdx({ energy: [group.idxMin, group.idxMax + 1] }, name);
  }

  /** A dataset of `f` applied to every map (IRF maps and their exposures too), GTI and model kept. */
  private withEachMap(name: string, f: (map: WcsNDMap) => WcsNDMap): MapDataset {
    const each = (m?: WcsNDMap) => m && f(m);
    const out = new MapDataset({
      name,
      counts: f(this.counts),
      exposure: each(this.exposure),
      // a background model's scaling goes into the copy's map (the model stays the original's)
      background: each(this.npredBackground()),
      psf: this.psf && new PSFMap(f(this.psf.psfMap), each(this.psf.exposureMap)),
      edisp: this.edisp && mapEdisp(this.edisp, f),
      maskSafe: each(this.maskSafe),
      maskFit: each(this.maskFit),
      gti: this.gti,
      meta: structuredClone(this.meta),
    });
    return out;
  }
}

/** One IRF map stacked into another weighted by their exposures; both exposure maps are needed. */
function stackIrf(
  what: string,
  irf: WcsNDMap,
  exposure: WcsNDMap | undefined,
  otherIrf: WcsNDMap,
  otherExposure: WcsNDMap | undefined,
  weights: WcsNDMap | undefined,
): void {
  if (!exposure || !otherExposure) throw new Error(`MapDataset.stack: missing exposure map of the ${what} map`);
  stackIrfMap(irf, exposure, otherIrf, otherExposure, weights);
}

/**
 * A map summed over its non-spatial bins onto `geom` (one squashed bin), each value times
 * `weights` (the safe mask); OR-ed for masks (`logical`). float32 maps are summed in float32,
 * as numpy's add.reduceat does; dtype, unit and meta are kept.
 */
export function sumOverEnergy(map: WcsNDMap, weights: WcsNDMap | undefined, logical: boolean, geom: WcsGeom): WcsNDMap {
  const out = WcsNDMap.fromGeom(geom, { dtype: map.dtype, unit: map.unit, meta: structuredClone(map.meta) });
  const n = geom.imageSize;
  const planes = map.data.length / n;
  const data = map.data;
  const w = weights?.data;
  const float32 = map.dtype === "float32";
  // Plane by plane into one accumulator per pixel: each pixel's sum is taken in the same order
  // as pixel by pixel (same numbers), but memory is read in order (RX J1713 ring case: ~25 ms
  // a run before, strided across planes). Each plane by a small function of its kind, called
  // per plane: V8 optimises it after a few calls (a loop inline here ran mostly unoptimised).
  const acc = new Float64Array(n);
  for (let p = 0; p < planes; p++) {
    const at = p * n;
    if (logical) orPlane(acc, data, at);
    else if (float32 && w) addPlaneFloat32Weighted(acc, data as Float32Array, w, at);
    else if (float32) addPlaneFloat32(acc, data as Float32Array, at);
    else if (w) addPlaneWeighted(acc, data, w, at);
    else addPlane(acc, data, at);
  }
  out.data.set(acc);
  return out;
}

type Values = ArrayLike<number>;

/** acc[i] = acc[i] || data[at + i] ? 1 : 0. */
function orPlane(acc: Float64Array, data: Values, at: number): void {
  for (let i = 0; i < acc.length; i++) acc[i] = acc[i] || data[at + i] ? 1 : 0;
}

/** acc[i] += data[at + i] · w[at + i], each step rounded to float32 as numpy sums float32. */
function addPlaneFloat32Weighted(acc: Float64Array, data: Float32Array, w: Values, at: number): void {
  for (let i = 0; i < acc.length; i++) acc[i] = Math.fround(acc[i] + Math.fround(data[at + i] * w[at + i]));
}

/** acc[i] += data[at + i], rounded to float32. */
function addPlaneFloat32(acc: Float64Array, data: Float32Array, at: number): void {
  for (let i = 0; i < acc.length; i++) acc[i] = Math.fround(acc[i] + Math.fround(data[at + i]));
}

/** acc[i] += data[at + i] · w[at + i]. */
function addPlaneWeighted(acc: Float64Array, data: Values, w: Values, at: number): void {
  for (let i = 0; i < acc.length; i++) acc[i] = acc[i] + data[at + i] * w[at + i];
}

/** acc[i] += data[at + i]. */
function addPlane(acc: Float64Array, data: Values, at: number): void {
  for (let i = 0; i < acc.length; i++) acc[i] = acc[i] + data[at + i];
}

/**
 * Counts drawn from `expected` (numpy's nan_to_num first: NaN and ±∞ as 0), float32 like the
 * counts maps gammapy writes unless a count needs more than 24 bits.
 */
export function poissonMap(expected: WcsNDMap, random: RandomState): WcsNDMap {
  const lams = Float64Array.from(expected.data, (v) => (Number.isFinite(v) ? v : 0));
  const drawn = random.poissonArray(lams);
  let max = 0;
  for (let i = 0; i < drawn.length; i++) if (drawn[i] > max) max = drawn[i];
  const data = max < 2 ** 24 ? Float32Array.from(drawn) : drawn;
  return WcsNDMap.fromGeom(expected.geom, { data, unit: "" });
}
