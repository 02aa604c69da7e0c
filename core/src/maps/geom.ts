import type { Frame } from "../coords/index.js";
import {
  frameRotation,
  SkyCoord,
  separationFromVectors,
  skyVectors,
  transformFrame,
  type UnitVectors,
  unitVectors,
} from "../coords/index.js";
import { parseQuantity } from "../units/index.js";
import type { MapAxis } from "./axis/index.js";
import { MapCoord, type MapCoordInput } from "./coord.js";
import { overlapSlice, type CutoutMode, type CutoutSlices } from "./cutout.js";
import { defaultComputeCache, exactKey } from "../utils/compute-cache.js";
import { tunedPaths } from "../utils/kernel-paths.js";
import { solidAngleFromCorners } from "./solid-angle.js";
import { Wcs2D, type WcsParams } from "./wcs/index.js";
import { pixelsToIndices, pixelToIndex, rintHalfEven } from "../utils/interpolation/index.js";

export type Projection = "CAR" | "TAN" | "SIN" | "AIT";
/** An angle in degrees, or a string with a unit ("5 deg", "30 arcmin"). */
export type AngleInput = number | string;
export type PairInput<T> = T | [T, T];

export interface WcsGeomCreateOptions {
  skydir?: SkyCoord | [number, number];
  width?: PairInput<AngleInput>;
  binsz?: PairInput<AngleInput>;
  npix?: PairInput<number>;
  frame?: Frame;
  /** v0.15's name for the frame: "CEL" (icrs) or "GAL" (galactic). */
  coordsys?: "CEL" | "GAL";
  proj?: Projection;
  /** Reference pixel, 1-based like FITS CRPIX; default the map centre. */
  refpix?: [number, number];
  axes?: MapAxis[];
}

/** Pixel coordinates ordered (x, y, a0, a1, …); NaN where undefined. */
export type PixCoord = Float64Array[];
/** Integer indices ordered (x, y, a0, a1, …); -1 where outside. */
export type IdxCoord = Int32Array[];

const MAX_PIXELS = 2 ** 31 - 1;

// Compute-cache namespaces of the per-grid arrays, keyed by `gridKey` (and the centre): a
// run's cutouts, its counts and exposure geometries, and successive runs repeat the grids.
const GRID_CENTERS = "grid pixel centres";
const GRID_SOLID_ANGLES = "grid solid angles";
const GRID_SEPARATIONS = "grid separations";
const GRID_CENTERS_IN_FRAME = "grid pixel centres in another frame";
const GRID_VECTORS = "grid pixel unit vectors";

/** A WCS sky geometry with optional non-spatial axes, gammapy's `WcsGeom`. */
export class WcsGeom {
  readonly npix: readonly [number, number];
  readonly axes: readonly MapAxis[];
  private imageCoordCache?: { lon: Float64Array; lat: Float64Array };
  private solidAngleCache?: Float64Array;
  private preciseTwin?: WcsGeom;
  /**
   * For a cutout (or crop) lying wholly inside the geometry it was cut from: that geometry
   * and the cutout's first pixel in it. Pixel (x, y) here is pixel (x + x0, y + y0) there,
   * with bit-identical sky positions (the reference pixels differ by whole pixels, so the
   * offsets from them are the same exact numbers): per-pixel arrays are copied, not recomputed.
   */
  private window?: { parent: WcsGeom; x0: number; y0: number };
  private gridKeyCache?: string;
  private centerCache?: SkyCoord;
  /** Geometries are immutable: the image of this one, made once (its own caches then last). */
  private imageCache?: WcsGeom;

