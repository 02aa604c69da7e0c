// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
import type { MinuitContext } from "./context.js";
import type { MinuitSetup, UserState } from "./setup.js";
import { covarianceAccurate, covarianceUsable } from "./state.js";
import { type MinimumRun, runValid } from "./variable-metric.js";

/** What HESSE and MINOS continue from: the run behind a result. Not for use outside the minimizer. */
export interface MinuitInternals {
  readonly setup: MinuitSetup;
  readonly run: MinimumRun;
  readonly user: UserState;
}

export interface MinuitResult {
  /** External values of all parameters (fixed ones included). */
  readonly x: number[];
  readonly fval: number;
  /** Estimated distance to the minimum, ½ gᵀVg. */
  readonly edm: number;
  /** MIGRAD's goal: 0.002 · tolerance · errordef (a final EDM up to 10× it is accepted, as Minuit). */
  readonly edmGoal: number;
  /** fcn calls of this call (all MIGRAD reruns together). */
  readonly nfev: number;
  /** Minuit's is_valid: converged (EDM within goal), call limit not reached, usable covariance. */
  readonly valid: boolean;
  /** The covariance comes from an accurate, unforced Hessian (Minuit's has_accurate_covar). */
  readonly accurate: boolean;
  /** The Hessian had to be forced positive definite (Minuit's has_made_posdef_covar): errors unreliable. */
  readonly posdefForced: boolean;
  readonly hesseFailed: boolean;
  readonly aboveMaxEdm: boolean;
  readonly callLimitReached: boolean;
  /** n×n row-major, external coordinates (through the limits' Jacobian); zero rows for fixed parameters. */
  readonly covariance: number[];
  /** n×n row-major correlation coefficients; zero rows for fixed parameters. */
  readonly correlation: number[];
  /** External errors (Minuit's, through the limit transformation); 0 for fixed parameters. */
  readonly errors: number[];
  /** Why the result is invalid, or that it converged (with warnings). */
  readonly message: string;
  readonly internal: MinuitInternals;
}

/**
 * Minuit's MnUserParameterState from a run: external values, errors √(2·errordef·Vᵢᵢ) carried out through
 * the limit transformation, and the internal inverse Hessian for a rerun (when usable).
 */
export function userStateFrom(ctx: MinuitContext, run: MinimumRun, previous: UserState): UserState {
  const { n, transform, up } = ctx;
  const { state } = run;
  const values = ctx.fcn.externalValues(state.x);
  const errors = Float64Array.from(previous.errors);
  let positiveDiagonal = true;
  for (let i = 0; i < n; i++) {
    const variance = state.invHessian[i * n + i];
    // a negative variance (a state that is not positive definite) keeps the previous error as the next step
    if (!(variance > 0 && Number.isFinite(variance))) {
      positiveDiagonal = false;
      continue;
    }
    errors[transform.externalIndex[i]] = transform.externalError(i, state.x[i], Math.sqrt(2 * up * variance));
  }
  const usable = covarianceUsable(state.status) && positiveDiagonal && n > 0;
  return { values, errors, internalCovariance: usable ? Float64Array.from(state.invHessian) : null };
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

function formatPoint(point: readonly number[]): string {
  return `[${point.map((v) => (Number.isFinite(v) ? v.toPrecision(6) : String(v))).join(", ")}]`;
}

function describe(method: string, ctx: MinuitContext, run: MinimumRun, maxfcn: number): string {
  const { state } = run;
  if (run.stoppedOnNonFinite) {
    const point = ctx.fcn.lastNonFinite;
    const where = point ? ` at x = ${formatPoint(point)}` : "";
    return `${method} stopped: function returned ${ctx.fcn.lastNonFiniteValue}${where}`;
  }
  if (run.callLimit) return `${method} stopped: call limit reached (maxfcn ${maxfcn})`;
  if (state.status === "hesseFailed" || state.status === "invertFailed") {
    return `${method}: HESSE failed: ${state.failure ?? "no usable second derivatives"}`;
  }
  const edm = `EDM ${formatNumber(state.edm)}, goal ${formatNumber(run.edmGoal)}`;
  const forced = state.status === "madePosDef" ? "; Hessian not positive definite (forced)" : "";
  if (state.status === "notPosDef") return `${method}: Hessian not positive definite (${edm})`;
  if (run.aboveMaxEdm) return `${method}: EDM above goal (${edm})${forced}`;
  const approximate = covarianceAccurate(state) ? "" : "; covariance approximate";
  const verdict = method === "MIGRAD" ? "converged" : "succeeded";
  return `${method} ${verdict} (${edm})${forced}${approximate}`;
}

export function buildResult(
  method: string,
  ctx: MinuitContext,
  run: MinimumRun,
  user: UserState,
  nfev: number,
  maxfcn: number,
): MinuitResult {
  const { n, transform, up } = ctx;
  const nExternal = ctx.setup.n;
  const { state } = run;
  const covariance = new Array<number>(nExternal * nExternal).fill(0);
  const jacobian = new Float64Array(n);
  for (let i = 0; i < n; i++) jacobian[i] = transform.derivative(i, state.x[i]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const ei = transform.externalIndex[i];
      const ej = transform.externalIndex[j];
      covariance[ei * nExternal + ej] = 2 * up * jacobian[i] * state.invHessian[i * n + j] * jacobian[j];
    }
  }
  const correlation = new Array<number>(nExternal * nExternal).fill(0);
  for (let i = 0; i < nExternal; i++) {
    for (let j = 0; j < nExternal; j++) {
      const scale = Math.sqrt(covariance[i * nExternal + i] * covariance[j * nExternal + j]);
      if (scale > 0) correlation[i * nExternal + j] = covariance[i * nExternal + j] / scale;
    }
  }
  const errors = Array.from(user.errors, (err, e) => (ctx.setup.fixed[e] ? 0 : err));
  return {
    x: Array.from(user.values),
    fval: state.fval,
    edm: state.edm,
    edmGoal: run.edmGoal,
    nfev,
    valid: runValid(run),
    accurate: covarianceAccurate(state),
    posdefForced: state.status === "madePosDef",
    hesseFailed: state.status === "hesseFailed" || state.status === "invertFailed",
    aboveMaxEdm: run.aboveMaxEdm,
    callLimitReached: run.callLimit,
    covariance,
    correlation,
    errors,
    message: describe(method, ctx, run, maxfcn),
    internal: { setup: ctx.setup, run, user },
  };
}
