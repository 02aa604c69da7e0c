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
  const factor = new Float64Array(n);
  for (let k = 0; k < n; k++) factor[k] = jacobianCenters ? 2 * Math.PI * jacobianCenters[k] : 1;
  // running integrals of all `inner` lines at once, so that memory is read row by row
  const acc = new Float64Array(inner);
  const max = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    max.fill(-Infinity);
    for (let k = 0; k < n; k++) {
      const row = (o * n + k) * inner;
      const w = width[k];
      const f = factor[k];
      for (let i = 0; i < inner; i++) {
        const a = acc[i] + data[row + i] * w * f;
        acc[i] = a;
        if (a > max[i]) max[i] = a;
      }
    }
    for (let k = 0; k < n; k++) {
      const row = (o * n + k) * inner;
      for (let i = 0; i < inner; i++) {
        const v = data[row + i] / max[i];
        data[row + i] = Number.isFinite(v) ? v : 0;
      }
    }
  }
}

/** The unit of data normalised over an axis: the inverse axis unit (squared for "rad"). */
export function normalizedUnit(axisName: string, axisUnit: string): string {
  return axisUnit ? `${axisUnit}${axisName === "rad" ? "-2" : "-1"}` : "";
}
