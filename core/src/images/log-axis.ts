/**
 * Logarithmic axis ticks, as matplotlib's LogLocator: majors at powers of ten, minors at 2…9.
 */
import { superscript } from "./labels.js";

export interface LogTick {
  readonly value: number;
  /** Empty for unlabelled minor ticks. */
  readonly label: string;
  readonly major: boolean;
}

/** "0.1", "1", "10" within 10⁻³…10⁴, else "10⁻¹²"; non-decade values keep their leading digit: "2×10⁻¹²". */
export function formatPowerOfTen(value: number): string {
  const exponent = Math.floor(Math.log10(value) + 1e-9);
  const mantissa = Math.round(value / 10 ** exponent);
  if (exponent >= -3 && exponent <= 4) return String(Number(value.toPrecision(3)));
  const power = `10${superscript(String(exponent))}`;
  return mantissa === 1 ? power : `${mantissa}×${power}`;
}

/** Ticks in [min, max] (both > 0); with fewer than two decades inside, the 2s and 5s are labelled too. */
export function logTicks(min: number, max: number): LogTick[] {
  if (!(min > 0) || !(max > min)) throw new RangeError(`logTicks: need 0 < min < max, got ${min}, ${max}`);
  const ticks: LogTick[] = [];
  const inside = (v: number) => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9);
  const first = Math.floor(Math.log10(min));
  const last = Math.ceil(Math.log10(max));
  const majors = Array.from({ length: last - first + 1 }, (_, i) => 10 ** (first + i)).filter(inside).length;
  for (let e = first; e <= last; e++) {
    for (let m = 1; m <= 9; m++) {
      const value = m * 10 ** e;
      if (!inside(value)) continue;
      const labelled = m === 1 || (majors < 2 && (m === 2 || m === 5));
      ticks.push({ value, label: labelled ? formatPowerOfTen(value) : "", major: m === 1 });
    }
  }
  return ticks;
}
