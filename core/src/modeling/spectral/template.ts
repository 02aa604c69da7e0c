import { parseUnit } from "../../units/index.js";
import { declaredParameters, type ModelDict, type ParameterInput, type ParameterSpec } from "../model.js";
import type { Parameter } from "../parameter.js";
import { FLOAT32_TINY } from "./integrate.js";
import { DNDE_UNIT, ENERGY_UNIT, SpectralModel } from "./spectral-model.js";

// gammapy 1.0's TemplateSpectralModel: a table of values at energies, interpolated as gammapy's
// ScaledRegularGridInterpolator around scipy's RegularGridInterpolator (1-d): points and values are
// scaled (log by default), interpolated linearly or to the nearest node, extrapolated beyond the
// table unless told otherwise, scaled back and clipped at 0. Integrals are numeric.

export type InterpolationScaleName = "lin" | "log" | "sqrt";

/** gammapy 1.0's `interp_kwargs`, with its key names. */
export interface TemplateInterpKwargs {
  /** How values are scaled before interpolating (default "log"). */
  values_scale?: InterpolationScaleName;
  /** How energies are scaled (default ["log"]). */
  points_scale?: readonly [InterpolationScaleName] | InterpolationScaleName;
  /** "linear" (default) or "nearest"; a one-point table is always "nearest". */
  method?: "linear" | "nearest";
  /** Outside the table: extrapolate (default) or, with false, scipy's bounds error / NaN fill. */
  extrapolate?: boolean;
  /** Refuse energies outside the table (default: !extrapolate). */
  bounds_error?: boolean;
  /** The value outside the table, in the scaled space as scipy sees it (null: extrapolate). */
  fill_value?: number | null;
}

export interface TemplateSpectralModelOptions {
  /** Table energies, strictly increasing, in `energyUnit`. */
  energy: ArrayLike<number>;
  energyUnit?: string;
  /** Table values at `energy`, in `valuesUnit`: a dN/dE unit, or "" for a dimensionless factor. */
  values: ArrayLike<number>;
  valuesUnit?: string;
  norm?: ParameterInput;
  interpKwargs?: TemplateInterpKwargs;
}

const TEMPLATE: readonly ParameterSpec[] = [
  { name: "norm", value: 1, unit: "", interp: "log", isNorm: true, frozen: true },
];

type Scale = (x: number) => number;

/** gammapy's interpolation scales: forward (LogScale clips at float32 tiny) and inverse. */
const SCALES: Record<InterpolationScaleName, { forward: Scale; inverse: Scale }> = {
  lin: { forward: (x) => x, inverse: (y) => y },
  log: {
    forward: (x) => Math.log(Math.max(x, FLOAT32_TINY)),
    inverse: (y) => {
      const x = Math.exp(y);
      return Math.abs(x) - FLOAT32_TINY <= FLOAT32_TINY ? 0 : x; // what was clipped comes back as 0
    },
  },
  sqrt: {
    forward: (x) => Math.sign(x) * Math.sqrt(Math.sign(x) * x),
    inverse: (y) => y ** 2,
  },
};

function scaleFor(name: string): { forward: Scale; inverse: Scale } {
  const scale = SCALES[name as InterpolationScaleName];
  if (!scale) throw new Error(`TemplateSpectralModel: not a valid scale '${name}' (lin, log, sqrt)`);
  return scale;
}

/** dN/dE = norm × the interpolated table; tags "TemplateSpectralModel", "template". */
export class TemplateSpectralModel extends SpectralModel {
  readonly norm: Parameter;
  /** The table as given (for `toDict`). */
  readonly energy: Float64Array;
  readonly energyUnit: string;
  readonly values: Float64Array;
  readonly valuesUnit: string;
  readonly interpKwargs: Readonly<TemplateInterpKwargs>;
  private readonly pointsScale: { forward: Scale; inverse: Scale };
  private readonly valuesScale: { forward: Scale; inverse: Scale };
  private readonly grid: Float64Array;
  private readonly scaledValues: Float64Array;
  private readonly nearest: boolean;
  private readonly boundsError: boolean;
  private readonly fillValue: number | null;
  /** TeV → the table's energy unit. */
  private readonly energyFactor: number;
  /** The table's values unit → cm⁻² s⁻¹ TeV⁻¹ (1 for dimensionless values). */
  private readonly valuesFactor: number;

