import { declaredParameters, type ParameterInput, type ParameterSpec } from "../model.js";
import type { Parameter } from "../parameter.js";
import { DNDE_UNIT, ENERGY_UNIT, SpectralModel } from "./spectral-model.js";

// gammapy 1.0's SmoothBrokenPowerLawSpectralModel. Integrals are numeric.

const SMOOTH_BROKEN: readonly ParameterSpec[] = [
  { name: "index1", value: 2 },
  { name: "index2", value: 2 },
  { name: "amplitude", value: `1e-12 ${DNDE_UNIT}`, scaleMethod: "scale10", interp: "log", isNorm: true },
  { name: "ebreak", value: "1 TeV" },
  { name: "reference", value: "1 TeV", frozen: true },
  { name: "beta", value: 1, frozen: true },
];

export interface SmoothBrokenPowerLawInputs {
  index1?: ParameterInput;
  index2?: ParameterInput;
  amplitude?: ParameterInput;
  ebreak?: ParameterInput;
  reference?: ParameterInput;
  beta?: ParameterInput;
}

/**
 * dN/dE = φ₀ (E/E₀)^−Γ₁ (1 + (E/E_b)^((Γ₂ − Γ₁)/β'))^−β' with β' = β sign(Γ₂ − Γ₁) (so that β sets
 * the smoothness whichever way the index changes); tags "SmoothBrokenPowerLawSpectralModel", "sbpl".
 */
export class SmoothBrokenPowerLawSpectralModel extends SpectralModel {
  readonly index1: Parameter;
  readonly index2: Parameter;
  readonly amplitude: Parameter;
  readonly ebreak: Parameter;
  readonly reference: Parameter;
  readonly beta: Parameter;

  constructor(inputs: SmoothBrokenPowerLawInputs = {}) {
    super(SMOOTH_BROKEN, { ...inputs });
    this.index1 = this.parameter("index1");
    this.index2 = this.parameter("index2");
    this.amplitude = this.parameter("amplitude");
    this.ebreak = this.parameter("ebreak");
    this.reference = this.parameter("reference");
    this.beta = this.parameter("beta");
  }

  get tag(): readonly string[] {
    return ["SmoothBrokenPowerLawSpectralModel", "sbpl"];
  }

  protected defaultParameters(): Parameter[] {
    return declaredParameters(SMOOTH_BROKEN, "spectral");
  }

  evaluateInto(energy: ArrayLike<number>, out: Float64Array): Float64Array {
    const index1 = this.index1.value;
    const index2 = this.index2.value;
    const amplitude = this.amplitude.valueIn(DNDE_UNIT);
    const ebreak = this.ebreak.valueIn(ENERGY_UNIT);
    const reference = this.reference.valueIn(ENERGY_UNIT);
    const beta = this.beta.value * Math.sign(index2 - index1);
    const slope = (index2 - index1) / beta;
    for (let i = 0; i < energy.length; i++) {
      const e = energy[i];
      out[i] = amplitude * (e / reference) ** -index1 * (1 + (e / ebreak) ** slope) ** -beta;
    }
    return out;
  }
}
