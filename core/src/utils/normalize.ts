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
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      let max = -Infinity;
      for (let k = 0; k < n; k++) {
        acc += data[(o * n + k) * inner + i] * width[k] * (jacobianCenters ? 2 * Math.PI * jacobianCenters[k] : 1);
        if (acc > max) max = acc;
      }
      for (let k = 0; k < n; k++) {
        const at = (o * n + k) * inner + i;
        const v = data[at] / max;
        data[at] = Number.isFinite(v) ? v : 0;
      }
    }
  }
}

/** The unit of data normalised over an axis: the inverse axis unit (squared for "rad"). */
export function normalizedUnit(axisName: string, axisUnit: string): string {
  return axisUnit ? `${axisUnit}${axisName === "rad" ? "-2" : "-1"}` : "";
}
