import { declaredParameters, type ParameterInput, type ParameterSpec } from "../model.js";
import type { Parameter } from "../parameter.js";
import { DNDE_UNIT, ENERGY_UNIT, FLUX_UNIT, SpectralModel } from "./spectral-model.js";

// gammapy 1.0's PowerLawSpectralModel, PowerLawNormSpectralModel and PowerLaw2SpectralModel.

/**
 * ∫ φ (E/E₀)^−Γ dE over each band, as gammapy's `evaluate_integral` (the logarithm where
 * np.isclose(1 − Γ, 0), i.e. |1 − Γ| ≤ 1e-8). With `power` 2 instead of 1: ∫ E φ (E/E₀)^−Γ dE (`evaluate_energy_flux`).
 */
function powerLawMoment(
  energyMin: ArrayLike<number>,
  energyMax: ArrayLike<number>,
  index: number,
  amplitude: number,
  reference: number,
  power: 1 | 2,
): Float64Array {
  if (energyMin.length !== energyMax.length)
    throw new Error(`integral: ${energyMin.length} lower and ${energyMax.length} upper band edges`);
  const out = new Float64Array(energyMin.length);
  const exponent = power - index;
  const scale = power === 1 ? amplitude * reference : amplitude * reference ** 2;
  if (Math.abs(exponent) <= 1e-8) {
    for (let i = 0; i < out.length; i++) out[i] = scale * Math.log(energyMax[i] / energyMin[i]);
    return out;
  }
  // gammapy's difference of powers (Emax/E0)^s − (Emin/E0)^s, written as (Emin/E0)^s expm1(s ln(Emax/Emin)):
  // equal, but without the cancellation that costs gammapy digits when s is near 0 (Γ ≈ 1, or 2 for
  // the energy flux) and makes its error propagation there noisy at 1e-6
  const prefactor = scale / exponent;
  for (let i = 0; i < out.length; i++) {
    const lower = (energyMin[i] / reference) ** exponent;
    out[i] = prefactor * (lower * Math.expm1(exponent * Math.log(energyMax[i] / energyMin[i])));
  }
  return out;
}

/** E₀ exp(cov(φ₀, Γ) / (φ₀ ΔΓ²)): the decorrelation energy (arXiv:0910.4881, eq. 1), gammapy's `pivot_energy`. */
function pivot(model: SpectralModel, index: Parameter, norm: Parameter, reference: Parameter): number {
  // gammapy reads covariance.data[0, 1]: the first two parameters, index and norm in either order
  const cov = model.covariance.get(0, 1);
  return reference.valueIn(ENERGY_UNIT) * Math.exp(cov / (norm.value * index.error ** 2));
}

const POWER_LAW: readonly ParameterSpec[] = [
  { name: "index", value: 2 },
  { name: "amplitude", value: `1e-12 ${DNDE_UNIT}`, scaleMethod: "scale10", interp: "log", isNorm: true },
  { name: "reference", value: "1 TeV", frozen: true },
];

export interface PowerLawInputs {
  index?: ParameterInput;
  amplitude?: ParameterInput;
  reference?: ParameterInput;
}

/** dN/dE = φ₀ (E/E₀)^−Γ, tags "PowerLawSpectralModel", "pl". */
export class PowerLawSpectralModel extends SpectralModel {
  readonly index: Parameter;
  readonly amplitude: Parameter;
  readonly reference: Parameter;

  constructor(inputs: PowerLawInputs = {}) {
    super(POWER_LAW, { ...inputs });
    this.index = this.parameter("index");
    this.amplitude = this.parameter("amplitude");
    this.reference = this.parameter("reference");
  }

  get tag(): readonly string[] {
    return ["PowerLawSpectralModel", "pl"];
  }

  protected defaultParameters(): Parameter[] {
    return declaredParameters(POWER_LAW, "spectral");
  }

  evaluateInto(energy: ArrayLike<number>, out: Float64Array): Float64Array {
    const index = this.index.value;
    const amplitude = this.amplitude.valueIn(DNDE_UNIT);
    const reference = this.reference.valueIn(ENERGY_UNIT);
    for (let i = 0; i < energy.length; i++) out[i] = amplitude * (energy[i] / reference) ** -index;
    return out;
  }

  override integral(energyMin: ArrayLike<number>, energyMax: ArrayLike<number>): Float64Array {
    const amplitude = this.amplitude.valueIn(DNDE_UNIT);
    return powerLawMoment(energyMin, energyMax, this.index.value, amplitude, this.reference.valueIn(ENERGY_UNIT), 1);
  }

  override energyFlux(energyMin: ArrayLike<number>, energyMax: ArrayLike<number>): Float64Array {
    const amplitude = this.amplitude.valueIn(DNDE_UNIT);
    return powerLawMoment(energyMin, energyMax, this.index.value, amplitude, this.reference.valueIn(ENERGY_UNIT), 2);
  }

  /** E where dN/dE = value (cm⁻² s⁻¹ TeV⁻¹): analytic. */
  override inverse(value: number): Float64Array {
    const base = value / this.amplitude.valueIn(DNDE_UNIT);
    return Float64Array.of(this.reference.valueIn(ENERGY_UNIT) * base ** (-1 / this.index.value));
  }

  /** The decorrelation energy (TeV) from the covariance of amplitude and index. */
  get pivotEnergy(): number {
    return pivot(this, this.index, this.amplitude, this.reference);
  }
}

const POWER_LAW_NORM: readonly ParameterSpec[] = [
  { name: "norm", value: 1, unit: "", interp: "log", isNorm: true },
  { name: "tilt", value: 0, frozen: true },
  { name: "reference", value: "1 TeV", frozen: true },
];

