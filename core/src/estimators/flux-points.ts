import { Datasets } from "../datasets/datasets.js";
import type { MapDataset } from "../datasets/map-dataset.js";
import type { FluxPoint } from "../images/spectrum-plot.js";
import { MapAxis, WcsNDMap } from "../maps/index.js";
import { Fit } from "../modeling/fit.js";
import type { Parameter } from "../modeling/parameter.js";
import { Models, SkyModel, type DatasetModel } from "../modeling/sky-model.js";
import { ScaleSpectralModel } from "../modeling/spectral/scale.js";
import type { SpectralModel } from "../modeling/spectral/spectral-model.js";
import { parseQuantity } from "../units/index.js";
import { maskedSum } from "../utils/masked-sum.js";

// gammapy 1.0's FluxPointsEstimator (estimators/points/sed.py) with the FluxEstimator and
// ParameterEstimator it builds on (estimators/flux.py, parameter.py), and the FluxPoints it
// returns (estimators/points/core.py, map/core.py): in each energy bin the datasets are sliced
// to the bin, the source's spectrum is replaced by the reference spectrum × a norm, and the
// norm alone is fitted (the other parameters frozen unless `reoptimize`).

/** The optional steps (gammapy's `selection_optional`): asymmetric errors, upper limits, statistic scans. */
export type FluxSelection = "errn-errp" | "ul" | "scan";

const SELECTIONS: readonly FluxSelection[] = ["errn-errp", "ul", "scan"];

export interface FluxPointsEstimatorOptions {
  /** Bin edges: numbers in TeV or energy strings ("500 GeV"); default [1, 10] TeV. */
  energyEdges?: ReadonlyArray<number | string>;
  /** The source: a model name or an index into the datasets' models (default 0). */
  source?: string | number;
  /** Where the norm's statistic scans and confidence searches stop (default 0.2 and 5 × the reference). */
  normMin?: number;
  normMax?: number;
  /** How many norm values a scan takes between normMin and normMax (log-spaced; default 11). */
  normNValues?: number;
  /** The norm values of a scan (instead of normMin…normMax). */
  normValues?: readonly number[];
  /** σ of the asymmetric errors (and the factor on norm_err; default 1). */
  nSigma?: number;
  /** σ of the upper limits (default 2). */
  nSigmaUl?: number;
  /** Which optional quantities to estimate, or "all" (default none). */
  selectionOptional?: readonly FluxSelection[] | "all";
  /** Fit the other free parameters too in each bin (default false, as gammapy's FluxEstimator). */
  reoptimize?: boolean;
  /** The fit (default: minuit's MIGRAD and HESSE, the scipy backend's profile roots for confidence). */
  fit?: Fit;
  /** Fit each bin summed over its energies (`toImage`) rather than on its energy bins. */
  sumOverEnergyGroups?: boolean;
}

/** One bin's estimate, with gammapy's keys. Arrays have one entry per dataset. */
export interface FluxPointRow {
  e_ref: number;
  e_min: number;
  e_max: number;
  ref_dnde: number;
  ref_flux: number;
  ref_eflux: number;
  ref_e2dnde: number;
  norm: number;
  stat: number;
  success: boolean;
  norm_err: number;
  ts: number;
  npred: number[];
  npred_excess: number[];
  counts: number[];
  datasets: string[];
  norm_errp?: number;
  norm_errn?: number;
  norm_ul?: number;
  norm_scan?: number[];
  stat_scan?: number[];
}

/**
 * Flux points of one source (gammapy 1.0's `FluxPointsEstimator`): for each pair of consecutive
 * `energyEdges`, the datasets sliced to the bins between them (each edge snapped to the nearest
 * bin edge; a dataset without bins there is left out, and with none left the bin's values are
 * NaN), the source's spectral model replaced by a `ScaleSpectralModel` of it whose norm alone is
 * fitted from 1 (MIGRAD, HESSE); the TS against norm 0, and optionally the asymmetric errors
 * and upper limit (the statistic profile's roots, Δstat = nSigma², nSigmaUl², searched between
 * the best fit and normMin, normMax unless the amplitude has limits) and a statistic scan.
 * The models given are left as they were (values, errors, frozen flags, covariances). gammapy's
 * check that the datasets share one TELESCOP is not made: datasets here have no meta table.
 */
