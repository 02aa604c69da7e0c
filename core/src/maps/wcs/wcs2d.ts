import { parseFrame, type Frame } from "../../coords/index.js";
import { anglesToVectors, nativeVectors, type NativeVectors, vectorsToPixels } from "./native-vectors.js";
import { projectionFor, type Projection, type ProjectionCode } from "./projections.js";
import { CelestialRotation, FAST_TRIG, PRECISE_TRIG } from "./rotation.js";

export interface WcsParams {
  ctype: [string, string];
  crval: [number, number];
  /** Reference pixel, 1-based as in FITS. */
  crpix: [number, number];
  cdelt: [number, number];
  pc?: [[number, number], [number, number]];
  lonpole?: number;
  latpole?: number;
}

export interface HeaderCardLike {
  key: string;
  value: string | number | boolean;
  comment?: string;
}

/**
 * A two-dimensional celestial WCS (the spatial part of a gammapy map), matching wcslib as
 * used by astropy.wcs. Pixel coordinates are 0-based (astropy's `origin=0`).
 */
export class Wcs2D {
  readonly params: Readonly<WcsParams>;
  readonly frame: Frame;
  readonly projection: ProjectionCode;
  private readonly proj: Projection;
  private readonly rotation: CelestialRotation;
  private readonly pc: [[number, number], [number, number]];
  private readonly pcInverse: [[number, number], [number, number]];

  private preciseTwin?: Wcs2D;

  /** `precise`: transforms with correctly rounded trigonometry, bit for bit wcslib's in ~all cases. */
  constructor(
    params: WcsParams,
    readonly isPrecise = false,
  ) {
    const [c1, c2] = params.ctype.map((c) => c.toUpperCase());
    const code = c1.slice(5).replace(/-/g, "");
    if (c1.slice(5) !== c2.slice(5))
      throw new Error(`WCS: CTYPE1 '${c1}' and CTYPE2 '${c2}' use different projections`);
    this.frame = frameOf(c1, c2);
    this.proj = projectionFor(code, isPrecise ? PRECISE_TRIG : FAST_TRIG);
    this.projection = this.proj.code;
    for (const [name, v] of [
      ["CDELT1", params.cdelt[0]],
      ["CDELT2", params.cdelt[1]],
    ] as const) {
      if (!Number.isFinite(v) || v === 0) throw new Error(`WCS: ${name} must be finite and non-zero, got ${v}`);
    }
    this.pc = params.pc ?? [
      [1, 0],
      [0, 1],
    ];
    const det = this.pc[0][0] * this.pc[1][1] - this.pc[0][1] * this.pc[1][0];
    if (det === 0) throw new Error("WCS: PC matrix is singular");
    this.pcInverse = [
      [this.pc[1][1] / det, -this.pc[0][1] / det],
      [-this.pc[1][0] / det, this.pc[0][0] / det],
    ];
    this.rotation = CelestialRotation.create(
      params.crval[0],
      params.crval[1],
      this.proj.theta0,
      params.lonpole,
      params.latpole ?? 90,
      isPrecise,
    );
    this.params = { ...params, ctype: [c1, c2] };
  }

  /**
   * This WCS with correctly rounded trigonometry: ~10× slower, for the few computations whose
   * result hinges on the last bit (pixel centres exactly on another grid's pixel edges).
   */
  precise(): Wcs2D {
    if (this.isPrecise) return this;
    this.preciseTwin ??= new Wcs2D(this.params, true);
    return this.preciseTwin;
  }

  get crval(): readonly [number, number] {
    return this.params.crval;
  }

  get crpix(): readonly [number, number] {
    return this.params.crpix;
  }

  get cdelt(): readonly [number, number] {
    return this.params.cdelt;
  }

  /** LONPOLE as resolved by wcslib (φ_p). */
  get lonpole(): number {
    return this.rotation.phip;
  }

  /** LATPOLE as resolved by wcslib (δ_p). */
  get latpole(): number {
    return this.rotation.latp;
  }

  withCrpix(crpix1: number, crpix2: number): Wcs2D {
    return new Wcs2D({ ...this.params, crpix: [crpix1, crpix2] });
  }

