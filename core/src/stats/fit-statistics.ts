/** Predicted counts at or below this are replaced by it (gammapy's TRUNCATION_VALUE). */
export const CASH_TRUNCATION_VALUE = 1e-25;

/** The Cash statistic of one bin, 2 (μ − n ln μ), with μ truncated from below as gammapy does. */
export function cash(n: number, mu: number): number {
  const m = mu <= CASH_TRUNCATION_VALUE ? CASH_TRUNCATION_VALUE : mu;
  // most bins of a cube are empty: n ln μ is then exactly 0, and the logarithm is the cost
  return n === 0 ? 2 * m : 2 * (m - n * Math.log(m));
}

/** Σ cash over the bins where `mask` is set (all bins without a mask). */
export function cashSum(counts: ArrayLike<number>, npred: ArrayLike<number>, mask?: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    if (mask && !mask[i]) continue;
    total += cash(counts[i], npred[i]);
  }
  return total;
}
