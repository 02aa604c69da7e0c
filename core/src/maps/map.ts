import type { SkyCoord } from "../coords/index.js";
import { convert } from "../units/index.js";
import { normalizeAlongAxis, normalizedUnit } from "../utils/normalize.js";
import type { CutoutMode } from "./cutout.js";
import type { MapCoord, MapCoordInput } from "./coord.js";
import type { WcsGeom, AngleInput, IdxCoord, PairInput } from "./geom.js";
import { interpolateOnPixelGrid, type GridInterpMethod } from "./map-interp.js";
import { convolveCube, type ConvolveMethod, type Kernel } from "./map-convolve.js";
import { getRandomState, InverseCDFSampler, type RandomStateInit } from "../random/index.js";

export type MapDtype = "float32" | "float64" | "int32" | "int16" | "uint8" | "bool";
export type MapData = Float32Array | Float64Array | Int32Array | Int16Array | Uint8Array;

const ARRAY_OF: Record<MapDtype, new (n: number) => MapData> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int16: Int16Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

export interface MapOptions {
  dtype?: MapDtype;
  unit?: string;
  data?: MapData;
  meta?: Record<string, unknown>;
}

/** Bytes per value of each dtype. */
export const DTYPE_BYTES: Record<MapDtype, number> = { float32: 4, float64: 8, int32: 4, int16: 2, uint8: 1, bool: 1 };

let maxAllocationBytes = 8 * 2 ** 30;

/** The largest total a single allocation of maps may take (default 8 GiB); returns the previous limit. */
export function setMaxMapBytes(bytes: number): number {
  const previous = maxAllocationBytes;
  maxAllocationBytes = bytes;
  return previous;
}

/**
 * Refuse, before allocating anything, maps whose total size exceeds the limit; the message
 * gives each shape and the total in GiB.
 */
export function checkAllocation(
  maps: ReadonlyArray<{ geom: WcsGeom; dtype: MapDtype; name?: string }>,
  what: string,
): void {
  let total = 0;
  for (const m of maps) total += m.geom.size * DTYPE_BYTES[m.dtype];
  if (total <= maxAllocationBytes) return;
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
  const parts = maps.map((m) => `${m.name ? `${m.name} ` : ""}${m.geom.dataShape.join("×")} ${m.dtype}`).join(", ");
  throw new Error(
    `${what}: ${parts} need ${gib(total)}, more than the ${gib(maxAllocationBytes)} allowed ` +
      "(setMaxMapBytes raises the limit); use a coarser binning or a smaller region",
  );
}

function checkLength(data: MapData, geom: WcsGeom): void {
  if (data.length !== geom.size)
    throw new Error(
      `WcsNDMap: data has ${data.length} values, geometry ${geom.dataShape.join("×")} needs ${geom.size}`,
    );
}

/** Slice selection by axis name: an index drops the axis, [start, stop) keeps a sub-axis. */
export type AxisSelection = Record<string, number | [number, number]>;

/**
 * A map on a WCS geometry, gammapy's `WcsNDMap`: typed data in C order with shape
 * `geom.dataShape` (x fastest), a unit string and free-form metadata.
 */
export class WcsNDMap<D extends MapData = MapData> {
  /** The values; undefined until first read for an empty map (see `fromGeom`). */
  private values: D | undefined;
  readonly dtype: MapDtype;

  /** `data` undefined: zeros of `dtype` (then required), allocated when first read. */
  constructor(
    readonly geom: WcsGeom,
    data: D | undefined,
    public unit = "",
    dtype?: MapDtype,
    public meta: Record<string, unknown> = {},
  ) {
    if (data) checkLength(data, geom);
    else if (!dtype) throw new Error("WcsNDMap: neither data nor a dtype for its zeros");
    this.values = data;
    this.dtype = dtype ?? dtypeOf(data!);
  }

  /**
   * The values, in C order. An empty map's zeros are allocated on first read: a dataset whose
   * maps only lend their geometries (a cutout's reference, which the map maker does not fill
   * but makes new maps on) costs no memory, no zeroing and no garbage collection (the PKS
   * 2155-304 chain's references were ~10 MB a run of the ~33 MB of large arrays it allocated).
   */
  get data(): D {
    return (this.values ??= new ARRAY_OF[this.dtype](this.geom.size) as D);
  }

  set data(values: D) {
    checkLength(values, this.geom);
    this.values = values;
  }

