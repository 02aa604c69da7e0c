import { crAcos, crAsin, crAtan, crAtan2, crCos, crSin, crTan } from "../../utils/crmath.js";
/**
 * The spherical rotation between native (φ, θ) and celestial (α, δ) coordinates, set up
 * from CRVAL, LONPOLE and LATPOLE as wcslib's `celset` does, and evaluated with wcslib's
 * operation order and degree-trigonometry special cases (its `sphx2s`/`sphs2x`), so that
 * pixel coordinates carry the same rounding as astropy's: gammapy re-projects masks onto
 * grids whose pixel centres fall exactly on mask pixel edges, where that rounding decides.
 */
export class CelestialRotation {
  /** Celestial longitude of the native pole, α_p (deg). */
  readonly lngp: number;
  /** Celestial latitude of the native pole, δ_p (deg); astropy reports it as LATPOLE. */
  readonly latp: number;
  /** Native longitude of the celestial pole, φ_p (deg) = LONPOLE. */
  readonly phip: number;
  protected readonly eul1: number; // 90° − δ_p
  protected readonly cosEul1: number;
  protected readonly sinEul1: number;

  private readonly args: [number, number, number, number | undefined, number];

  /**
   * A rotation with fast per-point transforms (the set-up always uses correctly rounded
   * trigonometry); `create(…, true)` and `precise()` give correctly rounded ones.
   */
  constructor(lng0: number, lat0: number, theta0: number, lonpole?: number, latpole = 90) {
    this.args = [lng0, lat0, theta0, lonpole, latpole];
    const { sincosd, sind, cosd, atan2d, acosd } = PRECISE_TRIG;
    const phi0 = 0;
    const tol = 1e-10;
    let phip = lonpole ?? (lat0 < theta0 ? 180 : 0) + phi0;
    if (lonpole === undefined) phip = phip < -180 ? phip + 360 : phip > 180 ? phip - 360 : phip;
    let latp = latpole;
    let lngp: number;
    if (theta0 === 90) {
      lngp = lng0;
      latp = lat0;
    } else {
      const [slat0, clat0] = sincosd(lat0);
      const [sthe0, cthe0] = sincosd(theta0);
      let sphip = 0;
      let u: number;
      let v: number;
      let onlyLatpole = false;
      if (phip === phi0) {
        u = theta0;
        v = 90 - lat0;
      } else {
        const [s, c] = sincosd(phip - phi0);
        sphip = s;
        const x = cthe0 * c;
        const y = sthe0;
        const z = Math.sqrt(x * x + y * y);
        if (z === 0) {
          if (slat0 !== 0) throw new Error("WCS: lat0 = 0 is required for |phip − phi0| = 90 and theta0 = 0");
          onlyLatpole = true;
          latp = Math.max(-90, Math.min(90, latp));
          u = v = 0;
        } else {
          let slz = slat0 / z;
          if (Math.abs(slz) > 1) {
            if (Math.abs(slz) - 1 < tol) slz = slz > 0 ? 1 : -1;
            else throw new Error("WCS: no valid celestial pole for this reference point");
          }
          u = atan2d(y, x);
          v = acosd(slz);
        }
      }
      if (!onlyLatpole) {
        const wrap = (a: number) => (a > 180 ? a - 360 : a < -180 ? a + 360 : a);
        const latp1 = wrap(u + v);
        const latp2 = wrap(u - v);
        if (Math.abs(latp - latp1) < Math.abs(latp - latp2)) latp = Math.abs(latp1) < 90 + tol ? latp1 : latp2;
        else latp = Math.abs(latp2) < 90 + tol ? latp2 : latp1;
        if (Math.abs(latp) < 90 + tol) latp = Math.max(-90, Math.min(90, latp));
      }
      const z = cosd(latp) * clat0;
      if (Math.abs(z) < tol) {
        if (Math.abs(clat0) < tol) lngp = lng0;
        else if (latp > 0) lngp = lng0 + phip - phi0 - 180;
        else lngp = lng0 - phip + phi0;
      } else {
        const x = (sthe0 - sind(latp) * slat0) / z;
        const y = (sphip * cthe0) / clat0;
        if (x === 0 && y === 0) throw new Error("WCS: no solution for the celestial pole");
        lngp = lng0 - atan2d(y, x);
      }
      // Keep α_p on the side of the reference longitude's sign, as wcslib does.
      if (lng0 >= 0) {
        if (lngp < 0) lngp += 360;
        else if (lngp > 360) lngp -= 360;
      } else if (lngp > 0) lngp -= 360;
      else if (lngp < -360) lngp += 360;
    }
    if (Math.abs(latp) > 90 + tol) throw new Error("WCS: no valid celestial pole latitude");
    this.lngp = lngp;
    this.latp = latp;
    this.phip = phip;
    this.eul1 = 90 - latp;
    [this.sinEul1, this.cosEul1] = sincosd(this.eul1);
  }

