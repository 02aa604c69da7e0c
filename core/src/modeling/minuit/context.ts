// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
import { InternalFcn } from "./fcn.js";
import { NumericalGradient } from "./gradient.js";
import { LineSearch } from "./line-search.js";
import type { MinuitFcn, MinuitSetup } from "./setup.js";
import { type MinuitStrategy, type StrategySettings, strategySettings } from "./strategy.js";
import { ParameterTransform } from "./transform.js";

/** Everything one run (MIGRAD, HESSE, a MINOS step) works with, allocated once per run. */
export class MinuitContext {
  readonly transform: ParameterTransform;
  readonly fcn: InternalFcn;
  readonly strategy: StrategySettings;
  readonly gradient: NumericalGradient;
  readonly lineSearch: LineSearch;
  /** Number of free parameters. */
  readonly n: number;
  readonly up: number;
  /** Scratch vectors of length n for the variable-metric update. */
  readonly scratch: readonly [Float64Array, Float64Array, Float64Array];

  constructor(
    userFcn: MinuitFcn,
    readonly setup: MinuitSetup,
    /** External values; the fixed parameters keep theirs. */
    values: ArrayLike<number>,
    strategy: MinuitStrategy = setup.strategy,
  ) {
    this.transform = new ParameterTransform(setup.lower, setup.upper, setup.fixed);
    this.fcn = new InternalFcn(userFcn, this.transform, values, setup.errordef);
    this.strategy = strategySettings(strategy);
    this.gradient = new NumericalGradient(this.fcn, this.strategy);
    this.lineSearch = new LineSearch(this.fcn);
    this.n = this.transform.size;
    this.up = setup.errordef;
    this.scratch = [new Float64Array(this.n), new Float64Array(this.n), new Float64Array(this.n)];
  }

  /** Internal values of the free parameters. */
  toInternal(values: ArrayLike<number>): Float64Array {
    const x = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) x[i] = this.transform.toInternal(i, values[this.transform.externalIndex[i]]);
    return x;
  }
}
