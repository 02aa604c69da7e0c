/**
 * scipy `interp1d(kind="linear", fill_value="extrapolate")` evaluated exactly as scipy does
 * (left-sided search, end cells extrapolated, slope × offset + y_lo), so that pixel
 * coordinates computed from bin edges round the same way as gammapy's.
 */
export function interp1dScipy(
  x: Float64Array,
  y: Float64Array,
  xq: ArrayLike<number>,
  map: (v: number) => number = (v) => v,
): Float64Array {
  const n = x.length;
  const out = new Float64Array(xq.length);
  const descending = n > 1 && x[0] > x[n - 1];
  for (let i = 0; i < xq.length; i++) {
    const q = map(xq[i]);
    if (Number.isNaN(q)) {
      out[i] = NaN;
      continue;
    }
    if (n === 1) {
      out[i] = y[0];
      continue;
    }
    // searchsorted(x, q, side="left") on the ascending view, clipped to [1, n-1]
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const v = descending ? x[n - 1 - mid] : x[mid];
      if (v < q) lo = mid + 1;
      else hi = mid;
    }
    const k = Math.min(Math.max(lo, 1), n - 1);
    const iLo = descending ? n - k : k - 1;
    const iHi = descending ? n - 1 - k : k;
    const slope = (y[iHi] - y[iLo]) / (x[iHi] - x[iLo]);
    out[i] = slope * (q - x[iLo]) + y[iLo];
  }
  return out;
}

/**
 * `interp1dScipy(0, 1, …, n − 1 → y, xq − offset)` without its search: on unit-spaced nodes the
 * left-sided search is ceil(q) and the cell width is exactly 1, so the result is the same double.
 */
export function interp1dOnIndex(
  y: Float64Array,
  xq: ArrayLike<number>,
  offset: number,
  out: Float64Array = new Float64Array(xq.length),
): Float64Array {
  const n = y.length;
  for (let i = 0; i < xq.length; i++) {
    const q = xq[i] - offset;
    if (Number.isNaN(q)) out[i] = NaN;
    else if (n === 1) out[i] = y[0];
    else {
      const k = Math.min(Math.max(Math.ceil(q), 1), n - 1);
      out[i] = (y[k] - y[k - 1]) * (q - (k - 1)) + y[k - 1];
    }
  }
  return out;
}
