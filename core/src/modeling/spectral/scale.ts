import { declaredParameters, type ParameterInput, type ParameterSpec } from "../model.js";
import type { Parameter } from "../parameter.js";
import { SpectralModel } from "./spectral-model.js";

// gammapy 1.0's ScaleSpectralModel: another spectrum times a norm. Its only parameter is the
// norm; the wrapped model's parameters are not its own, so a fit of the scaled model moves the
// norm alone (what the flux estimators fit).

const SCALE: readonly ParameterSpec[] = [{ name: "norm", value: 1, interp: "log", isNorm: true }];

/** dN/dE = norm × model(E), tags "ScaleSpectralModel", "scale". */
export class ScaleSpectralModel extends SpectralModel {
  readonly model: SpectralModel;
  readonly norm: Parameter;

  constructor(model: SpectralModel, inputs: { norm?: ParameterInput } = {}) {
    super(SCALE, { ...inputs });
    this.model = model;
    this.norm = this.parameter("norm");
  }

  get tag(): readonly string[] {
    return ["ScaleSpectralModel", "scale"];
  }

  protected defaultParameters(): Parameter[] {
    return declaredParameters(SCALE, "spectral");
  }

  evaluateInto(energy: ArrayLike<number>, out: Float64Array): Float64Array {
    this.model.evaluateInto(energy, out);
    const norm = this.norm.value;
    for (let i = 0; i < energy.length; i++) out[i] *= norm;
    return out;
  }

  /** norm × the wrapped model's integral (gammapy's override; the energy flux stays numeric, as gammapy's). */
  override integral(energyMin: ArrayLike<number>, energyMax: ArrayLike<number>): Float64Array {
    const out = this.model.integral(energyMin, energyMax);
    const norm = this.norm.value;
    for (let i = 0; i < out.length; i++) out[i] *= norm;
    return out;
  }
}
