// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
import type { MinuitContext } from "./context.js";
import { initialGradient } from "./gradient.js";
import { computeHesse } from "./hesse-matrix.js";
import { absSumLowerTriangle, dot, multiply, quadraticForm } from "./linalg.js";
import { makePositiveDefinite } from "./posdef.js";
import { EPS, EPS2 } from "./precision.js";
import { defaultMaxfcn, edmGoal, type UserState } from "./setup.js";
import { covarianceUsable, createGradient, estimateEdm, type MinimumState } from "./state.js";
import { hessianRecomputeThreshold } from "./strategy.js";

/** The outcome of one MIGRAD run (Minuit's FunctionMinimum). */
export interface MinimumRun {
  readonly state: MinimumState;
  readonly aboveMaxEdm: boolean;
  readonly callLimit: boolean;
  /** The run stopped because fcn was not finite where a derivative needed it. */
  readonly stoppedOnNonFinite: boolean;
  readonly edmGoal: number;
  readonly calls: number;
}

/** Minuit's FunctionMinimum::IsValid. */
export function runValid(run: MinimumRun): boolean {
  return (
    covarianceUsable(run.state.status) &&
    !run.aboveMaxEdm &&
    !run.callLimit &&
    !run.stoppedOnNonFinite &&
    !Number.isNaN(run.state.edm)
  );
}

/**
 * One MIGRAD run from `user` (Minuit's MnApplication + VariableMetricBuilder): seed, variable-metric
 * iterations until EDM < goal, then (strategy permitting) HESSE, iterating again if HESSE's EDM is above
 * the goal. `null` when fcn is not finite at the start.
 */
export function runMigrad(ctx: MinuitContext, user: UserState, tolerance: number): MinimumRun | null {
  const { fcn, n, up } = ctx;
  const goal = edmGoal(tolerance, up, EPS2);
  const maxfcn = ctx.setup.maxfcn ?? defaultMaxfcn(n);
  const finish = (state: MinimumState, flags: Partial<MinimumRun> = {}): MinimumRun => ({
    state,
    aboveMaxEdm: false,
    callLimit: false,
    stoppedOnNonFinite: false,
    edmGoal: goal,
    calls: fcn.calls,
    ...flags,
  });
  if (n === 0) {
    const fval = fcn.evaluate(new Float64Array(0));
    if (!Number.isFinite(fval)) return null;
    const empty = new Float64Array(0);
    const gradient = { grad: empty, g2: empty, step: empty };
    return finish({ x: empty, fval, gradient, invHessian: empty, dcovar: 0, status: "posdef", edm: 0 });
  }
  const seed = seedState(ctx, user);
  if (seed === null) return null;
  if (Number.isNaN(seed.edm)) return finish(seed, { stoppedOnNonFinite: true });
  if (seed.edm < 0) return finish(seed, { aboveMaxEdm: true });
  if (!covarianceUsable(seed.status)) return finish(seed); // strategy 2's first HESSE failed

  const threshold = hessianRecomputeThreshold(ctx.strategy.level);
  let last = seed;
  let maxfcnNow = maxfcn;
  let edm = seed.edm;
  let again = false;
  let pass = 0;
  let inner: IterationOutcome;
  do {
    again = false;
    inner = iterate(ctx, last, maxfcnNow, goal);
    last = inner.state;
    if (inner.callLimit) return finish(last, { callLimit: true });
    if (inner.nonFinite) return finish(last, { stoppedOnNonFinite: true });
    if (pass > 0 && (inner.aboveMaxEdm || !covarianceUsable(last.status))) {
      return finish(last, { aboveMaxEdm: inner.aboveMaxEdm });
    }
    edm = last.edm;
    if (last.dcovar > threshold) {
      // an accurate Hessian for the errors, and a check that the variable-metric EDM was not too optimistic
      last = computeHesse(ctx, last, maxfcn);
      if (!covarianceUsable(last.status)) break;
      edm = last.edm;
      if (edm > goal && edm >= Math.abs(EPS2 * last.fval)) again = true;
    }
    if (pass === 0) maxfcnNow = Math.floor(maxfcn * 1.3);
    pass++;
  } while (again);
  // as Minuit: the final verdict looks at the last state's EDM, with a factor 10 of slack
  if (edm > 10 * goal) return finish(last, { aboveMaxEdm: true });
  if (last.status === "callLimit") return finish(last, { callLimit: true });
  return finish(last);
}