export class FluxPointsEstimator {
  readonly energyEdges: number[];
  readonly source: string | number;
  readonly normMin: number;
  readonly normMax: number;
  readonly normNValues: number;
  readonly normValues?: readonly number[];
  readonly nSigma: number;
  readonly nSigmaUl: number;
  readonly selectionOptional: readonly FluxSelection[];
  readonly reoptimize: boolean;
  readonly fit: Fit;
  readonly sumOverEnergyGroups: boolean;
  /** The norm's null hypothesis (gammapy's FluxEstimator: 0). */
  readonly nullValue = 0;

  constructor(options: FluxPointsEstimatorOptions = {}) {
    this.energyEdges = (options.energyEdges ?? [1, 10]).map((e, i) => {
      try {
        return parseQuantity(e, "TeV").value; // a number, or a string without a unit: TeV
      } catch (error) {
        throw new Error(`FluxPointsEstimator: energy edge ${i} ('${e}') is not an energy: ${(error as Error).message}`);
      }
    });
    if (
      this.energyEdges.length < 2 ||
      this.energyEdges.some((e, i) => !(e > 0) || (i > 0 && e <= this.energyEdges[i - 1]))
    )
      throw new Error(
        `FluxPointsEstimator: energyEdges must be at least two increasing positive energies, got ${this.energyEdges}`,
      );
    this.source = options.source ?? 0;
    this.normMin = options.normMin ?? 0.2;
    this.normMax = options.normMax ?? 5;
    this.normNValues = options.normNValues ?? 11;
    this.normValues = options.normValues;
    this.nSigma = options.nSigma ?? 1;
    this.nSigmaUl = options.nSigmaUl ?? 2;
    const selection = options.selectionOptional ?? [];
    if (selection !== "all") {
      const unknown = selection.filter((s) => !SELECTIONS.includes(s));
      if (unknown.length)
        throw new Error(`FluxPointsEstimator: unknown selectionOptional ${unknown} (${SELECTIONS.join(", ")}, all)`);
    }
    this.selectionOptional = selection === "all" ? SELECTIONS : [...selection];
    this.reoptimize = options.reoptimize ?? false;
    this.fit = options.fit ?? new Fit({}, { backend: "scipy" });
    this.sumOverEnergyGroups = options.sumOverEnergyGroups ?? false;
  }

  /** The flux points of the datasets' source in every bin; the datasets' energy axes must be aligned. */
  run(input: Datasets<MapDataset> | Iterable<MapDataset>): FluxPoints {
    const datasets = input instanceof Datasets ? input : new Datasets(input);
    if (!datasets.energyAxesAreAligned())
      throw new Error("FluxPointsEstimator: the datasets' energy axes are not aligned");
    const models = datasets.models;
    const source = this.sourceModel(models);
    // each bin from the models as given (gammapy fits a copy of them per bin)
    const rows = this.energyEdges
      .slice(0, -1)
      .map((energyMin, i) =>
        preservingModels(models, () => this.estimateFluxPoint(datasets, models, energyMin, this.energyEdges[i + 1])),
      );
    return new FluxPoints(rows, source.spectralModel, {
      nSigma: this.nSigma,
      nSigmaUl: this.nSigmaUl,
      hasErrnErrp: this.selectionOptional.includes("errn-errp"),
      hasUl: this.selectionOptional.includes("ul"),
    });
  }

  /** One bin's estimate (gammapy's `estimate_flux_point`). */
  estimateFluxPoint(
    datasets: Datasets<MapDataset>,
    models: Models,
    energyMin: number,
    energyMax: number,
  ): FluxPointRow {
    let sliced = datasets.sliceByEnergy(energyMin, energyMax);
    if (this.sumOverEnergyGroups) sliced = new Datasets([...sliced].map((d) => d.toImage(d.name)));
    if (sliced.length === 0) return this.nanResult(datasets, models, energyMin, energyMax);
    return this.estimateFlux(sliced, models);
  }

