// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
import type { Profile, ProfilePoint } from "./minos.js";
import { parabolaCoefficients } from "./line-search.js";
import { EPS } from "./precision.js";

/** Where the profile crosses fmin + errordef: at mid + aopt·dir (Minuit's MnCross). */
export interface Cross {
  aopt: number;
  valid: boolean;
  /** The parameter's limit comes before the crossing. */
  atLimit: boolean;
  atMaxFcn: boolean;
  newMinimum: boolean;
  calls: number;
  /** The HESSE error the step was scaled by. */
  error: number;
  reason: string;
}

export interface CrossInput {
  fmin: number;
  up: number;
  /** First profile point (one HESSE error from the minimum) and the step scale: the profile is at mid + a·dir. */
  mid: number;
  dir: number;
  /** +1 for the upper crossing, −1 for the lower (dir may be 0 when the minimum sits on the limit). */
  direction: 1 | -1;
  tolerance: number;
  /** The parameter's limits, NaN when open. */
  lower: number;
  upper: number;
  error: number;
}

/** A profile run ended the search: a new minimum, the call limit, a failed MIGRAD or the limit reached. */
class Stop {
  constructor(readonly cross: Cross) {}
}

/**
 * Minuit's MnFunctionCross for one parameter: the profile at a = 0 (one error out) and where a parabola
 * through the minimum predicts the crossing, then linear estimates, then parabolas through three profile
 * points (kept on both sides of the target), until the crossing is known to 1 % in a and to 1 % of
 * errordef in fcn.
 */
