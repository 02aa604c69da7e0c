import { defaultComputeCache, estimateBytes, identityKey, Irf, scaleFor } from "@gammaflow/core";
import type { ComputeCache, Scale } from "@gammaflow/core";
import { fastExp, fastLogInverse, findCell, isPlainLog } from "@gammaflow/core/internals";
import { closedFormHolds, powerLawIntegral } from "./integrate.js";
import { integratePixelsWasm } from "./background-wasm.js";

// The background map's hot path in one pass per pixel: the log-scaled background IRF
// (energy × fov_lon × fov_lat) interpolated at every energy edge, then integrated over each
// bin in log-log. The same arithmetic, in the same order, as the general path
// (`Irf.evaluateOuter` with `logOut`, then `trapzLogLogBins` with the logarithms), so the
// results are bit for bit the same; but no [edge][pixel] arrays are written and read back,
// and pixels outside the IRF's field of view cost nothing.

/** A background IRF prepared for `integrateBackground`: node grids and values in their scales. */
export interface BackgroundTable {
  energyGrid: Float64Array;
  /**
   * The energy axis's scale (a shared object: a closure per table would make the call site in integrateBackground
   * change target between IRFs, which deoptimises it).
   */
  energyScale: Scale;
  energyEdges: [number, number];
  lonGrid: Float64Array;
  latGrid: Float64Array;
  lonEdges: [number, number];
  latEdges: [number, number];
  /** ln(max(value, tiny)), [energy][lon][lat]. */
  logValues: Float64Array;
  fill: number;
}

/** The compute-cache namespace of tables by IRF (null: the kernel does not apply to it). */
const TABLES = "background kernel tables";

/**
 * The table of a background IRF this kernel reproduces exactly: a plain `Irf` (any axis out
 * of range fills), axes energy × fov_lon × fov_lat, log values, linear fov axes, a finite
 * fill value; otherwise undefined (the general path is used). Kept in `cache` per IRF object.
 */
export function backgroundTable(bkg: Irf, cache: ComputeCache = defaultComputeCache()): BackgroundTable | undefined {
  const key = identityKey(bkg);
  let table = cache.get<BackgroundTable | null>(TABLES, key);
  if (table === undefined) {
    table = makeTable(bkg);
    cache.set(TABLES, key, table, table ? estimateBytes(table) : 0);
  }
  return table ?? undefined;
}

function makeTable(bkg: Irf): BackgroundTable | null {
  const [energy, lon, lat] = bkg.axes;
  const fill = bkg.interp.fillValue;
  const plain = Object.getPrototypeOf(bkg) === Irf.prototype;
  if (!plain || bkg.axes.length !== 3 || energy.name !== "energy" || lon.name !== "fov_lon" || lat.name !== "fov_lat")
    return null;
  if (
    bkg.interp.valuesScale !== "log" ||
    typeof fill !== "number" ||
    !Number.isFinite(fill) ||
    lon.interp !== "lin" ||
    lat.interp !== "lin"
  )
    return null;
  if (lon.nbin < 2 || lat.nbin < 2 || energy.nbin < 2) return null;
  const scale = scaleFor(energy.interp);
  const edges = (a: typeof lon): [number, number] => [a.edges[0], a.edges[a.nbin]];
  return {
    energyGrid: Float64Array.from(energy.center, (e) => scale.forward(e)),
    energyScale: scale,
    energyEdges: edges(energy),
    lonGrid: Float64Array.from(lon.center),
    latGrid: Float64Array.from(lat.center),
    lonEdges: edges(lon),
    latEdges: edges(lat),
    logValues: logClipped(bkg.data),
    fill,
  };
}

/** ln(max(v, tiny)) of every value, as gammapy's LogScale (a plain loop: `from` with a mapper is slow). */
function logClipped(values: Float64Array): Float64Array {
  const log = scaleFor("log");
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = log.forward(values[i]);
  return out;
}

/** Where each energy edge falls on the IRF's energy nodes, and the per-bin constants. */
export interface EdgeCells {
  /** Each edge's lower energy node. */
  node: Int32Array;
  /** Each edge's weight of the upper node. */
  frac: Float64Array;
  /** The lowest and highest energy node the edges interpolate between. */
  first: number;
  last: number;
  /** Per bin: its edges and 1/ln(e2/e1). */
  e1: Float64Array;
  e2: Float64Array;
  inverse: Float64Array;
  /** Per bin: the integral of the fill value (pixels outside the IRF's field of view). */
  outside: Float64Array;
}