  /** The source model: by name or index among the models. */
  private sourceModel(models: Models): SkyModel {
    const model = typeof this.source === "number" ? models.at(this.source) : models.get(this.source);
    if (!(model instanceof SkyModel))
      throw new Error(`FluxPointsEstimator: the source '${model.name}' is not a sky model`);
    return model;
  }

  /**
   * The reference spectrum × a norm (gammapy's `get_scale_model`): the norm starts at 1, free,
   * its limits the amplitude's relative to its value, scanned from normMin to normMax.
   */
  private scaleModel(reference: SpectralModel): ScaleSpectralModel {
    if (reference.tag[0].includes("Norm"))
      throw new Error("FluxPointsEstimator: a norm spectral model is not supported for flux point estimation");
    const norms = reference.parameters.toArray().filter((p) => p.isNorm);
    const free = norms.filter((p) => !p.frozen);
    if (norms.length === 0 || free.length > 1)
      throw new Error(
        "FluxPointsEstimator requires one and only one free 'norm' or 'amplitude' parameter in the model",
      );
    const scaled = free.length === 1 ? free[0] : norms[0];
    const scale = new ScaleSpectralModel(reference);
    const norm = scale.norm;
    norm.value = 1;
    norm.frozen = false;
    norm.min = scaled.min / scaled.value;
    norm.max = scaled.max / scaled.value;
    norm.interp = scaled.interp;
    norm.scanValues = this.normValues;
    norm.scanMin = this.normMin;
    norm.scanMax = this.normMax;
    norm.scanNValues = this.normNValues;
    return scale;
  }

  /** gammapy's FluxEstimator.run on the sliced datasets. */
  private estimateFlux(datasets: Datasets<MapDataset>, models: Models): FluxPointRow {
    const source = this.sourceModel(models);
    const scale = this.scaleModel(source.spectralModel);
    const { energyMin, energyMax } = datasets.energyRanges();
    const axis = MapAxis.fromEdges([Math.min(...energyMin), Math.max(...energyMax)], { interp: "log", name: "energy" });
    const reference = referenceFluxes(scale, axis);
    const scaled = new SkyModel(scale, {
      spatialModel: source.spatialModel,
      name: source.name,
      applyIrf: source.applyIrf,
      datasetsNames: source.datasetsNames,
    });
    datasets.models = new Models(models.toArray().map((m): DatasetModel => (m === source ? scaled : m)));
    const result = this.estimateParameter(datasets, scale.norm);
    scale.norm.value = result.norm;
    // gammapy stacks npred_signal into a Map.from_geom of the counts geometry, float32 (and sums
    // that in float32, to ~1e-6 relative; here in double)
    const npredExcess = [...datasets].map((d) => {
      const signal = WcsNDMap.fromGeom(d.counts.geom);
      signal.stack(d.npredSignal(source.name));
      return maskedSum(signal.data, d.mask);
    });
    return { ...reference[0], ...result, npred_excess: npredExcess, datasets: datasets.names };
  }

