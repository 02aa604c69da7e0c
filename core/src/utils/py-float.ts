/**
 * A float as Python's repr writes it (1.0, 0.01, 1e-05, 1e+16, nan), for text that gammapy writes
 * with str(): the shortest round-trip digits, fixed for exponents in [-4, 16), else scientific.
 */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  const fixed = String(x); // JavaScript writes fixed notation in this range too
  return fixed.includes(".") ? fixed : `${fixed}.0`;
}
