import { DEG2RAD, type SkyCoord } from "../../coords/index.js";
import type { WcsGeom } from "../../maps/index.js";
import {
  declaredParameters,
  Model,
  tagOf,
  type ModelDict,
  type ParameterInput,
  type ParameterInputs,
  type ParameterSpec,
} from "../model.js";
import type { Parameter } from "../parameter.js";
import { integrateSpatialModel, oversamplingFactorFor } from "./integrate.js";

export type ModelFrame = "icrs" | "galactic";

/** A spatial model's constructor options: parameters by name (numbers in the declared unit) and the frame. */
export type SpatialModelOptions<Names extends string> = { [P in Names]?: ParameterInput } & { frame?: ModelFrame };

/** A model's outline (gammapy's `to_region` / `evaluation_region`): angles in deg. */
export type SpatialRegion =
  | { type: "point"; center: SkyCoord }
  | { type: "circle"; center: SkyCoord; radius: number }
  /** width: the minor axis, height: the major axis (full lengths); angle: the major axis' position angle. */
  | { type: "ellipse"; center: SkyCoord; width: number; height: number; angle: number }
  | { type: "annulus"; center: SkyCoord; innerRadius: number; outerRadius: number }
  | { type: "box"; center: SkyCoord; width: number; height: number };

/** deg⁻² → sr⁻¹, as astropy converts it ((u.deg**-2).to(u.sr**-1)). */
export const DEG2_TO_SR = 3282.8063500117437;

/**
 * A spatial model (gammapy 1.0's SpatialModel): normalised to ∫dΩ = 1, values in sr⁻¹,
 * coordinates in deg in the model's frame (`lon_0`, `lat_0` are its position).
 */
export abstract class SpatialModel extends Model {
  readonly frame: ModelFrame;
  private readonly specs: readonly ParameterSpec[];

  protected constructor(specs: readonly ParameterSpec[], inputs: ParameterInputs = {}, frame: ModelFrame = "icrs") {
    super(specs, inputs, "spatial");
    if (frame !== "icrs" && frame !== "galactic")
      throw new Error(`${tagOf(this)}: frame must be "icrs" or "galactic", got '${String(frame)}'`);
    this.frame = frame;
    this.specs = specs;
  }

  /** sr⁻¹ at each (lon, lat) (deg, in the model's frame). */
  abstract evaluate(lon: ArrayLike<number>, lat: ArrayLike<number>): Float64Array;

  /** The model's centre. */
  abstract get position(): SkyCoord;

  /** Radius (deg) beyond which the model is negligible; undefined: everywhere (constant, templates). */
  abstract get evaluationRadius(): number | undefined;

  /**
   * Whether the model's shape changes with true energy (gammapy's `is_energy_dependent`): then
   * `evaluateGeomInto` and `integrateGeom` work on a geometry with an energy_true axis and give
   * one plane per true energy.
   */
  get isEnergyDependent(): boolean {
    return false;
  }

  /**
   * The largest pixel size (deg) that resolves the model (gammapy's `evaluation_bin_size_min`):
   * `integrateGeom` oversamples coarser pixels. Undefined: any size (no oversampling).
   */
  get evaluationBinSizeMin(): number | undefined {
    return undefined;
  }

  /** The model's outline, as gammapy's `evaluation_region` (the evaluator's masks); undefined: none. */
  get evaluationRegion(): SpatialRegion | undefined {
    const radius = this.evaluationRadius;
    return radius === undefined ? undefined : { type: "circle", center: this.position, radius };
  }

  /** The centre (lon, lat) in rad in the model's frame (gammapy's `position_lonlat`). */
  get positionLonLat(): [number, number] {
    const p = this.position;
    return [p.lon * DEG2RAD, p.lat * DEG2RAD];
  }

  /**
   * sr⁻¹ at the pixel centres of an image geometry ((ny, nx) row-major; non-spatial axes
   * ignored), or for an energy-dependent model at each true energy (planes × pixels).
   */
  evaluateGeom(geom: WcsGeom): Float64Array {
    const grid = this.isEnergyDependent ? geom : geom.toImage();
    const out = new Float64Array(
      this.isEnergyDependent ? geom.axisByName("energy_true").nbin * grid.imageSize : grid.imageSize,
    );
    this.evaluateGeomInto(grid, out);
    return out;
  }

  /**
   * `evaluateGeom` into a caller's array of at least `geom.imageSize` entries (an image
   * geometry; for an energy-dependent model a geometry with an energy_true axis, planes × pixels).
   */
  abstract evaluateGeomInto(geom: WcsGeom, out: Float64Array): void;

  /**
   * The fraction of the model's flux in each pixel of an image geometry (sum ≈ 1 when the
   * model lies inside): gammapy 1.0's `integrate_geom`, pixel-centre values × solid angle on an
   * oversampled grid where the model is small against the pixel. An energy-dependent model
   * gives one image per bin of the geometry's energy_true axis.
   * @param oversamplingFactor default from `evaluationBinSizeMin` (see `oversamplingFactor`)
   */
  integrateGeom(geom: WcsGeom, oversamplingFactor?: number): Float64Array {
    return integrateSpatialModel(this, geom, oversamplingFactor);
  }

  /** The oversampling `integrateGeom` uses on `geom`: ⌈pixel size / evaluationBinSizeMin⌉, at most 200. */
  oversamplingFactor(geom: WcsGeom): number {
    return oversamplingFactorFor(this, geom);
  }

  /**
   * How the values' unit relates to sr⁻¹ in gammapy's evaluation (deg⁻² for the shells, the map
   * unit for templates): oversampled integration rounds to float32 in that unit, as gammapy does.
   */
  get nativeUnitToSr(): number {
    return 1;
  }

  /** gammapy 1.0's `to_dict`: type, frame and parameters (defaults omitted unless `fullOutput`). */
  override toDict(fullOutput = false): ModelDict {
    const { type, parameters } = super.toDict(fullOutput);
    return { type, frame: this.frame, parameters };
  }

  protected defaultParameters(): Parameter[] {
    return declaredParameters(this.specs, "spatial");
  }
}