  /**
   * gammapy's ParameterEstimator.run: the best fit (unless no dataset has a bin to fit), the TS
   * against the null value, the optional steps; the parameters restored afterwards.
   */
  private estimateParameter(datasets: Datasets<MapDataset>, parameter: Parameter) {
    const parameters = datasets.parameters;
    const contributes = datasets.contributesToStat().some((c) => c);
    const selection = this.selectionOptional;
    const estimate = parameters.restoreStatus(() => {
      if (!this.reoptimize) {
        parameters.freezeAll();
        parameter.frozen = false;
      }
      let [norm, stat, success, error] = [Number.NaN, 0, false, Number.NaN];
      if (contributes) {
        const fit = this.fit.run(datasets);
        [norm, error] = [parameter.value, parameter.error];
        [stat, success] = [fit.optimizeResult.totalStat, fit.success];
      }
      const out: Omit<FluxPointRow, "e_ref" | "e_min" | "e_max" | `ref_${string}` | "npred_excess" | "datasets"> = {
        norm,
        stat,
        success,
        norm_err: error * this.nSigma,
        ...this.estimateTs(datasets, parameter, contributes),
        counts: [],
      };
      if (selection.includes("errn-errp")) {
        const { errp, errn } = this.confidence(datasets, parameter, this.nSigma, contributes);
        Object.assign(out, { norm_errp: errp, norm_errn: errn });
      }
      if (selection.includes("ul")) {
        const { errp } = this.confidence(datasets, parameter, this.nSigmaUl, contributes);
        out.norm_ul = errp + parameter.value;
      }
      if (selection.includes("scan")) {
        const values = parameter.scanValues;
        let statScan = values.map(() => Number.NaN);
        if (contributes) {
          this.fit.optimize(datasets);
          statScan = this.fit.statProfile(datasets, parameter, { values, reoptimize: this.reoptimize }).statScan;
        }
        Object.assign(out, { norm_scan: values, stat_scan: statScan });
      }
      return out;
    });
    estimate.counts = [...datasets].map((d) => maskedSum(d.counts.data, d.mask));
    return estimate;
  }

  /** gammapy's `estimate_ts` (npred at the best fit, then the statistic at the null value). */
  private estimateTs(datasets: Datasets<MapDataset>, parameter: Parameter, contributes: boolean) {
    const npred = [...datasets].map((d) => (contributes ? maskedSum(d.npred().data, d.mask) : Number.NaN));
    const stat = contributes ? datasets.statSum() : Number.NaN;
    const ts = datasets.parameters.restoreStatus(() => {
      parameter.value = this.nullValue;
      if (this.reoptimize) {
        parameter.frozen = true;
        this.fit.optimize(datasets);
      }
      return datasets.statSum() - stat;
    });
    return { ts, npred };
  }

  /** The best fit again, then the σ interval (gammapy's `estimate_errn_errp` and `estimate_ul`). */
  private confidence(datasets: Datasets<MapDataset>, parameter: Parameter, sigma: number, contributes: boolean) {
    if (!contributes) return { errp: Number.NaN, errn: Number.NaN };
    this.fit.optimize(datasets);
    return this.fit.confidence(datasets, parameter, sigma, this.reoptimize);
  }

  /** A bin no dataset reaches (gammapy's `_nan_result`): the reference fluxes on the requested edges, NaN. */
  private nanResult(
    datasets: Datasets<MapDataset>,
    models: Models,
    energyMin: number,
    energyMax: number,
  ): FluxPointRow {
    const axis = MapAxis.fromEdges([energyMin, energyMax], { interp: "log", name: "energy" });
    const [reference] = referenceFluxes(this.sourceModel(models).spectralModel, axis);
    const nan = () => Array.from({ length: datasets.length }, () => Number.NaN);
    const row: FluxPointRow = {
      ...reference,
      norm: Number.NaN,
      stat: Number.NaN,
      success: false,
      norm_err: Number.NaN,
      ts: Number.NaN,
      counts: Array.from({ length: datasets.length }, () => 0),
      npred: nan(),
      npred_excess: nan(),
      datasets: datasets.names,
    };
    if (this.selectionOptional.includes("errn-errp"))
      Object.assign(row, { norm_errp: Number.NaN, norm_errn: Number.NaN });
    if (this.selectionOptional.includes("ul")) row.norm_ul = Number.NaN;
    if (this.selectionOptional.includes("scan")) {
      const grid = this.scaleModel(this.sourceModel(models).spectralModel).norm.scanValues;
      Object.assign(row, { norm_scan: grid, stat_scan: grid.map(() => Number.NaN) });
    }
    return row;
  }
}

/** gammapy's `reference_fluxes` on an energy axis (TeV): per bin e_ref (the log centre), dN/dE, flux, energy flux. */
function referenceFluxes(model: SpectralModel, axis: MapAxis) {
  const [center, edges] = [axis.center, axis.edges];
  const [lo, hi] = [edges.subarray(0, -1), edges.subarray(1)];
  const dnde = model.evaluate(center);
  const flux = model.integral(lo, hi);
  const eflux = model.energyFlux(lo, hi);
  return Array.from(center, (e, i) => ({
    e_ref: e,
    e_min: lo[i],
    e_max: hi[i],
    ref_dnde: dnde[i],
    ref_flux: flux[i],
    ref_eflux: eflux[i],
    ref_e2dnde: dnde[i] * e * e,
  }));
}

