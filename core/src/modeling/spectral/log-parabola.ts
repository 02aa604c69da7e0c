import { declaredParameters, type ParameterInput, type ParameterSpec } from "../model.js";
import type { Parameter } from "../parameter.js";
import { DNDE_UNIT, ENERGY_UNIT, SpectralModel } from "./spectral-model.js";

// gammapy 1.0's LogParabolaSpectralModel (natural-log curvature; `fromLog10` converts the
// log10 parametrisation of e.g. Fermi catalogues). Integrals are numeric.

const LOG_PARABOLA: readonly ParameterSpec[] = [
  { name: "amplitude", value: `1e-12 ${DNDE_UNIT}`, scaleMethod: "scale10", interp: "log", isNorm: true },
  { name: "reference", value: "10 TeV", frozen: true },
  { name: "alpha", value: 2 },
  { name: "beta", value: 1 },
];

export interface LogParabolaInputs {
  amplitude?: ParameterInput;
  reference?: ParameterInput;
  alpha?: ParameterInput;
  beta?: ParameterInput;
}

/** dN/dE = φ₀ (E/E₀)^(−α − β ln(E/E₀)), tags "LogParabolaSpectralModel", "lp". */
export class LogParabolaSpectralModel extends SpectralModel {
  readonly amplitude: Parameter;
  readonly reference: Parameter;
  readonly alpha: Parameter;
  readonly beta: Parameter;

  constructor(inputs: LogParabolaInputs = {}) {
    super(LOG_PARABOLA, { ...inputs });
    this.amplitude = this.parameter("amplitude");
    this.reference = this.parameter("reference");
    this.alpha = this.parameter("alpha");
    this.beta = this.parameter("beta");
  }

  /** From the log10 parametrisation, (E/E₀)^(−α − β log10(E/E₀)): β is divided by ln 10. */
  static fromLog10(inputs: Omit<LogParabolaInputs, "beta"> & { beta: number }): LogParabolaSpectralModel {
    return new LogParabolaSpectralModel({ ...inputs, beta: inputs.beta / Math.log(10) });
  }

  get tag(): readonly string[] {
    return ["LogParabolaSpectralModel", "lp"];
  }

  protected defaultParameters(): Parameter[] {
    return declaredParameters(LOG_PARABOLA, "spectral");
  }

  evaluateInto(energy: ArrayLike<number>, out: Float64Array): Float64Array {
    const amplitude = this.amplitude.valueIn(DNDE_UNIT);
    const reference = this.reference.valueIn(ENERGY_UNIT);
    const alpha = this.alpha.value;
    const beta = this.beta.value;
    for (let i = 0; i < energy.length; i++) {
      const x = energy[i] / reference;
      out[i] = amplitude * x ** (-alpha - beta * Math.log(x));
    }
    return out;
  }

  /** The peak of E² dN/dE (TeV): E₀ exp((2 − α)/(2β)). */
  get ePeak(): number {
    return this.reference.valueIn(ENERGY_UNIT) * Math.exp((2 - this.alpha.value) / (2 * this.beta.value));
  }
}
