// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
import type { MinuitStrategy } from "./strategy.js";

/**
 * The function to minimize, of the external parameter values (fixed ones included). The array is reused
 * between calls: read it, don't keep or modify it.
 */
export type MinuitFcn = (x: Float64Array) => number;

/** `[lower, upper]`; undefined, null or NaN for an open side. */
export type ParameterLimits = readonly [number | undefined | null, number | undefined | null];

export interface MinuitOptions {
  /**
   * Initial step (Minuit's initial error estimate) per parameter, default 1. Good values are of the
   * order of the expected errors; Minuit tunes the steps as it goes. (iminuit's own default is 1 % of the
   * value, 0.1 for a zero value.)
   */
  step?: ArrayLike<number>;
  /** Limits per parameter; undefined for an unbounded parameter. */
  limits?: readonly (ParameterLimits | undefined | null)[];
  /** Fixed parameters keep their start values. */
  fixed?: readonly boolean[];
  /** The rise of fcn that defines one standard error: 1 for χ² and −2 ln L (Cash), 0.5 for −ln L. */
  errordef?: number;
  /** MIGRAD stops when EDM < 0.002 · tolerance · errordef (default 0.1, as iminuit). */
  tolerance?: number;
  /** 0: fewest calls, 1 (default): HESSE at the end unless the covariance is settled, 2: careful. */
  strategy?: MinuitStrategy;
  /** Call limit of one MIGRAD run, default 200 + 100·n + 5·n² (n free parameters), as Minuit. */
  maxfcn?: number;
  /** MIGRAD is rerun from its last state up to this many times while invalid (default 5, as iminuit). */
  iterate?: number;
}

export interface MinuitSetup {
  readonly n: number;
  /** Per external parameter, NaN for an open side. */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly fixed: readonly boolean[];
  readonly errordef: number;
  readonly tolerance: number;
  readonly strategy: MinuitStrategy;
  /** undefined: Minuit's default for the number of free parameters. */
  readonly maxfcn: number | undefined;
  readonly iterate: number;
}

/** What Minuit's MnUserParameterState carries from one run to the next. */
export interface UserState {
  /** External values of all parameters. */
  readonly values: Float64Array;
  /** External errors (the initial steps before the first run). */
  readonly errors: Float64Array;
  /** The inverse Hessian in internal coordinates (without the 2·errordef factor), when known. */
  readonly internalCovariance: Float64Array | null;
}

/** Minuit's default call limit for n free parameters. */
export function defaultMaxfcn(n: number): number {
  return 200 + 100 * n + 5 * n * n;
}

/** The edm below which MIGRAD stops: 0.002 · max(tolerance · errordef, EPS2), as Minuit. */
export function edmGoal(tolerance: number, errordef: number, eps2: number): number {
  return 0.002 * Math.max(tolerance * errordef, eps2);
}

function limit(value: number | undefined | null): number {
  return value === undefined || value === null ? Number.NaN : value;
}

/** Checks the start point and options; a problem throws a RangeError that names `caller` and the parameter. */
export function createSetup(
  caller: string,
  x0: ArrayLike<number>,
  options: MinuitOptions,
): { setup: MinuitSetup; user: UserState } {
  const n = x0.length;
  if (n === 0) throw new RangeError(`${caller}: no parameters`);
  const values = Float64Array.from(x0);
  const errors = new Float64Array(n).fill(1);
  const lower = new Float64Array(n).fill(Number.NaN);
  const upper = new Float64Array(n).fill(Number.NaN);
  const fixed: boolean[] = [];
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`${caller}: start value of parameter ${i} is ${values[i]}`);
    const step = options.step?.[i];
    if (step !== undefined) {
      if (!(Number.isFinite(step) && step !== 0)) throw new RangeError(`${caller}: step of parameter ${i} is ${step}`);
      errors[i] = Math.abs(step);
    }
    const limits = options.limits?.[i];
    if (limits) {
      lower[i] = limit(limits[0]);
      upper[i] = limit(limits[1]);
      if (lower[i] === Number.NEGATIVE_INFINITY) lower[i] = Number.NaN;
      if (upper[i] === Number.POSITIVE_INFINITY) upper[i] = Number.NaN;
      if (!(lower[i] < upper[i]) && !Number.isNaN(lower[i]) && !Number.isNaN(upper[i]))
        throw new RangeError(`${caller}: limits of parameter ${i} are [${lower[i]}, ${upper[i]}]`);
      if (lower[i] === Number.POSITIVE_INFINITY || upper[i] === Number.NEGATIVE_INFINITY)
        throw new RangeError(`${caller}: limits of parameter ${i} are [${lower[i]}, ${upper[i]}]`);
    }
    fixed.push(options.fixed?.[i] === true);
  }
  const errordef = options.errordef ?? 1;
  if (!(errordef > 0 && Number.isFinite(errordef))) throw new RangeError(`${caller}: errordef is ${errordef}`);
  const tolerance = options.tolerance ?? 0.1;
  if (!(tolerance >= 0 && Number.isFinite(tolerance))) throw new RangeError(`${caller}: tolerance is ${tolerance}`);
  const strategy = options.strategy ?? 1;
  if (strategy !== 0 && strategy !== 1 && strategy !== 2)
    throw new RangeError(`${caller}: strategy is ${strategy} (0, 1 or 2)`);
  const maxfcn = options.maxfcn;
  if (maxfcn !== undefined && !(maxfcn >= 1)) throw new RangeError(`${caller}: maxfcn is ${maxfcn}`);
  const iterate = options.iterate ?? 5;
  if (!(iterate >= 1)) throw new RangeError(`${caller}: iterate is ${iterate}`);
  return {
    setup: { n, lower, upper, fixed, errordef, tolerance, strategy, maxfcn, iterate: Math.floor(iterate) },
    user: { values, errors, internalCovariance: null },
  };
}
