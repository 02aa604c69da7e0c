// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
import { MinuitContext } from "./context.js";
import { buildResult, type MinuitResult, userStateFrom } from "./result.js";
import { createSetup, defaultMaxfcn, type MinuitFcn, type MinuitOptions } from "./setup.js";
import { type MinimumRun, runMigrad, runValid } from "./variable-metric.js";

/**
 * Minimizes `fcn` from `x0` with Minuit's MIGRAD (variable metric with numerical derivatives; see
 * variable-metric.ts), rerun from its last state while invalid (`iterate`, as iminuit's migrad). With
 * strategy ≥ 1 the covariance comes from a final HESSE unless the variable-metric estimate had settled.
 *
 * Throws a RangeError for a non-finite start value or bad option, and an Error when fcn is not finite at
 * the start; a failure later on gives an invalid result whose message says why.
 */
export function migrad(fcn: MinuitFcn, x0: ArrayLike<number>, options: MinuitOptions = {}): MinuitResult {
  const { setup, user: start } = createSetup("migrad", x0, options);
  let user = start;
  let calls = 0;
  let ctx = new MinuitContext(fcn, setup, user.values);
  let run: MinimumRun | null = null;
  for (let attempt = 0; attempt < setup.iterate; attempt++) {
    const attemptCtx = new MinuitContext(fcn, setup, user.values);
    const attemptRun = runMigrad(attemptCtx, user, setup.tolerance);
    calls += attemptCtx.fcn.calls;
    if (attemptRun === null) {
      if (run !== null) break; // a rerun starts where the last run ended, where fcn was finite: not expected
      const value = attemptCtx.fcn.lastNonFiniteValue;
      const point = attemptCtx.fcn.lastNonFinite ?? [];
      throw new Error(`migrad: the function returned ${value} at the start point [${point.join(", ")}]`);
    }
    ctx = attemptCtx;
    run = attemptRun;
    user = userStateFrom(ctx, run, user);
    if (runValid(run) || run.callLimit || run.stoppedOnNonFinite) break;
  }
  if (run === null) throw new Error("migrad: no run"); // unreachable: iterate ≥ 1
  return buildResult("MIGRAD", ctx, run, user, calls, setup.maxfcn ?? defaultMaxfcn(ctx.n));
}
