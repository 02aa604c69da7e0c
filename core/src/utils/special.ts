import { erfc } from "../stats/erfc.js";

// Lanczos coefficients for g = 7, n = 9 (Godfrey's set): Γ to ~1e-15 relative on the positive axis.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** The gamma function Γ(x) for real x (poles at 0, −1, −2, … give ±Infinity or NaN). */
export function gammaFunction(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gammaFunction(1 - x));
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  return Math.sqrt(2 * Math.PI) * t ** (z + 0.5) * Math.exp(-t) * a;
}

/**
 * 1 − erf(x) as scipy computes it: cephes' erf is 1 − erfc(x) beyond |x| = 1, so that far out
 * the difference falls on the grid of doubles next to 1 (and is 0 beyond x ≈ 5.9, 2 below
 * x ≈ −5.9). Mirrored here, gammapy's smooth disk edge is reproduced in its tail too.
 */
export function oneMinusErf(x: number): number {
  if (x > 6) return 0;
  if (x < -6) return 2;
  const erf = x >= 0 ? 1 - erfc(x) : -(1 - erfc(-x));
  return 1 - erf;
}
