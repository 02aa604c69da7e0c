import { frameRotation, RAD2DEG, skyOffsetMatrix } from "../coords/index.js";
import type { WcsGeom } from "../maps/index.js";
import { asinSmall, atan2Near, atanSmall, SMALL_ANGLE } from "../utils/small-angles.js";

/**
 * ICRS positions and field-of-view offsets (DETX/DETY) of many events at pixel coordinates of
 * one sky geometry, in one pass: pixel → native unit vector (the geometry's projection,
 * `pixToNativeVectors`), rotated to ICRS (the WCS's rotation and the frame change as one
 * matrix) and from there to the pointing's offset frame. Four trigonometric calls an event on
 * CAR, TAN and SIN (the output angles), where the WCS, a frame change and `skyOffset` one
 * after the other take 12 to 18; equal to them within ~1e-13° (the matrices' rounding, not
 * their last bit). The output angles of events within ~7° of the map's centre (RA/Dec) and of
 * the pointing (DETX/DETY) are their offsets from those, by series (utils/small-angles.ts).
 */
export class EventDirections {
  /** Native unit vector → ICRS unit vector, row-major. */
  private readonly toIcrs: Float64Array;
  /** ICRS unit vector → offset frame unit vector, row-major (none without a pointing). */
  private readonly toFov?: Float64Array;
  /** The map centre's RA, cos RA, sin RA, Dec, cos Dec, sin Dec (deg for the angles). */
  private readonly centre: Float64Array;
  /** Native unit vectors of the events of one call. */
  private readonly native: { x: Float64Array; y: Float64Array; z: Float64Array };

  /** Buffers for `capacity` events at a time; `pointing` (ICRS, deg) for DETX/DETY. */
  constructor(
    private readonly geom: WcsGeom,
    capacity: number,
    pointing?: { lon: number; lat: number },
  ) {
    const celestial = geom.wcs.nativeToCelestialMatrix();
    const frame = frameRotation(geom.frame, "icrs");
    this.toIcrs = Float64Array.from(multiply(frame, celestial).flat());
    if (pointing) this.toFov = Float64Array.from(skyOffsetMatrix(pointing.lon, pointing.lat).flat());
    this.native = { x: new Float64Array(capacity), y: new Float64Array(capacity), z: new Float64Array(capacity) };
    this.centre = centreOf(geom, this.toIcrs);
  }

  /**
   * RA, DEC in [0, 360) × [−90, 90] and, with a pointing, DETX, DETY (astropy's
   * SkyOffsetFrame longitude and latitude) of events at pixel coordinates x, y (at most
   * `capacity`); NaN where the pixel does not project.
   */
  compute(
    x: Float64Array,
    y: Float64Array,
    out: { ra: Float64Array; dec: Float64Array; detx?: Float64Array; dety?: Float64Array },
  ): void {
    const n = x.length;
    const capacity = this.native.x.length;
    if (n > capacity) throw new RangeError(`EventDirections: ${n} events, room for ${capacity}`);
    const native = {
      x: this.native.x.subarray(0, n),
      y: this.native.y.subarray(0, n),
      z: this.native.z.subarray(0, n),
    };
    this.geom.wcs.pixToNativeVectors(x, y, native);
    const fov = this.toFov && out.detx && out.dety ? { f: this.toFov, detx: out.detx, dety: out.dety } : undefined;
    rotateAll(native, this.toIcrs, this.centre, out.ra, out.dec, fov);
  }
}

