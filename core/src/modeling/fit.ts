import { Covariance } from "./covariance.js";
import { migrad, minos, type MinuitOptions, type MinuitResult } from "./minuit/index.js";
import type { Parameter, Parameters } from "./parameter.js";
import type { Models } from "./sky-model.js";

/** What a fit needs of its datasets: the joint statistic and the models (gammapy's `Datasets`). */
export interface FitTarget {
  readonly models: Models;
  /** The unique parameters of the models. */
  readonly parameters: Parameters;
  statSum(): number;
}

export interface OptimizeOptions {
  /** MIGRAD's tolerance (EDM goal 0.002 · tol; default 0.1, as gammapy). */
  tol?: number;
  /** Minuit strategy (default 1). */
  strategy?: 0 | 1 | 2;
  maxfcn?: number;
}

export interface OptimizeResult {
  success: boolean;
  message: string;
  /** The statistic at the optimum. */
  totalStat: number;
  nfev: number;
  backend: "minuit";
  method: "migrad";
  parameters: Parameters;
  models: Models;
}

export interface CovarianceResult {
  success: boolean;
  message: string;
  backend: "minuit";
  method: "hesse";
  /** Over the models' parameters (all, in order), value space; NaN on failure. */
  matrix: Float64Array;
}

export interface FitResult extends OptimizeResult {
  covarianceResult?: CovarianceResult;
  optimizeResult: OptimizeResult;
}

export interface ConfidenceResult {
  success: boolean;
  message: string;
  /** The distances to the upper and lower crossings, in the parameter's value units. */
  errp: number;
  errn: number;
  nfev: number;
}

export interface StatProfile {
  values: number[];
  statScan: number[];
}

/**
 * Likelihood fits (gammapy 1.0's `Fit`, minuit backend): MIGRAD on the free parameters' factors
 * (after autoscaling), HESSE's covariance from MIGRAD's final state, MINOS intervals and
 * statistic profiles.
 */
export class Fit {
  private lastMinuit?: { result: MinuitResult; parameters: Parameter[] };

  constructor(readonly optimizeOptions: OptimizeOptions = {}) {}

  /** optimize, then covariance: the result succeeds when both do. */
  run(target: FitTarget): FitResult {
    const optimizeResult = this.optimize(target);
    const covarianceResult = this.covariance(target);
    return {
      ...optimizeResult,
      success: optimizeResult.success && covarianceResult.success,
      covarianceResult,
      optimizeResult,
    };
  }

  optimize(target: FitTarget): OptimizeResult {
    const parameters = target.parameters;
    parameters.checkLimits();
    parameters.autoscale();
    const { free, fcn, start, options } = this.minuitProblem(target, 1);
    const result = migrad(fcn, start, options);
    this.lastMinuit = { result, parameters: free };
    result.x.forEach((v, i) => {
      free[i].factor = v;
    });
    const finite = free.every((p) => Number.isFinite(p.value));
    const success = result.accurate && finite;
    let message = "Optimization terminated successfully.";
    if (!success) {
      message = "Optimization failed.";
      if (result.callLimitReached) message += " Call limit was reached.";
      if (result.aboveMaxEdm) message += " Estimated distance to minimum too large.";
      if (!finite) message += " Parameters are not finite.";
      if (!result.valid && !result.callLimitReached && !result.aboveMaxEdm) message += ` ${result.message}`;
    }
    const totalStat = target.statSum();
    return {
      success,
      message,
      totalStat,
      nfev: result.nfev,
      backend: "minuit",
      method: "migrad",
      parameters,
      models: target.models,
    };
  }

  /** The free parameters' factors as Minuit's problem (gammapy's make_minuit_par_kwargs, setup_iminuit). */
  private minuitProblem(target: FitTarget, errordef: number) {
    const free = target.parameters.freeParameters.toArray();
    if (free.length === 0) throw new Error("Fit: no free parameters for fitting");
    for (const p of free)
      if (!Number.isFinite(p.value)) throw new RangeError(`Fit: parameter '${p.name}' starts at ${p.value}`);
    const fcn = (x: Float64Array) => {
      for (let i = 0; i < free.length; i++) free[i].factor = x[i];
      return target.statSum();
    };
    const start = free.map((p) => p.factor);
    const startStat = fcn(Float64Array.from(start));
    if (!Number.isFinite(startStat))
      throw new Error(`Fit: the statistic is ${startStat} at the start values (check the models and the fit mask)`);
    const options: MinuitOptions = {
      step: free.map((p) => (p.error === 0 || Number.isNaN(p.error) ? 1 : p.error / p.scale)),
      limits: free.map((p) => [p.factorMin, p.factorMax] as [number, number]),
      tolerance: this.optimizeOptions.tol ?? 0.1,
      strategy: this.optimizeOptions.strategy ?? 1,
      errordef,
      maxfcn: this.optimizeOptions.maxfcn,
    };
    return { free, fcn, start, options };
  }

