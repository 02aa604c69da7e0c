import type { WcsGeom } from "../../maps/index.js";
import { CenteredSpatialModel, POSITION_SPECS } from "./centered.js";
import type { SpatialModelOptions, SpatialRegion } from "./spatial-model.js";

/**
 * gammapy 1.0's PointSpatialModel: all flux at (lon_0, lat_0). On a grid it is spread over the
 * (up to) four pixels around the position with bilinear weights, which keep its centroid.
 */
export class PointSpatialModel extends CenteredSpatialModel {
  constructor(options: SpatialModelOptions<"lon_0" | "lat_0"> = {}) {
    super(POSITION_SPECS, options);
  }

  get tag(): readonly string[] {
    return ["PointSpatialModel", "point"];
  }

  override get evaluationBinSizeMin(): number {
    return 0;
  }

  get evaluationRadius(): number {
    return 0;
  }

  override get evaluationRegion(): SpatialRegion {
    return { type: "point", center: this.position };
  }

  /** A point source has no surface brightness at given points: gammapy refuses too. */
  evaluate(_lon?: ArrayLike<number>, _lat?: ArrayLike<number>): Float64Array {
    throw new Error(
      "PointSpatialModel.evaluate: a point source has no value at points; use evaluateGeom or integrateGeom",
    );
  }

  /** The grid weights divided by the pixel solid angles (sr⁻¹), as gammapy. */
  evaluateGeomInto(geom: WcsGeom, out: Float64Array): void {
    const weights = this.integrateGeom(geom);
    const solidAngle = geom.solidAngle();
    for (let i = 0; i < weights.length; i++) out[i] = weights[i] / solidAngle[i];
  }

  /**
   * gammapy's `_grid_weights` at the position's pixel coordinates (x0, y0): pixel (x, y) gets
   * (1 − |x − x0|)(1 − |y − y0|) where both distances are below 1. No oversampling applies.
   */
  override integrateGeom(geom: WcsGeom, _oversamplingFactor?: number): Float64Array {
    const image = geom.toImage();
    const { nx, ny } = image;
    const out = new Float64Array(image.imageSize);
    const p = this.position.transformTo(image.frame);
    const [x0, y0] = image.wcs.worldToPix1(p.lon, p.lat);
    if (!Number.isFinite(x0) || !Number.isFinite(y0)) return out;
    const ix0 = Math.floor(x0);
    const iy0 = Math.floor(y0);
    for (let iy = Math.max(iy0, 0); iy <= Math.min(iy0 + 1, ny - 1); iy++) {
      const dy = Math.abs(iy - y0);
      if (!(dy < 1)) continue;
      for (let ix = Math.max(ix0, 0); ix <= Math.min(ix0 + 1, nx - 1); ix++) {
        const dx = Math.abs(ix - x0);
        if (dx < 1) out[iy * nx + ix] = (1 - dx) * (1 - dy);
      }
    }
    return out;
  }
}
