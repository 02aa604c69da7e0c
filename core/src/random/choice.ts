/**
 * numpy's legacy `RandomState.choice(a, size, replace, p)` (numpy 1.24 mtrand.pyx), in its
 * draw order: with p, a normalized cumulative sum searched (side "right") by uniform draws;
 * without p, `randint(0, n)` with replacement or the first `size` of `permutation(n)` without;
 * without replacement and with p, numpy's redraw loop that zeroes the probabilities taken.
 */
import { cumsumInPlace, searchSorted } from "./numpy-kernels.js";
import type { RandomState } from "./random-state.js";

/** √ε of float64 and of float32: numpy's tolerance on Σp − 1 (the latter for float32 p). */
const SUM_TOLERANCE_64 = Math.sqrt(2 ** -52);
const SUM_TOLERANCE_32 = Math.sqrt(2 ** -23);

/** Indices into a population of `populationSize`, `count` of them, in numpy's order. */
export function choiceIndices(
  rs: RandomState,
  populationSize: number,
  count: number,
  replace: boolean,
  p?: ArrayLike<number>,
): Float64Array {
  if (populationSize <= 0 && count !== 0) {
    throw new RangeError("choice: a must be greater than 0 (or non-empty) unless no samples are taken");
  }
  if (populationSize === 0) return new Float64Array(0);
  const probabilities = p === undefined ? undefined : checkedProbabilities(p, populationSize);
  if (replace) {
    if (probabilities === undefined) return rs.randint(0, populationSize, count);
    const cdf = normalizedCdf(probabilities);
    const out = new Float64Array(count);
    searchSorted(cdf, rs.randomSample(count), "right", out);
    return out;
  }
  if (count > populationSize) {
    throw new RangeError("choice: Cannot take a larger sample than population when 'replace=False'");
  }
  if (probabilities === undefined) return rs.permutation(populationSize).slice(0, count);
  return weightedWithoutReplacement(rs, probabilities, count);
}

/** numpy's loop: draw for the missing ones, keep first occurrences of new indices, repeat. */
function weightedWithoutReplacement(rs: RandomState, p: Float64Array, count: number): Float64Array {
  let positive = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0) positive++;
  if (positive < count) throw new RangeError("choice: Fewer non-zero entries in p than size");
  const found = new Float64Array(count);
  let unique = 0;
  while (unique < count) {
    const u = rs.randomSample(count - unique);
    for (let i = 0; i < unique; i++) p[found[i]] = 0;
    const cdf = normalizedCdf(p);
    const drawn = new Float64Array(u.length);
    searchSorted(cdf, u, "right", drawn);
    const seen = new Set<number>();
    for (const index of drawn) {
      if (seen.has(index)) continue; // np.unique(return_index=True): first occurrences, in order
      seen.add(index);
      found[unique++] = index;
    }
  }
  return found;
}

/** cumsum(p) / cumsum(p)[−1], in float64 as numpy computes it. */
function normalizedCdf(p: Float64Array): Float64Array {
  const cdf = Float64Array.from(p);
  cumsumInPlace(cdf, 0, cdf.length, (x) => x);
  const total = cdf[cdf.length - 1];
  for (let i = 0; i < cdf.length; i++) cdf[i] /= total;
  return cdf;
}

/** numpy's checks of p, in its order (the sum is Kahan-compensated, as numpy's). */
function checkedProbabilities(p: ArrayLike<number>, populationSize: number): Float64Array {
  if (p.length !== populationSize) throw new RangeError("choice: 'a' and 'p' must have same size");
  const tolerance = p instanceof Float32Array ? SUM_TOLERANCE_32 : SUM_TOLERANCE_64;
  const copy = Float64Array.from(p);
  let sum = copy[0];
  let compensation = 0;
  for (let i = 1; i < copy.length; i++) {
    const y = copy[i] - compensation;
    const t = sum + y;
    compensation = t - sum - y;
    sum = t;
  }
  if (Number.isNaN(sum)) throw new RangeError("choice: probabilities contain NaN");
  if (copy.some((v) => v < 0)) throw new RangeError("choice: probabilities are not non-negative");
  if (Math.abs(sum - 1) > tolerance) throw new RangeError("choice: probabilities do not sum to 1");
  return copy;
}
