import { DEG2RAD } from "../coords/index.js";

/**
 * Solid angle (sr) of every pixel from the sky positions of its corners, as gammapy 1.0
 * computes it: two planar triangles with great-circle side lengths and the corner angles
 * from position angles. `lon`/`lat` hold the (ny+1)×(nx+1) corner grid in degrees,
 * row-major with x fastest. Undefined corners give NaN.
 */
export function solidAngleFromCorners(lon: Float64Array, lat: Float64Array, nx: number, ny: number): Float64Array {
  const out = new Float64Array(nx * ny);
  const stride = nx + 1;
  const lonRad = new Float64Array(lon.length);
  const sinLat = new Float64Array(lat.length);
  const cosLat = new Float64Array(lat.length);
  for (let i = 0; i < lon.length; i++) {
    lonRad[i] = lon[i] * DEG2RAD;
    const b = lat[i] * DEG2RAD;
    sinLat[i] = Math.sin(b);
    cosLat[i] = Math.cos(b);
  }
  // Neighbouring pixels share sides: each side's length and position angles are computed
  // once, with the arithmetic of separationRad and positionAngleRad (latitude sines and
  // cosines taken once per corner). Along y ("vertical", v) from corner (iy, ix) to
  // (iy+1, ix), indexed iy·stride + ix; along x (h) from (iy, ix) to (iy, ix+1), iy·nx + ix.
  const sepV = new Float64Array(ny * stride);
  const paV = new Float64Array(ny * stride); // (iy, ix) → (iy+1, ix)
  const paVBack = new Float64Array(ny * stride); // (iy+1, ix) → (iy, ix)
  for (let v = 0; v < ny * stride; v++) {
    side(v, v + stride, sepV, paV, v);
    paVBack[v] = positionAngle(v + stride, v);
  }
  const sepH = new Float64Array((ny + 1) * nx);
  const paH = new Float64Array((ny + 1) * nx); // (iy, ix) → (iy, ix+1)
  for (let iy = 0; iy <= ny; iy++) {
    for (let ix = 0; ix < nx; ix++) side(iy * stride + ix, iy * stride + ix + 1, sepH, paH, iy * nx + ix);
  }

  /** separationRad and positionAngleRad from corner a to corner b, into sep[at] and pa[at]. */
  function side(a: number, b: number, sep: Float64Array, pa: Float64Array, at: number): void {
    const dlon = lonRad[b] - lonRad[a];
    const s1 = sinLat[a], c1 = cosLat[a], s2 = sinLat[b], c2 = cosLat[b];
    const sdlon = Math.sin(dlon);
    const cdlon = Math.cos(dlon);
    const num1 = c2 * sdlon;
    const num2 = c1 * s2 - s1 * c2 * cdlon;
    sep[at] = Math.atan2(Math.hypot(num1, num2), s1 * s2 + c1 * c2 * cdlon);
    pa[at] = Math.atan2(sdlon * c2, s2 * c1 - c2 * s1 * cdlon);
  }

  /** positionAngleRad from corner a to corner b. */
  function positionAngle(a: number, b: number): number {
    const dlon = lonRad[b] - lonRad[a];
    const c2 = cosLat[b];
    return Math.atan2(Math.sin(dlon) * c2, sinLat[b] * cosLat[a] - c2 * sinLat[a] * Math.cos(dlon));
  }
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) {
      // gammapy names corners by array index: "right" is the next edge along y, "up" along x.
      const v = iy * stride + ix;
      const low = sepV[v]; // corner 0 → low right
      const left = sepH[iy * nx + ix]; // corner 0 → up left
      const up = sepV[v + 1]; // up left → up right
      const right = sepH[(iy + 1) * nx + ix]; // low right → up right
      const angleLowRight = paH[(iy + 1) * nx + ix] - paVBack[v];
      const angleUpLeft = paV[v + 1] - paH[iy * nx + ix];
      out[iy * nx + ix] = Math.abs(0.5 * low * right * Math.sin(angleLowRight) + 0.5 * up * left * Math.sin(angleUpLeft));
    }
  }
  return out;
}
