import { DEG2RAD } from "../../coords/index.js";
import { quadQags } from "../../utils/quadpack.js";
import { oneMinusErf } from "../../utils/special.js";
import type { ParameterSpec } from "../model.js";
import { effectiveRadius, ExtendedSpatialModel, POSITION_SPECS } from "./centered.js";
import type { OffsetNeeds, Offsets } from "./offsets.js";
import type { SpatialModelOptions, SpatialRegion } from "./spatial-model.js";

const RAD_TO_DEG = 57.29577951308232; // astropy's rad → deg scale
/** The edge's argument scale: erf(2.326…) = 0.9, so the edge falls from 95 % to 5 % over edge_width. */
const EDGE_WIDTH_95 = 2.326174307353347;

const SPECS: readonly ParameterSpec[] = [
  ...POSITION_SPECS,
  { name: "r_0", value: "1 deg", min: 0 },
  { name: "e", value: 0, min: 0, max: 1, frozen: true },
  { name: "phi", value: "0 deg", frozen: true },
  { name: "edge_width", value: 0.01, min: 0, max: 1, frozen: true },
];

/**
 * gammapy 1.0's DiskSpatialModel: a constant (elliptical: semi-major axis r_0, eccentricity e,
 * major axis at position angle φ) disk with a smooth edge, ½(1 − erf(2.326 (θ − r_eff)/(r_eff w)))
 * for the edge width w (a fraction of r_0), normalised by the ellipse's solid angle on the sphere.
 */
export class DiskSpatialModel extends ExtendedSpatialModel {
  private normCache?: { r0: number; e: number; norm: number };

  constructor(options: SpatialModelOptions<"lon_0" | "lat_0" | "r_0" | "e" | "phi" | "edge_width"> = {}) {
    super(SPECS, options);
  }

  get tag(): readonly string[] {
    return ["DiskSpatialModel", "disk"];
  }

  /** r_0 (1 − edge_width) / 10. */
  override get evaluationBinSizeMin(): number {
    return (this.deg("r_0") * (1 - this.num("edge_width"))) / 10.0;
  }

  /** 1.1 r_0 (1 + edge_width). */
  get evaluationRadius(): number {
    return 1.1 * this.deg("r_0") * (1 + this.num("edge_width"));
  }

  /** The ellipse of semi-axes r_0 and r_0 √(1 − e²) (gammapy's `to_region`). */
  override get evaluationRegion(): SpatialRegion {
    const r0 = this.deg("r_0");
    const minor = r0 * Math.sqrt(1 - this.num("e") ** 2);
    return { type: "ellipse", center: this.position, height: 2 * r0, width: 2 * minor, angle: this.deg("phi") };
  }

  /** sr⁻¹ inside the disk (away from the edge); cached for the last (r_0, e). */
  get norm(): number {
    const r0 = this.deg("r_0");
    const e = this.num("e");
    const c = this.normCache;
    if (c && c.r0 === r0 && c.e === e) return c.norm;
    const norm = diskNorm(r0, e);
    this.normCache = { r0, e, norm };
    return norm;
  }

  protected offsetNeeds(): OffsetNeeds {
    return { sep: true, oneMinusCos: false, phi: this.num("e") === 0 ? undefined : this.deg("phi") };
  }

  protected kernel(o: Offsets, out: Float64Array): void {
    const r0 = this.deg("r_0");
    const e = this.num("e");
    const edgeWidth = this.num("edge_width");
    const norm = this.norm;
    const minor = r0 * Math.sqrt(1 - e * e);
    for (let i = 0; i < o.n; i++) {
      const sigmaEff = e === 0 ? r0 : effectiveRadius(r0, minor, o.sinDphi[i], o.cosDphi[i]);
      // gammapy: (sep − σ_eff) in rad over σ_eff·w in deg, then the rad/deg scale
      const value = ((o.sep[i] - sigmaEff * DEG2RAD) / (sigmaEff * edgeWidth)) * RAD_TO_DEG;
      out[i] = norm * (0.5 * oneMinusErf(value * EDGE_WIDTH_95));
    }
  }
}

/**
 * 1 / solid angle of the ellipse with semi-axes r_0 and r_0 √(1 − e²) (deg) on the sphere:
 * gammapy's `_evaluate_norm_factor`, 1 / (2 ∫₀^π [1 − √(1 − 1/(B + (A − B) cos²x))] dx) with
 * A = 1/sin²a, B = 1/sin²b, by QUADPACK as scipy's `quad` (same rule, tolerances, operation
 * order: its result, not just its accuracy, to ~1e-15).
 */
export function diskNorm(r0: number, e: number): number {
  const semiMinor = r0 * Math.sqrt(1 - e * e);
  const sa = Math.sin(r0 * DEG2RAD);
  const sb = Math.sin(semiMinor * DEG2RAD);
  const A = 1 / (sa * sa);
  const B = 1 / (sb * sb);
  const C = A - B;
  const integrand = (x: number): number => {
    const c = Math.cos(x);
    return 1 - Math.sqrt(1 - 1 / (B + C * (c * c)));
  };
  return 1 / (2 * quadQags(integrand, 0, Math.PI).result);
}