/**
 * Minuit's MnSeedGenerator: fcn and a numerical gradient at the start; the inverse Hessian is the previous
 * run's covariance when there is one, else the inverse of the diagonal second derivatives. Negative
 * curvature along a parameter is first walked out of (NegativeG2LineSearch); strategy 2 starts from a HESSE.
 */
function seedState(ctx: MinuitContext, user: UserState): MinimumState | null {
  const { fcn, n, transform } = ctx;
  const x = ctx.toInternal(user.values);
  const fval = fcn.evaluate(x);
  if (!Number.isFinite(fval)) return null;
  const start = initialGradient(x, transform, user.errors, ctx.up, createGradient(n));
  const gradient = ctx.gradient.compute(x, fval, start, createGradient(n));
  const invHessian = new Float64Array(n * n);
  const covariance = user.internalCovariance;
  for (let i = 0; i < n; i++) {
    const g2 = gradient.g2[i];
    const fromG2 = g2 > EPS ? 1 / g2 : 1;
    invHessian[i * n + i] = covariance && covariance[i * n + i] > EPS ? covariance[i * n + i] : fromG2;
    if (covariance) for (let j = 0; j < n; j++) if (j !== i) invHessian[i * n + j] = covariance[i * n + j];
  }
  const dcovar = covariance ? 0 : 1;
  let state: MinimumState = {
    x,
    fval,
    gradient,
    invHessian,
    dcovar,
    status: "posdef",
    edm: estimateEdm(gradient.grad, invHessian, n),
  };
  if (!covariance && gradient.g2.some((g2) => g2 <= 0)) state = leaveNegativeCurvature(ctx, state);
  if (ctx.strategy.level === 2 && !covariance) state = computeHesse(ctx, state, defaultMaxfcn(n));
  return state;
}

/**
 * Minuit's NegativeG2LineSearch: along each parameter whose second derivative is not positive, a line
 * search downhill by one gradient step, until all curvatures are positive (at most 2n searches).
 */
function leaveNegativeCurvature(ctx: MinuitContext, state: MinimumState): MinimumState {
  const { n, lineSearch } = ctx;
  let x = state.x;
  let fval = state.fval;
  let gradient = state.gradient;
  const step = new Float64Array(n);
  let again: boolean;
  let iterations = 0;
  do {
    again = false;
    for (let i = 0; i < n; i++) {
      const g = gradient.grad[i];
      const g2 = gradient.g2[i];
      if (g2 > 0) continue;
      if (Math.abs(g) < EPS && Math.abs(g2) < EPS) continue;
      step.fill(0);
      step[i] = g < 0 ? gradient.step[i] : -gradient.step[i];
      const found = lineSearch.run(x, fval, step, step[i] * g);
      const next = Float64Array.from(x);
      next[i] += found.lambda * step[i];
      x = next;
      fval = found.f;
      gradient = ctx.gradient.compute(x, fval, gradient, createGradient(n));
      again = true;
      break;
    }
  } while (iterations++ < 2 * n && again);
  const invHessian = new Float64Array(n * n);
  for (let i = 0; i < n; i++) invHessian[i * n + i] = Math.abs(gradient.g2[i]) > EPS ? 1 / gradient.g2[i] : 1;
  const edm = estimateEdm(gradient.grad, invHessian, n);
  return { x, fval, gradient, invHessian, dcovar: 1, status: edm < 0 ? "notPosDef" : "posdef", edm };
}

interface IterationOutcome {
  state: MinimumState;
  aboveMaxEdm: boolean;
  callLimit: boolean;
  nonFinite: boolean;
}

/**
 * Minuit's variable-metric iterations: Newton step −V·g, line search along it, new gradient, Davidon
 * update of V — until the EDM (inflated by the uncertainty of V, × (1 + 3·dcovar)) is below the goal.
 */
