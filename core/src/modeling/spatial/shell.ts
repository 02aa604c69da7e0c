import { DEG2RAD } from "../../coords/index.js";
import type { ParameterSpec } from "../model.js";
import { ExtendedSpatialModel, POSITION_SPECS } from "./centered.js";
import type { OffsetNeeds, Offsets } from "./offsets.js";
import { DEG2_TO_SR, type SpatialModelOptions, type SpatialRegion } from "./spatial-model.js";

/** rad² → deg², as astropy converts the squared separation (to subtract it from deg²). */
const RAD2_TO_DEG2 = 3282.806350011744;

/**
 * The projected emissivity of a uniform shell between radii rIn < rOut (deg), in sr⁻¹ at the
 * first `o.n` points: 3/(2π(rOut³ − rIn³)) (√(rOut² − θ²) − √(rIn² − θ²) inside rIn), in deg
 * as gammapy evaluates it (deg⁻², converted at the end).
 */
function shellKernel(rIn: number, rOut: number, o: Offsets, out: Float64Array): void {
  const norm = 3 / (2 * Math.PI * (rOut ** 3 - rIn ** 3));
  const rOut2 = rOut * rOut;
  const rIn2 = rIn * rIn;
  // gammapy compares the separation (rad) with the radii converted to rad
  const rInRad = rIn * DEG2RAD;
  const rOutRad = rOut * DEG2RAD;
  for (let i = 0; i < o.n; i++) {
    const sep = o.sep[i];
    let value = 0;
    if (!(sep > rOutRad)) {
      const sep2 = sep * sep * RAD2_TO_DEG2;
      value = Math.sqrt(rOut2 - sep2);
      if (sep < rInRad) value = value - Math.sqrt(rIn2 - sep2);
    }
    out[i] = norm * value * DEG2_TO_SR;
  }
}

const SHELL_SPECS: readonly ParameterSpec[] = [
  ...POSITION_SPECS,
  { name: "radius", value: "1 deg" },
  { name: "width", value: "0.2 deg" },
];

/** gammapy 1.0's ShellSpatialModel: a uniform shell of inner `radius` and `width` (deg), projected. */
export class ShellSpatialModel extends ExtendedSpatialModel {
  constructor(options: SpatialModelOptions<"lon_0" | "lat_0" | "radius" | "width"> = {}) {
    super(SHELL_SPECS, options);
  }

  get tag(): readonly string[] {
    return ["ShellSpatialModel", "shell"];
  }

  /** The shell width. */
  override get evaluationBinSizeMin(): number {
    return this.deg("width");
  }

  /** The outer radius. */
  get evaluationRadius(): number {
    return this.deg("radius") + this.deg("width");
  }

  override get evaluationRegion(): SpatialRegion {
    const radius = this.deg("radius");
    return { type: "annulus", center: this.position, innerRadius: radius, outerRadius: radius + this.deg("width") };
  }

  /** gammapy evaluates shells in deg⁻². */
  override get nativeUnitToSr(): number {
    return DEG2_TO_SR;
  }

  protected offsetNeeds(): OffsetNeeds {
    return { sep: true, oneMinusCos: false };
  }

  protected kernel(o: Offsets, out: Float64Array): void {
    const radius = this.deg("radius");
    shellKernel(radius, radius + this.deg("width"), o, out);
  }
}

const SHELL2_SPECS: readonly ParameterSpec[] = [
  ...POSITION_SPECS,
  { name: "r_0", value: "1 deg" },
  { name: "eta", value: 0.2, min: 0.02, max: 1 },
];

/** gammapy 1.0's Shell2SpatialModel: the shell by its outer radius r_0 and relative width η (r_in = (1 − η) r_0). */
export class Shell2SpatialModel extends ExtendedSpatialModel {
  constructor(options: SpatialModelOptions<"lon_0" | "lat_0" | "r_0" | "eta"> = {}) {
    super(SHELL2_SPECS, options);
  }

  get tag(): readonly string[] {
    return ["Shell2SpatialModel", "shell2"];
  }

  /** η r_0. */
  override get evaluationBinSizeMin(): number {
    return this.num("eta") * this.deg("r_0");
  }

  /** r_0, the outer radius. */
  get evaluationRadius(): number {
    return this.deg("r_0");
  }

  /** The inner radius (1 − η) r_0 (deg). */
  get rIn(): number {
    return (1 - this.num("eta")) * this.deg("r_0");
  }

  override get evaluationRegion(): SpatialRegion {
    return { type: "annulus", center: this.position, innerRadius: this.rIn, outerRadius: this.deg("r_0") };
  }

  override get nativeUnitToSr(): number {
    return DEG2_TO_SR;
  }

  protected offsetNeeds(): OffsetNeeds {
    return { sep: true, oneMinusCos: false };
  }

  protected kernel(o: Offsets, out: Float64Array): void {
    shellKernel(this.rIn, this.deg("r_0"), o, out);
  }
}
