import type { BinTableHdu } from "../fits/index.js";

/** How IRF loading reports what it accepts but doubts (non-finite cells, large negative values). */
export interface IrfLoadOptions {
  /** Receives the warnings (default console.warn); each names the file, HDU and column. */
  warn?: (message: string) => void;
}

export interface IrfValueRules {
  /** The data's axes (name and bins, in the data's C order), to say where a bad value is. */
  axes: ReadonlyArray<{ name: string; nbin: number }>;
  /** The data must have a positive value (effective area, PSF, energy dispersion): all zero is an error. */
  needsPositive: boolean;
}

/**
 * Negative cells down to this fraction of the largest value pass unreported: H.E.S.S. DR1's
 * smoothed effective areas, PSFs and migration matrices have some down to −1.2 % of their peak.
 */
const NEGATIVE_TOLERANCE = 0.05;

/**
 * Check an IRF data column on load. Data with no finite value, or (where `needsPositive`)
 * no positive one, are an error: they would give an observation without exposure or
 * response. Some non-finite cells are accepted as gammapy 1.0 accepts them (they evaluate
 * as 0 around them) and warned about; so are negative values beyond the tolerance.
 */
export function checkIrfValues(
  table: BinTableHdu,
  column: string,
  data: ArrayLike<number>,
  rules: IrfValueRules,
  options: IrfLoadOptions = {},
): void {
  const where = `${table.location} column ${column}`;
  let nonFinite = 0;
  let firstNonFinite = -1;
  let max = -Infinity;
  let min = Infinity;
  let negative = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) {
      if (nonFinite++ === 0) firstNonFinite = i;
      continue;
    }
    if (v > max) max = v;
    if (v < min) min = v;
    if (v < 0) negative++;
  }
  if (nonFinite === data.length)
    throw new Error(`${where}: all ${data.length} values are NaN or infinite (e.g. ${data[0]})`);
  if (rules.needsPositive && !(max > 0))
    throw new Error(`${where}: no value is positive (largest ${max}); the IRF has no response at all`);
  const warn = options.warn ?? ((m: string) => console.warn(m));
  if (nonFinite > 0) {
    warn(
      `${where}: ${nonFinite} of ${data.length} values are NaN or infinite (first ${data[firstNonFinite]} ` +
        `at ${cellName(firstNonFinite, rules.axes)}); the IRF is 0 near them, as in gammapy 1.0`,
    );
  }
  if (negative > 0 && min < -NEGATIVE_TOLERANCE * Math.max(max, 0)) {
    warn(`${where}: ${negative} values are negative, down to ${min} (largest ${max}); they evaluate as 0`);
  }
}

/** "energy_true 3, offset 40": the bin indices of a flat C-order index. */
function cellName(flat: number, axes: IrfValueRules["axes"]): string {
  const parts: string[] = [];
  let rest = flat;
  for (let d = axes.length - 1; d >= 0; d--) {
    parts.unshift(`${axes[d].name} bin ${rest % axes[d].nbin}`);
    rest = Math.floor(rest / axes[d].nbin);
  }
  return parts.join(", ");
}