  constructor(
    readonly wcs: Wcs2D,
    npix: readonly [number, number],
    axes: readonly MapAxis[] = [],
  ) {
    const [nx, ny] = npix;
    if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 1 || ny < 1) {
      throw new Error(`WcsGeom: npix must be positive integers, got (${nx}, ${ny})`);
    }
    const names = axes.map((a) => a.name.toLowerCase());
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw new Error(`WcsGeom: duplicate axis name '${duplicate}'`);
    this.npix = [nx, ny];
    this.axes = axes;
    const size = this.size;
    if (size > MAX_PIXELS) {
      throw new Error(`WcsGeom: ${this.dataShape.join("×")} = ${size} pixels is too large (limit ${MAX_PIXELS})`);
    }
  }

  /**
   * This geometry with correctly rounded WCS trigonometry (see `Wcs2D.precise`): for mapping
   * one grid onto another whose pixel centres fall on its pixel edges, as gammapy does.
   */
  precise(): WcsGeom {
    if (this.wcs.isPrecise) return this;
    if (!this.preciseTwin) {
      this.preciseTwin = new WcsGeom(this.wcs.precise(), this.npix, this.axes);
      // a cutout's twin is a cutout of the parent's twin
      if (this.window) this.preciseTwin.window = { ...this.window, parent: this.window.parent.precise() };
    }
    return this.preciseTwin;
  }

  static create(options: WcsGeomCreateOptions = {}): WcsGeom {
    const frame = resolveFrame(options);
    const proj = options.proj ?? "CAR";
    const [binszLon, binszLat] = pairOf(options.binsz ?? 0.5).map((v) => angleDeg(v, "binsz"));
    if (!(binszLon > 0 && binszLat > 0 && Number.isFinite(binszLon) && Number.isFinite(binszLat)))
      throw new Error(`WcsGeom.create: binsz must be a positive angle, got ${binszLon}, ${binszLat} deg`);
    let npix: [number, number];
    if (options.npix !== undefined) {
      npix = pairOf(options.npix);
    } else {
      const [wLon, wLat] = pairOf(options.width ?? [360, 180]).map((v) => angleDeg(v, "width"));
      npix = [rintHalfEven(wLon / binszLon), rintHalfEven(wLat / binszLat)];
      // Checked before any pixel array exists: a tiny binsz must not become a huge allocation.
      const size = npix[0] * npix[1];
      if (!(npix[0] >= 1 && npix[1] >= 1) || size > MAX_PIXELS)
        throw new Error(
          `WcsGeom.create: a width of ${wLon} × ${wLat} deg at ${binszLon} × ${binszLat} deg pixels gives ` +
            `${npix[0]} × ${npix[1]} pixels, ${size > MAX_PIXELS ? `too large (limit ${MAX_PIXELS})` : "none"}`,
        );
    }
    const skydir = resolveSkydir(options.skydir, frame);
    const refpix = options.refpix ?? [(npix[0] + 1) / 2, (npix[1] + 1) / 2];
    const wcs = new Wcs2D({
      ctype: ctypesFor(frame, proj),
      crval: skydir,
      crpix: refpix,
      cdelt: [-binszLon, binszLat],
    });
    return new WcsGeom(wcs, npix, options.axes ?? []);
  }

  get frame(): Frame {
    return this.wcs.frame;
  }

  get projection(): Projection {
    return this.wcs.projection as Projection;
  }

  get nx(): number {
    return this.npix[0];
  }

  get ny(): number {
    return this.npix[1];
  }

  get isImage(): boolean {
    return this.axes.length === 0;
  }

  /** Array shape in C order: (n_last, …, n_a0, ny, nx). */
  get dataShape(): number[] {
    return [...this.axes.map((a) => a.nbin).reverse(), this.ny, this.nx];
  }

  /** Non-spatial shape in axis order (n_a0, n_a1, …). */
  get shapeAxes(): number[] {
    return this.axes.map((a) => a.nbin);
  }

  /** Number of pixels of one image plane. */
  get imageSize(): number {
    return this.nx * this.ny;
  }

  /** Total number of bins. */
  get size(): number {
    return this.axes.reduce((n, a) => n * a.nbin, this.nx * this.ny);
  }

  get axesNames(): string[] {
    return this.axes.map((a) => a.name);
  }

  get pixelScales(): [number, number] {
    return [Math.abs(this.wcs.cdelt[0]), Math.abs(this.wcs.cdelt[1])];
  }

  /** Nominal width (deg) along lon and lat. */
  get width(): [number, number] {
    const [sx, sy] = this.pixelScales;
    return [sx * this.nx, sy * this.ny];
  }

  get isAllsky(): boolean {
    const [wLon, wLat] = this.width;
    return Math.abs(wLon - 360) < 1e-8 && Math.abs(wLat - 180) < 1e-8;
  }

  get centerPix(): number[] {
    return [(this.nx - 1) / 2, (this.ny - 1) / 2, ...this.axes.map((a) => (a.nbin - 1) / 2)];
  }

  get centerSkydir(): SkyCoord {
    if (!this.centerCache) {
      const [lon, lat] = this.wcs.pixToWorld1((this.nx - 1) / 2, (this.ny - 1) / 2);
      this.centerCache = new SkyCoord(lon, lat, this.frame);
    }
    return this.centerCache;
  }

  axisByName(name: string): MapAxis {
    const axis = this.axes.find((a) => a.name.toLowerCase() === name.toLowerCase());
    if (!axis) throw new Error(`WcsGeom: no axis named '${name}' (axes: ${this.axesNames.join(", ") || "none"})`);
    return axis;
  }

  axisIndex(name: string): number {
    return this.axes.indexOf(this.axisByName(name));
  }

  // ---- conversions -------------------------------------------------------------------

  /** Pixel coordinates of map coordinates (non-spatial axes matched by name). */
  coordToPix(input: MapCoordInput | MapCoord | SkyCoord): PixCoord {
    const coord = MapCoord.create(input).toFrame(this.frame);
    const { x, y } = this.wcs.worldToPix(coord.lon, coord.lat);
    const pix: PixCoord = [x, y];
    for (const axis of this.axes) {
      const values = coord.axis(axis.name);
      if (!values) throw new Error(`WcsGeom.coordToPix: missing coordinate for axis '${axis.name}'`);
      pix.push(axis.coordToPix(values));
    }
    return pix;
  }

  /** Map coordinates (lon/lat in the geometry frame, axis values) of pixel coordinates. */
  pixToCoord(pix: readonly ArrayLike<number>[]): MapCoord {
    const { lon, lat } = this.wcs.pixToWorld(pix[0], pix[1]);
    const axes = new Map<string, Float64Array>();
    this.axes.forEach((axis, i) => axes.set(axis.name.toLowerCase(), axis.pixToCoord(Float64Array.from(pix[2 + i]))));
    return new MapCoord(lon, lat, axes, this.frame);
  }

  /** Round pixel coordinates half-to-even; -1 where outside the map or not finite. */
  pixToIdx(pix: readonly ArrayLike<number>[], clip = false): IdxCoord {
    // gammapy clips spatial indices to [0, n] but axis indices to [0, n-1].
    const spatial = [this.nx, this.ny].map((n, dim) => pixelsToIndices(pix[dim], n, clip, n));
    return [...spatial, ...this.axes.map((axis, i) => axis.pixToIdx(pix[2 + i], clip))];
  }

  coordToIdx(input: MapCoordInput | MapCoord | SkyCoord, clip = false): IdxCoord {
    return this.pixToIdx(this.coordToPix(input), clip);
  }

  /**
   * Flat data index (C order) of map coordinates, -1 outside: `flatIndex(coordToIdx(input))`
   * without the per-dimension index arrays (filling a map with events).
   */
  coordToFlatIdx(input: MapCoordInput | MapCoord | SkyCoord): Int32Array {
    return this.flatIndexOfPix(this.coordToPix(input));
  }

  /** Flat data indices of pixel coordinates (rounded as `pixToIdx`), -1 outside. */
  private flatIndexOfPix(pix: PixCoord): Int32Array {
    const dims = [this.nx, this.ny, ...this.axes.map((a) => a.nbin)];
    const flat = new Int32Array(pix[0].length);
    let stride = 1;
    for (let d = 0; d < dims.length; d++) {
      addFlatIndex(flat, pix[d], dims[d], stride);
      stride *= dims[d];
    }
    return flat;
  }

  /**
   * `coordToFlatIdx` of events: sky positions (deg) in `frame` (float32 values: see
   * `transformFrame`) and each axis's values by name. On CAR, TAN and SIN the positions go to
   * pixels as unit vectors (`skyVectors`, `Wcs2D.vectorsToPix`: ~40 instead of ~130 ns an event
   * on a galactic grid, no frame's angles in between); the pixel coordinates are then within
   * ~1e-12 of the angles' route, which bins differently only an event that close to a pixel
   * edge. Other projections, and the reference paths, take `coordToFlatIdx`.
   */
  eventFlatIdx(events: {
    lon: ArrayLike<number>;
    lat: ArrayLike<number>;
    frame: Frame;
    float32LonLat?: boolean;
    axes: Record<string, ArrayLike<number>>;
  }): Int32Array {
    const { lon, lat, frame } = events;
    const n = lon.length;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    // astropy rounds float32 angles' radians only when it transforms them to another frame
    const vectors =
      tunedPaths() && this.wcs.hasVectorPath
        ? skyVectors(lon, lat, { float32: frame !== this.frame && events.float32LonLat === true })
        : undefined;
    if (!vectors || !this.wcs.vectorsToPix(vectors, frameRotation(frame, this.frame), x, y)) {
      const input: MapCoordInput = { lon, lat, frame, float32LonLat: events.float32LonLat, ...events.axes };
      return this.coordToFlatIdx(input);
    }
    const pix: PixCoord = [x, y];
    for (const axis of this.axes) {
      const values = events.axes[axis.name];
      if (!values) throw new Error(`WcsGeom.eventFlatIdx: missing coordinate for axis '${axis.name}'`);
      pix.push(axis.coordToPix(values));
    }
    return this.flatIndexOfPix(pix);
  }

  /** True where all indices of a coordinate are inside the map. */
  contains(input: MapCoordInput | MapCoord | SkyCoord): Uint8Array {
    const flat = this.coordToFlatIdx(input);
    const out = new Uint8Array(flat.length);
    for (let i = 0; i < out.length; i++) out[i] = flat[i] !== -1 ? 1 : 0;
    return out;
  }

  /** Flat data index (C order) of per-dimension indices; -1 if any is -1. */
  flatIndex(idx: IdxCoord, out = new Int32Array(idx[0].length)): Int32Array {
    const dims = [this.nx, this.ny, ...this.axes.map((a) => a.nbin)];
    for (let i = 0; i < out.length; i++) {
      let flat = 0;
      let stride = 1;
      for (let d = 0; d < dims.length; d++) {
        const v = idx[d][i];
        if (v < 0) {
          flat = -1;
          break;
        }
        flat += v * stride;
        stride *= dims[d];
      }
      out[i] = flat;
    }
    return out;
  }

  /**
   * Identity of the image grid (WCS parameters, trigonometry, shape): geometries with equal
   * keys have bit-identical pixel positions, so per-grid arrays are shared between them.
   */
  get gridKey(): string {
    // (−0 kept apart from 0: it can change the sign of a zero result)
    this.gridKeyCache ??= JSON.stringify([this.wcs.params, this.wcs.isPrecise, this.npix], (_, v) =>
      Object.is(v, -0) ? "-0" : v,
    );
    return this.gridKeyCache;
  }

  /**
   * Sky positions (deg, geometry frame) of pixel centres or edges of one image plane (cached for centres; do not
   * modify).
   */
  imageCoord(mode: "center" | "edges" = "center"): { lon: Float64Array; lat: Float64Array; nx: number; ny: number } {
    if (mode === "center") {
      this.imageCoordCache ??= this.keptPerPixel(
        GRID_CENTERS,
        this.gridKey,
        (parent) => parent.imageCoordCentres(),
        () => this.pixelWorld(0, this.nx, this.ny),
      );
      return { ...this.imageCoordCache, nx: this.nx, ny: this.ny };
    }
    return { ...this.pixelWorld(-0.5, this.nx + 1, this.ny + 1), nx: this.nx + 1, ny: this.ny + 1 };
  }

  /** The pixel centres' lon and lat arrays alone (`imageCoord("center")` without the shape). */
  private imageCoordCentres(): { lon: Float64Array; lat: Float64Array } {
    const { lon, lat } = this.imageCoord("center");
    return { lon, lat };
  }

  /**
   * The pixel centres in `frame`: the grid's own (`imageCoord`), or transformed and kept per
   * grid like them (a background in RA/Dec FoV coordinates on a galactic grid transformed the
   * same grid again for every pointing); a window's come from its parent's. Read only.
   */
  imageCoordIn(frame: Frame): { lon: Float64Array; lat: Float64Array } {
    if (frame === this.frame) return this.imageCoord("center");
    // a window's pixel centres are its parent's, bit for bit: so are their transforms
    return this.keptPerPixel(
      GRID_CENTERS_IN_FRAME,
      `${frame} ${this.gridKey}`,
      (parent) => parent.imageCoordIn(frame),
      () => {
        const { lon, lat } = this.imageCoord("center");
        return transformFrame(lon, lat, this.frame, frame);
      },
    );
  }

  /**
   * Unit vectors of the pixel centres in `frame` (x towards lon 0, z towards the pole), kept
   * per grid like the centres (a window's cut from its parent's): separations and offset
   * frames of every pixel from a pointing are then a rotation or a dot product each, where
   * the angles needed four sines and cosines per pixel and pointing. Read only.
   */
  imageVectorsIn(frame: Frame): UnitVectors {
    return this.keptPerPixel(
      GRID_VECTORS,
      `${frame} ${this.gridKey}`,
      (parent) => parent.imageVectorsIn(frame),
      () => unitVectors(this.imageCoordIn(frame)),
    );
  }

  /**
   * Per-pixel arrays kept in the compute cache under (namespace, key): a window's are cut
   * from its parent's (`ofParent`), others computed.
   */
  private keptPerPixel<T extends Record<string, Float64Array>>(
    namespace: string,
    key: string,
    ofParent: (parent: WcsGeom) => T,
    compute: () => T,
  ): T {
    const cache = defaultComputeCache();
    const shared = cache.get<T>(namespace, key);
    if (shared) return shared;
    const parent = this.windowParent("center");
    let values: T;
    if (parent) {
      const whole = ofParent(parent);
      values = Object.fromEntries(Object.entries(whole).map(([k, v]) => [k, this.fromParent(v)])) as T;
    } else values = compute();
    const bytes = Object.values(values).reduce((n, v) => n + v.byteLength, 0);
    return cache.set(namespace, key, values, bytes);
  }

  /** Sky positions of the nx × ny pixel grid starting at pixel (offset, offset). */
  private pixelWorld(offset: number, nx: number, ny: number): { lon: Float64Array; lat: Float64Array } {
    const x = new Float64Array(nx * ny);
    const y = new Float64Array(nx * ny);
    for (let iy = 0; iy < ny; iy++) {
      for (let ix = 0; ix < nx; ix++) {
        x[iy * nx + ix] = ix + offset;
        y[iy * nx + ix] = iy + offset;
      }
    }
    return this.wcs.pixToWorld(x, y);
  }

  /** Solid angle (sr) of each pixel of one image plane, (ny, nx) row-major; cached (do not modify). */
  solidAngle(): Float64Array {
    if (!this.solidAngleCache) {
      const cache = defaultComputeCache();
      const shared = cache.get<Float64Array>(GRID_SOLID_ANGLES, this.gridKey);
      if (shared) this.solidAngleCache = shared;
      else {
        const parent = this.windowParent("solid angle");
        if (parent) this.solidAngleCache = this.fromParent(parent.solidAngle());
        else {
          const { lon, lat } = this.imageCoord("edges");
          this.solidAngleCache = solidAngleFromCorners(lon, lat, this.nx, this.ny);
        }
        cache.set(GRID_SOLID_ANGLES, this.gridKey, this.solidAngleCache, this.solidAngleCache.byteLength);
      }
    }
    return this.solidAngleCache;
  }

  /** Angular distance (deg) of every pixel centre from `center`, (ny, nx) row-major (a new array). */
  separation(center: SkyCoord): Float64Array {
    const c = center.transformTo(this.frame);
    const key = `${exactKey(c.lon)} ${exactKey(c.lat)} ${this.gridKey}`;
    const cache = defaultComputeCache();
    const shared = cache.get<Float64Array>(GRID_SEPARATIONS, key);
    if (shared) return shared.slice();
    const out = separationFromVectors(c.lon, c.lat, this.imageVectorsIn(this.frame));
    cache.set(GRID_SEPARATIONS, key, out.slice(), out.byteLength);
    return out;
  }

  // ---- derived geometries ------------------------------------------------------------

  toImage(): WcsGeom {
    if (this.isImage) return this;
    if (this.imageCache) return this.imageCache;
    const image = new WcsGeom(this.wcs, this.npix);
    if (this.window) image.window = { ...this.window, parent: this.window.parent.toImage() };
    this.imageCache = image;
    return image;
  }

  /**
   * The grid this one is an exact window of (a cutout: its pixels are the parent's from
   * (x0, y0) on, with bit-identical sky positions), or undefined.
   */
  get gridWindow(): { readonly parent: WcsGeom; readonly x0: number; readonly y0: number } | undefined {
    return this.window;
  }

  toCube(axes: readonly MapAxis[]): WcsGeom {
    return new WcsGeom(this.wcs, this.npix, [...this.axes, ...axes]);
  }

  /** The same geometry with other non-spatial axes. */
  withAxes(axes: readonly MapAxis[]): WcsGeom {
    return new WcsGeom(this.wcs, this.npix, axes);
  }

  squash(axisName: string): WcsGeom {
    const index = this.axisIndex(axisName);
    return this.withAxes(this.axes.map((a, i) => (i === index ? a.squash() : a)));
  }

  dropAxis(axisName: string): WcsGeom {
    const index = this.axisIndex(axisName);
    return this.withAxes(this.axes.filter((_, i) => i !== index));
  }

  /**
   * A geometry around the same centre with an odd number of pixels per side, as wide as
   * 2 × `maxRadius` (deg; default the widest side), rounded up to odd (gammapy `to_odd_npix`):
   * the shape of a convolution kernel.
   */
  toOddNpix(maxRadius?: number): WcsGeom {
    return WcsGeom.create({
      skydir: this.centerSkydir,
      binsz: Math.max(...this.pixelScales),
      npix: this.oddNpix(maxRadius),
      proj: this.projection,
      frame: this.frame,
      axes: [...this.axes],
    });
  }

  /** The side (pixels) of `toOddNpix(maxRadius)`. */
  oddNpix(maxRadius?: number): number {
    const width = maxRadius === undefined ? Math.max(...this.width) : 2 * maxRadius;
    return Math.floor(Math.ceil(width / Math.max(...this.pixelScales)) / 2) * 2 + 1;
  }

  /** Same centre and nominal width with another pixel size (gammapy `to_binsz`). */
  toBinsz(binsz: PairInput<AngleInput>): WcsGeom {
    return WcsGeom.create({
      skydir: this.centerSkydir,
      binsz,
      width: this.width,
      proj: this.projection,
      frame: this.frame,
      axes: [...this.axes],
    });
  }

  upsample(factor: number, axisName?: string): WcsGeom {
    if (axisName !== undefined) {
      const index = this.axisIndex(axisName);
      return this.withAxes(this.axes.map((a, i) => (i === index ? a.upsample(factor) : a)));
    }
    return this.resampled(1 / factor, [this.nx * factor, this.ny * factor]);
  }

  downsample(factor: number, axisName?: string): WcsGeom {
    if (axisName !== undefined) {
      const index = this.axisIndex(axisName);
      return this.withAxes(this.axes.map((a, i) => (i === index ? a.downsample(factor) : a)));
    }
    if (this.nx % factor !== 0 || this.ny % factor !== 0) {
      throw new Error(`WcsGeom.downsample: spatial shape (${this.nx}, ${this.ny}) not divisible by ${factor}`);
    }
    return this.resampled(factor, [this.nx / factor, this.ny / factor]);
  }

  pad(width: PairInput<number>): WcsGeom {
    const [wx, wy] = pairOf(width);
    return this.shifted([wx, wy], [this.nx + 2 * wx, this.ny + 2 * wy]);
  }

  crop(width: PairInput<number>): WcsGeom {
    const [wx, wy] = pairOf(width);
    return this.shifted([-wx, -wy], [this.nx - 2 * wx, this.ny - 2 * wy]);
  }

  /**
   * Cutout around `position` of `width` (deg or angle strings; lon, lat), following
   * gammapy 1.0 (astropy `Cutout2D`): sizes rounded half-to-even with at least one
   * pixel; mode "trim" keeps only the part inside this geometry.
   */
  cutout(position: SkyCoord, width: PairInput<AngleInput>, mode: CutoutMode = "trim", oddNpix = false): WcsGeom {
    const [wLon, wLat] = pairOf(width).map((v) => angleDeg(v, "width"));
    const [sx, sy] = this.pixelScales;
    // astropy's Cutout2D pairs the y size with the x pixel scale and vice versa
    // (identical for square pixels); the evaluation order follows gammapy's. With `oddNpix`
    // gammapy passes whole pixel counts, rounded up to odd, which Cutout2D takes as they are.
    const roundUpToOdd = (f: number) => Math.floor(Math.ceil(f) / 2) * 2 + 1;
    const nxWanted = oddNpix ? roundUpToOdd(Math.max(wLon / sx, 1)) : rintHalfEven((Math.max(wLon / sx, 1) * sx) / sy);
    const nyWanted = oddNpix ? roundUpToOdd(Math.max(wLat / sy, 1)) : rintHalfEven((Math.max(wLat / sy, 1) * sy) / sx);
    const pos = position.transformTo(this.frame);
    const [px, py] = this.wcs.worldToPix1(pos.lon, pos.lat);
    const xs = overlapSlice(this.nx, nxWanted, px, mode);
    const ys = overlapSlice(this.ny, nyWanted, py, mode);
    const npix: [number, number] =
      mode === "trim" ? [xs.large.stop - xs.large.start, ys.large.stop - ys.large.start] : [nxWanted, nyWanted];
    return this.shifted([-(xs.large.start - xs.small.start), -(ys.large.start - ys.small.start)], npix);
  }

  /**
   * Slices relating this geometry (a cutout) to an aligned `parent`: where this geometry's
   * centre falls in the parent, in astropy `overlap_slices` terms; (y, x) order.
   */
  cutoutSlices(parent: WcsGeom, mode: CutoutMode = "partial"): CutoutSlices {
    const center = this.centerSkydir.transformTo(parent.frame);
    const [px, py] = parent.wcs.worldToPix1(center.lon, center.lat);
    const xs = overlapSlice(parent.nx, this.nx, px, mode);
    const ys = overlapSlice(parent.ny, this.ny, py, mode);
    return { parent: [ys.large, xs.large], cutout: [ys.small, xs.small] };
  }

  // ---- comparisons -------------------------------------------------------------------

  /** Same shape, equal axes and equal WCS within `tolerance` (gammapy `==`). */
  equals(other: WcsGeom, tolerance = 1e-6): boolean {
    if (this.dataShape.join() !== other.dataShape.join()) return false;
    return this.axesEqual(other) && this.wcs.equals(other.wcs, tolerance);
  }

  /** Equal axes and WCS up to an integer shift of the reference pixel (cutouts of one grid). */
  isAligned(other: WcsGeom, tolerance = 1e-6): boolean {
    if (!this.axesEqual(other)) return false;
    const dx = this.wcs.crpix[0] - other.wcs.crpix[0];
    const dy = this.wcs.crpix[1] - other.wcs.crpix[1];
    const integral = (d: number) => Math.abs(d - Math.round(d)) <= tolerance;
    if (!integral(dx) || !integral(dy)) return false;
    return this.wcs.equalsBesidesCrpix(other.wcs, tolerance);
  }

  private axesEqual(other: WcsGeom): boolean {
    return this.axes.length === other.axes.length && this.axes.every((a, i) => a.equals(other.axes[i]));
  }

  private shifted(crpixShift: [number, number], npix: [number, number]): WcsGeom {
    const [cx, cy] = this.wcs.crpix;
    const geom = new WcsGeom(this.wcs.withCrpix(cx + crpixShift[0], cy + crpixShift[1]), npix, this.axes);
    const [x0, y0] = [-crpixShift[0], -crpixShift[1]];
    const inside = x0 >= 0 && y0 >= 0 && x0 + npix[0] <= this.nx && y0 + npix[1] <= this.ny;
    // whole-pixel shifts of a reference pixel of modest size are exact: the sky positions agree bit for bit
    const exact =
      Number.isInteger(x0) && Number.isInteger(y0) && geom.wcs.crpix[0] === cx - x0 && geom.wcs.crpix[1] === cy - y0;
    if (inside && exact && geom.wcs.isPrecise === this.wcs.isPrecise)
      geom.window = {
        parent: this.window?.parent ?? this,
        x0: x0 + (this.window?.x0 ?? 0),
        y0: y0 + (this.window?.y0 ?? 0),
      };
    return geom;
  }

  /**
   * The parent grid to copy per-pixel arrays from: when it already has them, or when it is
   * not much larger (a small cutout of an all-sky map computes its own).
   */
  private windowParent(what: "center" | "solid angle"): WcsGeom | undefined {
    const parent = this.window?.parent;
    if (!parent) return undefined;
    const cached = what === "center" ? parent.imageCoordCache : parent.solidAngleCache;
    return cached || parent.imageSize <= 4 * this.imageSize ? parent : undefined;
  }

  /** The part of a per-pixel array of the window's parent grid that this geometry covers. */
  private fromParent(values: Float64Array): Float64Array {
    const { parent, x0, y0 } = this.window!;
    const out = new Float64Array(this.imageSize);
    for (let j = 0; j < this.ny; j++)
      out.set(values.subarray((y0 + j) * parent.nx + x0, (y0 + j) * parent.nx + x0 + this.nx), j * this.nx);
    return out;
  }

  private resampled(factor: number, npix: [number, number]): WcsGeom {
    const p = this.wcs.params;
    const wcs = new Wcs2D({
      ...p,
      cdelt: [p.cdelt[0] * factor, p.cdelt[1] * factor],
      crpix: [(p.crpix[0] - 0.5) / factor + 0.5, (p.crpix[1] - 0.5) / factor + 0.5],
    } satisfies WcsParams);
    return new WcsGeom(wcs, npix, this.axes);
  }

  toString(): string {
    const c = this.centerSkydir;
    const [w0, w1] = this.width;
    return [
      "WcsGeom",
      "",
      `\taxes       : ${["lon", "lat", ...this.axesNames].join(", ")}`,
      `\tshape      : (${[this.nx, this.ny, ...this.shapeAxes].join(", ")})`,
      `\tndim       : ${2 + this.axes.length}`,
      `\tframe      : ${this.frame}`,
      `\tprojection : ${this.projection}`,
      `\tcenter     : ${c.lon.toFixed(1)} deg, ${c.lat.toFixed(1)} deg`,
      `\twidth      : ${w0.toFixed(1)} deg x ${w1.toFixed(1)} deg`,
      `\twcs ref    : ${this.wcs.crval[0].toFixed(1)} deg, ${this.wcs.crval[1].toFixed(1)} deg`,
    ].join("\n");
  }
}

