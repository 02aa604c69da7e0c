import { DEG2RAD } from "../../coords/index.js";
import { gammaFunction } from "../../utils/special.js";
import type { ParameterSpec } from "../model.js";
import { effectiveRadius, ExtendedSpatialModel, POSITION_SPECS } from "./centered.js";
import { oneMinusCos, type OffsetNeeds, type Offsets } from "./offsets.js";
import { DEG2_TO_SR, type SpatialModelOptions, type SpatialRegion } from "./spatial-model.js";

const RAD_TO_DEG = 57.29577951308232; // astropy's rad → deg scale

const GAUSSIAN_SPECS: readonly ParameterSpec[] = [
  ...POSITION_SPECS,
  { name: "sigma", value: "1 deg", min: 0 },
  { name: "e", value: 0, min: 0, max: 1, frozen: true },
  { name: "phi", value: "0 deg", frozen: true },
];

/**
 * gammapy 1.0's GaussianSpatialModel: exp(−(1 − cos θ) / (2(1 − cos σ))) normalised on the
 * sphere when symmetric (e = 0); elongated (eccentricity e, major axis σ at position angle φ
 * east of north), σ replaced by the ellipse's radius towards each point and the flat-sky norm
 * 1/(2π σ σ_minor), as gammapy.
 */
export class GaussianSpatialModel extends ExtendedSpatialModel {
  constructor(options: SpatialModelOptions<"lon_0" | "lat_0" | "sigma" | "e" | "phi"> = {}) {
    super(GAUSSIAN_SPECS, options);
  }

  get tag(): readonly string[] {
    return ["GaussianSpatialModel", "gauss"];
  }

  /** σ/3. */
  override get evaluationBinSizeMin(): number {
    return this.deg("sigma") / 3.0;
  }

  /** 5σ. */
  get evaluationRadius(): number {
    return 5 * this.deg("sigma");
  }

  /** The 5σ ellipse (gammapy's `to_region(x_sigma=5)`). */
  override get evaluationRegion(): SpatialRegion {
    return this.outline(5);
  }

  /** The ellipse at `xSigma` σ (gammapy's `to_region`; 1.5σ ≈ 68 % containment when symmetric). */
  outline(xSigma = 1.5): SpatialRegion {
    const sigma = this.deg("sigma");
    const minor = sigma * Math.sqrt(1 - this.num("e") ** 2);
    return {
      type: "ellipse",
      center: this.position,
      height: 2 * xSigma * sigma,
      width: 2 * xSigma * minor,
      angle: this.deg("phi"),
    };
  }

  protected offsetNeeds(): OffsetNeeds {
    return { sep: false, oneMinusCos: true, phi: this.num("e") === 0 ? undefined : this.deg("phi") };
  }

  protected kernel(o: Offsets, out: Float64Array): void {
    const sigma = this.deg("sigma");
    const e = this.num("e");
    const h = o.oneMinusCos;
    if (e === 0) {
      const a = oneMinusCos(sigma * DEG2RAD);
      const norm = 1 / (4 * Math.PI * a * (1 - Math.exp(-1 / a)));
      for (let i = 0; i < o.n; i++) out[i] = norm * Math.exp(-0.5 * (h[i] / a));
      return;
    }
    const minor = sigma * Math.sqrt(1 - e * e);
    const norm = (1 / (2 * Math.PI * sigma * minor)) * DEG2_TO_SR;
    for (let i = 0; i < o.n; i++) {
      const a = oneMinusCos(effectiveRadius(sigma, minor, o.sinDphi[i], o.cosDphi[i]) * DEG2RAD);
      out[i] = norm * Math.exp(-0.5 * (h[i] / a));
    }
  }
}

const GENERALIZED_SPECS: readonly ParameterSpec[] = [
  ...POSITION_SPECS,
  { name: "r_0", value: "1 deg" },
  { name: "eta", value: 0.5, min: 0.01, max: 1 },
  { name: "e", value: 0, min: 0, max: 1, frozen: true },
  { name: "phi", value: "0 deg", frozen: true },
];

/**
 * gammapy 1.0's GeneralizedGaussianSpatialModel: exp(−(θ/r_eff)^(1/η)) / (2π r_0 r_minor η Γ(2η))
 * (flat-sky norm), r_eff the ellipse's radius towards the point; η → 0 a disk, ½ a Gaussian,
 * 1 a Laplace profile.
 */
export class GeneralizedGaussianSpatialModel extends ExtendedSpatialModel {
  constructor(options: SpatialModelOptions<"lon_0" | "lat_0" | "r_0" | "eta" | "e" | "phi"> = {}) {
    super(GENERALIZED_SPECS, options);
  }

  get tag(): readonly string[] {
    return ["GeneralizedGaussianSpatialModel", "gauss-general"];
  }

  /** r_0 / (3 + 8η) / (e + 1). */
  override get evaluationBinSizeMin(): number {
    return this.deg("r_0") / (3 + 8 * this.num("eta")) / (this.num("e") + 1);
  }

  /** r_0 (1 + 8η): r_0 as η → 0, 5 r_0 for the Gaussian, 9 r_0 for the Laplace profile. */
  get evaluationRadius(): number {
    return this.deg("r_0") * (1 + 8 * this.num("eta"));
  }

  /** The ellipse at the evaluation radius. */
  override get evaluationRegion(): SpatialRegion {
    return this.outline(this.evaluationRadius / this.deg("r_0"));
  }

  /** The ellipse at `xR0` r_0 (gammapy's `to_region`). */
  outline(xR0 = 1): SpatialRegion {
    const r0 = this.deg("r_0");
    const minor = r0 * Math.sqrt(1 - this.num("e") ** 2);
    return {
      type: "ellipse",
      center: this.position,
      height: 2 * xR0 * r0,
      width: 2 * xR0 * minor,
      angle: this.deg("phi"),
    };
  }

  // (gammapy computes the effective radius also when e = 0: the direction is always needed)
  protected offsetNeeds(): OffsetNeeds {
    return { sep: true, oneMinusCos: false, phi: this.deg("phi") };
  }

  protected kernel(o: Offsets, out: Float64Array): void {
    const r0 = this.deg("r_0");
    const eta = this.num("eta");
    const e = this.num("e");
    const minor = r0 * Math.sqrt(1 - e * e);
    const norm = 1 / (2 * Math.PI * minor * r0 * eta * gammaFunction(2 * eta));
    const power = 1 / eta;
    // gammapy divides the separation (rad) by r_eff (deg): (rad/deg)^(1/η) carries the scale
    const scale = RAD_TO_DEG ** power;
    for (let i = 0; i < o.n; i++) {
      const z = o.sep[i] / effectiveRadius(r0, minor, o.sinDphi[i], o.cosDphi[i]);
      out[i] = norm * Math.exp(-(z ** power * scale)) * DEG2_TO_SR;
    }
  }
}