  /** An empty (zero) map, float32 by default as in gammapy, or a map around given data. */
  static fromGeom(geom: WcsGeom, options: MapOptions = {}): WcsNDMap {
    const dtype = options.dtype ?? (options.data ? dtypeOf(options.data) : "float32");
    if (!options.data) checkAllocation([{ geom, dtype }], "WcsNDMap");
    return new WcsNDMap(geom, options.data, options.unit ?? "", dtype, { ...(options.meta ?? {}) });
  }

  copy(options: { data?: D; unit?: string } = {}): WcsNDMap<D> {
    // the copy of a map whose zeros were never read is such a map too
    const data = options.data ?? (this.values?.slice() as D | undefined);
    return new WcsNDMap(this.geom, data, options.unit ?? this.unit, this.dtype, structuredClone(this.meta));
  }

  // ---- filling ---------------------------------------------------------------------

  /**
   * Add `weights` (default 1) at integer indices; entries with any index -1 are dropped.
   * Like gammapy, the per-pixel sums are formed in double precision and then added.
   */
  fillByIdx(idx: IdxCoord, weights?: ArrayLike<number>): void {
    this.fillByFlatIdx(this.geom.flatIndex(idx), weights);
  }

  fillByCoord(coord: MapCoordInput | MapCoord, weights?: ArrayLike<number>): void {
    this.fillByFlatIdx(this.geom.coordToFlatIdx(coord), weights);
  }

  /** `fillByIdx` with flat data indices (-1: dropped). */
  private fillByFlatIdx(flat: Int32Array, weights?: ArrayLike<number>): void {
    const data = this.data;
    if (!weights) {
      // Unit weights: per-pixel integer sums are exact in any float type.
      for (let i = 0; i < flat.length; i++) if (flat[i] >= 0) data[flat[i]] += 1;
      return;
    }
    const sums = new Float64Array(data.length);
    const touched = new Uint8Array(data.length);
    for (let i = 0; i < flat.length; i++) {
      const f = flat[i];
      if (f < 0) continue;
      sums[f] += weights[i];
      touched[f] = 1;
    }
    for (let f = 0; f < data.length; f++) if (touched[f]) data[f] += sums[f];
  }

  /**
   * Fill events: sky position from `lon`/`lat` (deg, in `frame`, default icrs) and every
   * non-spatial axis from the column of the same name (case-insensitive), e.g. ENERGY.
   */
  fillEvents(events: {
    lon: ArrayLike<number>;
    lat: ArrayLike<number>;
    frame?: "icrs" | "galactic";
    columns: Record<string, ArrayLike<number>>;
    /** lon/lat hold float32 values (the event list's columns): see `transformFrame`. */
    float32LonLat?: boolean;
  }): void {
    const axes: Record<string, ArrayLike<number>> = {};
    const byName = new Map(Object.entries(events.columns).map(([k, v]) => [k.toLowerCase(), v]));
    for (const axis of this.geom.axes) {
      const column = byName.get(axis.name.toLowerCase());
      if (!column) {
        const have = [...byName.keys()].join(", ");
        throw new Error(`fillEvents: no event column for map axis '${axis.name}' (columns: ${have})`);
      }
      axes[axis.name] = column;
    }
    const { lon, lat, float32LonLat } = events;
    this.fillByFlatIdx(this.geom.eventFlatIdx({ lon, lat, frame: events.frame ?? "icrs", float32LonLat, axes }));
  }

  // ---- lookups and assignment ------------------------------------------------------

  /** Values at integer indices; NaN where an index is -1. */
  getByIdx(idx: IdxCoord): Float64Array {
    const flat = this.geom.flatIndex(idx);
    const out = new Float64Array(flat.length);
    for (let i = 0; i < flat.length; i++) out[i] = flat[i] < 0 ? NaN : this.data[flat[i]];
    return out;
  }

  getByPix(pix: readonly ArrayLike<number>[]): Float64Array {
    return this.getByIdx(this.geom.pixToIdx(pix));
  }

  getByCoord(coord: MapCoordInput | MapCoord | SkyCoord): Float64Array {
    return this.getByIdx(this.geom.coordToIdx(coord));
  }

  /** Assign `values` (a scalar or one per entry) at integer indices; -1 entries are skipped. */
  setByIdx(idx: IdxCoord, values: number | ArrayLike<number>): void {
    const flat = this.geom.flatIndex(idx);
    for (let i = 0; i < flat.length; i++) {
      if (flat[i] >= 0) this.data[flat[i]] = typeof values === "number" ? values : values[i];
    }
  }

  setByCoord(coord: MapCoordInput | MapCoord, values: number | ArrayLike<number>): void {
    this.setByIdx(this.geom.coordToIdx(coord), values);
  }