/** flat += (`pixToIdx` rounding of pix)·stride, point by point; -1 once any dimension is outside. */
function addFlatIndex(flat: Int32Array, pix: Float64Array, n: number, stride: number): void {
  for (let i = 0; i < flat.length; i++) {
    if (flat[i] < 0) continue;
    const idx = pixelToIndex(pix[i], n);
    flat[i] = idx < 0 ? -1 : flat[i] + idx * stride;
  }
}

function resolveFrame(options: WcsGeomCreateOptions): Frame {
  if (options.frame && options.coordsys) {
    const implied = options.coordsys === "GAL" ? "galactic" : "icrs";
    if (implied !== options.frame)
      throw new Error(`WcsGeom.create: frame '${options.frame}' contradicts coordsys '${options.coordsys}'`);
  }
  if (options.frame) return options.frame;
  if (options.coordsys === "GAL") return "galactic";
  if (options.coordsys === undefined || options.coordsys === "CEL") return "icrs";
  throw new Error(`WcsGeom.create: unknown coordsys '${String(options.coordsys)}' (use "CEL" or "GAL")`);
}

function resolveSkydir(skydir: WcsGeomCreateOptions["skydir"], frame: Frame): [number, number] {
  if (skydir === undefined) return [0, 0];
  if (skydir instanceof SkyCoord) {
    const c = skydir.transformTo(frame);
    return [c.lon, c.lat];
  }
  return [skydir[0], skydir[1]];
}

function ctypesFor(frame: Frame, proj: Projection): [string, string] {
  const [lon, lat] = frame === "galactic" ? ["GLON", "GLAT"] : ["RA", "DEC"];
  return [`${lon.padEnd(4, "-")}-${proj}`, `${lat.padEnd(4, "-")}-${proj}`];
}

function pairOf<T>(value: PairInput<T>): [T, T] {
  return Array.isArray(value) ? [value[0], value[1]] : [value, value];
}

/** Degrees from a number (deg) or an angle string with a unit. */
export function angleDeg(value: AngleInput, what: string): number {
  const deg = typeof value === "number" ? value : parseQuantity(value, "deg").to("deg").value;
  if (!Number.isFinite(deg)) throw new Error(`${what} must be a finite angle, got '${value}'`);
  return deg;
}
