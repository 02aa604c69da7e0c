/** float32's smallest normal number: gammapy's LogScale clips logarithms here. */
const TINY = 1.1754943508222875e-38;

/**
 * ∫ y dE over each bin of an energy grid at every point, treating y as a power law between
 * the bin's edge values (gammapy 1.0's `trapz_loglog`, via the analytic power-law integral;
 * undefined slopes give 0). `values` holds y at each edge ([edge][point], m points); returns
 * [bin][point], each times `pointFactor[point]` when given. The per-bin logarithms are
 * computed once, the power as an exponential.
 */
export function trapzLogLogBins(values: Float64Array, edges: ArrayLike<number>, m: number, pointFactor?: ArrayLike<number>): Float64Array {
  const nbin = edges.length - 1;
  const out = new Float64Array(nbin * m);
  for (let k = 0; k < nbin; k++) {
    const e1 = edges[k];
    const lnRatio = Math.log(edges[k + 1] / e1);
    const lnInverse = Math.log(Math.max(e1 / edges[k + 1], TINY));
    // y = 0 at both edges: an infinite slope, exp(−∞) = 0, when e1 > 0 and the edges increase
    const zeroIsZero = e1 > 0 && lnRatio > 0 && lnInverse < 0;
    const lo = k * m;
    const hi = (k + 1) * m;
    for (let i = 0; i < m; i++) {
      const y1 = values[lo + i];
      const y2 = values[hi + i];
      let value: number;
      if (zeroIsZero && y1 === 0 && y2 === 0) value = ((y1 * e1) / -Infinity) * -1; // the formula's limit, sign of zero kept
      else {
        let index = -Math.log(Math.max(y1 / y2, TINY)) / lnInverse;
        if (Number.isNaN(index)) index = Infinity;
        const val = 1 - index;
        value = Math.abs(val) <= 1e-8 ? y1 * e1 * lnRatio : ((y1 * e1) / val) * (Math.exp(val * lnRatio) - 1);
      }
      out[lo + i] = pointFactor ? value * pointFactor[i] : value;
    }
  }
  return out;
}
