import {
  Model,
  declaredParameters,
  type ModelDict,
  type ParameterInput,
  type ParameterInputs,
  type ParameterSpec,
} from "../model.js";
import type { Parameter, Parameters } from "../parameter.js";
import { IntegrationScratch, type SpectrumInto, integrateSpectrum } from "./integrate.js";

// The base class, and the two models its arithmetic (add, subtract, multiply) builds: the compound
// and the constant. They live in this module because a separate one would import the base while
// the base imports it, a cycle that fails when the base loads first; and a registration hook
// would be dropped by bundlers (the package declares no side effects).

/** The canonical units of the port: parameters are read in these (a no-op when given in them). */
export const DNDE_UNIT = "cm-2 s-1 TeV-1";
export const FLUX_UNIT = "cm-2 s-1";
export const ENERGY_UNIT = "TeV";
export const INVERSE_ENERGY_UNIT = "TeV-1";

/** A quantity and its 1σ error, per energy or band (gammapy's `evaluate_error` and friends). */
export interface ValueAndError {
  value: Float64Array;
  error: Float64Array;
}

/** How two spectra combine (gammapy's CompoundSpectralModel operators, by their `operator` names). */
export type SpectralOperator = "add" | "sub" | "mul";

/**
 * A spectral model (gammapy 1.0's SpectralModel). Units are fixed at the boundary so that hot
 * loops need no conversions: energies in TeV, dN/dE in cm⁻² s⁻¹ TeV⁻¹ (a norm model: no unit),
 * integrals in cm⁻² s⁻¹, energy fluxes in TeV cm⁻² s⁻¹ (norm models: TeV and TeV²). Parameters
 * given in other units are converted when read (`Parameter.valueIn`).
 *
 * A subclass implements `evaluateInto`; integrals and energy fluxes are numeric (gammapy's
 * log-log trapezoidal rule, see integrate.ts) unless it overrides them with analytic forms.
 */
export abstract class SpectralModel extends Model {
  /** The numeric integrals' grid buffers and this model as their integrand, made once. */
  private scratch?: IntegrationScratch;
  private spectrum?: SpectrumInto;

  protected constructor(specs: readonly ParameterSpec[], inputs: ParameterInputs = {}) {
    super(specs, inputs, "spectral");
  }

  /** dN/dE at each energy (TeV). */
  evaluate(energy: ArrayLike<number>): Float64Array {
    return this.evaluateInto(energy, new Float64Array(energy.length));
  }

  /** dN/dE at each energy (TeV) written into `out[0…energy.length)` (not `energy` itself); returns `out`. */
  abstract evaluateInto(energy: ArrayLike<number>, out: Float64Array): Float64Array;

  /** ∫ dN/dE dE over each [energyMin[i], energyMax[i]] (TeV): analytic where it exists, else numeric. */
  integral(energyMin: ArrayLike<number>, energyMax: ArrayLike<number>): Float64Array {
    return this.integrateNumerically(energyMin, energyMax, false);
  }

  /** ∫ E dN/dE dE over each band (TeV cm⁻² s⁻¹): analytic where it exists, else numeric. */
  energyFlux(energyMin: ArrayLike<number>, energyMax: ArrayLike<number>): Float64Array {
    return this.integrateNumerically(energyMin, energyMax, true);
  }

  /** gammapy's `integrate_spectrum` of this model (all bands share one grid size: the widest band's). */
  protected integrateNumerically(
    energyMin: ArrayLike<number>,
    energyMax: ArrayLike<number>,
    energyWeighted: boolean,
  ): Float64Array {
    this.scratch ??= new IntegrationScratch();
    this.spectrum ??= (e, out) => this.evaluateInto(e, out);
    return integrateSpectrum(this.spectrum, energyMin, energyMax, { energyWeighted, scratch: this.scratch });
  }

  /** dN/dE and its error (gammapy's `evaluate_error`). */
  evaluateError(energy: ArrayLike<number>, epsilon = 1e-4): ValueAndError {
    return this.propagateError(() => this.evaluate(energy), epsilon);
  }

  /** The integral flux per band and its error (gammapy's `integral_error`). */
  integralError(energyMin: ArrayLike<number>, energyMax: ArrayLike<number>, epsilon = 1e-4): ValueAndError {
    return this.propagateError(() => this.integral(energyMin, energyMax), epsilon);
  }

