import type { MapAxis, WcsGeom } from "../maps/index.js";

/**
 * How a PSF kernel's pixels follow from the PSF map's (energy, rad) table at a position, for
 * one kernel geometry: each kernel pixel sums `factor`² sub-pixels, each interpolated linearly
 * in rad at its distance from the centre, so the pixel is a fixed weighted sum of the table's
 * rad nodes. A fit asks for kernels at many positions on the same geometry; the sub-pixels'
 * distances and cells are found once here, where each kernel cost ~10 ms computing them again.
 */
export class PsfKernelProjection {
  /** Per kernel pixel, its first rad node and (from `offsets[k]` to `offsets[k + 1]`) the nodes' weights. */
  private readonly firstNode: Int32Array;
  private readonly offsets: Int32Array;
  private readonly weights: Float64Array;
  /**
   * Sub-pixels beyond the rad nodes (the centre before the first, the corners after the last):
   * their extrapolated values may be negative and are clipped at 0 one by one, as gammapy does.
   * Per sub-pixel: its kernel pixel, its cell's lower node and the position in the cell.
   */
  private readonly outerPixel: Int32Array;
  private readonly outerCell: Int32Array;
  private readonly outerT: Float64Array;
  /** Energy rows: the lower table row and the weight of the upper one, per kernel plane. */
  private readonly energyRow: Int32Array;
  private readonly energyWeight: Float64Array;
  /** Whether the energies lie within the table and the distances are finite (else `apply` declines). */
  readonly linear: boolean;
  /** The kernel's geometry (what downsampling the sub-pixel grid gives). */
  readonly geom: WcsGeom;

  constructor(kernelGeom: WcsGeom, factor: number, radAxis: MapAxis, energyAxis: MapAxis) {
    const upsampled = kernelGeom.upsample(factor);
    this.geom = upsampled.downsample(factor);
    const radPix = radAxis.coordToPix(upsampled.separation(kernelGeom.centerSkydir));
    const energyPix = energyAxis.coordToPix(upsampled.axisByName("energy_true").center);
    const nRad = radAxis.nbin;
    const nEnergy = energyAxis.nbin;
    let linear = nRad > 1 && nEnergy > 0;
    for (const p of radPix) if (!Number.isFinite(p)) linear = false;
    // bin centres of one axis looked up on an equal one land on the nodes within rounding
    for (const p of energyPix) if (!(p >= -ROUNDING && p <= nEnergy - 1 + ROUNDING)) linear = false;
    this.linear = linear;
    this.energyRow = new Int32Array(energyPix.length);
    this.energyWeight = new Float64Array(energyPix.length);
    energyPix.forEach((p, e) => {
      const row = nEnergy > 1 ? Math.min(Math.max(Math.floor(p), 0), nEnergy - 2) : 0;
      this.energyRow[e] = row;
      this.energyWeight[e] = nEnergy > 1 ? p - row : 0;
    });
    const { nx: ux } = upsampled;
    const { nx, ny } = this.geom;
    const n = linear ? nx * ny : 0;
    this.firstNode = new Int32Array(n);
    this.offsets = new Int32Array(n + 1);
    // sub-pixel s of kernel pixel k (row j, column i of its factor × factor block), row by row
    const subPixel = (k: number, s: number) => {
      const bx = k % nx;
      const by = (k - bx) / nx;
      const j = (s / factor) | 0;
      return radPix[(by * factor + j) * ux + bx * factor + (s - j * factor)];
    };
    const inside = (p: number) => p >= 0 && p <= nRad - 1;
    // first pass: each pixel's span of rad nodes; the sub-pixels beyond the nodes set aside
    const outer: number[][] = [[], [], []];
    const perPixel = factor * factor;
    for (let k = 0; k < n; k++) {
      let lo = nRad;
      let hi = -1;
      for (let s = 0; s < perPixel; s++) {
        const p = subPixel(k, s);
        const cell = cellOf(p, nRad);
        if (inside(p)) {
          if (cell < lo) lo = cell;
          if (cell > hi) hi = cell;
        } else {
          outer[0].push(k);
          outer[1].push(cell);
          outer[2].push(p - cell);
        }
      }
      this.firstNode[k] = hi < 0 ? 0 : lo;
      this.offsets[k + 1] = this.offsets[k] + (hi < 0 ? 0 : hi + 2 - lo);
    }
    // second pass: the weights, added in the sub-pixels' order (the same sums, bit for bit)
    const weights = new Float64Array(this.offsets[n]);
    for (let k = 0; k < n; k++) {
      const at = this.offsets[k] - this.firstNode[k];
      for (let s = 0; s < perPixel; s++) {
        const p = subPixel(k, s);
        if (!inside(p)) continue;
        const cell = cellOf(p, nRad);
        weights[at + cell] += 1 - (p - cell);
        weights[at + cell + 1] += p - cell;
      }
    }
    this.weights = weights;
    this.outerPixel = Int32Array.from(outer[0]);
    this.outerCell = Int32Array.from(outer[1]);
    this.outerT = Float64Array.from(outer[2]);
  }

