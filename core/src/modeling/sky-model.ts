import type { SkyCoord } from "../coords/index.js";
import { NoOverlapError, WcsNDMap } from "../maps/index.js";
import { convert } from "../units/index.js";
import { Covariance } from "./covariance.js";
import { Parameters } from "./parameter.js";
import type { SpatialModel } from "./spatial/spatial-model.js";
import { PowerLawNormSpectralModel } from "./spectral/power-law.js";
import type { SpectralModel } from "./spectral/spectral-model.js";

/** Extra width (deg) around a model's evaluation radius (gammapy's CUTOUT_MARGIN). */
export const CUTOUT_MARGIN = 0.1;

/** Which IRFs the evaluator applies to a model (gammapy 1.0's `apply_irf`). */
export interface ApplyIrf {
  exposure: boolean;
  psf: boolean;
  edisp: boolean;
}

export interface SkyModelOptions {
  spatialModel?: SpatialModel;
  /** Default: a random 8-character name, as gammapy's `make_name`. */
  name?: string;
  applyIrf?: Partial<ApplyIrf>;
  /** The datasets the model applies to (undefined: all). */
  datasetsNames?: string[];
}

/** Something a dataset's models list holds: a sky model or a dataset's background model. */
export interface DatasetModel {
  readonly name: string;
  readonly parameters: Parameters;
  readonly datasetsNames?: readonly string[];
  /** Its type as printed (gammapy's class name; a minifier renames classes, so never constructor.name). */
  readonly type?: string;
  /** The covariance of `parameters` (setting it sets the parameters' errors). */
  covariance: Covariance;
}

/**
 * A factorised sky model, spectral × spatial (gammapy 1.0's `SkyModel`): dN/dE/dΩ in
 * cm⁻² s⁻¹ TeV⁻¹ sr⁻¹. Its parameters are the spectral model's, then the spatial model's.
 */
export class SkyModel implements DatasetModel {
  /** gammapy's class name, as printed and written (a minifier renames classes). */
  get type(): string {
    return "SkyModel";
  }

  readonly spectralModel: SpectralModel;
  readonly spatialModel?: SpatialModel;
  readonly name: string;
  readonly applyIrf: ApplyIrf;
  datasetsNames?: string[];
  private covarianceStore?: Covariance;

  constructor(spectralModel: SpectralModel, options: SkyModelOptions = {}) {
    if (!spectralModel.parameters.toArray().some((p) => p.isNorm))
      throw new Error("SkyModel: the spectral model needs a norm-type parameter (amplitude, norm, …)");
    this.spectralModel = spectralModel;
    this.spatialModel = options.spatialModel;
    this.name = options.name ?? randomName();
    this.applyIrf = { exposure: true, psf: true, edisp: true, ...options.applyIrf };
    this.datasetsNames = options.datasetsNames;
  }

  get parameters(): Parameters {
    return this.spatialModel
      ? this.spectralModel.parameters.concat(this.spatialModel.parameters)
      : this.spectralModel.parameters;
  }

  get position(): SkyCoord | undefined {
    return this.spatialModel?.position;
  }

  /** deg; undefined without a spatial model or for models without one (constant, templates). */
  get evaluationRadius(): number | undefined {
    return this.spatialModel?.evaluationRadius;
  }

  /** The block covariance of the spectral and spatial models. */
  get covariance(): Covariance {
    const parts = [this.spectralModel.covariance];
    if (this.spatialModel) parts.push(this.spatialModel.covariance);
    const stacked = Covariance.fromStack(parts);
    if (this.covarianceStore && this.covarianceStore.parameters.length === stacked.parameters.length) {
      stacked.data = this.covarianceStore.data;
    }
    return stacked;
  }

  set covariance(value: Covariance) {
    const full = new Covariance(this.parameters, value.data);
    this.covarianceStore = full;
    this.spectralModel.covariance = full.getSubcovariance(this.spectralModel.parameters);
    if (this.spatialModel) this.spatialModel.covariance = full.getSubcovariance(this.spatialModel.parameters);
  }

  /**
   * Whether the model reaches any true pixel of an image mask: the mask cut out around the
   * model, 2 × radius + margin + `margin` wide (gammapy 1.0's `contributes`).
   */
  contributes(maskImage: WcsNDMap, margin = 0): boolean {
    const position = this.position;
    const radius = this.evaluationRadius;
    if (!position || radius === undefined) return true;
    try {
      const cut = maskImage.cutout(position, 2 * radius + CUTOUT_MARGIN + margin);
      return cut.data.some((v) => v !== 0);
    } catch (error) {
      if (error instanceof NoOverlapError) return false;
      throw error;
    }
  }
}

/** A dataset model that is a norm spectral model on a map: its parameters and covariance are the spectral model's. */
abstract class NormModel {
  abstract readonly spectralModel: SpectralModel;

  get parameters(): Parameters {
    return this.spectralModel.parameters;
  }

  get covariance(): Covariance {
    return this.spectralModel.covariance;
  }

  set covariance(value: Covariance) {
    this.spectralModel.covariance = value;
  }
}

/**
 * The background model of one dataset (gammapy 1.0's `FoVBackgroundModel`): a norm spectral
 * model (default PowerLawNormSpectralModel: norm, tilt, reference) multiplying the dataset's
 * background map; named `<dataset>-bkg`.
 */
export class FoVBackgroundModel extends NormModel implements DatasetModel {
  /** gammapy's class name, as printed and written (a minifier renames classes). */
  get type(): string {
    return "FoVBackgroundModel";
  }

