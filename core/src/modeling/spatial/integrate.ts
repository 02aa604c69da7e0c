import { NoOverlapError, type WcsGeom } from "../../maps/index.js";
import type { SpatialModel } from "./spatial-model.js";

/** gammapy's cap on the oversampling factor (MAX_OVERSAMPLING). */
export const MAX_OVERSAMPLING = 200;

/**
 * The factor gammapy 1.0's `integrate_geom` oversamples by: ⌈pixel scale / evaluation bin size⌉
 * (the larger pixel scale), at most MAX_OVERSAMPLING; MAX_OVERSAMPLING for a bin size of 0,
 * 1 without one.
 */
export function oversamplingFactorFor(model: SpatialModel, geom: WcsGeom): number {
  const binSize = model.evaluationBinSizeMin;
  if (binSize === undefined) return 1;
  if (!(binSize > 0)) return MAX_OVERSAMPLING;
  const pixScale = Math.max(...geom.pixelScales);
  return Math.min(Math.ceil(pixScale / binSize), MAX_OVERSAMPLING);
}

// The upsampled values: one array reused between calls (integration runs in the fit loop);
// an exceptionally large one is not kept.
let work = new Float64Array(0);
const WORK_KEEP = 1 << 22;

function workArray(n: number): Float64Array {
  if (work.length < n) work = new Float64Array(n);
  return work;
}

/**
 * gammapy 1.0's `SpatialModel.integrate_geom` on a WCS geometry: the flux fraction per pixel of
 * the image, (ny, nx) row-major.
 *
 * Without oversampling: sr⁻¹ at the pixel centres × the pixel solid angles. With a factor f > 1:
 * a cutout around the position, 2 × max(evaluation radius, pixel scale) wide (the whole image
 * for models without a radius), upsampled f times; the values there / f² summed over each
 * pixel's f × f sub-pixels (non-finite ones as 0), × the solid angle; 0 outside the cutout.
 * gammapy adds the sums into a float32 map: they are rounded to float32 here too (in the unit
 * gammapy evaluates in), so that the numbers, not just their precision, match.
 */
export function integrateSpatialModel(model: SpatialModel, geom: WcsGeom, oversamplingFactor?: number): Float64Array {
  const image = geom.toImage();
  const factor = oversamplingFactor ?? oversamplingFactorFor(model, image);
  if (!Number.isInteger(factor) || factor < 1)
    throw new Error(`integrateGeom: the oversampling factor must be a positive integer, got ${factor}`);
  if (model.isEnergyDependent) return integrateEnergyDependent(model, geom, factor);
  const out = new Float64Array(image.imageSize);
  if (factor === 1) model.evaluateGeomInto(image, out);
  else if (!accumulateOversampled(model, image, factor, out)) return out;
  const solidAngle = image.solidAngle();
  for (let i = 0; i < out.length; i++) out[i] *= solidAngle[i];
  return out;
}

/**
 * An energy-dependent model (a 3-D template) at the pixel centres of each true-energy plane ×
 * the solid angles. gammapy would oversample those too; no such model resolves finer than its map.
 */
function integrateEnergyDependent(model: SpatialModel, geom: WcsGeom, factor: number): Float64Array {
  if (factor !== 1) throw new Error(`integrateGeom: ${model.tag[0]} is energy dependent; it cannot be oversampled`);
  const planes = geom.axisByName("energy_true").nbin;
  const grid = geom.toImage().toCube([geom.axisByName("energy_true")]);
  const out = new Float64Array(planes * grid.imageSize);
  model.evaluateGeomInto(grid, out);
  const solidAngle = grid.solidAngle();
  for (let i = 0; i < out.length; i++) out[i] *= solidAngle[i % solidAngle.length];
  return out;
}

/** The oversampled sums into `out`; false when the model's cutout misses the image (all 0). */
function accumulateOversampled(model: SpatialModel, image: WcsGeom, factor: number, out: Float64Array): boolean {
  let region = image;
  const radius = model.evaluationRadius;
  if (radius !== undefined) {
    const width = 2 * Math.max(radius, Math.max(...image.pixelScales));
    try {
      region = image.cutout(model.position, width);
    } catch (error) {
      if (error instanceof NoOverlapError) return false;
      throw error;
    }
  }
  const upsampled = region.upsample(factor);
  const values = workArray(upsampled.imageSize);
  model.evaluateGeomInto(upsampled, values);
  const slices = region === image ? undefined : region.cutoutSlices(image);
  const [ys, xs] = slices
    ? slices.parent
    : [
        { start: 0, stop: image.ny },
        { start: 0, stop: image.nx },
      ];
  const [cys, cxs] = slices ? slices.cutout : [ys, xs];
  const f2 = factor * factor;
  const unit = model.nativeUnitToSr;
  const upNx = upsampled.nx;
  for (let j = 0; j < ys.stop - ys.start; j++) {
    const cy = cys.start + j;
    for (let i = 0; i < xs.stop - xs.start; i++) {
      const cx = cxs.start + i;
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) {
        const row = (cy * factor + dy) * upNx + cx * factor;
        for (let dx = 0; dx < factor; dx++) {
          const v = values[row + dx] / f2;
          if (v === v) sum += v;
        }
      }
      // (gammapy's stacking turns infinite sums into 0)
      const value = Number.isFinite(sum) ? (unit === 1 ? Math.fround(sum) : Math.fround(sum / unit) * unit) : 0;
      out[(ys.start + j) * image.nx + xs.start + i] = value;
    }
  }
  if (work.length > WORK_KEEP) work = new Float64Array(0);
  return true;
}
