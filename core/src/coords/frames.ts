import { cosSmall, SMALL_ANGLE, sinSmall } from "../utils/small-angles.js";
import { DEG2RAD, hypot, RAD2DEG, type UnitVectors, wrap360 } from "./sphere.js";

export type Frame = "icrs" | "galactic";

/**
 * ICRS → Galactic rotation used by astropy: the FK5 J2000 galactic pole and longitude
 * zero composed with the ICRS→FK5 frame bias (spec 01-maps §7.1).
 */
const ICRS_TO_GAL = [
  [-0.054875657712591688, -0.87343705195561638, -0.48383507361671557],
  [0.49410943719272749, -0.44482972122329534, 0.74698218398666749],
  [-0.86766613755965882, -0.19807633727300056, 0.45598381368730162],
];
const GAL_TO_ICRS = ICRS_TO_GAL[0].map((_, i) => ICRS_TO_GAL.map((row) => row[i]));

/** The rotation matrix (row-major, on unit vectors) from one frame to another. */
export function frameRotation(from: Frame, to: Frame): number[][] {
  if (from === to)
    return [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
  return (from === "icrs" ? ICRS_TO_GAL : GAL_TO_ICRS).map((row) => [...row]);
}

export function parseFrame(name: string): Frame {
  const lower = name.toLowerCase();
  if (lower === "icrs" || lower === "fk5" || lower === "cel") return "icrs";
  if (lower === "galactic" || lower === "gal") return "galactic";
  throw new Error(`unknown sky frame '${name}' (use "icrs" or "galactic")`);
}

/** π/180 as astropy multiplies float32 angles by it (the factor rounded to float32 too). */
const DEG2RAD_FLOAT32 = Math.fround(DEG2RAD);

export interface TransformOptions {
  /**
   * The angles are float32 values (event lists' RA/Dec columns): astropy then wraps the
   * longitudes into [0, 360) and converts them to radians in float32 before its float64
   * trigonometry, and so do we, so that events near a pixel edge fall into gammapy's pixel.
   */
  float32?: boolean;
}

/** A float32 longitude wrapped into [0, 360) in float32 arithmetic, as astropy's `Longitude` does. */
/** A longitude's radians as astropy takes them: float32 angles wrapped and converted in float32. */
function lonRadians(lon: number, float32: boolean): number {
  return float32 ? Math.fround(wrapFloat32(lon) * DEG2RAD_FLOAT32) : lon * DEG2RAD;
}

/** A latitude's radians, as `lonRadians`. */
function latRadians(lat: number, float32: boolean): number {
  return float32 ? Math.fround(lat * DEG2RAD_FLOAT32) : lat * DEG2RAD;
}

function wrapFloat32(lon: number): number {
  const wraps = Math.floor(lon / 360);
  return wraps === 0 ? lon : Math.fround(lon - wraps * 360);
}

/** Transform arrays of (lon, lat) in degrees between frames; longitudes in [0, 360). */
export function transformFrame(
  lon: ArrayLike<number>,
  lat: ArrayLike<number>,
  from: Frame,
  to: Frame,
  options: TransformOptions = {},
): { lon: Float64Array; lat: Float64Array } {
  const outLon = new Float64Array(lon.length);
  const outLat = new Float64Array(lon.length);
  if (from === to) {
    outLon.set(lon);
    outLat.set(lat);
    return { lon: outLon, lat: outLat };
  }
  const r = frameRotation(from, to);
  const float32 = options.float32 === true;
  for (let i = 0; i < lon.length; i++) {
    const l = lonRadians(lon[i], float32);
    const b = latRadians(lat[i], float32);
    const cb = Math.cos(b);
    const x = cb * Math.cos(l),
      y = cb * Math.sin(l),
      z = Math.sin(b);
    const x2 = r[0][0] * x + r[0][1] * y + r[0][2] * z;
    const y2 = r[1][0] * x + r[1][1] * y + r[1][2] * z;
    const z2 = r[2][0] * x + r[2][1] * y + r[2][2] * z;
    outLon[i] = wrap360(Math.atan2(y2, x2) * RAD2DEG);
    outLat[i] = Math.atan2(z2, hypot(x2, y2)) * RAD2DEG;
  }
  return { lon: outLon, lat: outLat };
}

/**
 * Unit vectors of sky positions (deg) in their own frame, for bulk work on vectors (binning
 * events): with `float32`, from the radians `transformFrame` takes for float32 angles. The sines
 * and cosines of positions within 7° of the first one (an event list's lie within a few degrees
 * of its pointing) come from the first one's and series of the differences (utils/small-angles.ts),
 * the others' from Math's: within an ulp or two of the vectors of Math's sines and cosines.
 */
export function skyVectors(
  lon: ArrayLike<number>,
  lat: ArrayLike<number>,
  options: TransformOptions = {},
): UnitVectors {
  const n = lon.length;
  const out = { x: new Float64Array(n), y: new Float64Array(n), z: new Float64Array(n) };
  const float32 = options.float32 === true;
  let first = 0;
  while (first < n && !(Number.isFinite(lon[first]) && Number.isFinite(lat[first]))) first++;
  // no finite position: every one takes Math's sines (NaN in, NaN out)
  const [l0, b0] =
    first < n ? [lonRadians(lon[first], float32), latRadians(lat[first], float32)] : [Number.NaN, Number.NaN];
  const reference = Float64Array.of(l0, Math.cos(l0), Math.sin(l0), b0, Math.cos(b0), Math.sin(b0));
  vectorLoop(lon, lat, float32, reference, out.x, out.y, out.z);
  return out;
}

/** The loop of `skyVectors` on its own (V8 compiles it once). */
function vectorLoop(
  lon: ArrayLike<number>,
  lat: ArrayLike<number>,
  float32: boolean,
  reference: Float64Array,
  x: Float64Array,
  y: Float64Array,
  z: Float64Array,
): void {
  const [l0, cl0, sl0, b0, cb0, sb0] = reference;
  for (let i = 0; i < x.length; i++) {
    const l = lonRadians(lon[i], float32);
    const b = latRadians(lat[i], float32);
    const dl = l - l0;
    const db = b - b0;
    let cl: number;
    let sl: number;
    let cb: number;
    let sb: number;
    if (Math.abs(dl) <= SMALL_ANGLE && Math.abs(db) <= SMALL_ANGLE) {
      const c = cosSmall(dl);
      const s = sinSmall(dl);
      cl = cl0 * c - sl0 * s;
      sl = sl0 * c + cl0 * s;
      const cd = cosSmall(db);
      const sd = sinSmall(db);
      cb = cb0 * cd - sb0 * sd;
      sb = sb0 * cd + cb0 * sd;
    } else {
      cl = Math.cos(l);
      sl = Math.sin(l);
      cb = Math.cos(b);
      sb = Math.sin(b);
    }
    x[i] = cb * cl;
    y[i] = cb * sl;
    z[i] = sb;
  }
}
