/**
 * The few numpy reductions and searches whose exact rounding or tie rules the samplers
 * inherit: `a.sum()` (pairwise summation inside 8192-element buffers), `np.cumsum`,
 * `np.searchsorted` and `np.interp` for one point. Float32 inputs are computed in float32
 * (every operation rounded with Math.fround), as numpy keeps the dtype.
 */

/** numpy's reduction buffer (elements): a whole-array sum adds the buffers' sums in turn. */
const REDUCE_BUFFER = 8192;
/** numpy's PW_BLOCKSIZE: blocks up to this size are summed with 8 accumulators. */
const PAIRWISE_BLOCK = 128;

type Round = (x: number) => number;
const asDouble: Round = (x) => x;

/** The rounding of `values`' dtype: Math.fround for Float32Array, none otherwise. */
export function roundingOf(values: ArrayLike<number>): Round {
  return values instanceof Float32Array ? Math.fround : asDouble;
}

/** numpy `@TYPE@_pairwise_sum` over values[start … start+n−1]. */
function pairwiseSum(values: ArrayLike<number>, start: number, n: number, round: Round): number {
  if (n < 8) {
    let sum = -0;
    for (let i = 0; i < n; i++) sum = round(sum + values[start + i]);
    return sum;
  }
  if (n <= PAIRWISE_BLOCK) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = values[start + j];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] = round(r[j] + values[start + i + j]);
    }
    const left = round(round(r[0] + r[1]) + round(r[2] + r[3]));
    const right = round(round(r[4] + r[5]) + round(r[6] + r[7]));
    let sum = round(left + right);
    for (; i < n; i++) sum = round(sum + values[start + i]);
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return round(pairwiseSum(values, start, half, round) + pairwiseSum(values, start + half, n - half, round));
}

/** `values.sum()` of a contiguous float array, bit for bit as numpy 1.24 adds it up. */
export function numpySum(values: ArrayLike<number>): number {
  const round = roundingOf(values);
  let sum = 0;
  for (let start = 0; start < values.length; start += REDUCE_BUFFER) {
    sum = round(sum + pairwiseSum(values, start, Math.min(REDUCE_BUFFER, values.length - start), round));
  }
  return sum;
}

/** In-place running sum of values[start … start+n−1] (np.cumsum: strictly left to right). */
export function cumsumInPlace(values: { [i: number]: number }, start: number, n: number, round: Round): void {
  let sum = 0;
  for (let i = start; i < start + n; i++) values[i] = sum = round(sum + values[i]);
}

/**
 * np.searchsorted(sorted, keys, side) into `out`: numpy's binary search, which starts each
 * key from the previous key's bracket (that only matters for unsorted `sorted`).
 */
export function searchSorted(
  sorted: ArrayLike<number>,
  keys: ArrayLike<number>,
  side: "left" | "right",
  out: { [i: number]: number },
): void {
  const n = sorted.length;
  // numpy's DOUBLE_LT and its negation (NaN greater than everything)
  const less = (a: number, b: number) => a < b || (b !== b && a === a);
  const goesRight = side === "left" ? less : (a: number, b: number) => !less(b, a);
  let lo = 0;
  let hi = n;
  let lastKey = keys.length > 0 ? keys[0] : 0;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    if (goesRight(lastKey, key)) {
      hi = n;
    } else {
      lo = 0;
      hi = hi < n ? hi + 1 : n;
    }
    lastKey = key;
    while (lo < hi) {
      const mid = lo + ((hi - lo) >> 1);
      if (goesRight(sorted[mid], key)) lo = mid + 1;
      else hi = mid;
    }
    out[k] = lo;
  }
}

/** numpy's LIKELY_IN_CACHE_SIZE of `binary_search_with_guess`. */
const LIKELY_IN_CACHE = 8;

/**
 * numpy `binary_search_with_guess`: j with xp[j] ≤ key < xp[j+1], −1 below xp[0], len above
 * xp[len−1]; `xp` is xp[start … start+len−1].
 */
function searchWithGuess(key: number, xp: ArrayLike<number>, start: number, len: number, guess: number): number {
  if (key > xp[start + len - 1]) return len;
  if (key < xp[start]) return -1;
  if (len <= 4) {
    let i = 1;
    while (i < len && key >= xp[start + i]) i++;
    return i - 1;
  }
  let imin = 0;
  let imax = len;
  guess = Math.max(1, Math.min(guess, len - 3));
  if (key < xp[start + guess]) {
    if (key >= xp[start + guess - 1]) return guess - 1;
    imax = guess - 1;
    if (guess > LIKELY_IN_CACHE && key >= xp[start + guess - LIKELY_IN_CACHE]) imin = guess - LIKELY_IN_CACHE;
  } else {
    if (key < xp[start + guess + 1]) return guess;
    if (key < xp[start + guess + 2]) return guess + 1;
    imin = guess + 2;
    if (guess < len - LIKELY_IN_CACHE - 1 && key < xp[start + guess + LIKELY_IN_CACHE]) {
      imax = guess + LIKELY_IN_CACHE;
    }
  }
  while (imin < imax) {
    const mid = imin + ((imax - imin) >> 1);
    if (key >= xp[start + mid]) imin = mid + 1;
    else imax = mid;
  }
  return imin - 1;
}

/**
 * np.interp(x, xp, fp) for one x (numpy 1.24 `arr_interp`; one point: no precomputed slopes,
 * the search starts from guess 0); xp is xp[start … start+len−1] (len ≥ 2), fp likewise at fpStart.
 */
export function interpOne(
  x: number,
  xp: ArrayLike<number>,
  start: number,
  fp: ArrayLike<number>,
  fpStart: number,
  len: number,
): number {
  if (x !== x) return x;
  const j = searchWithGuess(x, xp, start, len, 0);
  if (j === -1) return fp[fpStart];
  if (j >= len - 1) return fp[fpStart + len - 1];
  const x0 = xp[start + j];
  const y0 = fp[fpStart + j];
  if (x0 === x) return y0;
  const x1 = xp[start + j + 1];
  const y1 = fp[fpStart + j + 1];
  const slope = (y1 - y0) / (x1 - x0);
  let y = slope * (x - x0) + y0;
  if (y !== y) {
    y = slope * (x - x1) + y1; // numpy tries the other end if NaN
    if (y !== y && y0 === y1) y = y0;
  }
  return y;
}
