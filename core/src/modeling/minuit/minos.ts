// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
import { MinuitContext } from "./context.js";
import { invertSymmetric } from "./linalg.js";
import type { MinuitResult } from "./result.js";
import { userStateFrom } from "./result.js";
import type { MinuitFcn, MinuitSetup, UserState } from "./setup.js";
import type { MinuitStrategy } from "./strategy.js";
import { type Cross, functionCross } from "./minos-cross.js";
import { ParameterTransform } from "./transform.js";
import { type MinimumRun, runMigrad, runValid } from "./variable-metric.js";

export interface MinosOptions {
  /** Call limit of each MIGRAD along the profile; default Minuit's 2·(n+1)·(200 + 100·n + 5·n²). */
  maxfcn?: number;
  /** Default: the result's tolerance (MIGRAD along the profile runs at half of it, as Minuit). */
  tolerance?: number;
  /** Default: the result's; the profile's MIGRAD runs one level lower, as Minuit. */
  strategy?: MinuitStrategy;
}

export interface MinosError {
  parameter: number;
  /** Negative: value + lower is where the profile crosses fmin + errordef below the minimum. */
  lower: number;
  upper: number;
  valid: boolean;
  lowerValid: boolean;
  upperValid: boolean;
  /** The crossing lies beyond the parameter's limit: lower/upper reach the limit. */
  atLowerLimit: boolean;
  atUpperLimit: boolean;
  atLowerMaxFcn: boolean;
  atUpperMaxFcn: boolean;
  /** The profile went below the minimum: the fit had not found the minimum. */
  lowerNewMin: boolean;
  upperNewMin: boolean;
  nfev: number;
  message: string;
}

/**
 * Asymmetric errors of one parameter (Minuit's MINOS): where the profile of fcn — the other parameters
 * minimized, the parameter fixed — rises by errordef above the minimum, on each side. The crossing is
 * found as Minuit's MnFunctionCross does: MIGRAD at a few fixed values, then parabolas through the profile
 * points. `result` must be a valid MIGRAD or HESSE result of the same fcn.
 */
export function minos(
  fcn: MinuitFcn,
  result: MinuitResult,
  parameterIndex: number,
  options: MinosOptions = {},
): MinosError {
  const { setup } = result.internal;
  if (!(parameterIndex >= 0 && parameterIndex < setup.n && Number.isInteger(parameterIndex))) {
    throw new RangeError(`minos: no parameter ${parameterIndex}`);
  }
  if (setup.fixed[parameterIndex]) throw new RangeError(`minos: parameter ${parameterIndex} is fixed`);
  if (!result.valid) throw new Error(`minos: the minimum is not valid (${result.message})`);
  const free = setup.fixed.filter((f) => !f).length;
  const maxfcn = options.maxfcn ?? 2 * (free + 1) * (200 + 100 * free + 5 * free * free);
  const tolerance = options.tolerance ?? setup.tolerance;
  const strategy = options.strategy ?? setup.strategy;
  if (!(tolerance >= 0 && Number.isFinite(tolerance))) throw new RangeError(`minos: tolerance is ${tolerance}`);
  if (strategy !== 0 && strategy !== 1 && strategy !== 2) throw new RangeError(`minos: strategy is ${strategy}`);
  if (!(maxfcn >= 1)) throw new RangeError(`minos: maxfcn is ${maxfcn}`);
  const upper = findCrossing(fcn, result, parameterIndex, 1, maxfcn, tolerance, strategy);
  const lower = findCrossing(fcn, result, parameterIndex, -1, maxfcn, tolerance, strategy);
  const value = result.x[parameterIndex];
  const lo = setup.lower[parameterIndex];
  const hi = setup.upper[parameterIndex];
  // the step was the HESSE error (cut at a limit); the crossing is at value ± error · (1 + aopt)
  const upperError = (cross: Cross) => {
    const err = cross.error;
    if (cross.atLimit) return hi - value;
    if (!cross.valid) return err;
    return (Number.isNaN(hi) ? err : Math.min(err, hi - value)) * (1 + cross.aopt);
  };
  const lowerError = (cross: Cross) => {
    const err = cross.error;
    if (cross.atLimit) return lo - value;
    if (!cross.valid) return -err;
    return -(Number.isNaN(lo) ? err : Math.min(err, value - lo)) * (1 + cross.aopt);
  };
  const valid = lower.valid && upper.valid;
  const problems = [describeCross("lower", lower), describeCross("upper", upper)].filter((m) => m !== "");
  return {
    parameter: parameterIndex,
    lower: lowerError(lower),
    upper: upperError(upper),
    valid,
    lowerValid: lower.valid,
    upperValid: upper.valid,
    atLowerLimit: lower.atLimit,
    atUpperLimit: upper.atLimit,
    atLowerMaxFcn: lower.atMaxFcn,
    atUpperMaxFcn: upper.atMaxFcn,
    lowerNewMin: lower.newMinimum,
    upperNewMin: upper.newMinimum,
    nfev: lower.calls + upper.calls,
    message: problems.length === 0 ? "MINOS: both crossings found" : `MINOS: ${problems.join("; ")}`,
  };
}

