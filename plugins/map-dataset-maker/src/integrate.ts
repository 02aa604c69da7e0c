/** float32's smallest normal number: gammapy's LogScale clips logarithms here. */
const TINY = 1.1754943508222875e-38;
/** ln of float32's tiny: at or below it a log quotient is a clipped one (closedFormHolds). */
export const LN_TINY = Math.log(TINY);

export interface TrapzLogLogOptions {
  /** Multiplies each point's integrals. */
  pointFactor?: ArrayLike<number>;
  /**
   * ln y in `values`' layout where y = exp(ln y) is positive and finite, NaN elsewhere (as
   * a log-scale interpolation gives them: evaluateOuter's logOut): the slope then needs no
   * logarithm and the power law's end value no exponential (y2·e2 = y1·e1·(e2/e1)^(1−index)).
   * Equal to gammapy's formula within ~1e-15 relative, up to ~1e-8 for slopes within 1e-6
   * of −1, where both forms lose digits.
   */
  logs?: Float64Array;
}

/**
 * ∫ y dE over each bin of an energy grid at every point, treating y as a power law between
 * the bin's edge values (gammapy 1.0's `trapz_loglog`, via the analytic power-law integral;
 * undefined slopes give 0). `values` holds y at each edge ([edge][point], m points); returns
 * [bin][point].
 */
export function trapzLogLogBins(
  values: Float64Array,
  edges: ArrayLike<number>,
  m: number,
  options: TrapzLogLogOptions = {},
): Float64Array {
  // (the per-point factor used to be the fourth argument itself: refuse it rather than ignore it)
  if (typeof (options as { length?: unknown }).length === "number")
    throw new Error("trapzLogLogBins: pass the per-point factor as { pointFactor }");
  const nbin = edges.length - 1;
  const data = new Float64Array(nbin * m);
  for (let k = 0; k < nbin; k++) {
    const bin: Bin = { out: data, lo: k * m, hi: (k + 1) * m, e1: edges[k], e2: edges[k + 1], m };
    if (options.logs) binFromLogs(bin, values, options.logs, options.pointFactor);
    else binFromValues(bin, values, options.pointFactor);
  }
  return data;
}

/** One bin's arrays: edge values at lo + i and hi + i, results at out[lo + i]. */
interface Bin {
  out: Float64Array;
  lo: number;
  hi: number;
  e1: number;
  e2: number;
  m: number;
}

/** One bin at every point from the edge values alone (gammapy's formula term by term). */
function binFromValues({ out, lo, hi, e1, e2, m }: Bin, values: Float64Array, pointFactor?: ArrayLike<number>): void {
  for (let i = 0; i < m; i++) {
    const value = powerLawIntegral(values[lo + i], values[hi + i], e1, e2);
    out[lo + i] = pointFactor ? value * pointFactor[i] : value;
  }
}

/**
 * One bin, the slope from the logarithms. The closed form is computed for every point in a
 * loop without branches (V8 runs it several times faster), then the points it does not
 * cover — a log unknown (so a value not positive and finite) or clipped, a slope of −1 —
 * are redone with gammapy's formula.
 */
function binFromLogs(bin: Bin, values: Float64Array, logs: Float64Array, pointFactor?: ArrayLike<number>): void {
  const { out, lo, hi, e1, e2, m } = bin;
  const lnRatio = Math.log(e2 / e1);
  if (!(lnRatio > 0)) {
    binFromValues(bin, values, pointFactor);
    return;
  }
  const inverse = 1 / lnRatio;
  if (pointFactor) closedFormTimes(out, values, logs, lo, hi, e1, e2, inverse, m, pointFactor);
  else closedForm(out, values, logs, lo, hi, e1, e2, inverse, m);
  redoExceptions(bin, values, logs, inverse, pointFactor);
}

/** `binFromLogs`' second pass: gammapy's formula where the closed form does not hold. */
function redoExceptions(
  { out, lo, hi, e1, e2, m }: Bin,
  values: Float64Array,
  logs: Float64Array,
  inverse: number,
  pointFactor?: ArrayLike<number>,
): void {
  for (let i = 0; i < m; i++) {
    const lnQuotient = logs[lo + i] - logs[hi + i]; // ln(y1/y2); NaN when either is unknown
    if (closedFormHolds(lnQuotient, 1 - lnQuotient * inverse)) continue;
    const value = powerLawIntegral(values[lo + i], values[hi + i], e1, e2);
    out[lo + i] = pointFactor ? value * pointFactor[i] : value;
  }
}

/** (y2·e2 − y1·e1)/(1 − index) at every point, index = ln(y1/y2)/ln(e2/e1). */
function closedForm(
  out: Float64Array,
  values: Float64Array,
  logs: Float64Array,
  lo: number,
  hi: number,
  e1: number,
  e2: number,
  inverse: number,
  m: number,
): void {
  for (let i = 0; i < m; i++)
    out[lo + i] = (values[hi + i] * e2 - values[lo + i] * e1) / (1 - (logs[lo + i] - logs[hi + i]) * inverse);
}

/** `closedForm` times a factor per point. */
function closedFormTimes(
  out: Float64Array,
  values: Float64Array,
  logs: Float64Array,
  lo: number,
  hi: number,
  e1: number,
  e2: number,
  inverse: number,
  m: number,
  factor: ArrayLike<number>,
): void {
  for (let i = 0; i < m; i++)
    out[lo + i] =
      ((values[hi + i] * e2 - values[lo + i] * e1) / (1 - (logs[lo + i] - logs[hi + i]) * inverse)) * factor[i];
}

/**
 * Whether the closed form holds for a bin: ln(y1/y2) known and not clipped, the slope (val = 1 − index) not within
 * 1e-8 of −1.
 */
export function closedFormHolds(lnQuotient: number, val: number): boolean {
  return lnQuotient > LN_TINY && (val > 1e-8 || val < -1e-8);
}

/** ∫ y dE from e1 to e2 for the power law through (e1, y1) and (e2, y2), as gammapy computes it. */
export function powerLawIntegral(y1: number, y2: number, e1: number, e2: number): number {
  const lnRatio = Math.log(e2 / e1);
  const lnInverse = Math.log(Math.max(e1 / e2, TINY));
  // y = 0 at both edges: an infinite slope, exp(−∞) = 0, when e1 > 0 and the edges increase
  // (the formula's limit, sign of zero kept)
  if (y1 === 0 && y2 === 0 && e1 > 0 && lnRatio > 0 && lnInverse < 0) return ((y1 * e1) / -Infinity) * -1;
  let index = -Math.log(Math.max(y1 / y2, TINY)) / lnInverse;
  if (Number.isNaN(index)) index = Infinity;
  const val = 1 - index;
  return Math.abs(val) <= 1e-8 ? y1 * e1 * lnRatio : ((y1 * e1) / val) * (Math.exp(val * lnRatio) - 1);
}
