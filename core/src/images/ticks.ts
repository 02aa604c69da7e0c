/**
 * Value-to-colour-position scaling (stretches) and colour-bar tick selection.
 */

/** How data values between vmin and vmax are mapped onto the colour map. */
export type Stretch = "linear" | "sqrt" | "asinh";

/** Softening of the asinh stretch: linear below ~a, logarithmic above (astropy's default). */
const ASINH_A = 0.1;

/** Maps data values to positions t in [0, 1] along the colour map, and back. */
export interface ValueScale {
  readonly vmin: number;
  readonly vmax: number;
  /** Position of a value along the colour map, clipped to [0, 1]; NaN stays NaN. */
  toUnit(value: number): number;
  /** Inverse of {@link toUnit} for t in [0, 1]. */
  fromUnit(t: number): number;
}

export function makeValueScale(vmin: number, vmax: number, stretch: Stretch): ValueScale {
  const span = vmax - vmin;
  const [forward, inverse] = stretchFunctions(stretch);
  return {
    vmin,
    vmax,
    toUnit(value) {
      // A degenerate range puts everything at the bottom of the scale except values above it.
      const x = span > 0 ? (value - vmin) / span : value > vmin ? 1 : 0;
      return Number.isNaN(value) ? NaN : forward(Math.min(1, Math.max(0, x)));
    },
    fromUnit(t) {
      return vmin + span * inverse(Math.min(1, Math.max(0, t)));
    },
  };
}

function stretchFunctions(stretch: Stretch): [(x: number) => number, (t: number) => number] {
  switch (stretch) {
    case "linear":
      return [(x) => x, (t) => t];
    case "sqrt":
      return [Math.sqrt, (t) => t * t];
    case "asinh": {
      const norm = Math.asinh(1 / ASINH_A);
      return [(x) => Math.asinh(x / ASINH_A) / norm, (t) => ASINH_A * Math.sinh(t * norm)];
    }
    default:
      throw new RangeError(`unknown stretch '${String(stretch)}' (use linear, sqrt or asinh)`);
  }
}

/**
 * Compact tick label: up to three significant digits in plain notation
 * (0, 12.5, -3.4, 0.0123), two in exponent notation outside [0.01, 1000)
 * (1.2e+03, 5e-04).
 */
export function formatTickLabel(value: number): string {
  if (value === 0) return "0"; // also for -0
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1000 || magnitude < 0.01) {
    return value
      .toExponential(1)
      .replace(".0e", "e")
      .replace(/e([+-])(\d)$/, "e$10$2"); // two-digit exponent, as in C/Python
  }
  return String(Number(value.toPrecision(3)));
}

/** A colour-bar tick: its label and its position t in [0, 1] along the bar. */
export interface Tick {
  readonly label: string;
  readonly t: number;
}

/**
 * Ticks for a colour bar: always vmin and vmax at the ends, plus round values in
 * between that keep at least `minSpacing` pixels from their neighbours.
 * Interior ticks sit exactly at the value their label shows.
 */
export function colorBarTicks(scale: ValueScale, barHeight: number, minSpacing: number): Tick[] {
  const { vmin, vmax } = scale;
  const ticks: Tick[] = [{ label: formatTickLabel(vmin), t: 0 }];
  if (!(vmax > vmin)) return ticks;
  ticks.push({ label: formatTickLabel(vmax), t: 1 });

  const step = niceStep((vmax - vmin) / 5);
  const pixelsApart = (a: number, b: number) => Math.abs(a - b) * (barHeight - 1);
  for (let k = Math.ceil(vmin / step); k * step < vmax; k++) {
    const label = formatTickLabel(k * step);
    const t = scale.toUnit(Number(label));
    const fits = ticks.every((tick) => tick.label !== label && pixelsApart(tick.t, t) >= minSpacing);
    if (fits && t > 0 && t < 1) ticks.push({ label, t });
  }
  return ticks.sort((a, b) => a.t - b.t);
}

/** Smallest of 1, 2, 5 times a power of ten that is at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const mantissa = raw / power;
  return (mantissa <= 1 ? 1 : mantissa <= 2 ? 2 : mantissa <= 5 ? 5 : 10) * power;
}
