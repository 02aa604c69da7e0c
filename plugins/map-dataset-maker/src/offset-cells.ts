import { exactKey, scaleFor, type ComputeCache, type MapAxis, type SkyCoord, type WcsGeom } from "@gammaflow/core";
import { findCell } from "@gammaflow/core/internals";

// The offset table's cells: where each coordinate falls on an IRF axis (node, weight,
// inside/outside/NaN), and each pixel's offset cell, cached per grid and pointing.

/** Whether an interpolation weight interpolates (else it extrapolates, or is NaN). */
export function interpolates(t: number): boolean {
  return t >= 0 && t <= 1;
}

/** Categories of a coordinate for the fill rules: within its axis' edges, outside them, NaN. */
export const INSIDE = 0;
const OUTSIDE = 1;
const NAN = 2;
export const CATEGORIES = 3;

/**
 * Interpolation cells of values on one IRF axis, found as the grid interpolator finds them
 * (in the axis' scale, the end cells extrapolating beyond the end nodes): flat offset of the
 * lower node, offset to the upper one (0 on a one-node axis), weight of the upper one, and
 * each value's category.
 */
export interface AxisCells {
  lower: Int32Array;
  upper: Int32Array;
  frac: Float64Array;
  category: Uint8Array;
}

/** A 2-d IRF's missing other axis: one value on one node. */
export const SINGLE_NODE: AxisCells = {
  lower: new Int32Array(1),
  upper: new Int32Array(1),
  frac: new Float64Array(1),
  category: new Uint8Array(1),
};

export function axisCells(axis: MapAxis, stride: number, values: ArrayLike<number>): AxisCells {
  const scale = scaleFor(axis.interp);
  const isLin = scale === scaleFor("lin");
  const grid = new Float64Array(axis.center);
  if (!isLin) for (let k = 0; k < grid.length; k++) grid[k] = scale.forward(grid[k]);
  const lo = axis.edges[0];
  const hi = axis.edges[axis.nbin];
  const n = values.length;
  const cells: AxisCells = {
    lower: new Int32Array(n),
    upper: new Int32Array(n),
    frac: new Float64Array(n),
    category: new Uint8Array(n),
  };
  const { lower, upper, frac, category } = cells;
  // the previous value's cell first: pixels' offsets change smoothly
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    category[i] = v >= lo && v <= hi && v - v === 0 ? INSIDE : v === v ? OUTSIDE : NAN;
    if (grid.length < 2) continue; // one node: its value everywhere
    const x = isLin ? v : scale.forward(v);
    if (!(grid[k] <= x && x < grid[k + 1])) k = findCell(grid, x);
    lower[i] = k * stride;
    upper[i] = stride;
    frac[i] = (x - grid[k]) / (grid[k + 1] - grid[k]);
  }
  return cells;
}

/**
 * Kinds of pixels: between the outer offset nodes, beyond them but within the axis' edges,
 * outside the edges, NaN offset; the fill rules see the first two alike.
 */
export const BETWEEN = 0;
export const KINDS = 4;
export const CATEGORY_OF = [INSIDE, INSIDE, OUTSIDE, NAN];

/**
 * Each pixel's offset cell (node index, weight of the next node), and the runs of pixels of
 * each kind as [start, end) pairs: an image's pixels are a few hundred runs, so that each
 * kind is computed in loops without branches, and filled pixels are not computed at all.
 */
export interface PixelCells {
  node: Int32Array;
  frac: Float64Array;
  runs: Int32Array[];
}

export function pixelCells(offsetAxis: MapAxis, offsets: ArrayLike<number>): PixelCells {
  const cells = axisCells(offsetAxis, 1, offsets);
  const kind = new Uint8Array(offsets.length);
  for (let i = 0; i < kind.length; i++) {
    const category = cells.category[i];
    kind[i] = category !== INSIDE ? category + 1 : interpolates(cells.frac[i]) ? BETWEEN : BETWEEN + 1;
  }
  return { node: cells.lower, frac: cells.frac, runs: Array.from({ length: KINDS }, (_, k) => runsOf(kind, k)) };
}

/** `pixelCells` of an image's offsets from a pointing, through `cache` (shared arrays: do not modify). */
export function imagePixelCells(
  offsetAxis: MapAxis,
  geom: WcsGeom,
  pointing: SkyCoord,
  cache: ComputeCache,
): PixelCells {
  const nodes = `${offsetAxis.interp} ${exactKeys(offsetAxis.center)} ${exactKeys(offsetAxis.edges)}`;
  const key = `${pointing.frame} ${exactKeys([pointing.lon, pointing.lat])} ${geom.gridKey} ${nodes}`;
  const shared = cache.get<PixelCells>(OFFSET_CELLS, key);
  if (shared) return shared;
  const cells = pixelCells(offsetAxis, geom.separation(pointing));
  const bytes = cells.runs.reduce((n, r) => n + r.byteLength, cells.node.byteLength + cells.frac.byteLength);
  return cache.set(OFFSET_CELLS, key, cells, bytes);
}

/** The compute-cache namespace of images' offset cells (by pointing, grid and offset nodes). */
const OFFSET_CELLS = "irf offset cells";

/** Numbers as a key, exactly (−0 kept apart from 0). */
export function exactKeys(values: ArrayLike<number>): string {
  return Array.from(values, exactKey).join(",");
}

/** The runs of `flags` equal to `value`, as [start, end) pairs. */
function runsOf(flags: Uint8Array, value: number): Int32Array {
  // into a typed array (at most one run per two flags): an array's push, first reached after
  // V8 has compiled the loop, would throw that code away
  const runs = new Int32Array(flags.length + 2);
  let count = 0;
  let start = -1;
  for (let i = 0; i <= flags.length; i++) {
    const inRun = i < flags.length && flags[i] === value;
    if (inRun && start < 0) start = i;
    else if (!inRun && start >= 0) {
      runs[count++] = start;
      runs[count++] = i;
      start = -1;
    }
  }
  return runs.slice(0, count);
}