/** Which loop runs the pixels: WebAssembly where available (the default), or JavaScript. */
export type BackgroundEngine = "wasm" | "js";

/**
 * ∫ background dE over each bin of `edges` at every pixel (fov_lon/fov_lat in deg), times
 * `pixelFactor`: [bin][pixel]. Undefined when an edge lies outside the IRF's energies (the
 * general path then applies its rules). The pixel loop runs in WebAssembly where available
 * (background-kernel.wat: the same numbers, sooner), else in JavaScript.
 */
export function integrateBackground(
  table: BackgroundTable,
  edges: ArrayLike<number>,
  fovLon: Float64Array,
  fovLat: Float64Array,
  pixelFactor: Float64Array,
  engine: BackgroundEngine = "wasm",
  cache: ComputeCache = defaultComputeCache(),
): Float64Array | undefined {
  const cells = edgeCells(table, edges);
  if (!cells) return undefined;
  const wasm = engine === "wasm" && integratePixelsWasm(table, cells, fovLon, fovLat, pixelFactor, cache);
  return wasm || integratePixels(table, cells, fovLon, fovLat, pixelFactor);
}

/**
 * Each edge's energy cell and the bins' constants; undefined when an edge lies outside the IRF's energies or the edges
 * do not increase.
 */
function edgeCells(table: BackgroundTable, edges: ArrayLike<number>): EdgeCells | undefined {
  const nEdges = edges.length;
  const [eLo, eHi] = table.energyEdges;
  for (let j = 0; j < nEdges; j++) if (!(edges[j] >= eLo && edges[j] <= eHi)) return undefined;
  // each edge's energy cell: lower node, weight of the upper one
  const g = table.energyGrid;
  const node = new Int32Array(nEdges);
  const frac = new Float64Array(nEdges);
  for (let j = 0; j < nEdges; j++) {
    const x = table.energyScale.forward(edges[j]);
    const k = findCell(g, x);
    node[j] = k;
    frac[j] = (x - g[k]) / (g[k + 1] - g[k]);
  }
  const bins = binConstants(edges);
  if (!bins.inverse.every((v) => v > 0)) return undefined; // edges not increasing
  return {
    node,
    frac,
    first: node.reduce((a, b) => Math.min(a, b), Infinity),
    last: node.reduce((a, b) => Math.max(a, b), -Infinity) + 1,
    ...bins,
    outside: bins.e1.map((e1, k) => powerLawIntegral(table.fill, table.fill, e1, bins.e2[k])),
  };
}

/** The pixel loop in JavaScript (background-kernel.wat is its WebAssembly twin). */
function integratePixels(
  table: BackgroundTable,
  cells: EdgeCells,
  fovLon: Float64Array,
  fovLat: Float64Array,
  pixelFactor: Float64Array,
): Float64Array {
  const { node, frac, first, last, outside } = cells;
  const nEdges = node.length;
  const n = fovLon.length;
  const out = new Float64Array((nEdges - 1) * n);
  const scratch = {
    planes: new Float64Array(last - first + 1),
    logs: new Float64Array(nEdges),
    values: new Float64Array(nEdges),
  };
  // t starts as a fraction: a field that held only small integers and then a double would
  // change the objects' layout under compiled code
  const lonCell = { k: 0, t: 0.5 };
  const latCell = { k: 0, t: 0.5 };
  for (let i = 0; i < n; i++) {
    const x = fovLon[i];
    const y = fovLat[i];
    if (!(x >= table.lonEdges[0] && x <= table.lonEdges[1] && y >= table.latEdges[0] && y <= table.latEdges[1])) {
      for (let k = 0; k < nEdges - 1; k++) out[k * n + i] = outside[k] * pixelFactor[i];
      continue;
    }
    cellOf(table.lonGrid, x, lonCell);
    cellOf(table.latGrid, y, latCell);
    nodePlanes(scratch.planes, table, first, last, lonCell.k, lonCell.t, latCell.k, latCell.t);
    edgeValues(scratch, node, frac, first, table.fill);
    integratePixel(out, i, n, scratch.values, scratch.logs, cells, pixelFactor[i]);
  }
  return out;
}