  readonly spectralModel: SpectralModel;
  readonly datasetsNames: string[];

  constructor(datasetName: string, spectralModel: SpectralModel = new PowerLawNormSpectralModel()) {
    if (!datasetName) throw new Error("FoVBackgroundModel: a dataset name is required");
    if (!spectralModel.parameters.toArray().some((p) => p.isNorm))
      throw new Error("FoVBackgroundModel: a norm spectral model is required");
    super();
    this.spectralModel = spectralModel;
    this.datasetsNames = [datasetName];
  }

  get name(): string {
    return `${this.datasetsNames[0]}-bkg`;
  }
}

/**
 * Predicted counts given as a map (gammapy 1.0's `TemplateNPredModel`): the map × a norm
 * spectral model (default PowerLawNormSpectralModel) at each energy bin's centre, added to the
 * dataset's npred as it is (no IRFs applied). Its map must be on the dataset's geometry.
 */
export class TemplateNPredModel extends NormModel implements DatasetModel {
  /** gammapy's class name, as printed and written (a minifier renames classes). */
  get type(): string {
    return "TemplateNPredModel";
  }

  readonly map: WcsNDMap;
  readonly spectralModel: SpectralModel;
  readonly name: string;
  datasetsNames?: string[];
  /** Where the map came from (written as the models file's `filename`). */
  filename?: string;

  constructor(
    map: WcsNDMap,
    options: { spectralModel?: SpectralModel; name?: string; datasetsNames?: string[]; filename?: string } = {},
  ) {
    super();
    this.map = map;
    this.spectralModel = options.spectralModel ?? new PowerLawNormSpectralModel();
    this.name = options.name ?? randomName();
    this.datasetsNames = options.datasetsNames;
    this.filename = options.filename;
  }

  /** The map × the spectral model at each energy plane's centre (float64). */
  evaluate(): WcsNDMap {
    return scaledByEnergy(this.map, this.spectralModel);
  }
}

/** An ordered list of models, looked up by name (gammapy 1.0's `Models` / `DatasetModels`). */
export class Models implements Iterable<DatasetModel> {
  private readonly list: DatasetModel[];

  constructor(models: Iterable<DatasetModel> = []) {
    this.list = [...models];
    const names = this.list.map((m) => m.name);
    const repeated = names.filter((n, i) => names.indexOf(n) !== i);
    if (repeated.length > 0) throw new Error(`Models: names must be unique, repeated: ${[...new Set(repeated)]}`);
  }

  [Symbol.iterator](): Iterator<DatasetModel> {
    return this.list[Symbol.iterator]();
  }

  get length(): number {
    return this.list.length;
  }

  get names(): string[] {
    return this.list.map((m) => m.name);
  }

  get(name: string): DatasetModel {
    const m = this.list.find((x) => x.name === name);
    if (!m) throw new Error(`no model '${name}' (models: ${this.names.join(", ") || "none"})`);
    return m;
  }

  at(i: number): DatasetModel {
    const m = this.list[i];
    if (!m) throw new RangeError(`Models: no model at index ${i}`);
    return m;
  }

  /** All models' parameters, in model order (a parameter shared between models repeats). */
  get parameters(): Parameters {
    return Parameters.fromStack(this.list.map((m) => m.parameters));
  }

  /** The block covariance of all models' parameters (gammapy's `Models.covariance`). */
  get covariance(): Covariance {
    return Covariance.fromStack(this.list.map((m) => m.covariance));
  }

  /** Sets each model's block from a covariance over (at least) its parameters. */
  set covariance(value: Covariance) {
    for (const m of this.list) m.covariance = value.getSubcovariance(m.parameters);
  }

  /** The models that apply to dataset `name` (those without datasets names apply to all). */
  select(datasetName: string): Models {
    return new Models(this.list.filter((m) => !m.datasetsNames || m.datasetsNames.includes(datasetName)));
  }

  /** This list followed by `other`'s models (gammapy's `+`). */
  add(other: Iterable<DatasetModel> | DatasetModel): Models {
    const more = Symbol.iterator in Object(other) ? [...(other as Iterable<DatasetModel>)] : [other as DatasetModel];
    return new Models([...this.list, ...more]);
  }

  toArray(): DatasetModel[] {
    return [...this.list];
  }
}

/**
 * `map` × a norm spectral model at each energy plane's centre (in TeV, whatever the axis unit):
 * a background or template map under its norm model, float64, in the map's unit.
 */
export function scaledByEnergy(map: WcsNDMap, spectral: SpectralModel): WcsNDMap {
  const geom = map.geom;
  const energy = geom.axisByName("energy");
  const toTeV = energy.unit && energy.unit !== "TeV" ? convert(1, energy.unit, "TeV") : 1;
  const factors = spectral.evaluate(toTeV === 1 ? energy.center : energy.center.map((e) => e * toTeV));
  const n = geom.imageSize;
  const out = new Float64Array(map.data.length);
  for (let p = 0; p < factors.length; p++) {
    const f = factors[p];
    for (let i = p * n; i < (p + 1) * n; i++) out[i] = map.data[i] * f;
  }
  return WcsNDMap.fromGeom(geom, { data: out, unit: map.unit });
}

/** 8 random hex digits (gammapy's `make_name`): default model names, link labels. */
export function randomName(): string {
  const bytes = new Uint8Array(4);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
