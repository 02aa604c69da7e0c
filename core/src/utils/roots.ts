/**
 * The first root of f in [lo, hi] (gammapy's `find_roots` with a log grid of 100 bins, then
 * a bracketing solver on the first sign change); NaN when f does not change sign.
 */
export function firstRoot(f: (x: number) => number, lo: number, hi: number, nbin = 100): number {
  const a = Math.log(lo);
  const b = Math.log(hi);
  let x0 = lo;
  let f0 = f(x0);
  for (let i = 1; i <= nbin; i++) {
    const x1 = i === nbin ? hi : Math.exp(a + ((b - a) * i) / nbin);
    const f1 = f(x1);
    if (Math.sign(f0) !== Math.sign(f1)) return bisect(f, x0, x1, f0);
    x0 = x1;
    f0 = f1;
  }
  return NaN;
}

/**
 * Bisection to full double precision; the bracket [lo, hi] holds a sign change and flo = f(lo).
 * Stops when the midpoint equals an end (at most ~1100 halvings for any pair of doubles).
 */
export function bisect(f: (x: number) => number, lo: number, hi: number, flo: number): number {
  if (flo === 0) return lo;
  for (let k = 0; k < 1100; k++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    const fm = f(mid);
    if (fm === 0) return mid;
    if (Math.sign(fm) === Math.sign(flo)) {
      lo = mid;
      flo = fm;
    } else hi = mid;
  }
  return 0.5 * (lo + hi);
}
