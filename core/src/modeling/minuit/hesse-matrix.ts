// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
import type { MinuitContext } from "./context.js";
import { refineGradient } from "./gradient.js";
import { invertSymmetric } from "./linalg.js";
import { makePositiveDefinite } from "./posdef.js";
import { EPS2 } from "./precision.js";
import { type CovarianceStatus, estimateEdm, type MinimumState } from "./state.js";

/**
 * Minuit's MnHesse (numerical): the full matrix of second derivatives at `state`, inverted.
 *
 * Each diagonal element comes from a central difference whose step is refined (strategy's cycles) until
 * it makes fcn rise by about √EPS2·(|f| + errordef) — large enough to beat rounding, small enough for the
 * parabola to hold; the off-diagonal elements then take one more call each, at (+dᵢ, +dⱼ). The matrix is
 * made positive definite (flagged when that changed it) and inverted. Failures fall back to a diagonal
 * 1/g2 matrix with a status saying why, as Minuit does. `maxcalls` counts the calls of ctx.fcn so far.
 */
export function computeHesse(ctx: MinuitContext, state: MinimumState, maxcalls: number): MinimumState {
  const { fcn, transform, n, strategy } = ctx;
  const x = Float64Array.from(state.x);
  const fmin = fcn.evaluate(x);
  const g2 = Float64Array.from(state.gradient.g2);
  const steps = Float64Array.from(state.gradient.step);
  const grad = Float64Array.from(state.gradient.grad);
  const failed = (status: CovarianceStatus, failure: string): MinimumState => ({
    ...state,
    invHessian: diagonalFallback(g2, n),
    dcovar: 1,
    status,
    failure,
  });
  if (!Number.isFinite(fmin)) return failed("hesseFailed", `function returned ${fmin} at the minimum`);
  const targetSagitta = Math.sqrt(EPS2) * (Math.abs(fmin) + ctx.up);
  const hessian = new Float64Array(n * n);
  const fPlusAtStep = new Float64Array(n);
  const nonFinite = (f: number) => `function returned ${f} at ${JSON.stringify(fcn.externalValues(x))}`;

  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const smallest = 8 * EPS2 * (Math.abs(xi) + EPS2);
    let d = Math.max(Math.abs(steps[i]), smallest);
    for (let cycle = 0; cycle < strategy.hessianCycles; cycle++) {
      let sagitta = 0;
      let fPlus = 0;
      let fMinus = 0;
      // grow the step until fcn curves at all (a flat direction fails HESSE)
      for (let tries = 0; tries < 5; tries++) {
        x[i] = xi + d;
        fPlus = fcn.evaluate(x);
        if (!Number.isFinite(fPlus)) return failed("hesseFailed", nonFinite(fPlus));
        x[i] = xi - d;
        fMinus = fcn.evaluate(x);
        if (!Number.isFinite(fMinus)) return failed("hesseFailed", nonFinite(fMinus));
        x[i] = xi;
        sagitta = 0.5 * (fPlus + fMinus - 2 * fmin);
        if (sagitta !== 0) break;
        if (transform.hasLimits(i)) {
          if (d > 0.5) break;
          d = Math.min(d * 10, 0.51);
        } else {
          d *= 10;
        }
      }
      if (sagitta === 0) {
        const which = transform.externalIndex[i];
        return failed("hesseFailed", `second derivative is zero for parameter ${which}`);
      }
      const g2Before = g2[i];
      g2[i] = (2 * sagitta) / (d * d);
      grad[i] = (fPlus - fMinus) / (2 * d);
      steps[i] = d;
      fPlusAtStep[i] = fPlus;
      const lastStep = d;
      d = Math.sqrt((2 * targetSagitta) / Math.abs(g2[i]));
      if (transform.hasLimits(i)) d = Math.min(0.5, d);
      if (d < smallest) d = smallest;
      if (Math.abs((d - lastStep) / d) < strategy.hessianStepTolerance) break;
      if (Math.abs((g2[i] - g2Before) / g2[i]) < strategy.hessianG2Tolerance) break;
      d = Math.max(Math.min(d, 10 * lastStep), 0.1 * lastStep);
    }
    hessian[i * n + i] = g2[i];
    if (fcn.calls > maxcalls) return failed("callLimit", "HESSE reached its call limit");
  }

  // the off-diagonal terms reuse the diagonal steps, so the steps of the refined gradient are not used for them
  const offDiagonalSteps = Float64Array.from(steps);
  const gradient = { grad, g2, step: steps };
  if (strategy.level > 0) refineGradient(fcn, strategy, x, fmin, gradient, new Float64Array(n));

  for (let i = 0; i < n; i++) {
    x[i] += offDiagonalSteps[i];
    for (let j = i + 1; j < n; j++) {
      x[j] += offDiagonalSteps[j];
      const f = fcn.evaluate(x);
      if (!Number.isFinite(f)) return failed("hesseFailed", nonFinite(f));
      const element = (f + fmin - fPlusAtStep[i] - fPlusAtStep[j]) / (offDiagonalSteps[i] * offDiagonalSteps[j]);
      hessian[i * n + j] = element;
      hessian[j * n + i] = element;
      x[j] -= offDiagonalSteps[j];
    }
    x[i] -= offDiagonalSteps[i];
  }

  const positive = makePositiveDefinite(hessian, n);
  const invHessian = positive.matrix;
  if (!invertSymmetric(invHessian, n)) {
    return {
      ...state,
      invHessian: diagonalFallback(g2, n),
      dcovar: 1,
      status: "invertFailed",
      failure: "the Hessian could not be inverted",
    };
  }
  const edm = estimateEdm(grad, invHessian, n);
  if (positive.forced) {
    const failure = "the Hessian was not positive definite";
    return { x: state.x, fval: state.fval, gradient, invHessian, dcovar: 1, status: "madePosDef", edm, failure };
  }
  return { x: state.x, fval: state.fval, gradient, invHessian, dcovar: 0, status: "posdef", edm };
}

/** What Minuit returns when HESSE fails: the inverse diagonal second derivatives (1 where those are unusable). */
function diagonalFallback(g2: Float64Array, n: number): Float64Array {
  const matrix = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const inverse = g2[j] < EPS2 ? 1 : 1 / g2[j];
    matrix[j * n + j] = inverse < EPS2 ? 1 : inverse;
  }
  return matrix;
}