export interface PowerLawNormInputs {
  norm?: ParameterInput;
  tilt?: ParameterInput;
  reference?: ParameterInput;
}

/**
 * A dimensionless power law, norm (E/E₀)^−tilt: the spectral correction of a background model
 * (tags "PowerLawNormSpectralModel", "pl-norm"). Integrals come in TeV, energy fluxes in TeV².
 */
export class PowerLawNormSpectralModel extends SpectralModel {
  readonly norm: Parameter;
  readonly tilt: Parameter;
  readonly reference: Parameter;

  constructor(inputs: PowerLawNormInputs = {}) {
    super(POWER_LAW_NORM, { ...inputs });
    this.norm = this.parameter("norm");
    this.tilt = this.parameter("tilt");
    this.reference = this.parameter("reference");
  }

  get tag(): readonly string[] {
    return ["PowerLawNormSpectralModel", "pl-norm"];
  }

  protected defaultParameters(): Parameter[] {
    return declaredParameters(POWER_LAW_NORM, "spectral");
  }

  evaluateInto(energy: ArrayLike<number>, out: Float64Array): Float64Array {
    const tilt = this.tilt.value;
    const norm = this.norm.value;
    const reference = this.reference.valueIn(ENERGY_UNIT);
    for (let i = 0; i < energy.length; i++) out[i] = norm * (energy[i] / reference) ** -tilt;
    return out;
  }

  override integral(energyMin: ArrayLike<number>, energyMax: ArrayLike<number>): Float64Array {
    const reference = this.reference.valueIn(ENERGY_UNIT);
    return powerLawMoment(energyMin, energyMax, this.tilt.value, this.norm.value, reference, 1);
  }

  override energyFlux(energyMin: ArrayLike<number>, energyMax: ArrayLike<number>): Float64Array {
    const reference = this.reference.valueIn(ENERGY_UNIT);
    return powerLawMoment(energyMin, energyMax, this.tilt.value, this.norm.value, reference, 2);
  }

  override inverse(value: number): Float64Array {
    return Float64Array.of(this.reference.valueIn(ENERGY_UNIT) * (value / this.norm.value) ** (-1 / this.tilt.value));
  }

  /** The decorrelation energy (TeV) from the covariance of norm and tilt. */
  get pivotEnergy(): number {
    return pivot(this, this.tilt, this.norm, this.reference);
  }
}

const POWER_LAW_2: readonly ParameterSpec[] = [
  { name: "amplitude", value: `1e-12 ${FLUX_UNIT}`, scaleMethod: "scale10", interp: "log", isNorm: true },
  { name: "index", value: 2 },
  { name: "emin", value: "0.1 TeV", frozen: true },
  { name: "emax", value: "100 TeV", frozen: true },
];

export interface PowerLaw2Inputs {
  amplitude?: ParameterInput;
  index?: ParameterInput;
  emin?: ParameterInput;
  emax?: ParameterInput;
}

/**
 * A power law normalised by its integral F₀ over [emin, emax] (tags "PowerLaw2SpectralModel",
 * "pl-2"). As in gammapy, index 1 is undefined (0/0); the energy flux is numeric.
 */
export class PowerLaw2SpectralModel extends SpectralModel {
  readonly amplitude: Parameter;
  readonly index: Parameter;
  readonly emin: Parameter;
  readonly emax: Parameter;

  constructor(inputs: PowerLaw2Inputs = {}) {
    super(POWER_LAW_2, { ...inputs });
    this.amplitude = this.parameter("amplitude");
    this.index = this.parameter("index");
    this.emin = this.parameter("emin");
    this.emax = this.parameter("emax");
  }

  get tag(): readonly string[] {
    return ["PowerLaw2SpectralModel", "pl-2"];
  }

  protected defaultParameters(): Parameter[] {
    return declaredParameters(POWER_LAW_2, "spectral");
  }

  evaluateInto(energy: ArrayLike<number>, out: Float64Array): Float64Array {
    const amplitude = this.amplitude.valueIn(FLUX_UNIT);
    const index = this.index.value;
    const emin = this.emin.valueIn(ENERGY_UNIT);
    const emax = this.emax.valueIn(ENERGY_UNIT);
    // gammapy's form: energies enter only as ratios to emax
    const norm = amplitude * ((1 - index) / (emax - emin * (emin / emax) ** -index));
    for (let i = 0; i < energy.length; i++) out[i] = norm * (energy[i] / emax) ** -index;
    return out;
  }

  override integral(energyMin: ArrayLike<number>, energyMax: ArrayLike<number>): Float64Array {
    if (energyMin.length !== energyMax.length)
      throw new Error(`integral: ${energyMin.length} lower and ${energyMax.length} upper band edges`);
    const amplitude = this.amplitude.valueIn(FLUX_UNIT);
    const exponent = 1 - this.index.value;
    const bottom = this.emax.valueIn(ENERGY_UNIT) ** exponent - this.emin.valueIn(ENERGY_UNIT) ** exponent;
    const out = new Float64Array(energyMin.length);
    for (let i = 0; i < out.length; i++)
      out[i] = (amplitude * (energyMax[i] ** exponent - energyMin[i] ** exponent)) / bottom;
    return out;
  }

  override inverse(value: number): Float64Array {
    const index = this.index.value;
    const emin = this.emin.valueIn(ENERGY_UNIT);
    const emax = this.emax.valueIn(ENERGY_UNIT);
    const bottom = emax - emin * (emin / emax) ** -index;
    const term = (bottom / (1 - index)) * (value / this.amplitude.valueIn(FLUX_UNIT));
    return Float64Array.of(term ** (-1 / index) * emax);
  }
}
