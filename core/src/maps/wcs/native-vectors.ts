/**
 * Native unit vectors (cos θ cos φ, cos θ sin φ, sin θ) of many pixels, for bulk work that
 * rotates vectors anyway (the event sampler's directions): per projection, without the angles
 * where it can. TAN and SIN have the vector in closed form from the intermediate coordinates
 * (one square root, no trigonometry, where φ and θ would cost an atan2 and an atan or asin,
 * then four sines and cosines: 1e5 pixels ~0.8 against ~12 ms). CAR's angles are linear in the
 * pixel: one pass from pixels to vectors. Equal to pixToNative's angles turned into vectors
 * within a few 1e-16 (the test: core/test/native-vectors.test.ts).
 */
import { DEG2RAD, unitVectors } from "../../coords/index.js";
import { asinNear, atan2Near, cosSmall, SMALL_ANGLE, sinSmall } from "../../utils/small-angles.js";
import type { ProjectionCode } from "./projections.js";

const R0 = 180 / Math.PI; // wcslib's r0
const TOL = 1e-13;

/** The linear part of a WCS: intermediate (x, y) = cdelt · PC · (pixel + 1 − crpix). */
export interface LinearPart {
  crpix: readonly [number, number];
  cdelt: readonly [number, number];
  pc: readonly [readonly [number, number], readonly [number, number]];
}

export interface NativeVectors {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
}

/**
 * The native vectors of 0-based pixel coordinates (px, py) into `out` (NaN where they do not
 * project); false for projections without a vector path here (the caller goes through angles).
 */
export function nativeVectors(
  code: ProjectionCode,
  linear: LinearPart,
  px: Float64Array,
  py: Float64Array,
  out: NativeVectors,
): boolean {
  switch (code) {
    case "TAN":
    case "SIN":
      zenithalVectors(code === "TAN", linear, px, py, out);
      return true;
    case "CAR":
      carVectors(linear, px, py, out);
      return true;
    default:
      return false;
  }
}

/**
 * TAN: θ = atan(r0 / r), φ = atan2(x, −y), so the vector is (−y, x, r0) / √(x² + y² + r0²).
 * SIN: cos θ = r / r0 (θ ≥ 0), so it is (−y, x, √(r0² − r²)) / r0; NaN beyond r = r0.
 */
function zenithalVectors(tan: boolean, linear: LinearPart, px: Float64Array, py: Float64Array, out: NativeVectors) {
  const { crpix, cdelt, pc } = linear;
  const [a, b, c, d] = [cdelt[0] * pc[0][0], cdelt[0] * pc[0][1], cdelt[1] * pc[1][0], cdelt[1] * pc[1][1]];
  const [cx, cy] = [crpix[0] - 1, crpix[1] - 1];
  const { x: vx, y: vy, z: vz } = out;
  for (let i = 0; i < px.length; i++) {
    const dx = px[i] - cx;
    const dy = py[i] - cy;
    const ix = a * dx + b * dy;
    const iy = c * dx + d * dy;
    const r2 = ix * ix + iy * iy;
    if (tan) {
      const norm = 1 / Math.sqrt(r2 + R0 * R0);
      vx[i] = -iy * norm;
      vy[i] = ix * norm;
      vz[i] = R0 * norm;
    } else {
      const h2 = R0 * R0 - r2;
      const valid = h2 >= 0;
      vx[i] = valid ? -iy / R0 : Number.NaN;
      vy[i] = valid ? ix / R0 : Number.NaN;
      vz[i] = valid ? Math.sqrt(h2) / R0 : Number.NaN;
    }
  }
}

/**
 * CAR: φ = x, θ = y, linear in the pixel and offsets from the reference point: the
 * intermediate coordinates and the four sines and cosines in one pass, by series within 7° of
 * the reference (utils/small-angles.ts; 1e5 pixels 23 → 6.5 ns each), by Math's beyond.
 */
