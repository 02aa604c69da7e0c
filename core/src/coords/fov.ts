import { asinNear, atan2Near } from "../utils/small-angles.js";
import { DEG2RAD, RAD2DEG, type UnitVectors } from "./sphere.js";

/**
 * Field-of-view coordinates of sky positions relative to a pointing (GADF convention:
 * astropy's SkyOffsetFrame longitude with its sign flipped). All in degrees.
 */
export function skyToFov(
  lon: ArrayLike<number>,
  lat: ArrayLike<number>,
  lonPnt: number,
  latPnt: number,
): { lon: Float64Array; lat: Float64Array } {
  const offset = skyOffset(lon, lat, lonPnt, latPnt);
  for (let i = 0; i < offset.lon.length; i++) offset.lon[i] = -offset.lon[i];
  return offset;
}

/** Coordinates in astropy's SkyOffsetFrame around an origin (longitude in (−180°, 180°]). */
export function skyOffset(
  lon: ArrayLike<number>,
  lat: ArrayLike<number>,
  lonPnt: number,
  latPnt: number,
): { lon: Float64Array; lat: Float64Array } {
  const outLon = new Float64Array(lon.length);
  const outLat = new Float64Array(lon.length);
  const s0 = Math.sin(latPnt * DEG2RAD),
    c0 = Math.cos(latPnt * DEG2RAD);
  for (let i = 0; i < lon.length; i++) {
    const dl = (lon[i] - lonPnt) * DEG2RAD,
      b = lat[i] * DEG2RAD;
    const cb = Math.cos(b),
      sb = Math.sin(b);
    const x = c0 * cb * Math.cos(dl) + s0 * sb;
    const y = cb * Math.sin(dl);
    const z = -s0 * cb * Math.cos(dl) + c0 * sb;
    outLon[i] = Math.atan2(y, x) * RAD2DEG;
    outLat[i] = Math.asin(Math.max(-1, Math.min(1, z))) * RAD2DEG;
  }
  return { lon: outLon, lat: outLat };
}

/**
 * `skyOffset` of positions given as unit vectors (in the pointing's frame): the rotation by
 * `skyOffsetMatrix`, then the angles (an atan2 and an asin a position, by series within 7° of
 * the pointing, where from angles it takes four sines and cosines more). Equal to `skyOffset`
 * within a few 1e-16 rad.
 */
export function skyOffsetFromVectors(
  v: UnitVectors,
  lonPnt: number,
  latPnt: number,
): { lon: Float64Array; lat: Float64Array } {
  const [[m0, m1, m2], [m3, m4, m5], [m6, m7, m8]] = skyOffsetMatrix(lonPnt, latPnt);
  const { x, y, z } = v;
  const outLon = new Float64Array(x.length);
  const outLat = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const fx = m0 * x[i] + m1 * y[i] + m2 * z[i];
    const fy = m3 * x[i] + m4 * y[i] + m5 * z[i];
    const fz = m6 * x[i] + m7 * y[i] + m8 * z[i];
    // within 7° of the pointing (a map around it) by series (utils/small-angles.ts), else Math's
    outLon[i] = atan2Near(fy, fx) * RAD2DEG;
    outLat[i] = asinNear(fz) * RAD2DEG;
  }
  return { lon: outLon, lat: outLat };
}

/**
 * `skyOffset` as a rotation matrix (row-major, on unit vectors): the offset frame's x axis
 * towards the origin, z towards the origin's north. For bulk work on vectors.
 */
export function skyOffsetMatrix(lonPnt: number, latPnt: number): number[][] {
  const [sl, cl] = [Math.sin(lonPnt * DEG2RAD), Math.cos(lonPnt * DEG2RAD)];
  const [sb, cb] = [Math.sin(latPnt * DEG2RAD), Math.cos(latPnt * DEG2RAD)];
  return [
    [cb * cl, cb * sl, sb],
    [-sl, cl, 0],
    [-sb * cl, -sb * sl, cb],
  ];
}

/** Inverse of `skyToFov`: sky (lon, lat) of FoV coordinates around a pointing. */
export function fovToSky(
  fovLon: ArrayLike<number>,
  fovLat: ArrayLike<number>,
  lonPnt: number,
  latPnt: number,
): { lon: Float64Array; lat: Float64Array } {
  const outLon = new Float64Array(fovLon.length);
  const outLat = new Float64Array(fovLon.length);
  const s0 = Math.sin(latPnt * DEG2RAD),
    c0 = Math.cos(latPnt * DEG2RAD);
  for (let i = 0; i < fovLon.length; i++) {
    const l = -fovLon[i] * DEG2RAD,
      b = fovLat[i] * DEG2RAD;
    const x = Math.cos(b) * Math.cos(l),
      y = Math.cos(b) * Math.sin(l),
      z = Math.sin(b);
    const xs = c0 * x - s0 * z;
    const zs = s0 * x + c0 * z;
    let lon = lonPnt + Math.atan2(y, xs) * RAD2DEG;
    lon = ((lon % 360) + 360) % 360;
    outLon[i] = lon;
    outLat[i] = Math.asin(Math.max(-1, Math.min(1, zs))) * RAD2DEG;
  }
  return { lon: outLon, lat: outLat };
}
