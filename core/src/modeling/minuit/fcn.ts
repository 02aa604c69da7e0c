// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
import type { MinuitFcn } from "./setup.js";
import type { ParameterTransform } from "./transform.js";

/**
 * The user's function seen from the internal parameters (Minuit's MnFcn): it maps internal values to
 * external ones in a reused buffer — transforming only the components that changed, since a numerical
 * derivative moves one at a time — counts the calls and remembers where a value last came back not finite.
 */
export class InternalFcn {
  calls = 0;
  /** External point of the latest non-finite value (where a run stopped), null while all were finite. */
  lastNonFinite: number[] | null = null;
  lastNonFiniteValue = 0;
  private readonly external: Float64Array;
  private readonly lastInternal: Float64Array;

  constructor(
    private readonly fcn: MinuitFcn,
    readonly transform: ParameterTransform,
    externalValues: ArrayLike<number>,
    /** errordef */
    readonly up: number,
  ) {
    this.external = Float64Array.from(externalValues);
    // NaN differs from every value, so the first call transforms every component
    this.lastInternal = new Float64Array(transform.size).fill(Number.NaN);
  }

  evaluate(x: ArrayLike<number>): number {
    const transform = this.transform;
    const last = this.lastInternal;
    const external = this.external;
    let nanInput = false;
    for (let i = 0; i < transform.size; i++) {
      const v = x[i];
      if (v !== last[i]) {
        last[i] = v;
        external[transform.externalIndex[i]] = transform.toExternal(i, v);
        nanInput ||= Number.isNaN(v);
      }
    }
    this.calls++;
    // a safety net: the minimizer should never get here, but the user's model is not to see NaN parameters
    const f = nanInput ? Number.NaN : this.fcn(external);
    if (!Number.isFinite(f)) {
      this.lastNonFinite = Array.from(external);
      this.lastNonFiniteValue = f;
    }
    return f;
  }

  /** The external values at internal point x (fixed parameters included), as a fresh array. */
  externalValues(x: ArrayLike<number>): Float64Array {
    const out = Float64Array.from(this.external);
    for (let i = 0; i < this.transform.size; i++)
      out[this.transform.externalIndex[i]] = this.transform.toExternal(i, x[i]);
    return out;
  }
}