function iterate(ctx: MinuitContext, start: MinimumState, maxfcn: number, goal: number): IterationOutcome {
  const { fcn, n, lineSearch } = ctx;
  let s0 = start;
  let edm = start.edm * (1 + 3 * start.dcovar);
  const step = new Float64Array(n);
  const outcome = (state: MinimumState, flags: Partial<IterationOutcome> = {}): IterationOutcome => ({
    state,
    aboveMaxEdm: false,
    callLimit: false,
    nonFinite: false,
    ...flags,
  });
  do {
    newtonStep(s0, n, step);
    if (dot(s0.gradient.grad, s0.gradient.grad, n) <= 0) break;
    let gdel = dot(step, s0.gradient.grad, n);
    if (gdel > 0) {
      // not a descent direction: V is not positive definite
      s0 = forcePositiveDefinite(s0, n);
      newtonStep(s0, n, step);
      gdel = dot(step, s0.gradient.grad, n);
      if (gdel > 0) return outcome(s0);
    }
    const found = lineSearch.run(s0.x, s0.fval, step, gdel);
    if (Math.abs(found.f - s0.fval) <= Math.abs(s0.fval) * EPS) break; // no improvement: done
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = s0.x[i] + found.lambda * step[i];
    const gradient = ctx.gradient.compute(x, found.f, s0.gradient, createGradient(n));
    edm = estimateEdm(gradient.grad, s0.invHessian, n);
    if (Number.isNaN(edm)) return outcome(s0, { nonFinite: true });
    if (edm < 0) {
      s0 = forcePositiveDefinite(s0, n);
      edm = estimateEdm(gradient.grad, s0.invHessian, n);
      if (edm < 0) return outcome(s0);
    }
    const { invHessian, dcovar } = davidonUpdate(s0, x, gradient.grad, n, ctx.scratch);
    s0 = { x, fval: found.f, gradient, invHessian, dcovar, status: "posdef", edm };
    edm *= 1 + 3 * dcovar;
  } while (edm > goal && fcn.calls < maxfcn);

  if (fcn.calls >= maxfcn) return outcome(s0, { callLimit: true });
  if (edm > goal && !(edm < 10 * goal) && !(edm < Math.abs(EPS2 * s0.fval))) {
    return outcome(s0, { aboveMaxEdm: true });
  }
  return outcome(s0);
}

function newtonStep(state: MinimumState, n: number, out: Float64Array): void {
  multiply(state.invHessian, state.gradient.grad, n, out);
  for (let i = 0; i < n; i++) out[i] = -out[i];
}

function forcePositiveDefinite(state: MinimumState, n: number): MinimumState {
  const { matrix, forced } = makePositiveDefinite(state.invHessian, n);
  if (forced) return { ...state, invHessian: matrix, dcovar: 1, status: "madePosDef" };
  return { ...state, invHessian: matrix, status: "posdef" };
}

/**
 * Minuit's DavidonErrorUpdator: the DFP update of the inverse Hessian from the change of position and
 * gradient, switching to the BFGS (rank-one corrected) form when the step's curvature exceeds V's
 * prediction. dcovar, the relative size of the change, tells how settled V is.
 */
function davidonUpdate(
  s0: MinimumState,
  x1: Float64Array,
  g1: Float64Array,
  n: number,
  [dx, dg, vg]: readonly [Float64Array, Float64Array, Float64Array],
): { invHessian: Float64Array; dcovar: number } {
  const v0 = s0.invHessian;
  for (let i = 0; i < n; i++) {
    dx[i] = x1[i] - s0.x[i];
    dg[i] = g1[i] - s0.gradient.grad[i];
  }
  const delgam = dot(dx, dg, n);
  const gvg = quadraticForm(v0, dg, n);
  if (delgam === 0 || !(gvg > 0)) return { invHessian: v0, dcovar: s0.dcovar };
  multiply(v0, dg, n, vg);
  // the rank-one correction's vector, dx/δγ − Vg/gVg, reuses dg's storage
  const rankOne = delgam > gvg;
  const u = dg;
  for (let i = 0; i < n; i++) u[i] = dx[i] / delgam - vg[i] / gvg;
  const update = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    const dxi = dx[i] / delgam;
    const vgi = vg[i] / gvg;
    const ui = rankOne ? gvg * u[i] : 0;
    for (let j = 0; j < n; j++) update[row + j] = dxi * dx[j] - vgi * vg[j] + ui * u[j];
  }
  const updateSize = absSumLowerTriangle(update, n);
  for (let k = 0; k < n * n; k++) update[k] += v0[k];
  const dcovar = 0.5 * (s0.dcovar + updateSize / absSumLowerTriangle(update, n));
  return { invHessian: update, dcovar };
}
