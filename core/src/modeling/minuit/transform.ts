// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
import { EPS2 } from "./precision.js";

/**
 * Minuit's internal ↔ external parameter transformations (MnUserTransformation). The minimizer works on
 * the free ("internal") parameters only, each mapped so that any internal value gives an external value
 * within its limits:
 * - two-sided [lo, hi]: ext = lo + (hi − lo)/2 · (sin(int) + 1)
 * - lower only:         ext = lo − 1 + √(int² + 1)
 * - upper only:         ext = hi + 1 − √(int² + 1)
 * Open parameters are used as they are; fixed ones are left out.
 */
const OPEN = 0;
const TWO_SIDED = 1;
const LOWER = 2;
const UPPER = 3;

const HALF_PI = Math.PI / 2;
// Minuit keeps internal values of two-sided parameters this far inside ±π/2, where sin is not flat
const SIN_EDGE = 8 * Math.sqrt(EPS2);

export class ParameterTransform {
  /** Number of free (internal) parameters. */
  readonly size: number;
  /** External index of each internal parameter. */
  readonly externalIndex: Int32Array;
  /** Internal index of each external parameter, −1 for a fixed one. */
  readonly internalIndex: Int32Array;
  private readonly kind: Uint8Array;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;

  /** `lower`/`upper` per external parameter, NaN for an open side. */
  constructor(lower: Float64Array, upper: Float64Array, fixed: readonly boolean[]) {
    const nExternal = lower.length;
    this.internalIndex = new Int32Array(nExternal).fill(-1);
    const external: number[] = [];
    for (let e = 0; e < nExternal; e++) {
      if (fixed[e]) continue;
      this.internalIndex[e] = external.length;
      external.push(e);
    }
    this.size = external.length;
    this.externalIndex = Int32Array.from(external);
    this.kind = new Uint8Array(this.size);
    this.lower = new Float64Array(this.size);
    this.upper = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const lo = lower[external[i]];
      const hi = upper[external[i]];
      this.lower[i] = lo;
      this.upper[i] = hi;
      const hasLo = !Number.isNaN(lo);
      const hasHi = !Number.isNaN(hi);
      this.kind[i] = hasLo && hasHi ? TWO_SIDED : hasLo ? LOWER : hasHi ? UPPER : OPEN;
    }
  }

  hasLimits(i: number): boolean {
    return this.kind[i] !== OPEN;
  }

  hasLower(i: number): boolean {
    return this.kind[i] === TWO_SIDED || this.kind[i] === LOWER;
  }

  hasUpper(i: number): boolean {
    return this.kind[i] === TWO_SIDED || this.kind[i] === UPPER;
  }

  lowerLimit(i: number): number {
    return this.lower[i];
  }

  upperLimit(i: number): number {
    return this.upper[i];
  }

  toExternal(i: number, value: number): number {
    switch (this.kind[i]) {
      case TWO_SIDED:
        return this.lower[i] + 0.5 * (this.upper[i] - this.lower[i]) * (Math.sin(value) + 1);
      case LOWER:
        return this.lower[i] - 1 + Math.sqrt(value * value + 1);
      case UPPER:
        return this.upper[i] + 1 - Math.sqrt(value * value + 1);
      default:
        return value;
    }
  }

  /** The inverse; values outside the limits map to the nearest inside point (as Minuit's Ext2int). */
  toInternal(i: number, value: number): number {
    switch (this.kind[i]) {
      case TWO_SIDED: {
        const y = (2 * (value - this.lower[i])) / (this.upper[i] - this.lower[i]) - 1;
        if (y * y > 1 - EPS2) return y < 0 ? -HALF_PI + SIN_EDGE : HALF_PI - SIN_EDGE;
        return Math.asin(y);
      }
      case LOWER: {
        const y = value - this.lower[i] + 1;
        return y * y < 1 ? 0 : Math.sqrt(y * y - 1);
      }
      case UPPER: {
        const y = this.upper[i] - value + 1;
        return y * y < 1 ? 0 : Math.sqrt(y * y - 1);
      }
      default:
        return value;
    }
  }

  /** d ext / d int at internal value `value`: the Jacobian that carries the covariance out. */
  derivative(i: number, value: number): number {
    switch (this.kind[i]) {
      case TWO_SIDED:
        return 0.5 * (this.upper[i] - this.lower[i]) * Math.cos(value);
      case LOWER:
        return value / Math.sqrt(value * value + 1);
      case UPPER:
        return -value / Math.sqrt(value * value + 1);
      default:
        return 1;
    }
  }

  /**
   * An internal error ±err at `value` as an external error (Minuit's Int2extError): the mean of the two
   * external distances, so a parameter against its limit still gets a meaningful, finite error; an
   * internal error beyond 1 on a two-sided parameter spans the whole range.
   */
  externalError(i: number, value: number, err: number): number {
    if (this.kind[i] === OPEN) return err;
    const center = this.toExternal(i, value);
    let up = this.toExternal(i, value + err) - center;
    const down = this.toExternal(i, value - err) - center;
    if (this.kind[i] === TWO_SIDED && err > 1) up = this.upper[i] - this.lower[i];
    return 0.5 * (Math.abs(up) + Math.abs(down));
  }
}