  /** Interpolate at pixel coordinates (x, y, a0, …) on the grid of bin centres. */
  interpByPix(
    pix: readonly ArrayLike<number>[],
    options: { method?: GridInterpMethod; fillValue?: number } = {},
  ): Float64Array {
    const values = interpolateOnPixelGrid(
      this.data,
      [this.geom.nx, this.geom.ny, ...this.geom.shapeAxes],
      pix,
      options.method ?? "linear",
    );
    if (options.fillValue !== undefined) {
      const flat = this.geom.flatIndex(this.geom.pixToIdx(pix));
      for (let i = 0; i < values.length; i++) {
        if (flat[i] < 0 || !Number.isFinite(values[i])) values[i] = options.fillValue;
      }
    }
    return values;
  }

  interpByCoord(
    coord: MapCoordInput | MapCoord | SkyCoord,
    options: { method?: GridInterpMethod; fillValue?: number } = {},
  ): Float64Array {
    return this.interpByPix(this.geom.coordToPix(coord), options);
  }

  /**
   * `n` coordinates drawn with the map's values as their density (gammapy 1.0's `sample_coord`):
   * a pixel by the inverse-CDF sampler, then a uniform position within it; lon/lat in the map's
   * frame, axis coordinates in the axis units.
   */
  sampleCoord(n: number, randomState: RandomStateInit = 0): MapCoord {
    return this.geom.pixToCoord(this.samplePix(n, randomState));
  }

  /** The pixel coordinates (x, y, then the axes) behind `sampleCoord`: each uniform within its pixel. */
  samplePix(n: number, randomState: RandomStateInit = 0): Float64Array[] {
    const sampler = new InverseCDFSampler(this.data, this.geom.dataShape, { randomState: getRandomState(randomState) });
    return sampler.sample(n).reverse();
  }

  // ---- reductions and slicing ------------------------------------------------------

  /** Sum of all finite values, accumulated in double precision. */
  sum(): number {
    let total = 0;
    for (let i = 0; i < this.data.length; i++) {
      const v = this.data[i];
      if (Number.isFinite(v)) total += v;
    }
    return total;
  }

  /**
   * Normalise along an axis in place (gammapy's `Map.normalize`): divide by the largest
   * cumulative integral along it (bin width × value, × 2π·rad for a "rad" axis), so that
   * the data integrate to one over the axis; the unit becomes the inverse of the axis unit
   * (squared for rad: a PSF map ends in deg⁻², as gammapy's). Non-finite results become 0.
   */
  normalize(axisName: string): void {
    const geom = this.geom;
    const a = geom.axisIndex(axisName);
    const axis = geom.axes[a];
    const isRad = axis.name.toLowerCase() === "rad";
    const inner = geom.imageSize * geom.axes.slice(0, a).reduce((p, x) => p * x.nbin, 1);
    normalizeAlongAxis(this.data, axis.nbin, inner, axis.binWidth, isRad ? axis.center : undefined);
    this.unit = normalizedUnit(isRad ? "rad" : axis.name, axis.unit);
  }

  /** Sum (or logical OR for masks) over all non-spatial axes, ignoring NaN; dtype kept. */
  sumOverAxes(keepdims = false): WcsNDMap<D> {
    const geom = keepdims ? this.geom.withAxes(this.geom.axes.map((a) => a.squash())) : this.geom.toImage();
    const out = new (this.data.constructor as new (n: number) => D)(this.geom.imageSize);
    const n = this.geom.imageSize;
    const planes = this.data.length / n;
    const isBool = this.dtype === "bool";
    if (!isBool && (this.dtype === "float32" || this.dtype === "float64")) {
      // Accumulate in double, like numpy's nansum on float32 input with pairwise sums.
      const acc = new Float64Array(n);
      for (let p = 0; p < planes; p++) {
        const base = p * n;
        for (let i = 0; i < n; i++) {
          const v = this.data[base + i];
          if (v === v) acc[i] += v;
        }
      }
      out.set(acc);
    } else if (isBool && out instanceof Uint8Array && this.data instanceof Uint8Array) {
      orPlanes(out, this.data, n, planes);
    } else {
      for (let p = 0; p < planes; p++) {
        const base = p * n;
        for (let i = 0; i < n; i++) out[i] = isBool ? out[i] | this.data[base + i] : out[i] + this.data[base + i];
      }
    }
    return new WcsNDMap(geom, out, this.unit, this.dtype, structuredClone(this.meta));
  }

