import { Model, type ParameterInputs, type ParameterSpec } from "../model.js";

/**
 * A spectral model (gammapy 1.0's SpectralModel). Units are fixed at the boundary so that hot
 * loops need no conversions: energies in TeV, dN/dE in cm⁻² s⁻¹ TeV⁻¹ (a norm model: no unit),
 * integrals in cm⁻² s⁻¹, energy fluxes in TeV cm⁻² s⁻¹. Parameters given in other units are
 * converted when read (`Parameter.valueIn`).
 */
export abstract class SpectralModel extends Model {
  protected constructor(specs: readonly ParameterSpec[], inputs: ParameterInputs = {}) {
    super(specs, inputs, "spectral");
  }

  /** dN/dE at each energy (TeV). */
  abstract evaluate(energy: ArrayLike<number>): Float64Array;

  /** ∫ dN/dE dE over each [energyMin[i], energyMax[i]] (TeV): analytic where it exists, else numeric. */
  abstract integral(energyMin: ArrayLike<number>, energyMax: ArrayLike<number>): Float64Array;
}
