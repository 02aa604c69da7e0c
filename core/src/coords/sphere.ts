/** Spherical trigonometry on (lon, lat) in degrees, with astropy's formulas. */
import { atan2Near } from "../utils/small-angles.js";
export const DEG2RAD = Math.PI / 180;
export const RAD2DEG = 180 / Math.PI;

/**
 * Math.hypot(x, y), the same double (V8's algorithm: both scaled by the larger, their squares
 * summed): V8 calls Math.hypot as a builtin that boxes its result on the heap, ~16 bytes of
 * garbage a call in a per-event loop; this inlines.
 */
export function hypot(x: number, y: number): number {
  const a = Math.abs(x);
  const b = Math.abs(y);
  if (a === Infinity || b === Infinity) return Infinity;
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  const max = Math.max(a, b);
  if (max === 0) return 0;
  // (with two terms the compensation stays 0: Kahan's sum is the plain one)
  const na = a / max;
  const nb = b / max;
  return Math.sqrt(na * na + nb * nb) * max;
}

/** Wrap an angle in degrees to [0, 360). */
export function wrap360(deg: number): number {
  const w = deg % 360;
  return w < 0 ? (w + 360 === 360 ? 0 : w + 360) : w;
}

/** Great-circle distance in radians (Vincenty form, stable at all distances). */
export function separationRad(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dlon = lon2 - lon1;
  const s1 = Math.sin(lat1),
    c1 = Math.cos(lat1),
    s2 = Math.sin(lat2),
    c2 = Math.cos(lat2);
  const cdlon = Math.cos(dlon);
  const num1 = c2 * Math.sin(dlon);
  const num2 = c1 * s2 - s1 * c2 * cdlon;
  return Math.atan2(hypot(num1, num2), s1 * s2 + c1 * c2 * cdlon);
}

/** Position angle (radians, east of north, not wrapped) of point 2 seen from point 1. */
export function positionAngleRad(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dlon = lon2 - lon1;
  const c2 = Math.cos(lat2);
  return Math.atan2(Math.sin(dlon) * c2, Math.sin(lat2) * Math.cos(lat1) - c2 * Math.sin(lat1) * Math.cos(dlon));
}

/** Separations (deg) of many points from one centre. */
export function separationDeg(
  lon0: number,
  lat0: number,
  lon: ArrayLike<number>,
  lat: ArrayLike<number>,
  out = new Float64Array(lon.length),
): Float64Array {
  const l0 = lon0 * DEG2RAD,
    b0 = lat0 * DEG2RAD;
  for (let i = 0; i < lon.length; i++) out[i] = separationRad(l0, b0, lon[i] * DEG2RAD, lat[i] * DEG2RAD) * RAD2DEG;
  return out;
}

/** The point reached from (lon, lat) moving `separation` along `positionAngle` (all deg). */
export function directionalOffset(
  lon: number,
  lat: number,
  positionAngle: number,
  separation: number,
): [number, number] {
  const l = lon * DEG2RAD,
    b = lat * DEG2RAD,
    pa = positionAngle * DEG2RAD,
    d = separation * DEG2RAD;
  const sinB = Math.sin(b),
    cosB = Math.cos(b);
  const cosLat2 = sinB * Math.cos(d) + cosB * Math.sin(d) * Math.cos(pa);
  const xsinA = Math.sin(d) * Math.sin(pa) * cosB;
  const xcosA = Math.cos(d) - cosLat2 * sinB;
  const dlon = cosB < 1e-12 ? Math.PI / 2 + sinB * (Math.PI / 2 - pa) : Math.atan2(xsinA, xcosA);
  return [wrap360((l + dlon) * RAD2DEG), Math.asin(Math.max(-1, Math.min(1, cosLat2))) * RAD2DEG];
}

/** Unit vectors of sky positions: (cos b cos l, cos b sin l, sin b), one array per component. */
export type UnitVectors = {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
};

/**
 * The unit vectors of positions (deg), into `out` when given: it may hold the positions
 * themselves (lon in x, lat in y), each read before it is overwritten.
 */
export function unitVectors(
  coords: { lon: ArrayLike<number>; lat: ArrayLike<number> },
  out: UnitVectors = {
    x: new Float64Array(coords.lon.length),
    y: new Float64Array(coords.lon.length),
    z: new Float64Array(coords.lon.length),
  },
): UnitVectors {
  const { lon, lat } = coords;
  const n = lon.length;
  for (let i = 0; i < n; i++) {
    const l = lon[i] * DEG2RAD;
    const b = lat[i] * DEG2RAD;
    const cb = Math.cos(b);
    out.x[i] = cb * Math.cos(l);
    out.y[i] = cb * Math.sin(l);
    out.z[i] = Math.sin(b);
  }
  return out;
}

/**
 * Separations (deg) of positions given as unit vectors from one centre (deg): atan2(|v × c|,
 * v · c), stable at all distances as the Vincenty form and equal to it within a few 1e-16 rad,
 * at a square root and an atan2 a position (a series within 7°) instead of four sines and
 * cosines more.
 */
export function separationFromVectors(
  lon0: number,
  lat0: number,
  v: UnitVectors,
  out = new Float64Array(v.x.length),
): Float64Array {
  const cb = Math.cos(lat0 * DEG2RAD);
  const [cx, cy, cz] = [cb * Math.cos(lon0 * DEG2RAD), cb * Math.sin(lon0 * DEG2RAD), Math.sin(lat0 * DEG2RAD)];
  const { x, y, z } = v;
  for (let i = 0; i < x.length; i++) {
    const px = y[i] * cz - z[i] * cy;
    const py = z[i] * cx - x[i] * cz;
    const pz = x[i] * cy - y[i] * cx;
    const dot = x[i] * cx + y[i] * cy + z[i] * cz;
    const cross = Math.sqrt(px * px + py * py + pz * pz);
    // within 7° of the centre by series (utils/small-angles.ts), else Math's
    out[i] = atan2Near(cross, dot) * RAD2DEG;
  }
  return out;
}
