// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
import type { InternalFcn } from "./fcn.js";
import { EPS, EPS2 } from "./precision.js";

/** A point λ along the search direction and fcn there. */
export interface LinePoint {
  lambda: number;
  f: number;
}

/**
 * Minuit's MnLineSearch: minimizes fcn(x + λ·step) over λ by parabolas, the Newton step λ = 1 first.
 * A parabola from f(0), the slope `gdel` at 0 and f(1) gives the second point (backtracking while
 * nothing improves); then parabolas through the best three points, with steps bounded so that a wrong
 * curvature cannot throw λ far away, for at most 12 calls. A λ accurate to 5 % is all MIGRAD needs: the
 * variable-metric update corrects the rest.
 *
 * Unlike Minuit, a trial point where fcn is not finite counts as worse than every point so far (the step
 * is cut back), so a model that fails in part of the space does not poison the parabolas with NaN.
 */
export class LineSearch {
  private readonly trial: Float64Array;
  private readonly xs = new Float64Array(3);
  private readonly fs = new Float64Array(3);
  private readonly parabola = new Float64Array(3);

  constructor(private readonly fcn: InternalFcn) {
    this.trial = new Float64Array(fcn.transform.size);
  }

  private at(x: Float64Array, step: Float64Array, lambda: number): number {
    const trial = this.trial;
    for (let i = 0; i < trial.length; i++) trial[i] = x[i] + lambda * step[i];
    return this.fcn.evaluate(trial);
  }