/**
 * Runs `fn` and restores the models' parameters (value, scale, frozen, error) and covariances:
 * the estimator's fits write errors and covariances into the models they fit (gammapy fits
 * copies of the models).
 */
function preservingModels<T>(models: Models, fn: () => T): T {
  const list = models.toArray();
  const parameters = models.parameters.unique;
  const errors = parameters.toArray().map((p) => p.error);
  const covariances = list.map((m) => m.covariance.copy());
  return parameters.restoreStatus(() => {
    try {
      return fn();
    } finally {
      list.forEach((m, i) => {
        m.covariance = covariances[i];
      });
      parameters.toArray().forEach((p, i) => {
        p.error = errors[i];
      });
    }
  });
}

interface FluxPointsMeta {
  nSigma: number;
  nSigmaUl: number;
  hasErrnErrp: boolean;
  hasUl: boolean;
  /** The √TS below which a point is an upper limit (default 2). */
  sqrtTsThresholdUl?: number;
}

/**
 * Flux points (gammapy 1.0's `FluxPoints`, sed type "likelihood"): per bin the norm relative to
 * the reference spectrum and its errors, upper limit, TS, counts and predicted counts, and their
 * conversions to dN/dE (cm⁻² s⁻¹ TeV⁻¹), E² dN/dE (TeV cm⁻² s⁻¹), flux (cm⁻² s⁻¹) and energy flux
 * (TeV cm⁻² s⁻¹) with the reference spectrum, evaluated when the points are made. Energies in TeV.
 * The bins are gammapy's: the rows' e_min and the last e_max are the edges (a bin's e_max is the
 * next one's e_min), e_ref their log centre; norm and norm_err are NaN where the fit failed.
 */
export class FluxPoints {
  readonly rows: readonly FluxPointRow[];
  readonly energyMin: Float64Array;
  readonly energyMax: Float64Array;
  readonly energyRef: Float64Array;
  readonly referenceSpectralModel: SpectralModel;
  readonly dndeRef: Float64Array;
  readonly e2dndeRef: Float64Array;
  readonly fluxRef: Float64Array;
  readonly efluxRef: Float64Array;
  readonly nSigma: number;
  readonly nSigmaUl: number;
  readonly sqrtTsThresholdUl: number;
  private readonly meta: FluxPointsMeta;

  constructor(rows: readonly FluxPointRow[], referenceSpectralModel: SpectralModel, meta: FluxPointsMeta) {
    if (rows.length === 0) throw new Error("FluxPoints: no rows");
    this.rows = rows;
    this.meta = meta;
    this.nSigma = meta.nSigma;
    this.nSigmaUl = meta.nSigmaUl;
    this.sqrtTsThresholdUl = meta.sqrtTsThresholdUl ?? 2;
    this.referenceSpectralModel = referenceSpectralModel;
    // gammapy's edges_from_lo_hi: every row's e_min, then the last row's e_max
    const edges = [...rows.map((r) => r.e_min), rows[rows.length - 1].e_max];
    const axis = MapAxis.fromEdges(edges, { interp: "log", name: "energy", unit: "TeV" });
    this.energyMin = axis.edges.slice(0, -1);
    this.energyMax = axis.edges.slice(1);
    this.energyRef = axis.center.slice();
    const reference = referenceFluxes(referenceSpectralModel, axis);
    this.dndeRef = Float64Array.from(reference, (r) => r.ref_dnde);
    this.e2dndeRef = Float64Array.from(reference, (r) => r.ref_e2dnde);
    this.fluxRef = Float64Array.from(reference, (r) => r.ref_flux);
    this.efluxRef = Float64Array.from(reference, (r) => r.ref_eflux);
  }

