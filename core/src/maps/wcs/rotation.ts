import { DEG2RAD, RAD2DEG } from "../../coords/index.js";

/**
 * The spherical rotation between native (φ, θ) and celestial (α, δ) coordinates, set up
 * from CRVAL, LONPOLE and LATPOLE the way wcslib's `celset` does.
 */
export class CelestialRotation {
  /** Celestial longitude of the native pole, α_p (deg). */
  readonly lngp: number;
  /** Celestial latitude of the native pole, δ_p (deg); astropy reports it as LATPOLE. */
  readonly latp: number;
  /** Native longitude of the celestial pole, φ_p (deg) = LONPOLE. */
  readonly phip: number;
  private readonly cosEul1: number; // = sin δ_p
  private readonly sinEul1: number; // = cos δ_p
  private readonly eul1: number; // 90° − δ_p

  constructor(lng0: number, lat0: number, theta0: number, lonpole?: number, latpole = 90) {
    const phi0 = 0;
    const phip = lonpole ?? (lat0 < theta0 ? 180 : 0);
    let latp: number;
    let lngp: number;
    if (theta0 === 90) {
      latp = lat0;
      lngp = lng0;
    } else {
      latp = solvePoleLatitude(lat0, theta0, phip - phi0, latpole);
      const slat0 = sind(lat0);
      const clat0 = cosd(lat0);
      const z = cosd(latp) * clat0;
      if (Math.abs(z) < 1e-10) {
        if (Math.abs(clat0) < 1e-10) lngp = lng0;
        else if (latp > 0) lngp = lng0 + phip - phi0 - 180;
        else lngp = lng0 - phip + phi0;
      } else {
        const x = (sind(theta0) - sind(latp) * slat0) / z;
        const y = (sind(phip - phi0) * cosd(theta0)) / clat0;
        if (x === 0 && y === 0) throw new Error("WCS: no solution for the celestial pole");
        lngp = lng0 - Math.atan2(y, x) * RAD2DEG;
      }
      // Keep α_p on the side of the reference longitude's sign, as wcslib does.
      if (lng0 >= 0) {
        if (lngp < 0) lngp += 360;
        else if (lngp > 360) lngp -= 360;
      } else if (lngp > 0) lngp -= 360;
      else if (lngp < -360) lngp += 360;
    }
    this.lngp = lngp;
    this.latp = latp;
    this.phip = phip;
    this.eul1 = 90 - latp;
    this.cosEul1 = cosd(this.eul1);
    this.sinEul1 = sind(this.eul1);
  }

  /** (φ, θ) → (α, δ) in degrees. */
  toCelestial(phi: number, theta: number, out: Float64Array): void {
    this.rotate(phi - this.phip, theta, out);
    let lng = this.lngp + out[0];
    if (this.lngp >= 0) {
      if (lng < 0) lng += 360;
    } else if (lng > 0) lng -= 360;
    if (lng > 360) lng -= 360;
    else if (lng < -360) lng += 360;
    out[0] = lng;
  }

  /** (α, δ) → (φ, θ) in degrees, φ in [−180, 180]. */
  toNative(lng: number, lat: number, out: Float64Array): void {
    this.rotate(lng - this.lngp, lat, out);
    let phi = this.phip + out[0];
    if (phi > 180) phi -= 360;
    else if (phi < -180) phi += 360;
    out[0] = phi;
  }

  /**
   * The rotation by the pole's colatitude, the same in both directions: from a longitude
   * difference and a latitude, the (unnormalised) longitude difference and latitude on the
   * other sphere.
   */
  private rotate(dlon: number, lat: number, out: Float64Array): void {
    const d = dlon * DEG2RAD;
    const sl = sind(lat), cl = cosd(lat);
    const c = Math.cos(d);
    const x = sl * this.sinEul1 - cl * this.cosEul1 * c;
    const y = -cl * Math.sin(d);
    const z = sl * this.cosEul1 + cl * this.sinEul1 * c;
    out[0] = Math.atan2(y, x) * RAD2DEG;
    out[1] = latitudeOf(x, y, z);
  }
}

/** asin(z), or the better-conditioned acos form near the poles. */
function latitudeOf(x: number, y: number, z: number): number {
  if (Math.abs(z) > 0.99) return Math.sign(z) * Math.acos(Math.min(1, Math.hypot(x, y))) * RAD2DEG;
  return Math.asin(z) * RAD2DEG;
}

/**
 * δ_p from sin δ0 = sin δ_p sin θ0 + cos δ_p cos θ0 cos(φ_p − φ0): of the (up to) two
 * solutions in [−90°, 90°], the one closest to LATPOLE (wcslib's rule).
 */
function solvePoleLatitude(lat0: number, theta0: number, dphi: number, latpole: number): number {
  const x = sind(theta0);
  const y = cosd(theta0) * cosd(dphi);
  const z = Math.hypot(x, y);
  const slat0 = sind(lat0);
  if (z === 0) {
    if (slat0 !== 0) throw new Error("WCS: invalid reference point for the projection");
    return latpole;
  }
  if (Math.abs(slat0 / z) > 1 + 1e-10) throw new Error("WCS: no valid celestial pole for this reference point");
  const u = Math.atan2(x, y) * RAD2DEG;
  const v = Math.acos(Math.max(-1, Math.min(1, slat0 / z))) * RAD2DEG;
  const wrap = (a: number) => (a > 180 ? a - 360 : a < -180 ? a + 360 : a);
  const candidates = [wrap(u + v), wrap(u - v)].filter((l) => Math.abs(l) <= 90 + 1e-10);
  if (candidates.length === 0) throw new Error("WCS: no valid celestial pole latitude");
  const best = candidates.reduce((a, b) => (Math.abs(latpole - b) < Math.abs(latpole - a) ? b : a));
  return Math.max(-90, Math.min(90, best));
}

function sind(deg: number): number {
  return Math.sin(deg * DEG2RAD);
}

function cosd(deg: number): number {
  return Math.cos(deg * DEG2RAD);
}
