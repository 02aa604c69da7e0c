import { SkyCoord } from "../../coords/index.js";
import type { WcsGeom } from "../../maps/index.js";
import type { ModelDict, ParameterInput, ParameterSpec } from "../model.js";
import { SpatialModel, type SpatialRegion } from "./spatial-model.js";

const SPECS: readonly ParameterSpec[] = [{ name: "value", value: "1 sr-1", frozen: true }];

/** gammapy 1.0's ConstantSpatialModel: the same `value` (sr⁻¹) everywhere; frame icrs, no position. */
export class ConstantSpatialModel extends SpatialModel {
  constructor(options: { value?: ParameterInput } = {}) {
    super(SPECS, options, "icrs");
  }

  get tag(): readonly string[] {
    return ["ConstantSpatialModel", "const"];
  }

  /** gammapy's position is None: there is none. */
  get position(): SkyCoord {
    throw new Error("ConstantSpatialModel has no position");
  }

  get evaluationRadius(): undefined {
    return undefined;
  }

  /** The whole sky (gammapy's `to_region`). */
  override get evaluationRegion(): SpatialRegion {
    return { type: "box", center: new SkyCoord(0, 0, "icrs"), width: 360, height: 180 };
  }

  private get sr(): number {
    return this.parameter("value").valueIn("sr-1");
  }

  evaluate(lon: ArrayLike<number>): Float64Array {
    return new Float64Array(lon.length).fill(this.sr);
  }

  evaluateGeomInto(geom: WcsGeom, out: Float64Array): void {
    out.fill(this.sr, 0, geom.imageSize);
  }

  /** gammapy writes neither the frame nor the parameters. */
  override toDict(): ModelDict {
    return { type: this.tag[0], parameters: [] };
  }
}

/**
 * gammapy 1.0's ConstantFluxSpatialModel: the same flux in every pixel, whatever its size:
 * `integrateGeom` is 1 everywhere, `evaluateGeom` 1 / the pixel solid angle. No parameters.
 */
export class ConstantFluxSpatialModel extends SpatialModel {
  constructor() {
    super([], {}, "icrs");
  }

  get tag(): readonly string[] {
    return ["ConstantFluxSpatialModel", "const-flux"];
  }

  get position(): SkyCoord {
    throw new Error("ConstantFluxSpatialModel has no position");
  }

  get evaluationRadius(): undefined {
    return undefined;
  }

  override get evaluationRegion(): SpatialRegion {
    return { type: "box", center: new SkyCoord(0, 0, "icrs"), width: 360, height: 180 };
  }

  /** 1 sr⁻¹, as gammapy's `evaluate`. */
  evaluate(lon: ArrayLike<number>): Float64Array {
    return new Float64Array(lon.length).fill(1);
  }

  evaluateGeomInto(geom: WcsGeom, out: Float64Array): void {
    const solidAngle = geom.solidAngle();
    for (let i = 0; i < geom.imageSize; i++) out[i] = 1 / solidAngle[i];
  }

  override integrateGeom(geom: WcsGeom, _oversamplingFactor?: number): Float64Array {
    return new Float64Array(geom.toImage().imageSize).fill(1);
  }

  /** gammapy writes no frame. */
  override toDict(): ModelDict {
    return { type: this.tag[0], parameters: [] };
  }
}