export function functionCross(profile: Profile, input: CrossInput): Cross {
  const { fmin, up, mid, dir } = input;
  const migradTolerance = 0.5 * input.tolerance; // as Minuit (the Fortran version's ratio)
  const tlr = 0.01;
  const tlf = tlr * up;
  const maxIterations = 30;
  const aim = fmin + up;
  let calls = 0;
  let points = 0;
  const cross = (flags: Partial<Cross>): Cross => ({
    aopt: 0,
    valid: false,
    atLimit: false,
    atMaxFcn: false,
    newMinimum: false,
    calls,
    error: input.error,
    reason: "",
    ...flags,
  });

  // how far a may go before the parameter hits its limit
  let aLimit = 100;
  let limitSet = false;
  const limit = input.direction > 0 ? input.upper : input.lower;
  if (!Number.isNaN(limit)) {
    if (Math.abs(dir) < EPS) {
      if (Math.abs(limit - mid) < EPS) limitSet = true;
    } else {
      aLimit = Math.min(aLimit, (limit - mid) / dir);
    }
  }
  if (limitSet) return cross({ valid: true, atLimit: true });
  if (aLimit < tlr) limitSet = true;

  const alsb = [0, 0, 0];
  const flsb = [0, 0, 0];
  const at = (a: number): ProfilePoint => {
    const point = profile.minimize(mid + a * dir, migradTolerance);
    calls += point.calls;
    if (point.fval < fmin - tlf) throw new Stop(cross({ newMinimum: true }));
    if (point.callLimit) throw new Stop(cross({ atMaxFcn: true }));
    if (!point.valid) throw new Stop(cross({ reason: `MIGRAD failed at ${mid + a * dir}` }));
    if (limitSet && point.fval < aim) throw new Stop(cross({ valid: true, atLimit: true }));
    points++;
    return point;
  };
  const clampToLimit = (a: number) => {
    limitSet = a > aLimit;
    return limitSet ? aLimit : a;
  };
  const found = (aopt: number) => cross({ aopt, valid: true });
  const notFound = (reason: string) => cross({ reason });
  const withinTolerance = (aopt: number) => (Math.abs(aopt) > 1 ? tlr * Math.abs(aopt) : tlr);

  try {
    const first = at(0);
    alsb[0] = 0;
    flsb[0] = Math.max(first.fval, fmin + 0.1 * up);
    // for a parabolic profile the crossing is at a = √(up / (f(0) − fmin)) − 1
    let aopt = Math.sqrt(up / (flsb[0] - fmin)) - 1;
    if (Math.abs(flsb[0] - aim) < tlf) return found(aopt);
    aopt = clampToLimit(Math.min(Math.max(aopt, -0.5), 1));
    const second = at(aopt);
    alsb[1] = aopt;
    flsb[1] = second.fval;
    let dfda = (flsb[1] - flsb[0]) / (alsb[1] - alsb[0]);

    for (;;) {
      // the profile must rise: step outwards until it does
      if (dfda < 0) {
        const tries = maxIterations - points;
        for (let it = 0; it < tries; it++) {
          alsb[0] = alsb[1];
          flsb[0] = flsb[1];
          aopt = clampToLimit(alsb[0] + 0.2 * (it + 1));
          const next = at(aopt);
          alsb[1] = aopt;
          flsb[1] = next.fval;
          dfda = (flsb[1] - flsb[0]) / (alsb[1] - alsb[0]);
          if (dfda > 0) break;
        }
        if (points > maxIterations) return notFound("the profile does not rise");
      }
      // linear estimates while the three points do not bracket the target
      let bracketed = false;
      while (!bracketed) {
        aopt = alsb[1] + (aim - flsb[1]) / dfda;
        const fdist = Math.min(Math.abs(aim - flsb[0]), Math.abs(aim - flsb[1]));
        const adist = Math.min(Math.abs(aopt - alsb[0]), Math.abs(aopt - alsb[1]));
        if (adist < withinTolerance(aopt) && fdist < tlf) return found(aopt);
        if (points > maxIterations) return notFound("too many profile points");
        aopt = Math.min(Math.max(aopt, Math.min(alsb[0], alsb[1]) - 1), Math.max(alsb[0], alsb[1]) + 1);
        aopt = clampToLimit(aopt);
        const third = at(aopt);
        alsb[2] = aopt;
        flsb[2] = third.fval;
        let best = 2;
        let worst = 0;
        let smallest = Math.abs(flsb[2] - aim);
        let largest = 0;
        let below = 0;
        for (let i = 0; i < 3; i++) {
          const distance = Math.abs(flsb[i] - aim);
          if (distance > largest) {
            largest = distance;
            worst = i;
          }
          if (distance < smallest) {
            smallest = distance;
            best = i;
          }
          if (flsb[i] < aim) below++;
        }
        if (below === 1 || below === 2) {
          bracketed = true;
        } else if (below === 0 && best !== 2) {
          return notFound("the profile points are all above the target");
        } else if (below === 3 && best !== 2) {
          // all below: continue outwards from the newest point (Minuit keeps the old slope here)
          alsb[1] = alsb[2];
          flsb[1] = flsb[2];
          break;
        } else {
          flsb[worst] = flsb[2];
          alsb[worst] = alsb[2];
          dfda = (flsb[1] - flsb[0]) / (alsb[1] - alsb[0]);
        }
      }
      if (bracketed) return parabolaCrossing();
    }
  } catch (stop) {
    if (stop instanceof Stop) return stop.cross;
    throw stop;
  }

  /** Parabolas through the three profile points, which bracket the target (Minuit's last stage). */
  function parabolaCrossing(): Cross {
    const a = alsb;
    const f = flsb;
    const target = aim;
    let best = 2;
    for (let i = 0; i < 3; i++) if (Math.abs(f[i] - target) < Math.abs(f[best] - target)) best = i;
    const coefficients = new Float64Array(3);
    do {
      parabolaCoefficients(a, f, coefficients);
      const c2 = coefficients[0];
      const c1 = coefficients[1];
      const c0 = coefficients[2];
      const determinant = c1 * c1 - 4 * c2 * (c0 - target);
      if (determinant < EPS) return notFound("the profile parabola does not reach the target");
      const root = Math.sqrt(determinant);
      const x1 = (-c1 + root) / (2 * c2);
      const x2 = (-c1 - root) / (2 * c2);
      const s1 = c1 + 2 * x1 * c2;
      const s2 = c1 + 2 * x2 * c2;
      // the crossing on the rising side
      let aopt = s2 > 0 ? x2 : x1;
      const slope = s2 > 0 ? s2 : s1;
      if (!Number.isFinite(aopt)) return notFound("the profile parabola is degenerate");
      const tla = withinTolerance(aopt);
      if (Math.abs(aopt - a[best]) < tla && Math.abs(f[best] - target) < tlf) return found(aopt);

      // the points left and right of the target, and the one to replace
      let left = 3;
      let right = 3;
      let out = 3;
      best = 0;
      let largest = 0;
      let smallest = Math.abs(target - f[0]);
      for (let i = 0; i < 3; i++) {
        const distance = Math.abs(f[i] - target);
        if (distance < smallest) {
          smallest = distance;
          best = i;
        }
        if (distance > largest) largest = distance;
        if (f[i] > target) {
          if (right === 3) right = i;
          else if (f[i] > f[right]) out = i;
          else {
            out = right;
            right = i;
          }
        } else if (left === 3) left = i;
        else if (f[i] < f[left]) out = i;
        else {
          out = left;
          left = i;
        }
      }
      if (out === 3 || left === 3 || right === 3) return notFound("the profile points do not bracket the target");
      if (largest > 10 * Math.abs(f[out] - target)) aopt = 0.5 * (aopt + 0.5 * (a[right] + a[left]));
      let margin = 0.1 * tla;
      if (slope * margin > tlf) margin = tlf / slope;
      const aLeft = a[left] + margin;
      const aRight = a[right] - margin;
      aopt = Math.min(Math.max(aopt, aLeft), aRight);
      if (aLeft > aRight) aopt = 0.5 * (aLeft + aRight);
      aopt = clampToLimit(aopt);
      const next = at(aopt);
      a[out] = aopt;
      f[out] = next.fval;
      best = out;
    } while (points < maxIterations);
    return notFound("too many profile points");
  }
}
