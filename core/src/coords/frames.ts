import { DEG2RAD, hypot, RAD2DEG, wrap360 } from "./sphere.js";

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
    const l = float32 ? Math.fround(wrapFloat32(lon[i]) * DEG2RAD_FLOAT32) : lon[i] * DEG2RAD;
    const b = float32 ? Math.fround(lat[i] * DEG2RAD_FLOAT32) : lat[i] * DEG2RAD;
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