  /** The energy flux per band and its error (gammapy's `energy_flux_error`). */
  energyFluxError(energyMin: ArrayLike<number>, energyMax: ArrayLike<number>, epsilon = 1e-4): ValueAndError {
    return this.propagateError(() => this.energyFlux(energyMin, energyMax), epsilon);
  }

  /**
   * gammapy 1.0's `_propagate_error`: forward differences with steps of `epsilon` × each
   * parameter's error (frozen parameters and zero errors skipped), then the diagonal of
   * Jᵀ Σ J with the model's covariance Σ.
   */
  protected propagateError(fn: () => Float64Array, epsilon: number): ValueAndError {
    const covariance = this.covariance;
    const list = this.parameters.toArray();
    const n = list.length;
    const value = fn();
    const m = value.length;
    const jacobian = new Float64Array(n * m); // row i: ∂f/∂p_i
    for (let i = 0; i < n; i++) {
      const p = list[i];
      const step = Math.sqrt(covariance.get(i, i)) * epsilon;
      if (p.frozen || step === 0) continue;
      const factor = p.factor;
      let shifted: Float64Array;
      try {
        p.value += step;
        shifted = fn();
      } finally {
        p.factor = factor;
      }
      for (let k = 0; k < m; k++) jacobian[i * m + k] = (shifted[k] - value[k]) / step;
    }
    const error = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      let variance = 0;
      for (let i = 0; i < n; i++) {
        const di = jacobian[i * m + k];
        if (di === 0) continue;
        for (let j = 0; j < n; j++) variance += di * covariance.get(i, j) * jacobian[j * m + k];
      }
      error[k] = Math.sqrt(variance);
    }
    return { value, error };
  }

  /** The local index −d ln(dN/dE)/d ln E from a step of `epsilon` in energy (gammapy's `spectral_index`). */
  spectralIndex(energy: ArrayLike<number>, epsilon = 1e-5): Float64Array {
    const f1 = this.evaluate(energy);
    const f2 = this.evaluate(Float64Array.from(energy, (e) => e * (1 + epsilon)));
    const logStep = Math.log(1 + epsilon);
    for (let i = 0; i < f1.length; i++) f1[i] = Math.log(f1[i] / f2[i]) / logStep;
    return f1;
  }

  /**
   * The energies (TeV) in [energyMin, energyMax] where dN/dE equals `value` (gammapy's `inverse`):
   * sign changes on 100 log-spaced bins, each refined by bisection; [NaN] when there is none.
   */
  inverse(value: number, energyMin = 0.1, energyMax = 100): Float64Array {
    const nbin = 100;
    const grid = new Float64Array(nbin + 1);
    const a = Math.log(energyMin);
    const step = (Math.log(energyMax) - a) / nbin;
    for (let k = 0; k < nbin; k++) grid[k] = Math.exp(a + k * step);
    grid[nbin] = Math.exp(Math.log(energyMax));
    const sign = this.evaluate(grid).map((f) => Math.sign(f - value));
    const roots: number[] = [];
    const energy = new Float64Array(1);
    const out = new Float64Array(1);
    const at = (e: number): number => {
      energy[0] = e;
      return this.evaluateInto(energy, out)[0] - value;
    };
    for (let k = 0; k < nbin; k++) {
      if (sign[k] === sign[k + 1]) continue;
      let lo = grid[k];
      let hi = grid[k + 1];
      let fLo = at(lo);
      // brentq's default tolerances: 2e-12 absolute, 4 ulp relative
      while (hi - lo > 2e-12 + 8.9e-16 * hi) {
        const mid = 0.5 * (lo + hi);
        const fMid = at(mid);
        if (fMid === 0) lo = hi = mid;
        else if (Math.sign(fMid) === Math.sign(fLo)) [lo, fLo] = [mid, fMid];
        else hi = mid;
      }
      roots.push(0.5 * (lo + hi));
    }
    return Float64Array.from(roots.length > 0 ? roots : [Number.NaN]);
  }

  /** this + other (a number or quantity string: a ConstantSpectralModel), gammapy's `+`. */
  add(other: SpectralModel | number | string): CompoundSpectralModel {
    return this.combineWith(other, "add");
  }

  /** this − other, gammapy's `-`. */
  subtract(other: SpectralModel | number | string): CompoundSpectralModel {
    return this.combineWith(other, "sub");
  }

  /** this × other (another spectral model, e.g. an absorption), gammapy's `*`. */
  multiply(other: SpectralModel): CompoundSpectralModel {
    return this.combineWith(other, "mul");
  }

  private combineWith(other: SpectralModel | number | string, op: SpectralOperator): CompoundSpectralModel {
    // gammapy's `model + 1e-12 * u.Unit(...)`: a number or quantity becomes a constant spectrum
    const model = other instanceof SpectralModel ? other : new ConstantSpectralModel({ const: other });
    return new CompoundSpectralModel(this, model, op);
  }
}

