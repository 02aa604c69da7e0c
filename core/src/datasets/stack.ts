import { WcsNDMap, type MapData, type WcsGeom } from "../maps/index.js";
import { copyRun } from "../maps/map.js";
import { convert } from "../units/index.js";
import { defaultComputeCache } from "../utils/compute-cache.js";
import { pixelToIndex } from "../utils/interpolation/index.js";
import { tunedPaths } from "../utils/kernel-paths.js";

// Compute-cache namespaces: which mask pixel each pixel of a grid takes (by the two grids'
// keys), and the mask grid's pixel offsets of a parent grid's centres (by the parents' keys).
const MASK_PIXELS = "mask pixels";
const MASK_PIXEL_OFFSETS = "mask pixel offsets";

/**
 * A boolean mask re-projected onto another geometry's pixels (nearest; outside → false).
 * The IRF grids' pixel centres lie exactly on mask pixel edges, so the choice of neighbour
 * is made by rounding: with correctly rounded WCS trigonometry it is gammapy's (wcslib's).
 */
export function maskOnGeom(mask: WcsNDMap, geom: WcsGeom): WcsNDMap {
  const out = WcsNDMap.fromGeom(geom.toImage(), { dtype: "bool" });
  if (!mask.geom.isImage || !tunedPaths()) {
    const { lon, lat } = geom.precise().imageCoord("center");
    const idx = mask.geom.precise().coordToIdx({ lon, lat, frame: geom.frame });
    const values = mask.getByIdx(idx);
    for (let i = 0; i < values.length; i++) out.data[i] = values[i] ? 1 : 0; // NaN (outside) → false
    return out;
  }
  // which mask pixel each pixel of `geom` takes depends on the two grids only: cached (the
  // keys of the geometries as given suffice, the mapping is always the precise one)
  const key = `${geom.gridKey} ${mask.geom.gridKey}`;
  const cache = defaultComputeCache();
  let flat = cache.get<Int32Array>(MASK_PIXELS, key);
  if (!flat) {
    flat = windowedMaskPixels(mask.geom, geom);
    if (!flat) {
      const { lon, lat } = geom.precise().imageCoord("center");
      flat = mask.geom.flatIndex(mask.geom.precise().coordToIdx({ lon, lat, frame: geom.frame }));
    }
    cache.set(MASK_PIXELS, key, flat, flat.byteLength);
  }
  const data = mask.data;
  for (let i = 0; i < flat.length; i++) out.data[i] = flat[i] >= 0 && data[flat[i]] ? 1 : 0; // outside → false
  return out;
}

/**
 * A mask with non-spatial axes re-projected plane by plane onto another geometry's pixels, as
 * `maskOnGeom` (gammapy's `mask_safe.interp_to_geom` for a kernel map's weights): a bool map on
 * `geom`'s image with the mask's non-spatial axes.
 */
export function maskCubeOnGeom(mask: WcsNDMap, geom: WcsGeom): WcsNDMap {
  const image = mask.geom.toImage(); // keeps a cutout's window: the cached pixel mapping applies
  const n = image.imageSize;
  const out = WcsNDMap.fromGeom(geom.toImage().toCube(mask.geom.axes), { dtype: "bool" });
  const m = geom.imageSize;
  for (let p = 0; p < mask.data.length / n; p++) {
    const plane = new WcsNDMap(image, mask.data.subarray(p * n, (p + 1) * n), mask.unit, mask.dtype);
    out.data.set(maskOnGeom(plane, geom).data, p * m);
  }
  return out;
}

/**
 * maskOnGeom's pixel mapping for two cutouts (of a mask grid and of an IRF grid), from their
 * parents' (kept per parent pair): runs with other pointings have other cutouts, and each new
 * pair would otherwise cost correctly rounded transforms of every IRF pixel. A cutout's pixels
 * have their parent's sky positions bit for bit, and the mask grid's pixel coordinates are
 * (offset + CRPIX) − 1 with offsets shared by the cutouts of one grid (Wcs2D.worldToPixOffsets):
 * so the coordinates, and their rounding, are the direct computation's. Undefined when the
 * grids are not such cutouts. `maskGeom` is an image (maskOnGeom's cached branch).
 */
function windowedMaskPixels(maskGeom: WcsGeom, geom: WcsGeom): Int32Array | undefined {
  const maskWindow = maskGeom.gridWindow;
  const window = geom.gridWindow;
  if (!maskWindow || !window || maskGeom.frame !== geom.frame) return undefined;
  const parent = window.parent;
  const maskParent = maskWindow.parent;
  const key = `${parent.gridKey} ${maskParent.gridKey}`;
  const cache = defaultComputeCache();
  let offsets = cache.get<[Float64Array, Float64Array]>(MASK_PIXEL_OFFSETS, key);
  if (!offsets) {
    const { lon, lat } = parent.precise().imageCoord("center");
    const { x, y } = maskParent.precise().wcs.worldToPixOffsets(lon, lat);
    offsets = cache.set(MASK_PIXEL_OFFSETS, key, [x, y], x.byteLength + y.byteLength);
  }
  const [offsetX, offsetY] = offsets;
  const [crpixX, crpixY] = maskGeom.wcs.crpix;
  const flat = new Int32Array(geom.imageSize);
  for (let iy = 0; iy < geom.ny; iy++) {
    for (let ix = 0; ix < geom.nx; ix++) {
      const p = (iy + window.y0) * parent.nx + ix + window.x0;
      const x = pixelToIndex(offsetX[p] + crpixX - 1, maskGeom.nx);
      const y = pixelToIndex(offsetY[p] + crpixY - 1, maskGeom.ny);
      flat[iy * geom.nx + ix] = x < 0 || y < 0 ? -1 : y * maskGeom.nx + x;
    }
  }
  return flat;
}

