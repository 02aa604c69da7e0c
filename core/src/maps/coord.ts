import type { Frame } from "../coords/index.js";
import { SkyCoord, transformFrame } from "../coords/index.js";

/** Numbers accepted where gammapy takes arrays: a scalar broadcasts to the others' length. */
export type Numeric = number | ArrayLike<number>;

export interface MapCoordInput {
  lon?: Numeric;
  lat?: Numeric;
  skycoord?: SkyCoord;
  frame?: Frame;
  /** lon/lat are float32 values (event columns): converted to another frame as astropy does (`transformFrame`). */
  float32LonLat?: boolean;
  /** Non-spatial coordinates by axis name (e.g. energy in the axis unit). */
  [axisName: string]: Numeric | SkyCoord | Frame | boolean | undefined;
}

/**
 * Coordinates in a map: lon/lat in degrees (in `frame`, or the geometry's frame when
 * undefined) plus one array per non-spatial axis, matched to geometry axes by name
 * (case-insensitive). All arrays have the same length (scalars are broadcast).
 */
export class MapCoord {
  constructor(
    readonly lon: Float64Array,
    readonly lat: Float64Array,
    readonly axes: ReadonlyMap<string, Float64Array>,
    readonly frame: Frame | undefined,
    readonly float32LonLat = false,
  ) {}

  static create(input: MapCoordInput | MapCoord | SkyCoord): MapCoord {
    if (input instanceof MapCoord) return input;
    if (input instanceof SkyCoord) return MapCoord.create({ skycoord: input });
    const sky = input.skycoord;
    const lonIn = sky ? sky.lon : input.lon;
    const latIn = sky ? sky.lat : input.lat;
    if (lonIn === undefined || latIn === undefined) {
      throw new Error("MapCoord needs 'lon' and 'lat' (degrees) or 'skycoord'");
    }
    const axisEntries: Array<[string, Numeric]> = [];
    for (const [key, value] of Object.entries(input)) {
      if (["lon", "lat", "skycoord", "frame", "float32LonLat"].includes(key) || value === undefined) continue;
      axisEntries.push([key.toLowerCase(), value as Numeric]);
    }
    const size = Math.max(lengthOf(lonIn), lengthOf(latIn), ...axisEntries.map(([, v]) => lengthOf(v)));
    const axes = new Map<string, Float64Array>();
    for (const [name, value] of axisEntries) axes.set(name, broadcast(value, size, name));
    const frame = sky ? sky.frame : input.frame;
    const lon = broadcast(lonIn, size, "lon");
    return new MapCoord(lon, broadcast(latIn, size, "lat"), axes, frame, input.float32LonLat === true);
  }

  get size(): number {
    return this.lon.length;
  }

  /** Axis coordinate by name, case-insensitive; undefined when absent. */
  axis(name: string): Float64Array | undefined {
    return this.axes.get(name.toLowerCase());
  }

  /** The same coordinates with lon/lat expressed in `frame`. */
  toFrame(frame: Frame): MapCoord {
    if (this.frame === undefined || this.frame === frame) {
      return new MapCoord(this.lon, this.lat, this.axes, frame);
    }
    const { lon, lat } = transformFrame(this.lon, this.lat, this.frame, frame, { float32: this.float32LonLat });
    return new MapCoord(lon, lat, this.axes, frame);
  }
}

function lengthOf(value: Numeric): number {
  return typeof value === "number" ? 1 : value.length;
}

function broadcast(value: Numeric, size: number, name: string): Float64Array {
  if (typeof value === "number") return new Float64Array(size).fill(value);
  if (value.length === size) return value instanceof Float64Array ? value : Float64Array.from(value);
  if (value.length === 1) return new Float64Array(size).fill(value[0]);
  throw new Error(`MapCoord: '${name}' has ${value.length} values, expected ${size} or 1`);
}