  /**
   * Spatially downsampled by an integer factor (gammapy `downsample`): each block of
   * factor × factor pixels becomes the sum (`preserveCounts`, default) or the mean of its
   * finite values; dtype kept.
   */
  downsample(factor: number, preserveCounts = true): WcsNDMap<D> {
    if (!Number.isInteger(factor) || factor < 1)
      throw new Error(`downsample: factor must be a positive integer, got ${factor}`);
    if (factor === 1) return this.copy();
    const geom = this.geom.downsample(factor);
    const { nx, ny } = this.geom;
    const [mx, my] = [nx / factor, ny / factor];
    const planes = this.data.length / (nx * ny);
    const out = new (this.data.constructor as new (n: number) => D)(planes * mx * my);
    for (let p = 0; p < planes; p++) {
      for (let by = 0; by < my; by++) {
        for (let bx = 0; bx < mx; bx++) {
          let sum = 0;
          let count = 0;
          for (let y = by * factor; y < (by + 1) * factor; y++) {
            const row = (p * ny + y) * nx;
            for (let x = bx * factor; x < (bx + 1) * factor; x++) {
              const v = this.data[row + x];
              if (v === v) {
                sum += v;
                count++;
              }
            }
          }
          out[(p * my + by) * mx + bx] = preserveCounts ? sum : count ? sum / count : NaN;
        }
      }
    }
    return new WcsNDMap(geom, out, this.unit, this.dtype, structuredClone(this.meta));
  }

  /** Select bins by axis name (an index drops the axis, [start, stop) keeps a sub-axis). */
  sliceByIdx(selection: AxisSelection): WcsNDMap<D> {
    const geom = this.geom;
    const ranges = geom.axes.map((axis) => {
      const key = Object.keys(selection).find((k) => k.toLowerCase() === axis.name.toLowerCase());
      const sel = key === undefined ? undefined : selection[key];
      if (sel === undefined) return { start: 0, stop: axis.nbin, drop: false };
      if (typeof sel === "number") {
        if (!Number.isInteger(sel) || sel < 0 || sel >= axis.nbin)
          throw new Error(`sliceByIdx: index ${sel} outside axis '${axis.name}' (${axis.nbin} bins)`);
        return { start: sel, stop: sel + 1, drop: true };
      }
      const [start, stop] = sel;
      if (!(0 <= start && start < stop && stop <= axis.nbin))
        throw new Error(`sliceByIdx: [${start}, ${stop}) outside axis '${axis.name}' (${axis.nbin} bins)`);
      return { start, stop, drop: false };
    });
    const axes = geom.axes.flatMap((axis, i) => (ranges[i].drop ? [] : [axis.slice(ranges[i].start, ranges[i].stop)]));
    const outGeom = geom.withAxes(axes);
    const out = new (this.data.constructor as new (n: number) => D)(outGeom.size);
    const n = geom.imageSize;
    const counts = ranges.map((r) => r.stop - r.start);
    const planes = counts.reduce((a, b) => a * b, 1);
    const idx = new Array<number>(ranges.length).fill(0);
    for (let p = 0; p < planes; p++) {
      let src = 0;
      let stride = 1;
      for (let d = 0; d < ranges.length; d++) {
        src += (ranges[d].start + idx[d]) * stride;
        stride *= geom.axes[d].nbin;
      }
      out.set(this.data.subarray(src * n, src * n + n), p * n);
      for (let d = 0; d < idx.length && ++idx[d] === counts[d]; d++) idx[d] = 0;
    }
    return new WcsNDMap(outGeom, out, this.unit, this.dtype, structuredClone(this.meta));
  }

  /** The 2-D plane at one index per non-spatial axis (in axis order). */
  getImageByIdx(indices: readonly number[]): WcsNDMap<D> {
    const selection: AxisSelection = {};
    this.geom.axes.forEach((axis, i) => (selection[axis.name] = indices[i]));
    return this.sliceByIdx(selection);
  }

  /** Every 2-D plane with its per-axis indices (first axis fastest). */
  *iterByImage(): Generator<{ plane: D; indices: number[] }> {
    const n = this.geom.imageSize;
    const shape = this.geom.shapeAxes;
    const planes = this.data.length / n;
    const idx = new Array<number>(shape.length).fill(0);
    for (let p = 0; p < planes; p++) {
      yield { plane: this.data.subarray(p * n, p * n + n) as D, indices: [...idx] };
      for (let d = 0; d < idx.length && ++idx[d] === shape[d]; d++) idx[d] = 0;
    }
  }

  // ---- cutouts and stacking --------------------------------------------------------