/** Multiply (or divide) IRF-map planes by the exposure plane of the same true energy. */
function scaleByExposure(irf: WcsNDMap, exposure: WcsNDMap, divide: boolean): void {
  const n = irf.geom.imageSize;
  const perEnergy = irf.data.length / exposure.data.length; // bins of the squashed axis per energy
  const data = irf.data;
  const exp = exposure.data;
  for (let p = 0; p < data.length / n; p++) {
    const e = Math.floor(p / perEnergy) * n;
    if (divide) divideRow(data, p * n, exp, e, n);
    else multiplyRow(data, p * n, exp, e, n);
  }
}

function multiplyRow(data: MapData, at: number, exp: MapData, e: number, n: number): void {
  for (let i = 0; i < n; i++) data[at + i] *= exp[e + i];
}

function divideRow(data: MapData, at: number, exp: MapData, e: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = data[at + i] / exp[e + i];
    data[at + i] = Number.isFinite(v) ? v : 0;
  }
}

/**
 * Stack an IRF map weighted by exposure (gammapy's `IRFMap.stack`):
 * irf = (irf·exposure + other·other_exposure·weights) / (exposure + other_exposure·weights).
 * `other` is added over the overlap directly, without an intermediate weighted copy. `weights`
 * (on `otherIrf`'s image) hold one plane, or one per bin of the IRF's fastest axis (a kernel
 * map's reconstructed energies): plane p of the IRF then takes weight plane p mod their number,
 * and the exposure the weights OR-ed over their planes (gammapy's `reduce(..., logical_or)`).
 */
export function stackIrfMap(
  irf: WcsNDMap,
  exposure: WcsNDMap,
  otherIrf: WcsNDMap,
  otherExposure: WcsNDMap,
  weights?: WcsNDMap,
): void {
  const on = otherIrf.geom.imageSize;
  const perEnergy = otherIrf.data.length / otherExposure.data.length;
  const target = irf.data;
  const source = otherIrf.data;
  const otherExp = otherExposure.data;
  const w = weights?.data;
  const weightPlanes = weights ? weights.data.length / weights.geom.imageSize : 1;
  const exposureWeights = weights && weightPlanes > 1 ? weights.sumOverAxes() : weights;
  // units as gammapy's Map.stack converts them (a run's PSF map is in deg⁻², the stack in sr⁻¹)
  const unitFactor = (from: string, to: string) => (from === to ? 1 : convert(1, from, to));
  const factor = unitFactor(otherIrf.unit, irf.unit) * unitFactor(otherExposure.unit, exposure.unit);
  const n = irf.geom.imageSize;
  if (
    tunedPaths() &&
    (target instanceof Float32Array || target instanceof Float64Array) &&
    (source instanceof Float32Array || source instanceof Float64Array) &&
    exposure.geom.toImage().equals(irf.geom.toImage()) &&
    otherExposure.geom.toImage().equals(otherIrf.geom.toImage()) &&
    irf.data.length / n === otherIrf.data.length / on &&
    exposure.data.length / n === otherExposure.data.length / on &&
    Number.isInteger(perEnergy)
  ) {
    // one pass over the map (multiply, add, divide), with the same roundings as the three
    // passes below (fround: the float32 stores); the planes of one true energy (perEnergy
    // of them) share its exposure plane. Where `other` covers part of the map (a cutout of
    // its grid), its planes are first laid onto the map's pixels, zero outside.
    const { index, rows } = overlapPixels(irf, otherIrf);
    const covered = n === on && index.every((j, i) => j === i);
    const before = exposure.data.slice();
    exposure.stack(otherExposure, exposureWeights);
    const after = exposure.data;
    const fused = target instanceof Float32Array ? fusedStackFloat32 : fusedStackFloat64;
    const pixels = new Float64Array(4 * n);
    const laid = covered ? undefined : new (source.constructor as Float64ArrayConstructor)(n);
    for (let e = 0; e < otherExp.length / on; e++) {
      packPixels(pixels, otherExp, before, after, e * n, e * on, index, w);
      for (let p = e * perEnergy; p < (e + 1) * perEnergy; p++) {
        if (laid) layPlane(laid, source, p * on, rows);
        if (weightPlanes > 1) packWeights(pixels, index, w!, (p % weightPlanes) * on);
        (fused as typeof fusedStackFloat64)(
          target as Float64Array,
          p * n,
          laid ?? source,
          laid ? 0 : p * on,
          pixels,
          n,
          factor,
        );
      }
    }
    return;
  }
  scaleByExposure(irf, exposure, false);
  irf.overlapRows(otherIrf, (selfStart, otherStart, length, plane) => {
    const pixel = otherStart - plane * on; // position within the other map's image plane
    const expStart = Math.floor(plane / perEnergy) * on + pixel;
    const weightPixel = pixel + (plane % weightPlanes) * on;
    addWeightedRow(target, selfStart, source, otherStart, otherExp, expStart, length, factor, w, weightPixel);
  });
  exposure.stack(otherExposure, exposureWeights);
  scaleByExposure(irf, exposure, true);
}