  constructor(options: TemplateSpectralModelOptions) {
    super(TEMPLATE, { norm: options.norm });
    this.norm = this.parameter("norm");
    const n = options.energy.length;
    if (n === 0 || options.values.length !== n)
      throw new Error(`TemplateSpectralModel: ${n} energies and ${options.values.length} values`);
    this.energy = Float64Array.from(options.energy);
    this.values = Float64Array.from(options.values);
    this.energyUnit = options.energyUnit ?? ENERGY_UNIT;
    this.valuesUnit = options.valuesUnit ?? "";
    const kw = { ...options.interpKwargs };
    this.interpKwargs = kw;
    const points = kw.points_scale ?? ["log"];
    this.pointsScale = scaleFor(typeof points === "string" ? points : points[0]);
    this.valuesScale = scaleFor(kw.values_scale ?? "log");
    const method = n === 1 ? "nearest" : (kw.method ?? "linear");
    if (method !== "linear" && method !== "nearest")
      throw new Error(`TemplateSpectralModel: interpolation method '${method}' (linear, nearest)`);
    this.nearest = method === "nearest";
    // gammapy passes bounds_error=False, fill_value=None (extrapolate) unless told otherwise;
    // without `extrapolate`, scipy's own defaults: an error outside the table, else a NaN fill
    const extrapolate = kw.extrapolate ?? true;
    this.boundsError = kw.bounds_error ?? !extrapolate;
    this.fillValue = kw.fill_value !== undefined ? kw.fill_value : extrapolate ? null : Number.NaN;
    this.grid = this.energy.map(this.pointsScale.forward);
    for (let i = 1; i < n; i++)
      if (!(this.grid[i] > this.grid[i - 1]))
        throw new Error("TemplateSpectralModel: the energies must be strictly increasing");
    this.scaledValues = this.values.map(this.valuesScale.forward);
    this.energyFactor = parseUnit(ENERGY_UNIT).factorTo(parseUnit(this.energyUnit));
    const unit = parseUnit(this.valuesUnit);
    this.valuesFactor = unit.isDimensionless ? unit.scale : unit.factorTo(parseUnit(DNDE_UNIT));
  }

  get tag(): readonly string[] {
    return ["TemplateSpectralModel", "template"];
  }

  protected defaultParameters(): Parameter[] {
    return declaredParameters(TEMPLATE, "spectral");
  }

  evaluateInto(energy: ArrayLike<number>, out: Float64Array): Float64Array {
    const norm = this.norm.value;
    const { energyFactor, valuesFactor } = this;
    const scale = this.pointsScale.forward;
    for (let i = 0; i < energy.length; i++) {
      const value = this.interpolate(scale(energy[i] * energyFactor));
      // gammapy: norm × (values clipped at 0), in the values' unit
      out[i] = norm * Math.max(value, 0) * valuesFactor; // NaN stays NaN
    }
    return out;
  }

  /** The table at a scaled energy, scaled back: scipy's 1-d RegularGridInterpolator semantics. */
  private interpolate(x: number): number {
    if (Number.isNaN(x)) return Number.NaN;
    const grid = this.grid;
    const n = grid.length;
    const outside = x < grid[0] || x > grid[n - 1];
    if (outside && this.boundsError)
      throw new RangeError(`TemplateSpectralModel: energy outside the table (bounds_error)`);
    if (outside && this.fillValue !== null) return this.valuesScale.inverse(this.fillValue);
    if (n === 1) return this.valuesScale.inverse(this.scaledValues[0]);
    // the interval [grid[i], grid[i+1]] holding x; the first and last extend outwards
    let lo = 0;
    let hi = n - 2;
    if (x >= grid[n - 1]) lo = n - 2;
    else if (x > grid[0])
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (grid[mid] <= x) lo = mid;
        else hi = mid - 1;
      }
    const t = (x - grid[lo]) / (grid[lo + 1] - grid[lo]);
    const v = this.scaledValues;
    const scaled = this.nearest ? (t <= 0.5 ? v[lo] : v[lo + 1]) : v[lo] * (1 - t) + v[lo + 1] * t;
    return this.valuesScale.inverse(scaled);
  }

  /** gammapy's `to_dict`: the parameters, and the table with its units. */
  override toDict(fullOutput = false): ModelDict {
    return {
      ...super.toDict(fullOutput),
      energy: { data: Array.from(this.energy), unit: this.energyUnit },
      values: { data: Array.from(this.values), unit: this.valuesUnit },
    };
  }
}
