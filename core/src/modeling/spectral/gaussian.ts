import { erf } from "../../stats/erfc.js";
import { declaredParameters, type ParameterInput, type ParameterSpec } from "../model.js";
import type { Parameter } from "../parameter.js";
import { ENERGY_UNIT, FLUX_UNIT, SpectralModel } from "./spectral-model.js";

// gammapy 1.0's GaussianSpectralModel: a line in energy, with analytic integral and energy flux.

const GAUSSIAN: readonly ParameterSpec[] = [
  { name: "amplitude", value: `1e-12 ${FLUX_UNIT}`, interp: "log", isNorm: true },
  { name: "mean", value: "1 TeV" },
  { name: "sigma", value: "2 TeV" },
];

export interface GaussianInputs {
  amplitude?: ParameterInput;
  mean?: ParameterInput;
  sigma?: ParameterInput;
}

/** dN/dE = N₀/(σ√(2π)) exp(−(E − Ē)²/(2σ²)), N₀ the integral flux; tags "GaussianSpectralModel", "gauss". */
export class GaussianSpectralModel extends SpectralModel {
  readonly amplitude: Parameter;
  readonly mean: Parameter;
  readonly sigma: Parameter;

  constructor(inputs: GaussianInputs = {}) {
    super(GAUSSIAN, { ...inputs });
    this.amplitude = this.parameter("amplitude");
    this.mean = this.parameter("mean");
    this.sigma = this.parameter("sigma");
  }

  get tag(): readonly string[] {
    return ["GaussianSpectralModel", "gauss"];
  }

  protected defaultParameters(): Parameter[] {
    return declaredParameters(GAUSSIAN, "spectral");
  }

  evaluateInto(energy: ArrayLike<number>, out: Float64Array): Float64Array {
    const amplitude = this.amplitude.valueIn(FLUX_UNIT);
    const mean = this.mean.valueIn(ENERGY_UNIT);
    const sigma = this.sigma.valueIn(ENERGY_UNIT);
    const norm = amplitude / (sigma * Math.sqrt(2 * Math.PI));
    const twoVariance = 2 * sigma ** 2;
    for (let i = 0; i < energy.length; i++) out[i] = norm * Math.exp(-((energy[i] - mean) ** 2) / twoVariance);
    return out;
  }

  /** N₀/2 [erf((E − Ē)/(√2 σ))] between the band edges. */
  override integral(energyMin: ArrayLike<number>, energyMax: ArrayLike<number>): Float64Array {
    return this.moments(energyMin, energyMax, false);
  }

  /** N₀σ/√(2π) [−exp(−u²)] + N₀Ē/2 [erf(u)], u = (E − Ē)/(√2 σ), between the band edges. */
  override energyFlux(energyMin: ArrayLike<number>, energyMax: ArrayLike<number>): Float64Array {
    return this.moments(energyMin, energyMax, true);
  }

  private moments(energyMin: ArrayLike<number>, energyMax: ArrayLike<number>, energyWeighted: boolean): Float64Array {
    if (energyMin.length !== energyMax.length)
      throw new Error(`integral: ${energyMin.length} lower and ${energyMax.length} upper band edges`);
    const amplitude = this.amplitude.valueIn(FLUX_UNIT);
    const mean = this.mean.valueIn(ENERGY_UNIT);
    const sigma = this.sigma.valueIn(ENERGY_UNIT);
    const width = Math.sqrt(2) * sigma;
    const a = (amplitude * sigma) / Math.sqrt(2 * Math.PI);
    const b = (amplitude * mean) / 2;
    const out = new Float64Array(energyMin.length);
    for (let i = 0; i < out.length; i++) {
      const uMin = (energyMin[i] - mean) / width;
      const uMax = (energyMax[i] - mean) / width;
      const erfDiff = erf(uMax) - erf(uMin);
      out[i] = energyWeighted
        ? a * (Math.exp(-(uMin ** 2)) - Math.exp(-(uMax ** 2))) + b * erfDiff
        : (amplitude / 2) * erfDiff;
    }
    return out;
  }
}