/**
 * For each pixel of `map`'s image, the pixel of `other`'s image over it, −1 where none (equal
 * grids or a cutout of one grid); and the overlap's rows: [start in map, start in other, length].
 */
function overlapPixels(map: WcsNDMap, other: WcsNDMap): { index: Int32Array; rows: number[][] } {
  const index = new Int32Array(map.geom.imageSize).fill(-1);
  const rows: number[][] = [];
  const image = (m: WcsNDMap) => WcsNDMap.fromGeom(m.geom.toImage(), { dtype: "bool" });
  image(map).overlapRows(image(other), (selfStart, otherStart, length) => {
    for (let k = 0; k < length; k++) index[selfStart + k] = otherStart + k;
    rows.push([selfStart, otherStart, length]);
  });
  return { index, rows };
}

/**
 * One plane of `other` (from source[from]) onto the map's pixels, row by row (a native copy
 * each: no loop of ours that would run uncompiled in a process's first partial stack); the
 * pixels outside the overlap stay 0 from the array's creation.
 */
function layPlane(out: Float64Array, source: MapData, from: number, rows: number[][]): void {
  for (const [at, start, length] of rows) copyRun(out, at, source, from + start, length);
}

/** target[t + i] += source[s + i]·exposure[e + i]·factor (non-finite → 0) × w[p + i]. */
function addWeightedRow(
  target: MapData,
  t: number,
  source: MapData,
  s: number,
  exposure: MapData,
  e: number,
  n: number,
  factor: number,
  w: MapData | undefined,
  p: number,
): void {
  for (let i = 0; i < n; i++) {
    let v = source[s + i] * exposure[e + i] * factor;
    if (!Number.isFinite(v)) v = 0;
    if (w) v *= w[p + i];
    target[t + i] += v;
  }
}

/**
 * The per-pixel values of one true energy side by side, (other exposure, exposure before,
 * exposure after, weight) for each pixel of the map (other exposure and weight 0 where
 * `other` does not cover it): the fused kernels then read one array for them instead of
 * four (V8 checks each typed array read in a loop every time round).
 */
function packPixels(
  out: Float64Array,
  otherExp: MapData,
  before: MapData,
  after: MapData,
  e: number,
  oe: number,
  index: Int32Array,
  w: MapData | undefined,
): void {
  for (let i = 0; i < index.length; i++) {
    const j = index[i];
    out[4 * i] = j < 0 ? 0 : otherExp[oe + j];
    out[4 * i + 1] = before[e + i];
    out[4 * i + 2] = after[e + i];
    out[4 * i + 3] = j < 0 ? 0 : w ? w[j] : 1; // (v × 1 = v: no weights)
  }
}

/** The weights of one plane (from w[from], on the other map's image) into `packPixels`' slots. */
function packWeights(out: Float64Array, index: Int32Array, w: MapData, from: number): void {
  for (let i = 0; i < index.length; i++) {
    const j = index[i];
    out[4 * i + 3] = j < 0 ? 0 : w[from + j];
  }
}

/**
 * One plane of `stackIrfMap` on equal grids, float32 target: irf·exposure, plus the other
 * map (from source[from]) × its exposure × factor (non-finite → 0) × weight, over the
 * stacked exposure (non-finite → 0); `pixels` as `packPixels` makes them.
 */
function fusedStackFloat32(
  target: Float32Array,
  at: number,
  source: MapData,
  from: number,
  pixels: Float64Array,
  n: number,
  factor: number,
): void {
  for (let i = 0; i < n; i++) {
    const added = source[from + i] * pixels[4 * i] * factor;
    const v = (Number.isFinite(added) ? added : 0) * pixels[4 * i + 3];
    const q = Math.fround(Math.fround(target[at + i] * pixels[4 * i + 1]) + v) / pixels[4 * i + 2];
    target[at + i] = Number.isFinite(q) ? q : 0;
  }
}

/** `fusedStackFloat32` for a float64 target (no intermediate rounding). */
function fusedStackFloat64(
  target: Float64Array,
  at: number,
  source: MapData,
  from: number,
  pixels: Float64Array,
  n: number,
  factor: number,
): void {
  for (let i = 0; i < n; i++) {
    const added = source[from + i] * pixels[4 * i] * factor;
    const v = (Number.isFinite(added) ? added : 0) * pixels[4 * i + 3];
    const q = (target[at + i] * pixels[4 * i + 1] + v) / pixels[4 * i + 2];
    target[at + i] = Number.isFinite(q) ? q : 0;
  }
}