/**
 * A flux-like parameter in `unit`, or its bare value when it has no unit (norm models and
 * dimensionless constants, which multiply other spectra).
 */
export function fluxOrNorm(parameter: Parameter, unit: string): number {
  return parameter.unit === "" ? parameter.value : parameter.valueIn(unit);
}

// gammapy 1.0's ConstantSpectralModel. It has no analytic integral in gammapy either: the numeric
// rule is exact for a constant up to rounding.

const CONSTANT: readonly ParameterSpec[] = [{ name: "const", value: `1e-12 ${DNDE_UNIT}`, isNorm: true }];

/** dN/dE = k (a dimensionless k makes a constant factor); tags "ConstantSpectralModel", "const". */
export class ConstantSpectralModel extends SpectralModel {
  readonly const: Parameter;

  constructor(inputs: { const?: ParameterInput } = {}) {
    super(CONSTANT, { ...inputs });
    this.const = this.parameter("const");
  }

  get tag(): readonly string[] {
    return ["ConstantSpectralModel", "const"];
  }

  protected defaultParameters(): Parameter[] {
    return declaredParameters(CONSTANT, "spectral");
  }

  evaluateInto(energy: ArrayLike<number>, out: Float64Array): Float64Array {
    return out.fill(fluxOrNorm(this.const, DNDE_UNIT), 0, energy.length);
  }
}

/**
 * gammapy 1.0's CompoundSpectralModel: two spectra combined by +, − or ×, evaluated component by
 * component; its parameters are the two lists concatenated (shared objects: fitting the compound
 * fits the components). No analytic integral: integrals and energy fluxes are numeric.
 */
export class CompoundSpectralModel extends SpectralModel {
  readonly model1: SpectralModel;
  readonly model2: SpectralModel;
  readonly operator: SpectralOperator;
  /** model2's values during an evaluation (model1's go straight into the output). */
  private buffer = new Float64Array(0);

  constructor(model1: SpectralModel, model2: SpectralModel, operator: SpectralOperator) {
    super([]);
    if (operator !== "add" && operator !== "sub" && operator !== "mul")
      throw new Error(`CompoundSpectralModel: operator '${operator}' (add, sub, mul)`);
    this.model1 = model1;
    this.model2 = model2;
    this.operator = operator;
    // the base builds the list from declarations; a compound has none of its own, so its list is
    // set here once (Model.parameters is readonly to users, not to the model itself)
    (this as { parameters: Parameters }).parameters = model1.parameters.concat(model2.parameters);
  }

  get tag(): readonly string[] {
    return ["CompoundSpectralModel", "compound"];
  }

  /** The first parameter of that name (gammapy's `parameters[name]`): model1's before model2's. */
  override parameter(name: string): Parameter {
    return this.parameters.get(name);
  }

  protected defaultParameters(): Parameter[] {
    return [];
  }

  evaluateInto(energy: ArrayLike<number>, out: Float64Array): Float64Array {
    const n = energy.length;
    this.model1.evaluateInto(energy, out);
    if (this.buffer.length < n) this.buffer = new Float64Array(n);
    const other = this.model2.evaluateInto(energy, this.buffer);
    if (this.operator === "add") for (let i = 0; i < n; i++) out[i] += other[i];
    else if (this.operator === "sub") for (let i = 0; i < n; i++) out[i] -= other[i];
    else for (let i = 0; i < n; i++) out[i] *= other[i];
    return out;
  }

  /** gammapy's `to_dict`: both components' entries and the operator's name. */
  override toDict(fullOutput = false): ModelDict {
    return {
      type: this.tag[0],
      model1: this.model1.toDict(fullOutput),
      model2: this.model2.toDict(fullOutput),
      operator: this.operator,
    };
  }
}
