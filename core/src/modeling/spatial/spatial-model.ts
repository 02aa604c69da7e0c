import type { SkyCoord } from "../../coords/index.js";
import type { WcsGeom } from "../../maps/index.js";
import { Model, type ParameterInputs, type ParameterSpec } from "../model.js";

export type ModelFrame = "icrs" | "galactic";

/**
 * A spatial model (gammapy 1.0's SpatialModel): normalised to ∫dΩ = 1, values in sr⁻¹,
 * coordinates in deg in the model's frame (`lon_0`, `lat_0` are its position).
 */
export abstract class SpatialModel extends Model {
  readonly frame: ModelFrame;

  protected constructor(specs: readonly ParameterSpec[], inputs: ParameterInputs = {}, frame: ModelFrame = "icrs") {
    super(specs, inputs, "spatial");
    this.frame = frame;
  }

  /** sr⁻¹ at each (lon, lat) (deg, in the model's frame). */
  abstract evaluate(lon: ArrayLike<number>, lat: ArrayLike<number>): Float64Array;

  /** The model's centre. */
  abstract get position(): SkyCoord;

  /** Radius (deg) beyond which the model is negligible; undefined: everywhere (constant, templates). */
  abstract get evaluationRadius(): number | undefined;

  /**
   * The fraction of the model's flux in each pixel of an image geometry (sum ≈ 1 when the
   * model lies inside): gammapy 1.0's `integrate_geom`, pixel-centre values × solid angle on an
   * oversampled grid where the model is small against the pixel.
   */
  abstract integrateGeom(geom: WcsGeom): Float64Array;
}