  /** World coordinates (deg) of 0-based pixel coordinates; NaN outside the projection. */
  pixToWorld(
    x: ArrayLike<number>,
    y: ArrayLike<number>,
    outLon = new Float64Array(x.length),
    outLat = new Float64Array(x.length),
  ): { lon: Float64Array; lat: Float64Array } {
    this.pixToNative(x, y, outLon, outLat);
    const world = new Float64Array(2);
    for (let i = 0; i < x.length; i++) {
      if (Number.isNaN(outLon[i])) continue;
      this.rotation.toCelestial(outLon[i], outLat[i], world);
      outLon[i] = world[0];
      outLat[i] = world[1];
    }
    return { lon: outLon, lat: outLat };
  }

  /** Native spherical coordinates (φ, θ in degrees) of 0-based pixel coordinates; NaN where they do not project. */
  pixToNative(x: ArrayLike<number>, y: ArrayLike<number>, outPhi: Float64Array, outTheta: Float64Array): void {
    const { crpix, cdelt } = this.params;
    const pc = this.pc;
    const native = new Float64Array(2);
    for (let i = 0; i < x.length; i++) {
      const dx = x[i] + 1 - crpix[0];
      const dy = y[i] + 1 - crpix[1];
      const ix = cdelt[0] * (pc[0][0] * dx + pc[0][1] * dy);
      const iy = cdelt[1] * (pc[1][0] * dx + pc[1][1] * dy);
      this.proj.toNative(ix, iy, native);
      const invalid = Number.isNaN(native[0]);
      outPhi[i] = invalid ? NaN : native[0];
      outTheta[i] = invalid ? NaN : native[1];
    }
  }

  /**
   * Native unit vectors (cos θ cos φ, cos θ sin φ, sin θ) of 0-based pixel coordinates into
   * `out` (NaN where they do not project): for CAR, TAN and SIN without going through the
   * angles (native-vectors.ts), for the others from pixToNative's; equal to the angles'
   * vectors within a few 1e-16.
   */
  pixToNativeVectors(x: Float64Array, y: Float64Array, out: NativeVectors): void {
    const linear = { crpix: this.params.crpix, cdelt: this.params.cdelt, pc: this.pc };
    if (!this.isPrecise && nativeVectors(this.projection, linear, x, y, out)) return;
    this.pixToNative(x, y, out.x, out.y);
    anglesToVectors(out);
  }

