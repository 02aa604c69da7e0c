// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
import type { InternalFcn } from "./fcn.js";
import { EPS, EPS2 } from "./precision.js";
import type { Gradient } from "./state.js";
import type { StrategySettings } from "./strategy.js";
import type { ParameterTransform } from "./transform.js";

/**
 * Minuit's InitialGradientCalculator: a derivative guess without calling fcn, from the external errors
 * (initial steps). An error σ is taken to mean fcn rises by errordef over σ: g2 = 2·errordef/σ² (σ in
 * internal units), and the first step is a tenth of σ.
 */
export function initialGradient(
  x: Float64Array,
  transform: ParameterTransform,
  externalErrors: ArrayLike<number>,
  up: number,
  out: Gradient,
): Gradient {
  for (let i = 0; i < transform.size; i++) {
    const value = x[i];
    const err = externalErrors[transform.externalIndex[i]];
    const external = transform.toExternal(i, value);
    let plus = external + err;
    if (transform.hasUpper(i) && plus > transform.upperLimit(i)) plus = transform.upperLimit(i);
    let minus = external - err;
    if (transform.hasLower(i) && minus < transform.lowerLimit(i)) minus = transform.lowerLimit(i);
    const upStep = transform.toInternal(i, plus) - value;
    const downStep = transform.toInternal(i, minus) - value;
    const smallest = 8 * EPS2 * (Math.abs(value) + EPS2);
    const sigma = Math.max(0.5 * (Math.abs(upStep) + Math.abs(downStep)), smallest);
    const g2 = (2 * up) / (sigma * sigma);
    let step = Math.max(smallest, 0.1 * sigma);
    if (transform.hasLimits(i) && step > 0.5) step = 0.5;
    out.grad[i] = g2 * sigma;
    out.g2[i] = g2;
    out.step[i] = step;
  }
  return out;
}

/**
 * Minuit's Numerical2PGradientCalculator: central differences whose step per parameter is tuned so the
 * rounding error of fcn (~EPS2·(|f| + errordef)) and the truncation error balance, given the current
 * second derivative; each derivative is refined over the strategy's cycles until step or value settle.
 */
export class NumericalGradient {
  private readonly point: Float64Array;

  constructor(
    private readonly fcn: InternalFcn,
    private readonly strategy: StrategySettings,
  ) {
    this.point = new Float64Array(fcn.transform.size);
  }

  /** The gradient at x (where fcn is fval), starting from the estimates in `start`; out may be start. */
  compute(x: Float64Array, fval: number, start: Gradient, out: Gradient): Gradient {
    const fcn = this.fcn;
    const transform = fcn.transform;
    const n = transform.size;
    const point = this.point;
    point.set(x);
    if (out !== start) {
      out.grad.set(start.grad);
      out.g2.set(start.g2);
      out.step.set(start.step);
    }
    const { grad, g2, step: steps } = out;
    const dfmin = 8 * EPS2 * (Math.abs(fval) + fcn.up);
    const verySmall = 8 * EPS * EPS;
    const { gradientCycles, gradientStepTolerance, gradientTolerance } = this.strategy;
    for (let i = 0; i < n; i++) {
      const xi = point[i];
      const epspri = EPS2 + Math.abs(grad[i] * EPS2);
      let previousStep = 0;
      for (let cycle = 0; cycle < gradientCycles; cycle++) {
        const optimal = Math.sqrt(dfmin / (Math.abs(g2[i]) + epspri));
        let step = Math.max(optimal, Math.abs(0.1 * steps[i]));
        // a two-sided internal coordinate is an angle: a step over 0.5 rad samples a different curve
        if (transform.hasLimits(i) && step > 0.5) step = 0.5;
        step = Math.min(step, 10 * Math.abs(steps[i]));
        step = Math.max(step, verySmall, 8 * Math.abs(EPS2 * xi));
        if (Math.abs((step - previousStep) / step) < gradientStepTolerance) break;
        steps[i] = step;
        previousStep = step;
        point[i] = xi + step;
        const fPlus = fcn.evaluate(point);
        point[i] = xi - step;
        const fMinus = fcn.evaluate(point);
        point[i] = xi;
        if (!Number.isFinite(fPlus + fMinus)) {
          // stop here: the caller sees a NaN gradient (and reports where fcn failed)
          grad[i] = Number.NaN;
          break;
        }
        const before = grad[i];
        grad[i] = (0.5 * (fPlus - fMinus)) / step;
        g2[i] = (fPlus + fMinus - 2 * fval) / step / step;
        if (Math.abs(before - grad[i]) / (Math.abs(grad[i]) + dfmin / step) < gradientTolerance) break;
      }
    }
    return out;
  }
}

/**
 * Minuit's HessianGradientCalculator, which HESSE runs (strategy ≥ 1) to sharpen the first derivatives
 * for the final EDM: steps shrink by 5 from the HESSE step until the derivative stops changing. Updates
 * `gradient.grad` and `gradient.step` in place; `point` is scratch.
 */
export function refineGradient(
  fcn: InternalFcn,
  strategy: StrategySettings,
  x: Float64Array,
  fval: number,
  gradient: Gradient,
  point: Float64Array,
): void {
  const n = fcn.transform.size;
  point.set(x);
  const { grad, g2, step: steps } = gradient;
  const dfmin = 4 * EPS2 * (Math.abs(fval) + fcn.up);
  for (let i = 0; i < n; i++) {
    const xi = point[i];
    const smallest = 4 * EPS2 * (Math.abs(xi) + EPS2);
    const epspri = EPS2 + Math.abs(grad[i] * EPS2);
    const optimal = Math.sqrt(dfmin / (Math.abs(g2[i]) + epspri));
    let d = Math.max(Math.min(0.2 * Math.abs(steps[i]), optimal), smallest);
    let previousChange = 10000;
    for (let cycle = 0; cycle < strategy.hessianGradientCycles; cycle++) {
      point[i] = xi + d;
      const fPlus = fcn.evaluate(point);
      point[i] = xi - d;
      const fMinus = fcn.evaluate(point);
      point[i] = xi;
      if (!Number.isFinite(fPlus + fMinus)) break;
      const before = grad[i];
      const estimate = (fPlus - fMinus) / (2 * d);
      const roundoff = (EPS * (Math.abs(fPlus) + Math.abs(fMinus))) / d;
      if (estimate === 0) break;
      const change = Math.abs((before - estimate) / estimate);
      if (change > previousChange && cycle > 1) break;
      previousChange = change;
      grad[i] = estimate;
      steps[i] = d;
      if (change < 0.05) break;
      if (Math.abs(before - estimate) < roundoff) break;
      if (d < smallest) break;
      d *= 0.2;
    }
  }
}
