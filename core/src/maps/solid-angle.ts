import { DEG2RAD } from "../coords/index.js";

/**
 * Solid angle (sr) of every pixel from the sky positions of its corners, as gammapy 1.0
 * computes it: two planar triangles with great-circle side lengths and the corner angles
 * from position angles. `lon`/`lat` hold the (ny+1)×(nx+1) corner grid in degrees,
 * row-major with x fastest. Undefined corners give NaN.
 * The formula is not invariant under rotations of the sphere (a corner's angle is taken
 * between position angles measured at two different corners), so it is evaluated on the
 * sky corners in the geometry's frame, as gammapy does: on native coordinates (which would
 * skip the celestial rotation, and on CAR need one value per row) it differs by up to 6e-9
 * relative for 0.02° pixels at the Crab.
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
  // Neighbouring pixels share sides: each side's length and direction are computed once,
  // with the arithmetic of separationRad and positionAngleRad (latitude sines and cosines
  // taken once per corner). A direction is kept as the sine and cosine of its position angle
  // (the normalised arguments of positionAngleRad's atan2): the corner terms need only
  // sin(pa − pb), no angle itself. Along y ("vertical", v) from corner (iy, ix) to
  // (iy+1, ix), indexed iy·stride + ix; along x (h) from (iy, ix) to (iy, ix+1), iy·nx + ix.
  const sepV = new Float64Array(ny * stride);
  const dirV = new Float64Array(2 * ny * stride); // (iy, ix) → (iy+1, ix): [sin pa, cos pa]
  const dirVBack = new Float64Array(2 * ny * stride); // (iy+1, ix) → (iy, ix)
  for (let v = 0; v < ny * stride; v++) side(v, v + stride, sepV, dirV, v, dirVBack);
  const sepH = new Float64Array((ny + 1) * nx);
  const dirH = new Float64Array(2 * (ny + 1) * nx); // (iy, ix) → (iy, ix+1)
  for (let iy = 0; iy <= ny; iy++) {
    for (let ix = 0; ix < nx; ix++) side(iy * stride + ix, iy * stride + ix + 1, sepH, dirH, iy * nx + ix, undefined);
  }

  /** separationRad from corner a to corner b into sep[at], the direction a → b into dir (and b → a into back). */
  function side(
    a: number,
    b: number,
    sep: Float64Array,
    dir: Float64Array,
    at: number,
    back: Float64Array | undefined,
  ): void {
    const dlon = lonRad[b] - lonRad[a];
    const s1 = sinLat[a],
      c1 = cosLat[a],
      s2 = sinLat[b],
      c2 = cosLat[b];
    const sdlon = Math.sin(dlon);
    const cdlon = Math.cos(dlon);
    const num1 = c2 * sdlon;
    const num2 = c1 * s2 - s1 * c2 * cdlon;
    const r = Math.sqrt(num1 * num1 + num2 * num2);
    sep[at] = Math.atan2(r, s1 * s2 + c1 * c2 * cdlon);
    direction(num1, num2, r, dir, 2 * at);
    if (back) {
      const y = -sdlon * c1;
      const x = s1 * c2 - c1 * s2 * cdlon;
      direction(y, x, Math.sqrt(y * y + x * x), back, 2 * at);
    }
  }

  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) {
      // gammapy names corners by array index: "right" is the next edge along y, "up" along x.
      const v = iy * stride + ix;
      const h = iy * nx + ix;
      const low = sepV[v]; // corner 0 → low right
      const left = sepH[h]; // corner 0 → up left
      const up = sepV[v + 1]; // up left → up right
      const right = sepH[h + nx]; // low right → up right
      // sin(angleLowRight) = sin(pa(low right → up right) − pa(low right → corner 0))
      const sinLowRight = dirH[2 * (h + nx)] * dirVBack[2 * v + 1] - dirH[2 * (h + nx) + 1] * dirVBack[2 * v];
      // sin(angleUpLeft) = sin(pa(up left → up right) − pa(corner 0 → up left))
      const sinUpLeft = dirV[2 * v + 2] * dirH[2 * h + 1] - dirV[2 * v + 3] * dirH[2 * h];
      out[h] = Math.abs(0.5 * low * right * sinLowRight + 0.5 * up * left * sinUpLeft);
    }
  }
  return out;
}

/** [sin, cos] of atan2(y, x) into out[at], out[at + 1], given r = |(x, y)| (a zero vector as atan2 takes it). */
function direction(y: number, x: number, r: number, out: Float64Array, at: number): void {
  if (r > 0) {
    out[at] = y / r;
    out[at + 1] = x / r;
  } else {
    const angle = Math.atan2(y, x);
    out[at] = Math.sin(angle);
    out[at + 1] = Math.cos(angle);
  }
}