  /**
   * The kernel's values (planes × pixels, not normalised) from the (energy, rad) table, or
   * undefined where the linear form does not hold: an energy beyond the table, or a negative
   * table value (the interpolated values would then need clipping at 0 one by one).
   */
  apply(table: Float64Array, nRad: number): Float64Array | undefined {
    if (!this.linear) return undefined;
    for (let i = 0; i < table.length; i++) if (!(table[i] >= 0)) return undefined;
    const n = this.firstNode.length;
    const planes = this.energyRow.length;
    const out = new Float64Array(planes * n);
    const row = new Float64Array(nRad);
    const { outerPixel, outerCell, outerT } = this;
    for (let e = 0; e < planes; e++) {
      const lower = this.energyRow[e] * nRad;
      const u = this.energyWeight[e];
      if (u === 0) row.set(table.subarray(lower, lower + nRad));
      else
        for (let r = 0; r < nRad; r++) row[r] = Math.max(0, (1 - u) * table[lower + r] + u * table[lower + nRad + r]);
      const plane = out.subarray(e * n, (e + 1) * n);
      for (let k = 0; k < n; k++) {
        const first = this.firstNode[k];
        let sum = 0;
        for (let w = this.offsets[k], r = first; w < this.offsets[k + 1]; w++, r++) sum += this.weights[w] * row[r];
        plane[k] = sum;
      }
      for (let j = 0; j < outerPixel.length; j++) {
        const cell = outerCell[j];
        const t = outerT[j];
        const value = (1 - t) * row[cell] + t * row[cell + 1];
        if (value > 0) plane[outerPixel[j]] += value;
      }
    }
    return out;
  }
}

/** How far (in pixels) an energy may lie beyond the table's end nodes and count as on them. */
const ROUNDING = 1e-9;

/** The interpolation cell (lower node) of pixel coordinate `p` on nodes 0 … n − 1. */
function cellOf(p: number, n: number): number {
  return Math.min(Math.max(Math.floor(p), 0), n - 2);
}

const SHARED_PROJECTIONS = 16;
const shared = new Map<string, PsfKernelProjection>();

/**
 * The projection for a kernel geometry, shared by every PSF map with the same rad and energy
 * axes: it depends on the geometry and axes only, not on the PSF values, and each dataset read
 * or simulated has a PSF map of its own (building it: ~5 ms of a 1e5-event sampling). The key
 * holds every number exactly, so a shared projection is the one that would have been built.
 * The last SHARED_PROJECTIONS are kept.
 */
export function sharedProjection(
  kernelGeom: WcsGeom,
  factor: number,
  radAxis: MapAxis,
  energyAxis: MapAxis,
): PsfKernelProjection {
  const axis = (a: MapAxis) => [a.name, a.unit, a.interp, a.nodeType, [...a.edges]];
  const key = JSON.stringify([
    kernelGeom.wcs.params,
    kernelGeom.dataShape,
    kernelGeom.axes.map(axis),
    factor,
    axis(radAxis),
    axis(energyAxis),
  ]);
  // (re)inserted last: the map's order is that of use, its first key the least recently used
  const projection = shared.get(key) ?? new PsfKernelProjection(kernelGeom, factor, radAxis, energyAxis);
  shared.delete(key);
  shared.set(key, projection);
  if (shared.size > SHARED_PROJECTIONS) shared.delete(shared.keys().next().value!);
  return projection;
}
