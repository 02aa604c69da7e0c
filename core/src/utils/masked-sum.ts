/** Σ data where the mask is non-zero (all of it without a mask): a dataset's sums in its mask. */
export function maskedSum(data: ArrayLike<number>, mask?: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < data.length; i++) if (!mask || mask[i] !== 0) total += data[i];
  return total;
}