  cutout(position: SkyCoord, width: PairInput<AngleInput>, mode: CutoutMode = "trim", oddNpix = false): WcsNDMap<D> {
    const geom = this.geom.cutout(position, width, mode, oddNpix);
    const out = WcsNDMap.fromGeom(geom, {
      dtype: this.dtype,
      unit: this.unit,
      meta: structuredClone(this.meta),
    }) as WcsNDMap<D>;
    out.pasteFrom(this, "from-parent");
    return out;
  }

  /** Write this map's values (a cutout of `parent`'s grid) back into `parent`. */
  pasteInto(parent: WcsNDMap): void {
    parent.pasteFrom(this, "from-cutout");
  }

  /**
   * Add `other` into this map: the whole array when geometries are equal, else the
   * overlap of an aligned cutout. Non-finite values count as zero; `other`'s unit is
   * converted to this map's; `weights` (same spatial geometry as `other`, non-spatial
   * shape equal or 1) multiply `other` first.
   */
  stack(other: WcsNDMap, weights?: WcsNDMap): void {
    const overlap = this.overlapWith(other);
    const factor = other.unit === this.unit ? 1 : convert(1, other.unit, this.unit);
    if (weights && !weights.geom.toImage().equals(other.geom.toImage())) {
      throw new Error("WcsNDMap.stack: weights and map have different spatial geometries");
    }
    const weightPlanes = weights ? weights.data.length / weights.geom.imageSize : 0;
    if (weights && weightPlanes !== 1 && weightPlanes !== other.data.length / other.geom.imageSize) {
      throw new Error(
        `WcsNDMap.stack: weights have ${weightPlanes} planes, map has ${other.data.length / other.geom.imageSize}`,
      );
    }
    const wn = other.geom.imageSize;
    const target = this.data;
    const source = other.data;
    const w = weights?.data;
    // runs visited in a plain loop, each added by a kernel specialised to the array types
    const addRun = (
      target instanceof Float32Array && source instanceof Float32Array
        ? addRowFloat32
        : target instanceof Float32Array && source instanceof Float64Array
          ? addRowFloat32From64
          : target instanceof Uint8Array && source instanceof Uint8Array
            ? addRowUint8
            : target instanceof Float64Array && source instanceof Float64Array && !w
              ? addRowFloat64
              : addRowAny
    ) as typeof addRowAny;
    const runs = this.overlapRuns(other, overlap);
    for (let r = 0; r < runs.length; r += 4) {
      const otherStart = runs[r + 1];
      // a run never crosses an image plane: its weights are one stretch of the weight plane
      const wStart = w ? (weightPlanes === 1 ? 0 : runs[r + 3] * wn) + (otherStart % wn) : 0;
      addRun(target, runs[r], source, otherStart, runs[r + 2], factor, w, wStart);
    }
  }

  /**
   * OR a mask into this one, as gammapy stacks boolean maps: over the overlap with `other`
   * (equal geometry or a cutout of the same grid) a bin becomes 1 where either map is
   * non-zero, else 0; bins outside the overlap are made 0/1 as well. Both maps hold bytes
   * (bool or uint8); units play no part.
   */
  stackMask(other: WcsNDMap): void {
    const target = this.data;
    const source = other.data;
    if (!(target instanceof Uint8Array) || !(source instanceof Uint8Array)) {
      throw new Error(`WcsNDMap.stackMask: masks hold bytes, got ${this.dtype} and ${other.dtype}`);
    }
    const overlap = this.overlapWith(other);
    // a partial overlap: first the whole mask made 0/1 (OR-ed with itself)
    if (overlap.ys[2] * overlap.xs[2] !== this.geom.imageSize) orMaskBytes(target, 0, target, 0, target.length);
    const runs = this.overlapRuns(other, overlap);
    for (let r = 0; r < runs.length; r += 4) orMaskBytes(target, runs[r], source, runs[r + 1], runs[r + 2]);
  }

  private pasteFrom(source: WcsNDMap, direction: "from-parent" | "from-cutout"): void {
    if (direction === "from-parent") {
      // `this` is the cutout: copy parent values over the overlap.
      const probe = this as WcsNDMap;
      source.forEachOverlapRow(probe, source.overlapWith(probe), (parentStart, cutoutStart, length) =>
        copyRun(probe.data, cutoutStart, source.data, parentStart, length),
      );
    } else {
      this.forEachOverlapRow(source, this.overlapWith(source), (parentStart, cutoutStart, length) =>
        copyRun(this.data, parentStart, source.data, cutoutStart, length),
      );
    }
  }