  run(x: Float64Array, f0: number, step: Float64Array, gdel: number): LinePoint {
    let overall = 1000;
    let under = -100;
    const tolerance = 0.05;
    const maxIterations = 12;
    let iterations = 1;

    // below this λ the step no longer changes any parameter
    let lambdaMin = 0;
    for (let i = 0; i < step.length; i++) {
      if (step[i] === 0) continue;
      const ratio = Math.abs(x[i] / step[i]);
      if (lambdaMin === 0 || ratio < lambdaMin) lambdaMin = ratio;
    }
    if (Math.abs(lambdaMin) < EPS) lambdaMin = EPS;
    lambdaMin *= EPS2;

    const f1 = this.at(x, step, 1);
    iterations++;
    let fBest = f0;
    let lambdaBest = 0;
    if (f1 < f0) {
      fBest = f1;
      lambdaBest = 1;
    }
    let tolerance8 = tolerance;
    let lambdaMax = 5;
    let fLast = f1;
    let lambda = 1;
    let p1x = 1;
    let p1f = f1;
    let f2 = 0;

    // parabola through f(0) with slope gdel and the last point; repeat with shorter steps while no gain
    let again: boolean;
    do {
      again = false;
      const denominator = (2 * (fLast - f0 - gdel * lambda)) / (lambda * lambda);
      lambda = denominator !== 0 ? -gdel / denominator : 1;
      if (!Number.isFinite(fLast)) lambda = tolerance8; // fcn failed at the last point: go back close to 0
      if (lambda < 0) lambda = lambdaMax;
      if (lambda > lambdaMax) lambda = lambdaMax;
      if (lambda < tolerance8) lambda = tolerance8;
      if (lambda < lambdaMin) return { lambda: lambdaBest, f: fBest };
      if (Math.abs(lambda - 1) < tolerance8 && p1f < f0) return { lambda: lambdaBest, f: fBest };
      if (Math.abs(lambda - 1) < tolerance8) lambda = 1 + tolerance8;
      f2 = this.at(x, step, lambda);
      iterations++;
      if (f2 < fBest) {
        fBest = f2;
        lambdaBest = lambda;
      }
      if (Math.abs(f0 - fBest) < Math.abs(fBest) * EPS) {
        again = true;
        fLast = f2;
        tolerance8 = tolerance * lambda;
        overall = lambda - tolerance8;
        lambdaMax = overall;
        p1x = lambda;
        p1f = fLast;
      }
    } while (again && iterations < maxIterations);
    if (iterations >= maxIterations || !Number.isFinite(f2)) return { lambda: lambdaBest, f: fBest };

    // parabolas through three points, replacing the worst each time
    const xs = this.xs;
    const fs = this.fs;
    xs[0] = 0;
    fs[0] = f0;
    xs[1] = p1x;
    fs[1] = p1f;
    xs[2] = lambda;
    fs[2] = f2;
    do {
      lambdaMax = Math.max(lambdaMax, 2 * Math.abs(lambdaBest));
      const parabola = parabolaCoefficients(xs, fs, this.parabola);
      const a = parabola[0];
      const b = parabola[1];
      if (!Number.isFinite(a) || !Number.isFinite(b)) return { lambda: lambdaBest, f: fBest };
      if (a < EPS2) {
        // no (or a wrong) curvature: go downhill by the largest allowed step
        const slope = 2 * a * lambdaBest + b;
        lambda = slope < 0 ? lambdaBest + lambdaMax : lambdaBest - lambdaMax;
      } else {
        lambda = -b / (2 * a);
        if (lambda > lambdaBest + lambdaMax) lambda = lambdaBest + lambdaMax;
        if (lambda < lambdaBest - lambdaMax) lambda = lambdaBest - lambdaMax;
      }
      if (lambda > 0) {
        if (lambda > overall) lambda = overall;
      } else if (lambda < under) {
        lambda = under;
      }

      let f3 = 0;
      do {
        again = false;
        const tolerance9 = Math.max(tolerance8, Math.abs(tolerance8 * lambda));
        if (Math.abs(xs[0] - lambda) < tolerance9 || Math.abs(xs[1] - lambda) < tolerance9) {
          return { lambda: lambdaBest, f: fBest };
        }
        if (Math.abs(xs[2] - lambda) < tolerance9) return { lambda: lambdaBest, f: fBest };
        f3 = this.at(x, step, lambda);
        // worse than all three points (or not finite): cut the step halfway back to the best point
        if (!(f3 <= fs[0] || f3 <= fs[1] || f3 <= fs[2])) {
          if (lambda > lambdaBest) overall = Math.min(overall, lambda - tolerance8);
          if (lambda < lambdaBest) under = Math.max(under, lambda + tolerance8);
          lambda = 0.5 * (lambda + lambdaBest);
          again = true;
          iterations++;
        }
      } while (again && iterations < maxIterations);
      if (iterations >= maxIterations) return { lambda: lambdaBest, f: fBest };

      const worst = fs[0] > fs[1] && fs[0] > fs[2] ? 0 : fs[1] > fs[0] && fs[1] > fs[2] ? 1 : 2;
      xs[worst] = lambda;
      fs[worst] = f3;
      if (f3 < fBest) {
        fBest = f3;
        lambdaBest = lambda;
      } else {
        if (lambda > lambdaBest) overall = Math.min(overall, lambda - tolerance8);
        if (lambda < lambdaBest) under = Math.max(under, lambda + tolerance8);
      }
      iterations++;
    } while (iterations < maxIterations);
    return { lambda: lambdaBest, f: fBest };
  }
}

/** [a, b, c] of the parabola a·x² + b·x + c through three points (MnParabolaFactory, centred for accuracy). */
export function parabolaCoefficients(
  xs: ArrayLike<number>,
  fs: ArrayLike<number>,
  out = new Float64Array(3),
): Float64Array {
  const d12 = xs[0] - xs[1];
  const d13 = xs[0] - xs[2];
  const d23 = xs[1] - xs[2];
  const mean = (xs[0] + xs[1] + xs[2]) / 3;
  const x1 = xs[0] - mean;
  const x2 = xs[1] - mean;
  const x3 = xs[2] - mean;
  const a = fs[0] / (d12 * d13) - fs[1] / (d12 * d23) + fs[2] / (d13 * d23);
  let b = (-fs[0] * (x2 + x3)) / (d12 * d13) + (fs[1] * (x1 + x3)) / (d12 * d23) - (fs[2] * (x1 + x2)) / (d13 * d23);
  let c = fs[0] - a * x1 * x1 - b * x1;
  c += mean * (mean * a - b);
  b -= 2 * mean * a;
  out[0] = a;
  out[1] = b;
  out[2] = c;
  return out;
}