  /** A rotation; `precise`: per-point transforms with correctly rounded trigonometry. */
  static create(
    lng0: number,
    lat0: number,
    theta0: number,
    lonpole?: number,
    latpole = 90,
    precise = false,
  ): CelestialRotation {
    return precise
      ? new PreciseRotation(lng0, lat0, theta0, lonpole, latpole)
      : new CelestialRotation(lng0, lat0, theta0, lonpole, latpole);
  }

  /** The same rotation evaluated with correctly rounded trigonometry. */
  precise(): CelestialRotation {
    return new PreciseRotation(this.args[0], this.args[1], this.args[2], this.args[3], this.args[4]);
  }

  /** (φ, θ) → (α, δ) in degrees. */
  toCelestial(phi: number, theta: number, out: Float64Array): void {
    let lng: number;
    if (this.sinEul1 === 0) {
      // a change of origin of longitude, or a pole flip
      if (this.eul1 === 0) {
        lng = phi + ((this.lngp + 180 - this.phip) % 360);
        out[1] = theta;
      } else {
        lng = ((this.lngp + this.phip) % 360) - phi;
        out[1] = -theta;
      }
    } else {
      const dphi = phi - this.phip;
      this.rotate(dphi, theta, out, true);
      lng = this.lngp + out[0];
    }
    if (this.lngp >= 0) {
      if (lng < 0) lng += 360;
    } else if (lng > 0) lng -= 360;
    if (lng > 360) lng -= 360;
    else if (lng < -360) lng += 360;
    out[0] = lng;
  }

  /** (α, δ) → (φ, θ) in degrees, φ in [−180, 180]. */
  toNative(lng: number, lat: number, out: Float64Array): void {
    let phi: number;
    if (this.sinEul1 === 0) {
      if (this.eul1 === 0) {
        phi = (lng + ((this.phip - 180 - this.lngp) % 360)) % 360;
        out[1] = lat;
      } else {
        phi = (((this.phip + this.lngp) % 360) - lng) % 360;
        out[1] = -lat;
      }
    } else {
      this.rotate(lng - this.lngp, lat, out, false);
      phi = mod360(this.phip + out[0]);
    }
    if (phi > 180) phi -= 360;
    else if (phi < -180) phi += 360;
    out[0] = phi;
  }