/** Per bin: its edges, ln(e2/e1) and its inverse. */
function binConstants(edges: ArrayLike<number>) {
  const nbin = edges.length - 1;
  const e1 = Float64Array.from({ length: nbin }, (_, k) => edges[k]);
  const e2 = Float64Array.from({ length: nbin }, (_, k) => edges[k + 1]);
  const inverse = Float64Array.from({ length: nbin }, (_, k) => 1 / Math.log(e2[k] / e1[k]));
  return { e1, e2, inverse };
}

/**
 * The grid cell of x (as the interpolator finds it: clipped to the end cells) and the weight of its upper node; `cell`
 * holds the previous answer, tried first.
 */
function cellOf(grid: Float64Array, x: number, cell: { k: number; t: number }): void {
  let k = cell.k;
  if (!(grid[k] <= x && x < grid[k + 1])) k = findCell(grid, x);
  cell.k = k;
  cell.t = (x - grid[k]) / (grid[k + 1] - grid[k]);
}

/**
 * The bilinear log value at this pixel on each energy node from `first` to `last` (the interpolator's node-plane
 * arithmetic).
 */
function nodePlanes(
  planes: Float64Array,
  table: BackgroundTable,
  first: number,
  last: number,
  k1: number,
  t1: number,
  k2: number,
  t2: number,
): void {
  const v = table.logValues;
  const u2 = 1;
  const u1 = table.latGrid.length;
  const stride0 = table.lonGrid.length * u1;
  const s2 = 1 - t2;
  for (let e = first; e <= last; e++) {
    const b = e * stride0 + k1 * u1 + k2 * u2;
    planes[e - first] = (1 - t1) * (s2 * v[b] + t2 * v[b + u2]) + t1 * (s2 * v[b + u1] + t2 * v[b + u1 + u2]);
  }
}

/**
 * Log and value at each edge: w = s0·P(node) + t0·P(node + 1), value exp(w) by gammapy's LogScale rules; logs NaN
 * where the value is not exp(w) itself.
 */
function edgeValues(
  s: { planes: Float64Array; logs: Float64Array; values: Float64Array },
  node: Int32Array,
  frac: Float64Array,
  first: number,
  fill: number,
): void {
  const { planes, logs, values } = s;
  for (let j = 0; j < node.length; j++) {
    const t0 = frac[j];
    const s0 = 1 - t0;
    const at = node[j] - first;
    const w = s0 * planes[at] + t0 * planes[at + 1];
    if (isPlainLog(w)) {
      logs[j] = w;
      values[j] = fastExp(w);
    } else irregularEdge(logs, values, j, w, fill);
  }
}

/** An edge whose value is not exp(w) itself: its log unknown, its value irregularEdgeValue's. */
function irregularEdge(logs: Float64Array, values: Float64Array, j: number, w: number, fill: number): void {
  logs[j] = NaN;
  values[j] = irregularEdgeValue(w, fill);
}

/**
 * The value of an edge whose value is not exp(w) itself: 0 at most twice float32's tiny, the fill value if not finite
 * (both pixel loops).
 */
export function irregularEdgeValue(w: number, fill: number): number {
  const value = fastLogInverse(w);
  return value - value !== 0 ? fill : value;
}

/**
 * The pixel's integral over each bin (`trapzLogLogBins` with logarithms: the closed form where it holds, else
 * gammapy's formula).
 */
function integratePixel(
  out: Float64Array,
  i: number,
  n: number,
  values: Float64Array,
  logs: Float64Array,
  bins: { e1: Float64Array; e2: Float64Array; inverse: Float64Array },
  factor: number,
): void {
  const { e1: lower, e2: upper, inverse } = bins;
  for (let k = 0; k < lower.length; k++) {
    const e1 = lower[k];
    const e2 = upper[k];
    const lnQuotient = logs[k] - logs[k + 1];
    const val = 1 - lnQuotient * inverse[k];
    out[k * n + i] = closedFormHolds(lnQuotient, val)
      ? ((values[k + 1] * e2 - values[k] * e1) / val) * factor
      : powerLawIntegral(values[k], values[k + 1], e1, e2) * factor;
  }
}
