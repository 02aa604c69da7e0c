import { SkyCoord } from "../../coords/index.js";
import type { WcsGeom } from "../../maps/index.js";
import { parseUnit } from "../../units/index.js";
import type { ParameterInputs, ParameterSpec } from "../model.js";
import type { Parameter } from "../parameter.js";
import { allocateOffsets, pointOffsets, vectorOffsets, type OffsetNeeds, type Offsets } from "./offsets.js";
import { SpatialModel, type SpatialModelOptions } from "./spatial-model.js";

/** gammapy's `lon_0` and `lat_0`. */
export const POSITION_SPECS: readonly ParameterSpec[] = [
  { name: "lon_0", value: "0 deg" },
  { name: "lat_0", value: "0 deg", min: -90, max: 90 },
];

/** A spatial model placed at (lon_0, lat_0) in its frame. */
export abstract class CenteredSpatialModel extends SpatialModel {
  protected constructor(specs: readonly ParameterSpec[], options: SpatialModelOptions<string>) {
    const { frame, ...inputs } = options;
    super(specs, inputs as ParameterInputs, frame);
  }

  /** A model at `position` (its frame becomes the model's), other parameters from `options`. */
  static fromPosition<T extends CenteredSpatialModel>(
    this: new (
      options: SpatialModelOptions<"lon_0" | "lat_0">,
    ) => T,
    position: SkyCoord,
    options: Omit<SpatialModelOptions<string>, "lon_0" | "lat_0" | "frame"> = {},
  ): T {
    return new this({ ...options, lon_0: position.lon, lat_0: position.lat, frame: position.frame });
  }

  get position(): SkyCoord {
    return new SkyCoord(this.deg("lon_0"), this.deg("lat_0"), this.frame);
  }

  /** Moves the model (the position is transformed into the model's frame). */
  set position(coord: SkyCoord) {
    const c = coord.transformTo(this.frame);
    setDegrees(this.parameter("lon_0"), c.lon);
    setDegrees(this.parameter("lat_0"), c.lat);
  }

  /** A parameter's value in deg. */
  protected deg(name: string): number {
    return this.parameter(name).valueIn("deg");
  }

  /** A dimensionless parameter's value. */
  protected num(name: string): number {
    return this.parameter(name).value;
  }
}

function setDegrees(p: Parameter, deg: number): void {
  p.value = p.unit === "deg" ? deg : deg * parseUnit("deg").factorTo(parseUnit(p.unit));
}

/**
 * A model whose value depends on where a point lies relative to its centre (separation, and
 * for elongated shapes the direction): each class writes one kernel over precomputed offsets,
 * which serves scattered points (`evaluate`, with astropy's formulas) and pixel grids
 * (`evaluateGeom`, from cached unit vectors).
 */
export abstract class ExtendedSpatialModel extends CenteredSpatialModel {
  private work?: Offsets;

  /** Which offsets the kernel reads (cheaper grids for symmetric shapes). */
  protected abstract offsetNeeds(): OffsetNeeds;

  /** sr⁻¹ at the first `o.n` points. */
  protected abstract kernel(o: Offsets, out: Float64Array): void;

  evaluate(lon: ArrayLike<number>, lat: ArrayLike<number>): Float64Array {
    if (lon.length !== lat.length) throw new Error(`${this.tag[0]}.evaluate: lon and lat lengths differ`);
    const o = (this.work = allocateOffsets(lon.length, this.work));
    pointOffsets(lon, lat, this.deg("lon_0"), this.deg("lat_0"), this.offsetNeeds(), o);
    const out = new Float64Array(lon.length);
    this.kernel(o, out);
    return out;
  }

  evaluateGeomInto(geom: WcsGeom, out: Float64Array): void {
    const vectors = geom.imageVectorsIn(this.frame);
    const o = (this.work = allocateOffsets(geom.imageSize, this.work));
    vectorOffsets(vectors, this.deg("lon_0"), this.deg("lat_0"), this.offsetNeeds(), o);
    this.kernel(o, out);
  }
}

/**
 * gammapy's `compute_sigma_eff`: the radius (deg) of an ellipse with semi-axes `major` and
 * `minor` towards a point at angle d_phi from the major axis, given sin and cos of d_phi.
 */
export function effectiveRadius(major: number, minor: number, sinDphi: number, cosDphi: number): number {
  const a = major * sinDphi;
  const b = minor * cosDphi;
  return (major * minor) / Math.sqrt(a * a + b * b);
}