function describeCross(side: string, cross: Cross): string {
  if (cross.newMinimum) return `${side}: a new minimum was found (the fit had not converged)`;
  if (cross.atMaxFcn) return `${side}: call limit reached`;
  if (!cross.valid) return `${side}: no crossing found (${cross.reason}); the HESSE error is given`;
  if (cross.atLimit) return `${side}: the crossing is beyond the parameter limit`;
  return "";
}

/**
 * Minuit's MnMinos::FindCrossValue: starts the profile one HESSE error away, the other parameters moved
 * along their correlation (so the first MIGRAD starts close to the profile), with the covariance of the
 * others given the parameter as the first metric.
 */
function findCrossing(
  fcn: MinuitFcn,
  result: MinuitResult,
  par: number,
  direction: 1 | -1,
  maxfcn: number,
  tolerance: number,
  strategy: MinuitStrategy,
): Cross {
  const { setup, run, user } = result.internal;
  const { state } = run;
  const transform = new ParameterTransform(setup.lower, setup.upper, setup.fixed);
  const n = transform.size;
  const up = setup.errordef;
  const value = user.values[par];
  let target = value + direction * user.errors[par];
  if (direction === 1 && !Number.isNaN(setup.upper[par])) target = Math.min(target, setup.upper[par]);
  if (direction === -1 && !Number.isNaN(setup.lower[par])) target = Math.max(target, setup.lower[par]);
  const distance = target - value;

  const ind = transform.internalIndex[par];
  const values = Float64Array.from(user.values);
  const unit = Math.sqrt(up / (2 * state.invHessian[ind * n + ind]));
  for (let i = 0; i < n; i++) {
    if (i === ind) continue;
    const shifted = state.x[i] + direction * unit * 2 * state.invHessian[ind * n + i];
    let external = transform.toExternal(i, shifted);
    if (transform.hasUpper(i)) external = Math.min(external, transform.upperLimit(i));
    if (transform.hasLower(i)) external = Math.max(external, transform.lowerLimit(i));
    values[transform.externalIndex[i]] = external;
  }
  values[par] = target;
  const fixed = setup.fixed.slice();
  fixed[par] = true;
  const lowerStrategy = Math.max(0, strategy - 1) as MinuitStrategy;
  const profileSetup: MinuitSetup = { ...setup, fixed, strategy: lowerStrategy, maxfcn };
  const covariance = user.internalCovariance ? squeeze(user.internalCovariance, n, ind) : null;
  const profile = new Profile(fcn, profileSetup, par, { values, errors: user.errors, internalCovariance: covariance });
  return functionCross(profile, {
    fmin: state.fval,
    up,
    mid: target,
    dir: distance,
    direction,
    tolerance,
    lower: setup.lower[par],
    upper: setup.upper[par],
    error: user.errors[par],
  });
}

/** MIGRAD of the other parameters with `par` fixed, each run starting where the last one ended (MnMigrad). */
export class Profile {
  constructor(
    private readonly fcn: MinuitFcn,
    private readonly setup: MinuitSetup,
    private readonly par: number,
    private user: UserState,
  ) {}

  minimize(value: number, tolerance: number): ProfilePoint {
    const values = Float64Array.from(this.user.values);
    values[this.par] = value;
    const user = { ...this.user, values };
    const ctx = new MinuitContext(this.fcn, this.setup, values);
    const run = runMigrad(ctx, user, tolerance);
    if (run === null) return { fval: Number.NaN, valid: false, callLimit: false, calls: ctx.fcn.calls };
    this.user = userStateFrom(ctx, run, user);
    return { fval: run.state.fval, valid: runValid(run), callLimit: run.callLimit, calls: ctx.fcn.calls, run };
  }
}

export interface ProfilePoint {
  fval: number;
  valid: boolean;
  callLimit: boolean;
  calls: number;
  run?: MinimumRun;
}

/**
 * The covariance of the other parameters with one fixed (Minuit's MnCovarianceSqueeze): drop its row and
 * column from the Hessian, i.e. invert, remove, invert back. The diagonal is kept if an inversion fails.
 */
function squeeze(covariance: Float64Array, n: number, index: number): Float64Array {
  const m = n - 1;
  const hessian = Float64Array.from(covariance);
  const out = new Float64Array(m * m);
  const kept = [...Array(n).keys()].filter((i) => i !== index);
  const diagonalOnly = () => {
    out.fill(0);
    kept.forEach((i, k) => {
      out[k * m + k] = covariance[i * n + i];
    });
    return out;
  };
  if (!invertSymmetric(hessian, n)) return diagonalOnly();
  for (let k = 0; k < m; k++) for (let l = 0; l < m; l++) out[k * m + l] = hessian[kept[k] * n + kept[l]];
  return invertSymmetric(out, m) ? out : diagonalOnly();
}
