/**
 * Text of plot labels: units with superscript exponents, angles in h/m/s and °/′/″.
 */

const SUPERSCRIPT: Readonly<Record<string, string>> = {
  "-": "⁻",
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
};

/** Digits (and a leading minus) as superscripts: "-12" → "⁻¹²". */
export function superscript(digits: string): string {
  return [...digits].map((c) => SUPERSCRIPT[c] ?? c).join("");
}

/** A FITS/astropy unit string for a label: "cm-2 s-1 TeV-1" → "cm⁻² s⁻¹ TeV⁻¹", "deg2" → "deg²". */
export function formatUnit(unit: string): string {
  return unit
    .trim()
    .replace(/\*\*/g, "")
    .replace(/([A-Za-z])(-?\d+)/g, (_, letter: string, power: string) => letter + superscript(power))
    .replace(/\s*[.*]\s*/g, " ");
}

/** Candidate grid spacings (deg) for angles in degrees: 90° … 1″. */
export const DMS_SPACINGS: readonly number[] = [
  90,
  45,
  30,
  20,
  15,
  10,
  5,
  2,
  1,
  30 / 60,
  20 / 60,
  15 / 60,
  10 / 60,
  5 / 60,
  2 / 60,
  1 / 60,
  30 / 3600,
  20 / 3600,
  15 / 3600,
  10 / 3600,
  5 / 3600,
  2 / 3600,
  1 / 3600,
];

/** Candidate grid spacings (deg) for right ascension in time units: 6h … 1s. */
export const HMS_SPACINGS: readonly number[] = [6, 3, 2, 1, 30 / 60, 20 / 60, 15 / 60, 10 / 60, 5 / 60, 2 / 60, 1 / 60]
  .concat([30, 20, 15, 10, 5, 2, 1].map((s) => s / 3600))
  .map((hours) => hours * 15);

/** Sexagesimal parts of a non-negative value in units of `unit` (rounded to `step` units). */
function sexagesimal(value: number, step: number): [number, number, number] {
  const total = Math.round(value / step) * step; // in the smallest unit, e.g. arcsec
  const whole = Math.floor(total / 3600 + 1e-9);
  const minutes = Math.floor((total - whole * 3600) / 60 + 1e-9);
  const seconds = Math.round(total - whole * 3600 - minutes * 60);
  return [whole, minutes, seconds];
}

/** The finest sexagesimal field a spacing (in seconds of the unit) needs: 0 whole, 1 minutes, 2 seconds. */
function fieldsFor(spacingSeconds: number): 0 | 1 | 2 {
  const s = Math.round(spacingSeconds);
  return s % 3600 === 0 ? 0 : s % 60 === 0 ? 1 : 2;
}

/** Right ascension (deg) as "5h", "5h36m" or "5h36m30s", as fine as the grid spacing (deg) needs. */
export function formatHms(lonDeg: number, spacingDeg: number): string {
  const fields = fieldsFor((spacingDeg / 15) * 3600);
  const step = fields === 0 ? 3600 : fields === 1 ? 60 : 1;
  const [h, m, s] = sexagesimal((((lonDeg % 360) + 360) % 360) * 240, step); // 1° = 240 s of time
  const hours = `${h % 24}h`;
  if (fields === 0) return hours;
  const minutes = `${hours}${String(m).padStart(2, "0")}m`;
  return fields === 1 ? minutes : `${minutes}${String(s).padStart(2, "0")}s`;
}

/**
 * An angle (deg) as "22°", "22°30′" or "22°30′15″", as fine as the spacing needs; `signed` adds
 * "+" to positive values (latitudes), longitudes are wrapped into [0°, 360°).
 */
export function formatDms(deg: number, spacingDeg: number, signed: boolean): string {
  const value = signed ? deg : ((deg % 360) + 360) % 360;
  const fields = fieldsFor(spacingDeg * 3600);
  const step = fields === 0 ? 3600 : fields === 1 ? 60 : 1;
  const [d, m, s] = sexagesimal(Math.abs(value) * 3600, step);
  const isZero = d === 0 && m === 0 && s === 0;
  const sign = value < 0 && !isZero ? "−" : signed && !isZero ? "+" : "";
  const degrees = `${sign}${signed ? d : d % 360}°`;
  if (fields === 0) return degrees;
  const minutes = `${degrees}${String(m).padStart(2, "0")}′`;
  return fields === 1 ? minutes : `${minutes}${String(s).padStart(2, "0")}″`;
}
