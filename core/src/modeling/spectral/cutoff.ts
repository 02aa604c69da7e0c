import { declaredParameters, type ParameterInput, type ParameterSpec } from "../model.js";
import type { Parameter } from "../parameter.js";
import { DNDE_UNIT, ENERGY_UNIT, INVERSE_ENERGY_UNIT, SpectralModel } from "./spectral-model.js";

// gammapy 1.0's ExpCutoffPowerLawSpectralModel and ExpCutoffPowerLaw3FGLSpectralModel: no analytic
// integrals, so integrals and energy fluxes are numeric (gammapy's log-log trapezoidal rule).

const EXP_CUTOFF: readonly ParameterSpec[] = [
  { name: "index", value: 1.5 },
  { name: "amplitude", value: `1e-12 ${DNDE_UNIT}`, scaleMethod: "scale10", interp: "log", isNorm: true },
  { name: "reference", value: "1 TeV", frozen: true },
  { name: "lambda_", value: "0.1 TeV-1" },
  { name: "alpha", value: 1, frozen: true },
];

export interface ExpCutoffPowerLawInputs {
  index?: ParameterInput;
  amplitude?: ParameterInput;
  reference?: ParameterInput;
  lambda_?: ParameterInput;
  alpha?: ParameterInput;
}

/** dN/dE = φ₀ (E/E₀)^−Γ exp(−(λE)^α), tags "ExpCutoffPowerLawSpectralModel", "ecpl". */
export class ExpCutoffPowerLawSpectralModel extends SpectralModel {
  readonly index: Parameter;
  readonly amplitude: Parameter;
  readonly reference: Parameter;
  readonly lambda_: Parameter;
  readonly alpha: Parameter;

  constructor(inputs: ExpCutoffPowerLawInputs = {}) {
    super(EXP_CUTOFF, { ...inputs });
    this.index = this.parameter("index");
    this.amplitude = this.parameter("amplitude");
    this.reference = this.parameter("reference");
    this.lambda_ = this.parameter("lambda_");
    this.alpha = this.parameter("alpha");
  }

  get tag(): readonly string[] {
    return ["ExpCutoffPowerLawSpectralModel", "ecpl"];
  }

  protected defaultParameters(): Parameter[] {
    return declaredParameters(EXP_CUTOFF, "spectral");
  }

  evaluateInto(energy: ArrayLike<number>, out: Float64Array): Float64Array {
    const index = this.index.value;
    const amplitude = this.amplitude.valueIn(DNDE_UNIT);
    const reference = this.reference.valueIn(ENERGY_UNIT);
    const lambda = this.lambda_.valueIn(INVERSE_ENERGY_UNIT);
    const alpha = this.alpha.value;
    for (let i = 0; i < energy.length; i++) {
      const e = energy[i];
      out[i] = amplitude * (e / reference) ** -index * Math.exp(-((e * lambda) ** alpha));
    }
    return out;
  }

  /** The peak of E² dN/dE (TeV), ((2 − Γ)/α)^(1/α)/λ; NaN for Γ ≥ 2 or λ = 0 or α = 0. */
  get ePeak(): number {
    const index = this.index.value;
    const lambda = this.lambda_.valueIn(INVERSE_ENERGY_UNIT);
    const alpha = this.alpha.value;
    if (index >= 2 || lambda === 0 || alpha === 0) return Number.NaN;
    return ((2 - index) / alpha) ** (1 / alpha) / lambda;
  }
}

const EXP_CUTOFF_3FGL: readonly ParameterSpec[] = [
  { name: "index", value: 1.5 },
  { name: "amplitude", value: `1e-12 ${DNDE_UNIT}`, scaleMethod: "scale10", interp: "log", isNorm: true },
  { name: "reference", value: "1 TeV", frozen: true },
  { name: "ecut", value: "10 TeV" },
];

export interface ExpCutoffPowerLaw3FGLInputs {
  index?: ParameterInput;
  amplitude?: ParameterInput;
  reference?: ParameterInput;
  ecut?: ParameterInput;
}

/** dN/dE = φ₀ (E/E₀)^−Γ exp((E₀ − E)/E_c), the 3FGL form; tags "ExpCutoffPowerLaw3FGLSpectralModel", "ecpl-3fgl". */
export class ExpCutoffPowerLaw3FGLSpectralModel extends SpectralModel {
  readonly index: Parameter;
  readonly amplitude: Parameter;
  readonly reference: Parameter;
  readonly ecut: Parameter;

  constructor(inputs: ExpCutoffPowerLaw3FGLInputs = {}) {
    super(EXP_CUTOFF_3FGL, { ...inputs });
    this.index = this.parameter("index");
    this.amplitude = this.parameter("amplitude");
    this.reference = this.parameter("reference");
    this.ecut = this.parameter("ecut");
  }

  get tag(): readonly string[] {
    return ["ExpCutoffPowerLaw3FGLSpectralModel", "ecpl-3fgl"];
  }

  protected defaultParameters(): Parameter[] {
    return declaredParameters(EXP_CUTOFF_3FGL, "spectral");
  }

  evaluateInto(energy: ArrayLike<number>, out: Float64Array): Float64Array {
    const index = this.index.value;
    const amplitude = this.amplitude.valueIn(DNDE_UNIT);
    const reference = this.reference.valueIn(ENERGY_UNIT);
    const ecut = this.ecut.valueIn(ENERGY_UNIT);
    for (let i = 0; i < energy.length; i++) {
      const e = energy[i];
      out[i] = amplitude * (e / reference) ** -index * Math.exp((reference - e) / ecut);
    }
    return out;
  }
}
