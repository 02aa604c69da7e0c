/**
 * Normalise C-order data in place along one axis: each line (outer × inner positions, `n`
 * bins along the axis) is divided by the largest running integral Σ value·width (× 2π·centre
 * when `jacobianCenters` is given, for an offset axis). Non-finite results become 0.
 */
export function normalizeAlongAxis(
  data: { length: number; [i: number]: number },
  n: number,
  inner: number,
  width: ArrayLike<number>,
  jacobianCenters?: ArrayLike<number>,
): void {
  const outer = data.length / (n * inner);
  const everything = Int32Array.of(0, inner);
  // running integrals of all `inner` lines at once, so that memory is read row by row
  const acc = new Float64Array(inner);
  const max = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    max.fill(-Infinity);
    for (let k = 0; k < n; k++)
      accumulateRuns(
        data,
        (o * n + k) * inner,
        everything,
        width[k],
        jacobianCenters ? 2 * Math.PI * jacobianCenters[k] : 1,
        acc,
        max,
      );
    for (let k = 0; k < n; k++) divideRuns(data, (o * n + k) * inner, everything, max);
  }
}

/**
 * One row's step of `normalizeAlongAxis` for the lines at `runs` ([start, end) pairs of
 * positions within the row at `at`): acc += value·w·f, max keeps each line's largest acc.
 */
export function accumulateRuns(
  data: { [i: number]: number },
  at: number,
  runs: Int32Array,
  w: number,
  f: number,
  acc: Float64Array,
  max: Float64Array,
): void {
  for (let r = 0; r < runs.length; r += 2) {
    for (let i = runs[r]; i < runs[r + 1]; i++) {
      const a = acc[i] + data[at + i] * w * f;
      acc[i] = a;
      if (a > max[i]) max[i] = a;
    }
  }
}

/** The last step of `normalizeAlongAxis` on one row, for the lines at `runs`: value / max, non-finite results 0. */
export function divideRuns(data: { [i: number]: number }, at: number, runs: Int32Array, max: Float64Array): void {
  for (let r = 0; r < runs.length; r += 2) {
    for (let i = runs[r]; i < runs[r + 1]; i++) {
      const v = data[at + i] / max[i];
      data[at + i] = v - v === 0 ? v : 0;
    }
  }
}

/** The unit of data normalised over an axis: the inverse axis unit (squared for "rad"). */
export function normalizedUnit(axisName: string, axisUnit: string): string {
  return axisUnit ? `${axisUnit}${axisName === "rad" ? "-2" : "-1"}` : "";
}
