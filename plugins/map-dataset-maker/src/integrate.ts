/** ln with gammapy's LogScale clip at float32's smallest normal. */
function clippedLog(v: number): number {
  return Math.log(Math.max(v, 1.1754943508222875e-38));
}

/**
 * ∫ y dE over each bin of an energy grid at every point, treating y as a power law between
 * the bin's edge values (gammapy 1.0's `trapz_loglog`, via the analytic power-law integral;
 * undefined slopes give 0). `values` holds y at each edge ([edge][point], m points); returns
 * [bin][point]. The per-bin logarithms are computed once, the power as an exponential.
 */
export function trapzLogLogBins(values: Float64Array, edges: ArrayLike<number>, m: number): Float64Array {
  const nbin = edges.length - 1;
  const out = new Float64Array(nbin * m);
  for (let k = 0; k < nbin; k++) {
    const e1 = edges[k];
    const lnRatio = Math.log(edges[k + 1] / e1);
    const lnInverse = clippedLog(e1 / edges[k + 1]);
    const lo = k * m;
    const hi = (k + 1) * m;
    for (let i = 0; i < m; i++) {
      const y1 = values[lo + i];
      let index = -clippedLog(y1 / values[hi + i]) / lnInverse;
      if (Number.isNaN(index)) index = Infinity;
      const val = 1 - index;
      out[lo + i] = Math.abs(val) <= 1e-8 ? y1 * e1 * lnRatio : ((y1 * e1) / val) * (Math.exp(val * lnRatio) - 1);
    }
  }
  return out;
}