  /**
   * The spatial overlap with `other` as (start in this map, start in other, length) for y
   * and x; an error unless the geometries are equal or cutouts of one grid.
   */
  private overlapWith(other: WcsNDMap): { ys: [number, number, number]; xs: [number, number, number] } {
    const planes = this.data.length / this.geom.imageSize;
    if (
      planes !== other.data.length / other.geom.imageSize ||
      this.geom.shapeAxes.join() !== other.geom.shapeAxes.join()
    ) {
      throw new Error("WcsNDMap: maps have different non-spatial axes");
    }
    let ys: [number, number, number];
    let xs: [number, number, number];
    if (this.geom.equals(other.geom)) {
      ys = [0, 0, this.geom.ny];
      xs = [0, 0, this.geom.nx];
    } else if (this.geom.isAligned(other.geom)) {
      const s = other.geom.cutoutSlices(this.geom);
      ys = [s.parent[0].start, s.cutout[0].start, s.parent[0].stop - s.parent[0].start];
      xs = [s.parent[1].start, s.cutout[1].start, s.parent[1].stop - s.parent[1].start];
    } else {
      throw new Error("WcsNDMap: can only combine maps of equal geometry or cutouts of the same grid");
    }
    return { ys, xs };
  }

  /**
   * Visit the spatial overlap with `other` (equal geometry, or a cutout of the same grid) row
   * by row: (start in this map's data, start in `other`'s data, row length, plane index).
   */
  overlapRows(
    other: WcsNDMap,
    visit: (selfStart: number, otherStart: number, length: number, plane: number) => void,
  ): void {
    this.forEachOverlapRow(other, this.overlapWith(other), visit);
  }

  /**
   * The overlap as contiguous runs, four numbers each in one array: start in this map, start in
   * `other`, length, plane. Rows spanning the full width of both maps run on into each other, so
   * that equal geometries give one run per image plane: long loops for the kernels, and byte runs
   * that can be processed four bytes at a time. A run never crosses an image plane. (One flat
   * array, not a tuple per run: a PSF map's ~10⁵ rows made as many arrays at each stack.)
   */
  private overlapRuns(
    other: WcsNDMap,
    { ys, xs }: { ys: [number, number, number]; xs: [number, number, number] },
  ): Int32Array {
    const planes = this.data.length / this.geom.imageSize;
    const [snx, sny, onx, ony] = [this.geom.nx, this.geom.ny, other.geom.nx, other.geom.ny];
    const fullRows = xs[2] === snx && xs[2] === onx;
    const perPlane = fullRows ? (ys[2] > 0 ? 1 : 0) : ys[2];
    // small integers (a typed array holds < 2³¹ values): the kernels then index with them as such
    const runs = new Int32Array(4 * planes * perPlane);
    let r = 0;
    for (let p = 0; p < planes; p++) {
      for (let j = 0; j < ys[2]; j += fullRows ? ys[2] : 1) {
        runs[r++] = (p * sny + ys[0] + j) * snx + xs[0];
        runs[r++] = (p * ony + ys[1] + j) * onx + xs[1];
        runs[r++] = fullRows ? ys[2] * xs[2] : xs[2];
        runs[r++] = p;
      }
    }
    return runs;
  }

  /** Visit the overlap row by row: (start in this map, start in `other`, row length, plane). */
  private forEachOverlapRow(
    other: WcsNDMap,
    { ys, xs }: { ys: [number, number, number]; xs: [number, number, number] },
    visit: (selfStart: number, otherStart: number, length: number, plane: number) => void,
  ): void {
    const planes = this.data.length / this.geom.imageSize;
    const [snx, sny, onx, ony] = [this.geom.nx, this.geom.ny, other.geom.nx, other.geom.ny];
    for (let p = 0; p < planes; p++) {
      for (let j = 0; j < ys[2]; j++) {
        visit((p * sny + ys[0] + j) * snx + xs[0], (p * ony + ys[1] + j) * onx + xs[1], xs[2], p);
      }
    }
  }

  /** gammapy's printed summary of a map. */
  toString(): string {
    const g = this.geom;
    return [
      "WcsNDMap",
      "",
      "\tgeom  : WcsGeom ",
      `\taxes  : ${JSON.stringify(["lon", "lat", ...g.axesNames])
        .replace(/"/g, "'")
        .replace(/,/g, ", ")}`,
      `\tshape : (${[g.nx, g.ny, ...g.shapeAxes].join(", ")})`,
      `\tndim  : ${2 + g.axes.length}`,
      `\tunit  : ${this.unit}`,
      `\tdtype : ${this.dtype}`,
    ].join("\n");
  }

  // ---- convolution -----------------------------------------------------------------

