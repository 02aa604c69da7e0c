import { DEG2RAD, positionAngleRad, separationRad } from "../coords/index.js";

/**
 * Solid angle (sr) of every pixel from the sky positions of its corners, as gammapy 1.0
 * computes it: two planar triangles with great-circle side lengths and the corner angles
 * from position angles. `lon`/`lat` hold the (ny+1)×(nx+1) corner grid in degrees,
 * row-major with x fastest. Undefined corners give NaN.
 */
export function solidAngleFromCorners(lon: Float64Array, lat: Float64Array, nx: number, ny: number): Float64Array {
  const out = new Float64Array(nx * ny);
  const stride = nx + 1;
  const rad = (i: number): [number, number] => [lon[i] * DEG2RAD, lat[i] * DEG2RAD];
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) {
      // gammapy names corners by array index: "right" is the next edge along y, "up" along x.
      const ll = iy * stride + ix;
      const [l0, b0] = rad(ll);
      const [l1, b1] = rad(ll + stride); // low right
      const [l2, b2] = rad(ll + 1); // up left
      const [l3, b3] = rad(ll + stride + 1); // up right
      const low = separationRad(l0, b0, l1, b1);
      const left = separationRad(l0, b0, l2, b2);
      const up = separationRad(l2, b2, l3, b3);
      const right = separationRad(l1, b1, l3, b3);
      const angleLowRight = positionAngleRad(l1, b1, l3, b3) - positionAngleRad(l1, b1, l0, b0);
      const angleUpLeft = positionAngleRad(l2, b2, l3, b3) - positionAngleRad(l0, b0, l2, b2);
      out[iy * nx + ix] = Math.abs(0.5 * low * right * Math.sin(angleLowRight) + 0.5 * up * left * Math.sin(angleUpLeft));
    }
  }
  return out;
}