  /**
   * The rotation by the pole's colatitude, the same formulae in both directions (wcslib's
   * sphx2s/sphs2x): from a longitude difference and a latitude, the longitude difference
   * (unnormalised) and the latitude on the other sphere.
   */
  protected rotate(dlon: number, lat: number, out: Float64Array, toCelestial: boolean): void {
    // (sind and cosd, not sincosd: equal values without a [sin, cos] array per point, which
    // cost ~200 bytes of garbage per transformed position)
    // FAST_TRIG by name, not a trigonometry kept per instance: each call below then always
    // meets the same function, which V8 inlines down to Math's as machine instructions. Chosen
    // per instance, every call would turn generic once both kinds had run; PreciseRotation
    // therefore overrides this method with a copy of its body on PRECISE_TRIG.
    const { sind, cosd, atan2d, asind, acosd } = FAST_TRIG;
    const sinLat = sind(lat);
    const cosLat = cosd(lat);
    const cosLat3 = cosLat * this.cosEul1;
    const cosLat4 = cosLat * this.sinEul1;
    const sinLat3 = sinLat * this.cosEul1;
    const sinLat4 = sinLat * this.sinEul1;
    const sinLon = sind(dlon);
    const cosLon = cosd(dlon);
    let x = sinLat4 - cosLat3 * cosLon;
    if (Math.abs(x) < 1e-5) x = -cosd(lat + this.eul1) + cosLat3 * (1 - cosLon); // less round-off
    const y = -cosLat * sinLon;
    if (x !== 0 || y !== 0) out[0] = atan2d(y, x);
    else if (toCelestial) out[0] = this.eul1 < 90 ? dlon + 180 : -dlon;
    else out[0] = this.eul1 < 90 ? dlon - 180 : -dlon;
    if (isMultipleOf(dlon, 180)) {
      let b = lat + cosLon * this.eul1;
      if (b > 90) b = 180 - b;
      if (b < -90) b = -180 - b;
      out[1] = b;
    } else {
      const z = sinLat3 + cosLat4 * cosLon;
      out[1] = Math.abs(z) > 0.99 ? copysign(acosd(Math.sqrt(x * x + y * y)), z) : asind(z);
    }
  }
}

/** `CelestialRotation` with correctly rounded per-point trigonometry. */
class PreciseRotation extends CelestialRotation {
  /** `CelestialRotation.rotate` with PRECISE_TRIG: the same body, line for line. */
  protected override rotate(dlon: number, lat: number, out: Float64Array, toCelestial: boolean): void {
    const { sind, cosd, atan2d, asind, acosd } = PRECISE_TRIG;
    const sinLat = sind(lat);
    const cosLat = cosd(lat);
    const cosLat3 = cosLat * this.cosEul1;
    const cosLat4 = cosLat * this.sinEul1;
    const sinLat3 = sinLat * this.cosEul1;
    const sinLat4 = sinLat * this.sinEul1;
    const sinLon = sind(dlon);
    const cosLon = cosd(dlon);
    let x = sinLat4 - cosLat3 * cosLon;
    if (Math.abs(x) < 1e-5) x = -cosd(lat + this.eul1) + cosLat3 * (1 - cosLon); // less round-off
    const y = -cosLat * sinLon;
    if (x !== 0 || y !== 0) out[0] = atan2d(y, x);
    else if (toCelestial) out[0] = this.eul1 < 90 ? dlon + 180 : -dlon;
    else out[0] = this.eul1 < 90 ? dlon - 180 : -dlon;
    if (isMultipleOf(dlon, 180)) {
      let b = lat + cosLon * this.eul1;
      if (b > 90) b = 180 - b;
      if (b < -90) b = -180 - b;
      out[1] = b;
    } else {
      const z = sinLat3 + cosLat4 * cosLon;
      out[1] = Math.abs(z) > 0.99 ? copysign(acosd(Math.sqrt(x * x + y * y)), z) : asind(z);
    }
  }
}

// wcslib's D2R and R2D are unparenthesised macros: `a*D2R` is (a·π)/180 and `v*R2D` is
// (v·180)/π, which round differently from a·(π/180); the helpers keep its order.
const toRad = (deg: number) => (deg * Math.PI) / 180;
const toDeg = (rad: number) => (rad * 180) / Math.PI;
const TRIG_TOL = 1e-10;

/**
 * `v % m === 0`, with the remainder (a call to fmod in V8, ~10 ns) only for integers: a multiple
 * of 90 or 180 is one, and most points are not (measured: sind 24 → 15 ns a call).
 */