function carVectors(linear: LinearPart, px: Float64Array, py: Float64Array, out: NativeVectors): void {
  const { crpix, cdelt, pc } = linear;
  const [c1, c2, s1, s2] = [crpix[0], crpix[1], cdelt[0], cdelt[1]];
  const [p11, p12, p21, p22] = [pc[0][0], pc[0][1], pc[1][0], pc[1][1]];
  const { x: vx, y: vy, z: vz } = out;
  for (let i = 0; i < px.length; i++) {
    const dx = px[i] + 1 - c1;
    const dy = py[i] + 1 - c2;
    const phi = s1 * (p11 * dx + p12 * dy);
    const theta = s2 * (p21 * dx + p22 * dy);
    const valid = Math.abs(phi) <= 180 + TOL && Math.abs(theta) <= 90 + TOL;
    const p = phi * DEG2RAD;
    const t = theta * DEG2RAD;
    const near = Math.abs(p) <= SMALL_ANGLE && Math.abs(t) <= SMALL_ANGLE;
    const cosTheta = near ? cosSmall(t) : Math.cos(t);
    const cosPhi = near ? cosSmall(p) : Math.cos(p);
    const sinPhi = near ? sinSmall(p) : Math.sin(p);
    const sinTheta = near ? sinSmall(t) : Math.sin(t);
    vx[i] = valid ? cosTheta * cosPhi : Number.NaN;
    vy[i] = valid ? cosTheta * sinPhi : Number.NaN;
    vz[i] = valid ? sinTheta : Number.NaN;
  }
}

/** Native angles (φ, θ in degrees, in out.x and out.y, as pixToNative gives them) as unit vectors, in place. */
export function anglesToVectors(out: NativeVectors): void {
  unitVectors({ lon: out.x, lat: out.y }, out);
}

/**
 * The inverse of `nativeVectors` for many sky directions given as unit vectors: rotated by `m`
 * (row-major, celestial, or another frame's, vector → native vector), projected from the native
 * vector and mapped through the linear part to 0-based pixel coordinates (NaN where they do not
 * project). TAN and SIN have the intermediate coordinates in closed form (R0·v_y/v_z, −R0·v_x/v_z;
 * R0·v_y, −R0·v_x); CAR needs the angles, by series within 7° of the reference point. False for
 * projections without a vector path. Equal to worldToPix of the vectors' angles within ~1e-12
 * pixel (the rotation's rounding, not wcslib's operation order).
 */
export function vectorsToPixels(
  code: ProjectionCode,
  m: Float64Array,
  linear: LinearPart,
  v: NativeVectors,
  outX: Float64Array,
  outY: Float64Array,
): boolean {
  if (code !== "TAN" && code !== "SIN" && code !== "CAR") return false;
  const { crpix, cdelt, pc } = linear;
  const det = pc[0][0] * pc[1][1] - pc[0][1] * pc[1][0];
  // worldToPix's inverse PC and order: (PC⁻¹ · (x / cdelt₁, y / cdelt₂)) + CRPIX − 1
  const inverse = Float64Array.of(pc[1][1] / det, -pc[0][1] / det, -pc[1][0] / det, pc[0][0] / det);
  const scale = Float64Array.of(cdelt[0], cdelt[1], crpix[0], crpix[1]);
  const kind = code === "TAN" ? 0 : code === "SIN" ? 1 : 2;
  vectorPixelLoop(kind, m, inverse, scale, v.x, v.y, v.z, outX, outY);
  return true;
}

/** The loop of `vectorsToPixels` (typed arrays only: V8 compiles it once for all three projections). */
function vectorPixelLoop(
  kind: number,
  m: Float64Array,
  inverse: Float64Array,
  scale: Float64Array,
  vx: Float64Array,
  vy: Float64Array,
  vz: Float64Array,
  outX: Float64Array,
  outY: Float64Array,
): void {
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = m;
  const [i00, i01, i10, i11] = inverse;
  const [c1, c2, p1, p2] = scale;
  for (let i = 0; i < vx.length; i++) {
    const x = m0 * vx[i] + m1 * vy[i] + m2 * vz[i];
    const y = m3 * vx[i] + m4 * vy[i] + m5 * vz[i];
    const z = m6 * vx[i] + m7 * vy[i] + m8 * vz[i];
    let px: number;
    let py: number;
    if (kind === 0) {
      // TAN: θ > 0 only (the native hemisphere around the reference point)
      const valid = z > 0;
      px = valid ? (R0 * y) / z : Number.NaN;
      py = valid ? -(R0 * x) / z : Number.NaN;
    } else if (kind === 1) {
      const valid = z >= 0;
      px = valid ? R0 * y : Number.NaN;
      py = valid ? -R0 * x : Number.NaN;
    } else {
      px = atan2Near(y, x) * R0;
      py = asinNear(z) * R0;
    }
    const ix = px / c1;
    const iy = py / c2;
    outX[i] = i00 * ix + i01 * iy + p1 - 1;
    outY[i] = i10 * ix + i11 * iy + p2 - 1;
  }
}
