import { FAST_TRIG, type DegreeTrig } from "./rotation.js";

/**
 * Spherical projections between intermediate world coordinates (x, y in degrees) and
 * native spherical coordinates (φ, θ in degrees), after Calabretta & Greisen (2002) and
 * wcslib (r0 = 180/π). Invalid points give NaN.
 */
export type ProjectionCode = "CAR" | "TAN" | "SIN" | "AIT";

export interface Projection {
  code: ProjectionCode;
  /** Native latitude of the fiducial point. */
  theta0: number;
  /** (x, y) → (φ, θ); writes NaN for points outside the projection. */
  toNative(x: number, y: number, out: Float64Array): void;
  /** (φ, θ) → (x, y); writes NaN for points that do not project. */
  fromNative(phi: number, theta: number, out: Float64Array): void;
}

const R0 = 180 / Math.PI; // wcslib's default r0 (R2D)
const TOL = 1e-13;

function invalid(out: Float64Array): void {
  out[0] = NaN;
  out[1] = NaN;
}

const CAR = (): Projection => ({
  code: "CAR",
  theta0: 0,
  toNative(x, y, out) {
    if (Math.abs(x) > 180 + TOL || Math.abs(y) > 90 + TOL) return invalid(out);
    out[0] = x;
    out[1] = y;
  },
  fromNative(phi, theta, out) {
    out[0] = phi;
    out[1] = theta;
  },
});

// TAN and SIN follow wcslib's tanx2s/tans2x and sinx2s/sins2x term by term (r0 = 180/π).
const TAN = (t: DegreeTrig): Projection => ({
  code: "TAN",
  theta0: 90,
  toNative(x, y, out) {
    const r = Math.sqrt(x * x + y * y);
    out[0] = r === 0 ? 0 : t.atan2d(x, -y);
    out[1] = t.atan2d(R0, r);
  },
  fromNative(phi, theta, out) {
    const s = t.sind(theta);
    if (s <= 0) return invalid(out);
    const r = (R0 * t.cosd(theta)) / s;
    const sinPhi = t.sind(phi); // (not sincosd: equal values, no array per point)
    const cosPhi = t.cosd(phi);
    out[0] = r * sinPhi;
    out[1] = -r * cosPhi;
  },
});

const SIN = (t: DegreeTrig): Projection => ({
  code: "SIN",
  theta0: 90,
  toNative(x, y, out) {
    const x0 = x * (1 / R0);
    const y0 = y * (1 / R0);
    const r2 = x0 * x0 + y0 * y0;
    out[0] = r2 !== 0 ? t.atan2d(x0, -y0) : 0;
    // acos(r) loses precision near the pole: the complementary form there
    if (r2 < 0.5) out[1] = t.acosd(Math.sqrt(r2));
    else if (r2 <= 1) out[1] = t.asind(Math.sqrt(1 - r2));
    else invalid(out);
  },
  fromNative(phi, theta, out) {
    if (theta < 0) return invalid(out);
    const d = ((90 - Math.abs(theta)) * Math.PI) / 180;
    const cosTheta = d < 1e-5 ? d : t.cosd(theta);
    const r = R0 * cosTheta;
    const sinPhi = t.sind(phi); // (not sincosd: equal values, no array per point)
    const cosPhi = t.cosd(phi);
    out[0] = r * sinPhi;
    out[1] = -r * cosPhi;
  },
});

const AIT = (t: DegreeTrig): Projection => ({
  code: "AIT",
  theta0: 0,
  toNative(x, y, out) {
    const u = x / (4 * R0);
    const v = y / (2 * R0);
    const z2 = 1 - u * u - v * v;
    if (z2 < 0.5 - TOL) return invalid(out);
    const z = Math.sqrt(z2);
    out[0] = 2 * t.atan2d((z * x) / (2 * R0), 2 * z2 - 1);
    out[1] = t.asind(Math.max(-1, Math.min(1, (y * z) / R0)));
  },
  fromNative(phi, theta, out) {
    const ct = t.cosd(theta);
    const half = phi / 2;
    const gamma = R0 * Math.sqrt(2 / (1 + ct * t.cosd(half)));
    out[0] = 2 * gamma * ct * t.sind(half);
    out[1] = gamma * t.sind(theta);
  },
});

const PROJECTIONS: Record<ProjectionCode, (trig: DegreeTrig) => Projection> = { CAR, TAN, SIN, AIT };

/** The projection `code` evaluated with the given degree trigonometry (fast or precise). */
export function projectionFor(code: string, trig: DegreeTrig = FAST_TRIG): Projection {
  const make = PROJECTIONS[code as ProjectionCode];
  if (!make)
    throw new Error(`unsupported WCS projection '${code}' (supported: ${Object.keys(PROJECTIONS).join(", ")})`);
  return make(trig);
}
