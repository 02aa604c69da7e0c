/** ln with gammapy's LogScale clip at float32's smallest normal. */
function clippedLog(v: number): number {
  return Math.log(Math.max(v, 1.1754943508222875e-38));
}

/**
 * ∫ y dE over [e1, e2] treating y as a power law between its end values (gammapy 1.0's
 * `trapz_loglog`, via the analytic power-law integral; undefined slopes give 0).
 */
export function trapzLogLog(y1: number, y2: number, e1: number, e2: number): number {
  let index = -clippedLog(y1 / y2) / clippedLog(e1 / e2);
  if (Number.isNaN(index)) index = Infinity;
  const val = 1 - index;
  if (Math.abs(val) <= 1e-8) return y1 * e1 * Math.log(e2 / e1);
  const prefactor = (y1 * e1) / val;
  return prefactor * ((e2 / e1) ** val - 1);
}