  /**
   * The native-to-celestial rotation as a 3×3 matrix (row-major, on unit vectors (cos θ cos φ,
   * cos θ sin φ, sin θ)): its columns are the celestial unit vectors of the native axes, found
   * through the rotation itself. For bulk work that needs vectors anyway (equal to
   * `pixToWorld` within ~1e-13°, not to its last bit).
   */
  nativeToCelestialMatrix(): number[][] {
    const world = new Float64Array(2);
    const columns = [
      [0, 0],
      [90, 0],
      [0, 90],
    ].map(([phi, theta]) => {
      this.rotation.toCelestial(phi, theta, world);
      const lon = (world[0] * Math.PI) / 180;
      const lat = (world[1] * Math.PI) / 180;
      return [Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)];
    });
    return [0, 1, 2].map((r) => columns.map((c) => c[r]));
  }

  /** Whether `vectorsToPix` takes this WCS (CAR, TAN or SIN, not the precise twin). */
  get hasVectorPath(): boolean {
    return !this.isPrecise && (this.projection === "CAR" || this.projection === "TAN" || this.projection === "SIN");
  }

  /**
   * 0-based pixel coordinates of sky directions given as unit vectors in `frame` (rotated into
   * the WCS's own by `frameRotation`), for CAR, TAN and SIN without the angles (native-vectors.ts):
   * the binning of many events. False for the other projections and for the precise twin
   * (callers then go through `worldToPix`). Within ~1e-12 pixel of worldToPix's, not its last bit.
   */
  vectorsToPix(v: NativeVectors, frameRotation: number[][], outX: Float64Array, outY: Float64Array): boolean {
    if (!this.hasVectorPath) return false;
    const toNative = this.nativeToCelestialMatrix(); // orthogonal: its transpose is the inverse
    const m = new Float64Array(9);
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++)
        m[3 * r + c] =
          toNative[0][r] * frameRotation[0][c] +
          toNative[1][r] * frameRotation[1][c] +
          toNative[2][r] * frameRotation[2][c];
    const linear = { crpix: this.params.crpix, cdelt: this.params.cdelt, pc: this.pc };
    return vectorsToPixels(this.projection, m, linear, v, outX, outY);
  }

  /** 0-based pixel coordinates of world coordinates (deg); NaN where they do not project. */
  worldToPix(
    lon: ArrayLike<number>,
    lat: ArrayLike<number>,
    outX = new Float64Array(lon.length),
    outY = new Float64Array(lon.length),
  ): { x: Float64Array; y: Float64Array } {
    this.worldToPixOffsets(lon, lat, outX, outY);
    const { crpix } = this.params;
    for (let i = 0; i < outX.length; i++) {
      outX[i] = outX[i] + crpix[0] - 1;
      outY[i] = outY[i] + crpix[1] - 1;
    }
    return { x: outX, y: outY };
  }

  /**
   * World coordinates' pixel coordinates before the reference pixel is added: worldToPix gives
   * (offset + CRPIX) − 1, in that order. Grids that differ only by a whole-pixel shift of the
   * reference pixel (cutouts of one grid) share the offsets.
   */
  worldToPixOffsets(
    lon: ArrayLike<number>,
    lat: ArrayLike<number>,
    outX = new Float64Array(lon.length),
    outY = new Float64Array(lon.length),
  ): { x: Float64Array; y: Float64Array } {
    const { cdelt } = this.params;
    const inv = this.pcInverse;
    const native = new Float64Array(2);
    const plane = new Float64Array(2);
    for (let i = 0; i < lon.length; i++) {
      this.rotation.toNative(lon[i], lat[i], native);
      this.proj.fromNative(native[0], native[1], plane);
      const ix = plane[0] / cdelt[0];
      const iy = plane[1] / cdelt[1];
      outX[i] = inv[0][0] * ix + inv[0][1] * iy;
      outY[i] = inv[1][0] * ix + inv[1][1] * iy;
    }
    return { x: outX, y: outY };
  }

  // (single points in Float64Arrays like all others: the loops above then see one array type)
  pixToWorld1(x: number, y: number): [number, number] {
    const { lon, lat } = this.pixToWorld(Float64Array.of(x), Float64Array.of(y));
    return [lon[0], lat[0]];
  }

  worldToPix1(lon: number, lat: number): [number, number] {
    const { x, y } = this.worldToPix(Float64Array.of(lon), Float64Array.of(lat));
    return [x[0], y[0]];
  }

  /** Equal projection, frame and parameters within an absolute tolerance. */
  equals(other: Wcs2D, tolerance = 1e-6): boolean {
    const close = (a: readonly number[], b: readonly number[]) => a.every((v, i) => Math.abs(v - b[i]) <= tolerance);
    return close(this.crpix, other.crpix) && this.equalsBesidesCrpix(other, tolerance);
  }

  /**
   * `equals` but for the reference pixel: the same grid shifted (LONPOLE and LATPOLE, which
   * wcslib resolves from CRVAL and the projection, do not depend on it).
   */
  equalsBesidesCrpix(other: Wcs2D, tolerance = 1e-6): boolean {
    const close = (a: readonly number[], b: readonly number[]) => a.every((v, i) => Math.abs(v - b[i]) <= tolerance);
    return (
      this.params.ctype[0] === other.params.ctype[0] &&
      this.params.ctype[1] === other.params.ctype[1] &&
      close(this.crval, other.crval) &&
      close(this.cdelt, other.cdelt) &&
      close(this.pc.flat(), other.pc.flat()) &&
      close([this.lonpole, this.latpole], [other.lonpole, other.latpole])
    );
  }

  /** The header cards astropy's `WCS.to_header()` writes for a gammapy geometry. */
  headerCards(): HeaderCardLike[] {
    const { ctype, crval, crpix, cdelt } = this.params;
    const cards: HeaderCardLike[] = [
      { key: "WCSAXES", value: 2, comment: "Number of coordinate axes" },
      { key: "CRPIX1", value: crpix[0], comment: "Pixel coordinate of reference point" },
      { key: "CRPIX2", value: crpix[1], comment: "Pixel coordinate of reference point" },
    ];
    if (this.params.pc) {
      const pc = this.params.pc;
      cards.push(
        { key: "PC1_1", value: pc[0][0], comment: "Coordinate transformation matrix element" },
        { key: "PC1_2", value: pc[0][1], comment: "Coordinate transformation matrix element" },
        { key: "PC2_1", value: pc[1][0], comment: "Coordinate transformation matrix element" },
        { key: "PC2_2", value: pc[1][1], comment: "Coordinate transformation matrix element" },
      );
    }
    cards.push(
      { key: "CDELT1", value: cdelt[0], comment: "[deg] Coordinate increment at reference point" },
      { key: "CDELT2", value: cdelt[1], comment: "[deg] Coordinate increment at reference point" },
      { key: "CUNIT1", value: "deg", comment: "Units of coordinate increment and value" },
      { key: "CUNIT2", value: "deg", comment: "Units of coordinate increment and value" },
      { key: "CTYPE1", value: ctype[0] },
      { key: "CTYPE2", value: ctype[1] },
      { key: "CRVAL1", value: crval[0], comment: "[deg] Coordinate value at reference point" },
      { key: "CRVAL2", value: crval[1], comment: "[deg] Coordinate value at reference point" },
      { key: "LONPOLE", value: this.lonpole, comment: "[deg] Native longitude of celestial pole" },
      { key: "LATPOLE", value: this.latpole, comment: "[deg] Native latitude of celestial pole" },
      { key: "MJDREF", value: 0.0, comment: "[d] MJD of fiducial time" },
    );
    if (this.frame === "icrs") cards.push({ key: "RADESYS", value: "ICRS", comment: "Equatorial coordinate system" });
    return cards;
  }

  /** Read the two celestial axes from a FITS header accessor (missing keys use FITS defaults). */
  static fromHeader(get: (key: string) => unknown, context = "header"): Wcs2D {
    const str = (key: string): string => {
      const v = get(key);
      if (typeof v !== "string") throw new Error(`${context}: WCS keyword ${key} missing or not a string`);
      return v;
    };
    const num = (key: string, fallback?: number): number => {
      const v = get(key);
      if (v === undefined || v === null) {
        if (fallback === undefined) throw new Error(`${context}: WCS keyword ${key} missing`);
        return fallback;
      }
      const n = typeof v === "bigint" ? Number(v) : v;
      if (typeof n !== "number" || !Number.isFinite(n))
        throw new Error(`${context}: WCS keyword ${key} is not a number (${String(v)})`);
      return n;
    };
    const opt = (key: string): number | undefined => (get(key) === undefined ? undefined : num(key));
    const hasPc = ["PC1_1", "PC1_2", "PC2_1", "PC2_2"].some((k) => get(k) !== undefined);
    const hasCd = get("CD1_1") !== undefined;
    let cdelt: [number, number] = [num("CDELT1", 1), num("CDELT2", 1)];
    let pc: WcsParams["pc"];
    if (hasCd) {
      // A CD matrix is CDELT = 1 with the CD elements as PC (FITS paper I).
      pc = [
        [num("CD1_1", 0), num("CD1_2", 0)],
        [num("CD2_1", 0), num("CD2_2", 0)],
      ];
      cdelt = [1, 1];
    } else if (hasPc) {
      pc = [
        [num("PC1_1", 1), num("PC1_2", 0)],
        [num("PC2_1", 0), num("PC2_2", 1)],
      ];
    }
    return new Wcs2D({
      ctype: [str("CTYPE1"), str("CTYPE2")],
      crval: [num("CRVAL1", 0), num("CRVAL2", 0)],
      crpix: [num("CRPIX1", 0), num("CRPIX2", 0)],
      cdelt,
      pc,
      lonpole: opt("LONPOLE"),
      latpole: opt("LATPOLE"),
    });
  }
}

function frameOf(ctype1: string, ctype2: string): Frame {
  const lon = ctype1.slice(0, 4).replace(/-/g, "");
  const lat = ctype2.slice(0, 4).replace(/-/g, "");
  if (lon === "RA" && lat === "DEC") return parseFrame("icrs");
  if (lon === "GLON" && lat === "GLAT") return parseFrame("galactic");
  throw new Error(`WCS: unsupported celestial axes '${ctype1}', '${ctype2}' (need RA/DEC or GLON/GLAT)`);
}