  get length(): number {
    return this.rows.length;
  }

  get success(): boolean[] {
    return this.rows.map((r) => r.success);
  }

  /** The fitted norms, NaN where the fit failed. */
  get norm(): Float64Array {
    return this.filtered((r) => r.norm);
  }

  /** The symmetric errors (HESSE) × nSigma, NaN where the fit failed. */
  get normErr(): Float64Array {
    return this.filtered((r) => r.norm_err);
  }

  get normErrn(): Float64Array {
    return this.column("norm_errn", (r) => r.norm_errn);
  }

  get normErrp(): Float64Array {
    return this.column("norm_errp", (r) => r.norm_errp);
  }

  get normUl(): Float64Array {
    return this.column("norm_ul", (r) => r.norm_ul);
  }

  get ts(): Float64Array {
    return Float64Array.from(this.rows, (r) => r.ts);
  }

  /** √TS with the sign of the norm (−√TS where the norm is not positive), TS clipped at 0. */
  get sqrtTs(): Float64Array {
    const norm = this.norm;
    return Float64Array.from(this.rows, (r, i) => {
      const root = Math.sqrt(Math.max(r.ts, 0));
      return norm[i] > 0 ? root : -root;
    });
  }

  /** The best fit's statistic per bin. */
  get stat(): Float64Array {
    return Float64Array.from(this.rows, (r) => r.stat);
  }

  /** Counts, predicted counts and the source's predicted counts per bin and dataset (within the masks). */
  get counts(): number[][] {
    return this.rows.map((r) => [...r.counts]);
  }

  get npred(): number[][] {
    return this.rows.map((r) => [...r.npred]);
  }

  get npredExcess(): number[][] {
    return this.rows.map((r) => [...r.npred_excess]);
  }

  /**
   * Whether a point is an upper limit (gammapy's `is_ul`): with upper limits and TS, √TS below
   * `sqrtTsThresholdUl`; with upper limits only, where one is finite; else where the norm is NaN.
   */
  get isUl(): boolean[] {
    if (this.meta.hasUl) {
      const sqrtTs = this.sqrtTs;
      return this.rows.map((_, i) => sqrtTs[i] < this.sqrtTsThresholdUl);
    }
    return Array.from(this.norm, (n) => Number.isNaN(n));
  }

  get dnde(): Float64Array {
    return times(this.norm, this.dndeRef);
  }

  get dndeErr(): Float64Array {
    return times(this.normErr, this.dndeRef);
  }

  get dndeErrn(): Float64Array {
    return times(this.normErrn, this.dndeRef);
  }

  get dndeErrp(): Float64Array {
    return times(this.normErrp, this.dndeRef);
  }

  get dndeUl(): Float64Array {
    return times(this.normUl, this.dndeRef);
  }

  get e2dnde(): Float64Array {
    return times(this.norm, this.e2dndeRef);
  }

  get e2dndeErr(): Float64Array {
    return times(this.normErr, this.e2dndeRef);
  }

  get e2dndeErrn(): Float64Array {
    return times(this.normErrn, this.e2dndeRef);
  }

  get e2dndeErrp(): Float64Array {
    return times(this.normErrp, this.e2dndeRef);
  }

  get e2dndeUl(): Float64Array {
    return times(this.normUl, this.e2dndeRef);
  }

  get flux(): Float64Array {
    return times(this.norm, this.fluxRef);
  }

  get fluxErr(): Float64Array {
    return times(this.normErr, this.fluxRef);
  }

  get fluxErrn(): Float64Array {
    return times(this.normErrn, this.fluxRef);
  }

  get fluxErrp(): Float64Array {
    return times(this.normErrp, this.fluxRef);
  }

  get fluxUl(): Float64Array {
    return times(this.normUl, this.fluxRef);
  }

  get eflux(): Float64Array {
    return times(this.norm, this.efluxRef);
  }

  get efluxErr(): Float64Array {
    return times(this.normErr, this.efluxRef);
  }

  get efluxErrn(): Float64Array {
    return times(this.normErrn, this.efluxRef);
  }

