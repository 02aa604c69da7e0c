import { DEG2RAD, RAD2DEG } from "../../coords/index.js";

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

const R0 = RAD2DEG;
const TOL = 1e-13;

function invalid(out: Float64Array): void {
  out[0] = NaN;
  out[1] = NaN;
}

const CAR: Projection = {
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
};

/** Zenithal projections: φ from the plane angle, the radius a function of θ alone. */
function zenithalToNative(x: number, y: number, r: number, theta: number, out: Float64Array): void {
  out[0] = r === 0 ? 0 : Math.atan2(x, -y) * RAD2DEG;
  out[1] = theta;
}

function zenithalFromNative(phi: number, r: number, out: Float64Array): void {
  out[0] = r * Math.sin(phi * DEG2RAD);
  out[1] = -r * Math.cos(phi * DEG2RAD);
}

const TAN: Projection = {
  code: "TAN",
  theta0: 90,
  toNative(x, y, out) {
    const r = Math.hypot(x, y);
    zenithalToNative(x, y, r, Math.atan2(R0, r) * RAD2DEG, out);
  },
  fromNative(phi, theta, out) {
    const s = Math.sin(theta * DEG2RAD);
    if (s <= 0) return invalid(out);
    zenithalFromNative(phi, (R0 * Math.cos(theta * DEG2RAD)) / s, out);
  },
};

const SIN: Projection = {
  code: "SIN",
  theta0: 90,
  toNative(x, y, out) {
    const r2 = (x * x + y * y) / (R0 * R0);
    if (r2 > 1 + TOL) return invalid(out);
    // acos(r) loses precision near the pole: use the complementary form there.
    const theta = r2 < 0.5 ? Math.acos(Math.sqrt(r2)) : Math.asin(Math.sqrt(Math.max(0, 1 - r2)));
    zenithalToNative(x, y, r2, theta * RAD2DEG, out);
  },
  fromNative(phi, theta, out) {
    if (theta < 0) return invalid(out);
    zenithalFromNative(phi, R0 * Math.cos(theta * DEG2RAD), out);
  },
};

const AIT: Projection = {
  code: "AIT",
  theta0: 0,
  toNative(x, y, out) {
    const u = x / (4 * R0);
    const v = y / (2 * R0);
    const z2 = 1 - u * u - v * v;
    if (z2 < 0.5 - TOL) return invalid(out);
    const z = Math.sqrt(z2);
    out[0] = 2 * Math.atan2((z * x) / (2 * R0), 2 * z2 - 1) * RAD2DEG;
    out[1] = Math.asin(Math.max(-1, Math.min(1, (y * z) / R0))) * RAD2DEG;
  },
  fromNative(phi, theta, out) {
    const ct = Math.cos(theta * DEG2RAD);
    const half = (phi * DEG2RAD) / 2;
    const gamma = R0 * Math.sqrt(2 / (1 + ct * Math.cos(half)));
    out[0] = 2 * gamma * ct * Math.sin(half);
    out[1] = gamma * Math.sin(theta * DEG2RAD);
  },
};

const PROJECTIONS: Record<ProjectionCode, Projection> = { CAR, TAN, SIN, AIT };

export function projectionFor(code: string): Projection {
  const projection = PROJECTIONS[code as ProjectionCode];
  if (!projection) throw new Error(`unsupported WCS projection '${code}' (supported: ${Object.keys(PROJECTIONS).join(", ")})`);
  return projection;
}