function isMultipleOf(v: number, m: number): boolean {
  return v === Math.floor(v) && v % m === 0;
}

/** `v % 360`, without the fmod where it changes nothing (|v| < 360, as nearly always). */
function mod360(v: number): number {
  return v < 360 && v > -360 ? v : v % 360;
}

interface RadianTrig {
  sin(x: number): number;
  cos(x: number): number;
  tan(x: number): number;
  atan(x: number): number;
  atan2(y: number, x: number): number;
  asin(x: number): number;
  acos(x: number): number;
}

/** wcslib's degree trigonometry (wcstrig.c: exact at multiples of 90° and 45°) over radian functions. */
export interface DegreeTrig {
  sincosd(deg: number): [number, number];
  sind(deg: number): number;
  cosd(deg: number): number;
  tand(deg: number): number;
  atan2d(y: number, x: number): number;
  atand(v: number): number;
  asind(v: number): number;
  acosd(v: number): number;
}

function degreeTrig(t: RadianTrig): DegreeTrig {
  return {
    sincosd(deg) {
      if (isMultipleOf(deg, 90)) {
        switch (Math.abs(Math.floor(deg / 90 + 0.5)) % 4) {
          case 0:
            return [0, 1];
          case 1:
            return [deg > 0 ? 1 : -1, 0];
          case 2:
            return [0, -1];
          default:
            return [deg > 0 ? -1 : 1, 0];
        }
      }
      const r = toRad(deg);
      return [t.sin(r), t.cos(r)];
    },
    sind(deg) {
      if (isMultipleOf(deg, 90)) return [1, 0, -1, 0][Math.abs(Math.floor(deg / 90 - 0.5)) % 4];
      return t.sin(toRad(deg));
    },
    cosd(deg) {
      if (isMultipleOf(deg, 90)) return [1, 0, -1, 0][Math.abs(Math.floor(deg / 90 + 0.5)) % 4];
      return t.cos(toRad(deg));
    },
    tand(deg) {
      const resid = deg % 360;
      if (resid === 0 || Math.abs(resid) === 180) return 0;
      if (resid === 45 || resid === 225) return 1;
      if (resid === -135 || resid === -315) return -1;
      return t.tan(toRad(deg));
    },
    atan2d(y, x) {
      if (y === 0) return x >= 0 ? 0 : 180;
      if (x === 0) return y > 0 ? 90 : -90;
      return toDeg(t.atan2(y, x));
    },
    atand(v) {
      if (v === -1) return -45;
      if (v === 0) return 0;
      if (v === 1) return 45;
      return toDeg(t.atan(v));
    },
    asind(v) {
      if (v <= -1) {
        if (v + 1 > -TRIG_TOL) return -90;
      } else if (v === 0) return 0;
      else if (v >= 1 && v - 1 < TRIG_TOL) return 90;
      return toDeg(t.asin(v));
    },
    acosd(v) {
      if (v >= 1) {
        if (v - 1 < TRIG_TOL) return 0;
      } else if (v === 0) return 90;
      else if (v <= -1 && v + 1 > -TRIG_TOL) return 180;
      return toDeg(t.acos(v));
    },
  };
}

/** Degree trigonometry on V8's Math (fast; its last bit differs from glibc's in a few % of calls). */
export const FAST_TRIG = degreeTrig(Math);
/** Degree trigonometry on correctly rounded functions (≈ glibc's, as wcslib uses; ~10× slower). */
export const PRECISE_TRIG = degreeTrig({
  sin: crSin,
  cos: crCos,
  tan: crTan,
  atan: crAtan,
  atan2: crAtan2,
  asin: crAsin,
  acos: crAcos,
});

function copysign(x: number, y: number): number {
  return y < 0 ? -Math.abs(x) : Math.abs(x);
}