  /**
   * The covariance at the optimum: MIGRAD's final matrix of the free factors (iminuit's
   * `covariance` after `migrad`), scaled to values and set on the models.
   */
  covariance(target: FitTarget): CovarianceResult {
    const all = target.models.parameters;
    const last = this.lastMinuit;
    const n = all.length;
    const fail = (message: string): CovarianceResult => ({
      success: false,
      message,
      backend: "minuit",
      method: "hesse",
      matrix: new Float64Array(n * n).fill(Number.NaN),
    });
    if (!last) return fail("Hesse failed: no previous optimisation");
    const m = last.parameters.length;
    const factors = Float64Array.from(last.result.covariance);
    if (factors.length !== m * m || !factors.every(Number.isFinite)) return fail("Hesse failed");
    const covariance = Covariance.fromFactorMatrix(all, factors);
    target.models.covariance = covariance;
    return {
      success: true,
      message: "Hesse terminated successfully.",
      backend: "minuit",
      method: "hesse",
      matrix: covariance.data,
    };
  }

  /**
   * MINOS interval of one free parameter at `sigma` (gammapy's `confidence`): MIGRAD again
   * with errordef σ² (iminuit's cl = 2Φ(σ) − 1), then the crossings; values are restored.
   */
  confidence(target: FitTarget, parameter: Parameter | string, sigma = 1): ConfidenceResult {
    const par = typeof parameter === "string" ? target.parameters.get(parameter) : parameter;
    return target.parameters.restoreStatus(() => {
      const { free, fcn, start, options } = this.minuitProblem(target, sigma * sigma);
      const index = free.indexOf(par);
      if (index < 0) throw new Error(`Fit.confidence: '${par.name}' is not a free parameter`);
      const result = migrad(fcn, start, options);
      if (!result.valid)
        return { success: false, message: result.message, errp: Number.NaN, errn: Number.NaN, nfev: result.nfev };
      const error = minos(fcn, result, index);
      return {
        success: error.valid,
        message: error.valid ? "Minos terminated successfully." : error.message,
        errp: error.upper * par.scale,
        errn: -error.lower * par.scale,
        nfev: error.nfev,
      };
    });
  }

  /**
   * Points of the `sigma` contour of two free parameters (gammapy's `stat_contour`, Δstat = σ²
   * as iminuit's mncontour at cl = chi2(2).cdf(σ²)): along `numpoints` directions from the best
   * fit (the current values, scaled by the errors), the crossing where the statistic, with the
   * other free parameters re-optimised, exceeds its minimum by σ². Values are restored.
   */
  statContour(
    target: FitTarget,
    x: Parameter | string,
    y: Parameter | string,
    options: { numpoints?: number; sigma?: number } = {},
  ): { success: boolean; x: number[]; y: number[] } {
    const params = target.parameters;
    const [px, py] = [x, y].map((p) => (typeof p === "string" ? params.get(p) : p));
    const numpoints = options.numpoints ?? 10;
    const delta = (options.sigma ?? 1) ** 2;
    return params.restoreStatus(() => {
      const [x0, y0] = [px.value, py.value];
      const [ex, ey] = [px.error || Math.abs(x0) * 0.1 || 1, py.error || Math.abs(y0) * 0.1 || 1];
      px.frozen = true;
      py.frozen = true;
      const others = params.freeParameters.length > 0;
      const saved = params.values;
      const profile = (u: number, v: number) => {
        params.values = saved;
        px.value = u;
        py.value = v;
        return others ? this.optimize(target).totalStat : target.statSum();
      };
      const minimum = profile(x0, y0);
      const xs: number[] = [];
      const ys: number[] = [];
      let success = Number.isFinite(minimum);
      for (let k = 0; k < numpoints; k++) {
        const angle = (2 * Math.PI * k) / numpoints;
        const [c, s] = [Math.cos(angle), Math.sin(angle)];
        const rise = (t: number) => profile(x0 + t * ex * c, y0 + t * ey * s) - minimum - delta;
        let lo = 0;
        let hi = 1;
        while (rise(hi) < 0 && hi < 64) [lo, hi] = [hi, hi * 2];
        if (!(rise(hi) >= 0)) {
          success = false;
          continue;
        }
        for (let i = 0; i < 30 && hi - lo > 1e-4; i++) {
          const mid = (lo + hi) / 2;
          if (rise(mid) < 0) lo = mid;
          else hi = mid;
        }
        const t = (lo + hi) / 2;
        xs.push(x0 + t * ex * c);
        ys.push(y0 + t * ey * s);
      }
      return { success, x: xs, y: ys };
    });
  }

  /**
   * The statistic along one parameter's values (default: 11 values over ±2σ, gammapy's
   * scan_n_sigma), the others kept (or re-optimised with `reoptimize`).
   */
  statProfile(
    target: FitTarget,
    parameter: Parameter | string,
    options: { values?: number[]; nvalues?: number; nsigma?: number; reoptimize?: boolean } = {},
  ): StatProfile {
    const par = typeof parameter === "string" ? target.parameters.get(parameter) : parameter;
    const n = options.nvalues ?? 11;
    const nsigma = options.nsigma ?? 2;
    const values =
      options.values ??
      Array.from({ length: n }, (_, i) => par.value - nsigma * par.error + (2 * nsigma * par.error * i) / (n - 1));
    const statScan = target.parameters.restoreStatus(() => {
      par.frozen = true;
      return values.map((v) => {
        par.value = v;
        if (options.reoptimize && target.parameters.freeParameters.length > 0) return this.optimize(target).totalStat;
        return target.statSum();
      });
    });
    return { values, statScan };
  }
}