/** The ICRS direction of the map's centre pixel, with the sines and cosines `rotateAll` uses. */
function centreOf(geom: WcsGeom, toIcrs: Float64Array): Float64Array {
  const v = { x: new Float64Array(1), y: new Float64Array(1), z: new Float64Array(1) };
  geom.wcs.pixToNativeVectors(Float64Array.of((geom.nx - 1) / 2), Float64Array.of((geom.ny - 1) / 2), v);
  const m = toIcrs;
  const x = m[0] * v.x[0] + m[1] * v.y[0] + m[2] * v.z[0];
  const y = m[3] * v.x[0] + m[4] * v.y[0] + m[5] * v.z[0];
  const z = m[6] * v.x[0] + m[7] * v.y[0] + m[8] * v.z[0];
  const ra = Math.atan2(y, x);
  const dec = Math.atan2(z, Math.sqrt(x * x + y * y));
  // a centre that does not project (NaN) turns the series off: every event takes atan2 and asin
  return Float64Array.of(ra * RAD2DEG, Math.cos(ra), Math.sin(ra), dec * RAD2DEG, Math.cos(dec), Math.sin(dec));
}

/**
 * The loop of `compute` on its own (typed arrays only, so that V8 compiles it once): RA/Dec from
 * `m`, and with `f` the offsets too. Near angles (utils/small-angles.ts): RA as the centre's plus the
 * atan of the vector turned by −RA₀ about the pole, Dec as the centre's plus the asin of
 * sin(Dec − Dec₀) = z cos Dec₀ − ρ sin Dec₀ (ρ = cos Dec), DETX and DETY as the atan and asin of
 * the offset vector's small components; farther events by atan2 and asin.
 */
function rotateAll(
  native: { x: Float64Array; y: Float64Array; z: Float64Array },
  m: Float64Array,
  centre: Float64Array,
  ra: Float64Array,
  dec: Float64Array,
  fov?: { f: Float64Array; detx: Float64Array; dety: Float64Array },
): void {
  const f = fov?.f;
  const { x: vx, y: vy, z: vz } = native;
  const [ra0, cosRa0, sinRa0, dec0, cosDec0, sinDec0] = centre;
  for (let i = 0; i < vx.length; i++) {
    const nx = vx[i];
    const ny = vy[i];
    const nz = vz[i];
    const x = m[0] * nx + m[1] * ny + m[2] * nz;
    const y = m[3] * nx + m[4] * ny + m[5] * nz;
    const z = m[6] * nx + m[7] * ny + m[8] * nz;
    const xr = x * cosRa0 + y * sinRa0;
    const yr = y * cosRa0 - x * sinRa0;
    const lon =
      xr > 0 && Math.abs(yr) <= SMALL_ANGLE * xr ? ra0 + atanSmall(yr / xr) * RAD2DEG : Math.atan2(y, x) * RAD2DEG;
    // [0, 360): a tiny negative angle plus 360 rounds to 360, which is 0
    const wrapped = lon < 0 ? lon + 360 : lon;
    ra[i] = wrapped === 360 ? 0 : wrapped;
    const rho = Math.sqrt(x * x + y * y);
    const sinOffset = z * cosDec0 - rho * sinDec0;
    // (cos(Dec − Dec₀) > 0: the offset is the asin's, not 180° minus it)
    const near = Math.abs(sinOffset) <= SMALL_ANGLE && rho * cosDec0 + z * sinDec0 > 0;
    dec[i] = near ? dec0 + asinSmall(sinOffset) * RAD2DEG : latitude(x, y, z);
    if (!f) continue;
    const fx = f[0] * x + f[1] * y + f[2] * z;
    const fy = f[3] * x + f[4] * y + f[5] * z;
    const fz = f[6] * x + f[7] * y + f[8] * z;
    fov.detx[i] = atan2Near(fy, fx) * RAD2DEG;
    fov.dety[i] = Math.abs(fz) <= SMALL_ANGLE ? asinSmall(fz) * RAD2DEG : latitude(fx, fy, fz);
  }
}

/**
 * The latitude (deg) of a unit vector: asin(z), 3× cheaper than astropy's atan2(z, √(x² + y²))
 * and as exact away from the poles; that form within 8° of them, where asin loses digits.
 */
function latitude(x: number, y: number, z: number): number {
  return (Math.abs(z) < 0.99 ? Math.asin(z) : Math.atan2(z, Math.sqrt(x * x + y * y))) * RAD2DEG;
}

function multiply(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}
