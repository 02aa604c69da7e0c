/**
 * Complementary error function to ~1e-15 relative accuracy, also far in the tail where
 * 1 − erf(x) would underflow to 0 (tiny p-values of large significances stay meaningful).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  return x < 2 ? 1 - erfSeries(x) : erfcContinuedFraction(x);
}

/** The error function to ~1e-16 (the series below 2, where it has no cancellation; 1 − erfc above). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return -erf(-x);
  return x < 2 ? erfSeries(x) : 1 - erfc(x);
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erf(x) = 2/√π · e^(−x²) · Σ (2x²)ⁿ x / (2n+1)!!: positive terms, no cancellation. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3/2/(x + …)))), by the modified Lentz method. */
function erfcContinuedFraction(x: number): number {
  if (x > 27) return 0; // below the smallest double
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Survival function of the χ² distribution with one degree of freedom (scipy's `chi2.sf(ts, 1)`). */
export function chi2SfOneDof(ts: number): number {
  return erfc(Math.sqrt(ts / 2));
}