  get efluxErrp(): Float64Array {
    return times(this.normErrp, this.efluxRef);
  }

  get efluxUl(): Float64Array {
    return times(this.normUl, this.efluxRef);
  }

  /**
   * gammapy's `to_table(sed_type="likelihood")` as rows: e_ref, e_min, e_max, the reference
   * fluxes, norm and its errors, ts, sqrt_ts, npred, npred_excess, stat, is_ul, counts, success
   * (and the scans when estimated); NaN as null when written as JSON.
   */
  toTable(): Array<Record<string, number | boolean | number[]>> {
    const [norm, normErr, sqrtTs, isUl] = [this.norm, this.normErr, this.sqrtTs, this.isUl];
    const optional = {
      norm_errn: this.meta.hasErrnErrp ? this.normErrn : undefined,
      norm_errp: this.meta.hasErrnErrp ? this.normErrp : undefined,
      norm_ul: this.meta.hasUl ? this.normUl : undefined,
    };
    return this.rows.map((r, i) => {
      const row: Record<string, number | boolean | number[]> = {
        e_ref: this.energyRef[i],
        e_min: this.energyMin[i],
        e_max: this.energyMax[i],
        ref_dnde: this.dndeRef[i],
        ref_flux: this.fluxRef[i],
        ref_eflux: this.efluxRef[i],
        norm: norm[i],
        norm_err: normErr[i],
      };
      for (const [key, values] of Object.entries(optional)) if (values) row[key] = values[i];
      Object.assign(row, { ts: r.ts, sqrt_ts: sqrtTs[i], npred: [...r.npred], npred_excess: [...r.npred_excess] });
      Object.assign(row, { stat: r.stat, is_ul: isUl[i], counts: [...r.counts], success: r.success });
      if (r.norm_scan && r.stat_scan) Object.assign(row, { norm_scan: [...r.norm_scan], stat_scan: [...r.stat_scan] });
      return row;
    });
  }

  /**
   * The points as the spectrum plot draws them (gammapy's `FluxPoints.plot` in dN/dE): the
   * asymmetric errors where estimated, else norm_err; upper limits at dnde_ul; points with
   * neither a value nor a limit left out.
   */
  toSpectrumPoints(): FluxPoint[] {
    const [dnde, isUl] = [this.dnde, this.isUl];
    const asymmetric = this.meta.hasErrnErrp;
    const [errn, errp] = asymmetric ? [this.dndeErrn, this.dndeErrp] : [this.dndeErr, this.dndeErr];
    const ul = this.meta.hasUl ? this.dndeUl : undefined;
    const points: FluxPoint[] = [];
    for (let i = 0; i < this.length; i++) {
      const at = { energy: this.energyRef[i], energyMin: this.energyMin[i], energyMax: this.energyMax[i] };
      if (ul && isUl[i]) {
        if (Number.isFinite(ul[i]) && ul[i] > 0) points.push({ ...at, dnde: ul[i], isUpperLimit: true });
        continue;
      }
      if (!Number.isFinite(dnde[i])) continue;
      const error = (e: number) => (Number.isFinite(e) ? Math.max(e, 0) : undefined);
      points.push({ ...at, dnde: dnde[i], dndeErrn: error(errn[i]), dndeErrp: error(errp[i]) });
    }
    return points;
  }

  /** A column of norms; throws when it was not estimated (gammapy's `_check_quantity`). */
  private column(name: string, get: (r: FluxPointRow) => number | undefined): Float64Array {
    const wanted = name === "norm_ul" ? this.meta.hasUl : this.meta.hasErrnErrp;
    if (!wanted) throw new Error(`FluxPoints: '${name}' was not estimated (selectionOptional)`);
    return Float64Array.from(this.rows, (r) => get(r) ?? Number.NaN);
  }

  private filtered(get: (r: FluxPointRow) => number): Float64Array {
    return Float64Array.from(this.rows, (r) => (r.success ? get(r) : Number.NaN));
  }
}

function times(a: Float64Array, b: Float64Array): Float64Array {
  return Float64Array.from(a, (v, i) => v * b[i]);
}
