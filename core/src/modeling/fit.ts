import { Covariance } from "./covariance.js";
import { bisect } from "../utils/roots.js";
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

/** How `Fit.confidence` finds an interval (gammapy's `confidence_opts`). */
export interface ConfidenceOptions {
  /**
   * "minuit" (default): MINOS; "scipy": the roots of the statistic profile, Δstat = σ², between
   * the best fit and the parameter's `confMin` / `confMax` (gammapy's scipy backend, which its
   * FluxPointsEstimator uses).
   */
  backend?: "minuit" | "scipy";
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

  constructor(
    readonly optimizeOptions: OptimizeOptions = {},
    readonly confidenceOptions: ConfidenceOptions = {},
  ) {}

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
   * The `sigma` interval of one free parameter (gammapy's `confidence`); values are restored.
   * With the minuit backend, MINOS: MIGRAD again with errordef σ² (iminuit's cl = 2Φ(σ) − 1),
   * then the crossings (`reoptimize` is ignored: MINOS re-optimises the others). With the scipy
   * backend, the profile's roots (`confidenceProfile`).
   */
  confidence(target: FitTarget, parameter: Parameter | string, sigma = 1, reoptimize = true): ConfidenceResult {
    const par = typeof parameter === "string" ? target.parameters.get(parameter) : parameter;
    if (this.confidenceOptions.backend === "scipy") return this.confidenceProfile(target, par, sigma, reoptimize);
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
   * gammapy 1.0's `confidence_scipy`: from the current values (the best fit), for the lower then
   * the upper side, the parameter frozen and moved until the statistic exceeds its value there
   * by σ², the root searched between the best fit and `confMin` (`confMax`) — no sign change in
   * that bracket, no interval (NaN and `success` false: gammapy's advice is to set min/max).
   * With `reoptimize` and other free parameters these are optimised at each step (MIGRAD, where
   * gammapy uses scipy's L-BFGS-B). gammapy's brentq stops within 2e-12 of the root; bisection
   * here goes to full precision. `nfev` counts the statistic's evaluations on both sides.
   */
  private confidenceProfile(target: FitTarget, par: Parameter, sigma: number, reoptimize: boolean): ConfidenceResult {
    const parameters = target.parameters;
    const others = parameters.freeParameters.length > 1;
    let nfev = 0;
    const side = (upper: boolean) =>
      parameters.restoreStatus(() => {
        const statNull = target.statSum();
        par.frozen = true;
        const scale = par.scale;
        const lower = par.factor;
        const bound = (upper ? par.confMax : par.confMin) / scale;
        const rise = (factor: number) => {
          nfev++;
          // by value: an optimisation rescales the parameters (autoscale), this one's too
          par.value = factor * scale;
          if (reoptimize && others) this.optimize(target);
          return target.statSum() - statNull - sigma * sigma;
        };
        const [fLower, fBound] = [rise(lower), rise(bound)];
        if (!(Number.isFinite(fLower) && Number.isFinite(fBound)) || Math.sign(fLower) === Math.sign(fBound))
          return Number.NaN;
        return Math.abs(bisect(rise, lower, bound, fLower) - lower) * scale;
      });
    // the optimisations of a re-optimised profile are not the fit's: covariance() keeps the fit's state
    const last = this.lastMinuit;
    let errn: number;
    let errp: number;
    try {
      errn = side(false);
      errp = side(true);
    } finally {
      this.lastMinuit = last;
    }
    const success = Number.isFinite(errn) && Number.isFinite(errp);
    return {
      success,
      message: success
        ? "Confidence terminated successfully."
        : "Confidence estimation failed. Try to set the parameter.min/max by hand.",
      errp,
      errn,
      nfev,
    };
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
   * The statistic along one parameter's values (default: its `scanValues`, 11 values over ±2σ
   * unless set; `nvalues` and `nsigma` change those two), the others kept (or re-optimised with
   * `reoptimize`); gammapy's `stat_profile`.
   */
  statProfile(
    target: FitTarget,
    parameter: Parameter | string,
    options: { values?: number[]; nvalues?: number; nsigma?: number; reoptimize?: boolean } = {},
  ): StatProfile {
    const par = typeof parameter === "string" ? target.parameters.get(parameter) : parameter;
    const grid = par.copy();
    if (options.nvalues !== undefined) grid.scanNValues = options.nvalues;
    if (options.nsigma !== undefined) grid.scanNSigma = options.nsigma;
    const values = options.values ?? grid.scanValues;
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
