import type { MapAxis } from "../maps/index.js";
import { convert } from "../units/index.js";

export interface BackgroundModelOptions {
  norm?: number;
  tilt?: number;
  /** Reference energy of the tilt (TeV), default 1. */
  reference?: number;
  /** Whether the fit may change the tilt (v0.15 and gammapy 1.0 keep it frozen by default). */
  tiltFree?: boolean;
}

/**
 * The spectral correction of a dataset's background template (v0.15's `BackgroundModel`,
 * gammapy 1.0's `FoVBackgroundModel` with a power-law norm): each reconstructed-energy
 * plane is scaled by norm · (E / reference)^(−tilt), E the bin centre.
 */
export class BackgroundModel {
  norm: number;
  tilt: number;
  readonly reference: number;
  tiltFree: boolean;
  normError = NaN;
  tiltError = NaN;

  constructor(options: BackgroundModelOptions = {}) {
    this.norm = options.norm ?? 1;
    this.tilt = options.tilt ?? 0;
    this.reference = options.reference ?? 1;
    this.tiltFree = options.tiltFree ?? false;
  }

  /** The scale factor of each bin of the reconstructed-energy axis. */
  factors(energy: MapAxis): Float64Array {
    const toTeV = convert(1, energy.unit || "TeV", "TeV");
    return energy.center.map((e) => this.norm * ((e * toTeV) / this.reference) ** -this.tilt);
  }

  get isIdentity(): boolean {
    return this.norm === 1 && this.tilt === 0;
  }

  copy(): BackgroundModel {
    const out = new BackgroundModel({
      norm: this.norm,
      tilt: this.tilt,
      reference: this.reference,
      tiltFree: this.tiltFree,
    });
    out.normError = this.normError;
    out.tiltError = this.tiltError;
    return out;
  }
}