  /**
   * Convolve every image plane with a kernel ("same" size, zero boundary): a 2-D kernel
   * for all planes, or one kernel plane per map plane. Output float32 like gammapy.
   */
  convolve(kernel: Kernel, options: { method?: ConvolveMethod } = {}): WcsNDMap<Float32Array> {
    const data = convolveCube(
      this.data,
      this.geom.nx,
      this.geom.ny,
      this.data.length / this.geom.imageSize,
      kernel,
      options.method ?? "auto",
    );
    return new WcsNDMap(this.geom, data, this.unit, "float32", structuredClone(this.meta));
  }
}

/** out[i] |= data[p·n + i] over all planes (a bool map's reduction over its axes). */
function orPlanes(out: Uint8Array, data: Uint8Array, n: number, planes: number): void {
  for (let p = 0; p < planes; p++) orBytes(out, 0, data, p * n, n);
}

// Byte runs of masks are combined four bytes at a time through Uint32Array views where both
// runs share their position within 4-byte words (always, for whole planes of fresh arrays):
// OR acts on each byte of a word on its own, so the result is the bytewise one, whatever the
// byte order. Shorter runs are not worth the two views.
const MIN_WORD_RUN = 1024;

/** Bytes before the first whole word of both runs, or `n` when the runs cannot go by words. */
function wordHead(target: Uint8Array, t: number, source: Uint8Array, s: number, n: number): number {
  const phase = (target.byteOffset + t) & 3;
  if (n < MIN_WORD_RUN || phase !== ((source.byteOffset + s) & 3)) return n;
  return (4 - phase) & 3;
}

function wordsOf(bytes: Uint8Array, at: number, words: number): Uint32Array {
  return new Uint32Array(bytes.buffer, bytes.byteOffset + at, words);
}

/** target[t + i] |= source[s + i] for i < n (bitwise). */
function orBytes(target: Uint8Array, t: number, source: Uint8Array, s: number, n: number): void {
  const head = wordHead(target, t, source, s, n);
  const words = (n - head) >> 2;
  for (let i = 0; i < head; i++) target[t + i] |= source[s + i];
  if (words > 0) orWords(wordsOf(target, t + head, words), wordsOf(source, s + head, words));
  for (let i = head + 4 * words; i < n; i++) target[t + i] |= source[s + i];
}

/**
 * target |= source word by word, four per iteration (V8 checks each typed array once per
 * iteration). The odd words go first: code after a hot loop that has never run makes V8
 * throw away the loop's optimised code when it first runs (see `addRowFloat32`).
 */
function orWords(target: Uint32Array, source: Uint32Array): void {
  const head = target.length % 4;
  for (let i = 0; i < head; i++) target[i] |= source[i];
  for (let i = head; i < target.length; i += 4) {
    target[i] |= source[i];
    target[i + 1] |= source[i + 1];
    target[i + 2] |= source[i + 2];
    target[i + 3] |= source[i + 3];
  }
}

/** target[t + i] = 1 if target[t + i] or source[s + i] is non-zero, else 0, for i < n. */
function orMaskBytes(target: Uint8Array, t: number, source: Uint8Array, s: number, n: number): void {
  const head = wordHead(target, t, source, s, n);
  const words = (n - head) >> 2;
  for (let i = 0; i < head; i++) target[t + i] = target[t + i] | source[s + i] ? 1 : 0;
  if (words > 0) orMaskWords(wordsOf(target, t + head, words), wordsOf(source, s + head, words));
  for (let i = head + 4 * words; i < n; i++) target[t + i] = target[t + i] | source[s + i] ? 1 : 0;
}

/**
 * `orMaskBytes` on four bytes at once: x = a | b, then each byte of x becomes 1 if non-zero.
 * Per byte, (x & 0x7f) + 0x7f sets bit 7 when the low seven bits are not all 0 (and never
 * carries into the next byte); OR-ing x adds its own bit 7; that bit, moved to bit 0, is the result.
 */
