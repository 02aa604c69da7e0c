// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
import { MinuitContext } from "./context.js";
import { initialGradient } from "./gradient.js";
import { computeHesse } from "./hesse-matrix.js";
import { EPS2 } from "./precision.js";
import { buildResult, type MinuitResult, userStateFrom } from "./result.js";
import { createSetup, defaultMaxfcn, edmGoal, type MinuitFcn, type MinuitOptions } from "./setup.js";
import { createGradient, type MinimumState } from "./state.js";
import type { MinimumRun } from "./variable-metric.js";

export type HesseOptions = MinuitOptions;

/**
 * The covariance at a minimum from numerical second derivatives (Minuit's HESSE):
 * V = 2 · errordef · H⁻¹ with H the Hessian of fcn, in external coordinates.
 *
 * Given a MIGRAD (or HESSE) result it continues from that run, as iminuit's hesse() after migrad(): same
 * limits, fixed parameters and errordef, the run's gradient and steps as the start; `options` may set
 * the strategy and the call limit (by default Minuit's for HESSE, not MIGRAD's). Given a point, `options`
 * describe the parameters as for migrad and the steps come from `step`. The result is invalid when HESSE
 * fails or the EDM it finds is above 10× the goal (the point is not a minimum).
 */
export function hesse(fcn: MinuitFcn, at: ArrayLike<number> | MinuitResult, options: HesseOptions = {}): MinuitResult {
  if (isResult(at)) {
    const { setup: previous, run: previousRun, user } = at.internal;
    // only the strategy and call limit can change; createSetup checks them
    const { setup: checked } = createSetup("hesse", user.values, {
      strategy: options.strategy,
      maxfcn: options.maxfcn,
    });
    const setup = { ...previous, strategy: options.strategy ?? previous.strategy, maxfcn: checked.maxfcn };
    const ctx = new MinuitContext(fcn, setup, user.values);
    return finish(ctx, previousRun.state, previousRun.edmGoal, user);
  }
  const { setup, user } = createSetup("hesse", at, options);
  const ctx = new MinuitContext(fcn, setup, user.values);
  const x = ctx.toInternal(user.values);
  const fval = ctx.fcn.evaluate(x);
  if (!Number.isFinite(fval)) {
    throw new Error(`hesse: the function returned ${fval} at [${Array.from(user.values).join(", ")}]`);
  }
  const start = initialGradient(x, ctx.transform, user.errors, ctx.up, createGradient(ctx.n));
  const gradient = ctx.gradient.compute(x, fval, start, createGradient(ctx.n));
  const state: MinimumState = {
    x,
    fval,
    gradient,
    invHessian: new Float64Array(ctx.n * ctx.n),
    dcovar: 1,
    status: "unset",
    edm: 0,
  };
  return finish(ctx, state, edmGoal(setup.tolerance, setup.errordef, EPS2), user);
}

function isResult(at: ArrayLike<number> | MinuitResult): at is MinuitResult {
  return (at as MinuitResult).internal !== undefined;
}

function finish(ctx: MinuitContext, state: MinimumState, goal: number, previousUser: MinuitResult["internal"]["user"]) {
  const maxcalls = ctx.setup.maxfcn ?? defaultMaxfcn(ctx.n);
  const hessian = ctx.n > 0 ? computeHesse(ctx, state, maxcalls) : state;
  // as iminuit after HESSE: the verdict is redone from the new EDM and status
  const run: MinimumRun = {
    state: hessian,
    aboveMaxEdm: hessian.edm > 10 * goal,
    callLimit: hessian.status === "callLimit",
    stoppedOnNonFinite: false,
    edmGoal: goal,
    calls: ctx.fcn.calls,
  };
  const user = userStateFrom(ctx, run, previousUser);
  return buildResult("HESSE", ctx, run, user, ctx.fcn.calls, maxcalls);
}
