import { DEG2RAD, hypot, type UnitVectors } from "../../coords/index.js";

// Where sky positions lie relative to a model's centre: separation, 1 − cos(separation) and the
// direction against the major axis. Two ways to the same numbers. On pixel grids (the fit loop),
// from the grid's unit vectors (`WcsGeom.imageVectorsIn`, kept per grid and frame): no
// trigonometry per pixel but one atan2. At scattered points, with astropy's formulas
// (angular_separation, position_angle) in astropy's order of operations: their rounding errors
// then mostly cancel against gammapy's, which brings the agreement near a disk's or shell's edge
// from ~1e-11 to ~1e-12.

/** Per-point offsets from a model's centre (the first `n` entries of each array are valid). */
export interface Offsets {
  n: number;
  /** Separation (rad). */
  sep: Float64Array;
  /**
   * 1 − cos(sep), accurately (2 sin²(sep/2)). gammapy's `1 - np.cos(sep)` cancels: it is off by
   * up to an ulp of 1 (1.1e-16), which numpy's vectorised cos (SVML where the CPU has AVX-512)
   * decides, not glibc's; the exact value is as close to it as any other choice.
   */
  oneMinusCos: Float64Array;
  /** sin and cos of (φ − position angle): the direction against the major axis. */
  sinDphi: Float64Array;
  cosDphi: Float64Array;
}

/** What a model's kernel reads. */
export interface OffsetNeeds {
  sep: boolean;
  oneMinusCos: boolean;
  /** The major axis' position angle φ (deg), for elongated models; undefined: not needed. */
  phi?: number;
}

export function allocateOffsets(n: number, previous?: Offsets): Offsets {
  if (previous && previous.sep.length >= n) {
    previous.n = n;
    return previous;
  }
  const size = Math.max(n, 2 * (previous?.sep.length ?? 0));
  return {
    n,
    sep: new Float64Array(size),
    oneMinusCos: new Float64Array(size),
    sinDphi: new Float64Array(size),
    cosDphi: new Float64Array(size),
  };
}

/**
 * Offsets of unit vectors from the centre (lon0, lat0) (deg). The separation is atan2(|P × C|,
 * P·C), Vincenty's formula in vector form; 1 − cos is half the squared chord |P − C|²; the
 * position angle from P's components along the centre's east and north.
 */
export function vectorOffsets(v: UnitVectors, lon0: number, lat0: number, needs: OffsetNeeds, out: Offsets): void {
  const l0 = lon0 * DEG2RAD;
  const b0 = lat0 * DEG2RAD;
  const sl = Math.sin(l0);
  const cl = Math.cos(l0);
  const sb = Math.sin(b0);
  const cb = Math.cos(b0);
  const cx = cb * cl;
  const cy = cb * sl;
  const cz = sb;
  const { x, y, z } = v;
  const { sep, oneMinusCos, sinDphi, cosDphi } = out;
  const n = out.n;
  const wantSep = needs.sep;
  const wantH = needs.oneMinusCos;
  const elongated = needs.phi !== undefined;
  const sphi = elongated ? Math.sin(needs.phi! * DEG2RAD) : 0;
  const cphi = elongated ? Math.cos(needs.phi! * DEG2RAD) : 1;
  for (let i = 0; i < n; i++) {
    const px = x[i];
    const py = y[i];
    const pz = z[i];
    if (wantH) {
      // half the squared chord: no cancellation
      const dx = px - cx;
      const dy = py - cy;
      const dz = pz - cz;
      oneMinusCos[i] = 0.5 * (dx * dx + dy * dy + dz * dz);
    }
    if (wantSep || elongated) {
      const east = cl * py - sl * px;
      const north = cb * pz - sb * (cl * px + sl * py);
      const r = Math.sqrt(east * east + north * north);
      if (wantSep) sep[i] = Math.atan2(r, cx * px + cy * py + cz * pz);
      if (elongated) {
        // at the centre itself atan2(0, 0) = 0: position angle 0
        const sinPa = r > 0 ? east / r : 0;
        const cosPa = r > 0 ? north / r : 1;
        sinDphi[i] = sphi * cosPa - cphi * sinPa;
        cosDphi[i] = cphi * cosPa + sphi * sinPa;
      }
    }
  }
}

const TWO_PI = 6.283185307179586; // astropy's 360 deg in rad
const RAD_TO_DEG = 57.29577951308232; // astropy's rad → deg scale

/**
 * Offsets of (lon, lat) points (deg) from (lon0, lat0), computed as gammapy does: astropy's
 * `angular_separation(lon, lat, lon_0, lat_0)` and `position_angle(lon_0, lat_0, lon, lat)`
 * wrapped to [0, 2π), with the unit conversions in astropy's order.
 */
export function pointOffsets(
  lon: ArrayLike<number>,
  lat: ArrayLike<number>,
  lon0: number,
  lat0: number,
  needs: OffsetNeeds,
  out: Offsets,
): void {
  const slat2 = Math.sin(lat0 * DEG2RAD);
  const clat2 = Math.cos(lat0 * DEG2RAD);
  for (let i = 0; i < out.n; i++) {
    const dlon = (lon0 - lon[i]) * DEG2RAD;
    const sdlon = Math.sin(dlon);
    const cdlon = Math.cos(dlon);
    const slat1 = Math.sin(lat[i] * DEG2RAD);
    const clat1 = Math.cos(lat[i] * DEG2RAD);
    const num1 = clat2 * sdlon;
    const num2 = clat1 * slat2 - slat1 * clat2 * cdlon;
    const den = slat1 * slat2 + clat1 * clat2 * cdlon;
    const sep = Math.atan2(hypot(num1, num2), den);
    out.sep[i] = sep;
    out.oneMinusCos[i] = oneMinusCos(sep);
    if (needs.phi !== undefined) {
      // position_angle(lon_0, lat_0, lon, lat): from the centre towards the point
      const deltalon = (lon[i] - lon0) * DEG2RAD;
      const x = slat1 * clat2 - clat1 * slat2 * Math.cos(deltalon);
      const y = Math.sin(deltalon) * clat1;
      let pa = Math.atan2(y, x);
      if (pa < 0) pa += TWO_PI;
      const dphi = (needs.phi - pa * RAD_TO_DEG) * DEG2RAD;
      out.sinDphi[i] = Math.sin(dphi);
      out.cosDphi[i] = Math.cos(dphi);
    }
  }
}

/** 1 − cos(x) without cancellation: 2 sin²(x/2). */
export function oneMinusCos(x: number): number {
  const s = Math.sin(0.5 * x);
  return 2 * s * s;
}