function orMaskWords(target: Uint32Array, source: Uint32Array): void {
  for (let i = 0; i < target.length; i++) {
    const x = target[i] | source[i];
    target[i] = ((((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) >>> 7) & 0x01010101;
  }
}

/**
 * to[at + i] = from[start + i] for i < length: a map row copied without `set(subarray(…))`,
 * whose subarray is an object per row (a cutout of a PSF map with 30 true energies: ~2000
 * planes of short rows; 17 MSH 15-52 runs made 180 MB of them).
 */
export function copyRun(to: MapData, at: number, from: MapData, start: number, length: number): void {
  for (let i = 0; i < length; i++) to[at + i] = from[start + i];
}

/**
 * One run of `WcsNDMap.stack`: target[t + i] += source[s + i]·factor (non-finite → 0) × w[ws + i].
 * Copies of one body, so that each sees a single pair of array types (fast element access).
 * With weights (as datasets are stacked), four bins per iteration, written out in the loop:
 * V8 checks each typed array once per iteration rather than once per bin, which is most of
 * the cost of such a loop; without a helper per four bins it also compiles the loop sooner (a
 * smaller graph) and runs it faster until then (no call per bin in the interpreter): a
 * process's first stack of a 250×250×11 map 13 → 9 ms, then as fast as eight bins through
 * helpers. The n % 4 odd bins go first: V8 compiles a long loop while it runs, and a loop
 * after it that has never run (no type feedback) throws that code away when reached, call
 * after call.
 */
function addRowFloat32(
  target: Float32Array,
  t: number,
  source: Float32Array,
  s: number,
  n: number,
  factor: number,
  w: MapData | undefined,
  ws: number,
): void {
  if (!w) {
    for (let i = 0; i < n; i++) target[t + i] += finiteOr0(source[s + i] * factor);
    return;
  }
  const head = n % 4;
  for (let i = 0; i < head; i++) target[t + i] += finiteOr0(source[s + i] * factor) * w[ws + i];
  for (let i = head; i < n; i += 4) {
    const a = source[s + i] * factor;
    const b = source[s + i + 1] * factor;
    const c = source[s + i + 2] * factor;
    const d = source[s + i + 3] * factor;
    target[t + i] += (Number.isFinite(a) ? a : 0) * w[ws + i];
    target[t + i + 1] += (Number.isFinite(b) ? b : 0) * w[ws + i + 1];
    target[t + i + 2] += (Number.isFinite(c) ? c : 0) * w[ws + i + 2];
    target[t + i + 3] += (Number.isFinite(d) ? d : 0) * w[ws + i + 3];
  }
}

function addRowFloat32From64(
  target: Float32Array,
  t: number,
  source: Float64Array,
  s: number,
  n: number,
  factor: number,
  w: MapData | undefined,
  ws: number,
): void {
  if (!w) {
    for (let i = 0; i < n; i++) target[t + i] += finiteOr0(source[s + i] * factor);
    return;
  }
  const head = n % 4;
  for (let i = 0; i < head; i++) target[t + i] += finiteOr0(source[s + i] * factor) * w[ws + i];
  for (let i = head; i < n; i += 4) {
    const a = source[s + i] * factor;
    const b = source[s + i + 1] * factor;
    const c = source[s + i + 2] * factor;
    const d = source[s + i + 3] * factor;
    target[t + i] += (Number.isFinite(a) ? a : 0) * w[ws + i];
    target[t + i + 1] += (Number.isFinite(b) ? b : 0) * w[ws + i + 1];
    target[t + i + 2] += (Number.isFinite(c) ? c : 0) * w[ws + i + 2];
    target[t + i + 3] += (Number.isFinite(d) ? d : 0) * w[ws + i + 3];
  }
}

function finiteOr0(v: number): number {
  return Number.isFinite(v) ? v : 0;
}

function addRowUint8(
  target: Uint8Array,
  t: number,
  source: Uint8Array,
  s: number,
  n: number,
  factor: number,
  w: MapData | undefined,
  ws: number,
): void {
  if (w) {
    for (let i = 0; i < n; i++) {
      let v = source[s + i] * factor;
      if (!Number.isFinite(v)) v = 0;
      target[t + i] += v * w[ws + i];
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = source[s + i] * factor;
      target[t + i] += Number.isFinite(v) ? v : 0;
    }
  }
}

/** Unweighted doubles into doubles: a fit's predicted counts added up at every evaluation. */
function addRowFloat64(
  target: Float64Array,
  t: number,
  source: Float64Array,
  s: number,
  n: number,
  factor: number,
): void {
  for (let i = 0; i < n; i++) target[t + i] += finiteOr0(source[s + i] * factor);
}

function addRowAny(
  target: MapData,
  t: number,
  source: MapData,
  s: number,
  n: number,
  factor: number,
  w: MapData | undefined,
  ws: number,
): void {
  if (w) {
    for (let i = 0; i < n; i++) {
      let v = source[s + i] * factor;
      if (!Number.isFinite(v)) v = 0;
      target[t + i] += v * w[ws + i];
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = source[s + i] * factor;
      target[t + i] += Number.isFinite(v) ? v : 0;
    }
  }
}

export function dtypeOf(data: MapData): MapDtype {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Int16Array) return "int16";
  return "uint8";
}
