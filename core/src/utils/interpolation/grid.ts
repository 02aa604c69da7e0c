import { scaleFor, type InterpScale } from "./scale.js";

export type GridInterpMethod = "linear" | "nearest";

/** Index i of the grid cell [g[i], g[i+1]] used for x (scipy: clipped to the end cells). */
export function findCell(grid: ArrayLike<number>, x: number): number {
  const n = grid.length;
  if (n < 2) return 0;
  let lo = 0;
  let hi = n - 1;
  if (x <= grid[0]) return 0;
  if (x >= grid[n - 1]) return n - 2;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (grid[mid] <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Piecewise-linear interpolation of y(x) at xq, extrapolating linearly beyond the ends. */
export function interp1d(x: ArrayLike<number>, y: ArrayLike<number>, xq: ArrayLike<number>, out = new Float64Array(xq.length)): Float64Array {
  if (x.length !== y.length) throw new Error(`interp1d: ${x.length} x values but ${y.length} y values`);
  if (x.length === 1) return out.fill(y[0]);
  for (let i = 0; i < xq.length; i++) {
    const q = xq[i];
    if (Number.isNaN(q)) {
      out[i] = NaN;
      continue;
    }
    const k = findCell(x, q);
    const t = (q - x[k]) / (x[k + 1] - x[k]);
    out[i] = y[k] + t * (y[k + 1] - y[k]);
  }
  return out;
}

interface Cells {
  lower: Int32Array;
  upper: Int32Array;
  frac: Float64Array;
  flag: Uint8Array;
}

export interface GridInterpolatorOptions {
  pointsScale?: InterpScale[];
  valuesScale?: InterpScale;
  method?: GridInterpMethod;
  /** Value outside the grid; undefined extrapolates (gammapy's default). */
  fillValue?: number;
}

/**
 * N-d interpolation on a regular (rectilinear) grid with per-dimension point scales and a
 * value scale, as gammapy 1.0's ScaledRegularGridInterpolator (scipy semantics). Values in
 * C order: the last dimension varies fastest.
 */
export class ScaledRegularGridInterpolator {
  private readonly grids: Float64Array[];
  private readonly pointScales: ReturnType<typeof scaleFor>[];
  private readonly valueScale: ReturnType<typeof scaleFor>;
  private readonly values: Float64Array;
  private readonly strides: number[];
  private readonly method: GridInterpMethod;
  private readonly fillValue?: number;

  constructor(points: ArrayLike<number>[], values: ArrayLike<number>, options: GridInterpolatorOptions = {}) {
    const size = points.reduce((n, p) => n * p.length, 1);
    if (size !== values.length) {
      throw new Error(`interpolator: grid of ${points.map((p) => p.length).join("×")} needs ${size} values, got ${values.length}`);
    }
    this.pointScales = points.map((_, d) => scaleFor(options.pointsScale?.[d] ?? "lin"));
    this.grids = points.map((p, d) => Float64Array.from(p, (v) => this.pointScales[d].forward(v)));
    this.valueScale = scaleFor(options.valuesScale ?? "lin");
    this.values = Float64Array.from(values, (v) => this.valueScale.forward(v));
    this.strides = [];
    let stride = 1;
    for (let d = points.length - 1; d >= 0; d--) {
      this.strides[d] = stride;
      stride *= points[d].length;
    }
    this.method = options.method ?? "linear";
    this.fillValue = options.fillValue;
  }

  evaluate(query: ArrayLike<number>[], options: { clip?: boolean } = {}): Float64Array {
    const ndim = this.grids.length;
    if (query.length !== ndim) throw new Error(`interpolator: ${ndim} dimensions, got ${query.length} query arrays`);
    const n = query.length ? Math.max(...query.map((q) => q.length)) : 0;
    return this.evaluateCells(query.map((q, d) => this.cellsOf(d, q)), n, options.clip ?? true);
  }

  /**
   * Values on the outer product of `first` (dimension 0) with points given by `rest` (the
   * other dimensions, arrays of one common length m): out[j·m + i]. The cells of `rest` are
   * found once for all values of `first` (e.g. every energy of a map at every pixel).
   */
  evaluateOuter(first: ArrayLike<number>, rest: ArrayLike<number>[], options: { clip?: boolean } = {}): Float64Array {
    if (rest.length !== this.grids.length - 1) throw new Error(`interpolator: ${this.grids.length} dimensions, got ${rest.length + 1}`);
    const m = Math.max(1, ...rest.map((q) => q.length));
    const restCells = rest.map((q, d) => this.cellsOf(d + 1, q));
    const out = new Float64Array(first.length * m);
    for (let j = 0; j < first.length; j++) {
      out.set(this.evaluateCells([this.cellsOf(0, [first[j]]), ...restCells], m, options.clip ?? true), j * m);
    }
    return out;
  }

  /**
   * For one dimension: offset of the lower node, offset to the upper node, weight of the
   * upper node, and flags (1 = NaN, 2 = outside the grid) of each query value.
   */
  private cellsOf(d: number, q: ArrayLike<number>): Cells {
    const g = this.grids[d];
    const scale = this.pointScales[d];
    const single = g.length < 2;
    const cells: Cells = { lower: new Int32Array(q.length), upper: new Int32Array(q.length), frac: new Float64Array(q.length), flag: new Uint8Array(q.length) };
    for (let i = 0; i < q.length; i++) {
      const x = scale.forward(q[i]);
      if (Number.isNaN(x)) cells.flag[i] = 1;
      else if (x < g[0] || x > g[g.length - 1]) cells.flag[i] = 2;
      const k = findCell(g, x);
      cells.lower[i] = k * this.strides[d];
      cells.upper[i] = single ? 0 : this.strides[d];
      cells.frac[i] = single ? 0 : (x - g[k]) / (g[k + 1] - g[k]);
    }
    return cells;
  }

  private evaluateCells(cells: Cells[], n: number, clip: boolean): Float64Array {
    const ndim = cells.length;
    const lowers = cells.map((c) => c.lower);
    const uppers = cells.map((c) => c.upper);
    const fracs = cells.map((c) => c.frac);
    const flags = cells.map((c) => c.flag);
    const at = (arr: { length: number }, i: number) => (arr.length === 1 ? 0 : i);
    const out = new Float64Array(n);
    const values = this.values;
    const fill = this.fillValue;
    for (let i = 0; i < n; i++) {
      let flag = 0;
      for (let d = 0; d < ndim; d++) flag |= flags[d][at(flags[d], i)];
      if (flag & 1) {
        out[i] = NaN;
        continue;
      }
      const outside = (flag & 2) !== 0;
      let value: number;
      if (outside && fill !== undefined) {
        value = fill; // clipped below like any value, as gammapy does
      } else if (this.method === "nearest") {
        let flat = 0;
        for (let d = 0; d < ndim; d++) {
          const j = at(fracs[d], i);
          // scipy picks the lower node when exactly half-way
          flat += lowers[d][j] + (fracs[d][j] > 0.5 ? uppers[d][j] : 0);
        }
        value = values[flat];
      } else {
        value = this.interpolateLinear(lowers, uppers, fracs, i, at);
      }
      if (!(outside && fill !== undefined)) value = this.valueScale.inverse(value);
      out[i] = clip && value < 0 ? 0 : value;
    }
    return out;
  }

  /** Multilinear value at query `i` from the per-dimension offsets and weights. */
  private interpolateLinear(
    lowers: Int32Array[],
    uppers: Int32Array[],
    fracs: Float64Array[],
    i: number,
    at: (arr: { length: number }, i: number) => number,
  ): number {
    const v = this.values;
    const ndim = lowers.length;
    if (ndim === 2 || ndim === 3) {
      const j0 = at(fracs[0], i), j1 = at(fracs[1], i);
      const l0 = lowers[0][j0], u0 = uppers[0][j0], t0 = fracs[0][j0];
      const l1 = lowers[1][j1], u1 = uppers[1][j1], t1 = fracs[1][j1];
      if (ndim === 2) {
        const b = l0 + l1;
        return (1 - t0) * ((1 - t1) * v[b] + t1 * v[b + u1]) + t0 * ((1 - t1) * v[b + u0] + t1 * v[b + u0 + u1]);
      }
      const j2 = at(fracs[2], i);
      const l2 = lowers[2][j2], u2 = uppers[2][j2], t2 = fracs[2][j2];
      const b = l0 + l1 + l2;
      const plane = (o: number) => (1 - t1) * ((1 - t2) * v[o] + t2 * v[o + u2]) + t1 * ((1 - t2) * v[o + u1] + t2 * v[o + u1 + u2]);
      return (1 - t0) * plane(b) + t0 * plane(b + u0);
    }
    let value = 0;
    for (let c = 0; c < 1 << ndim; c++) {
      let weight = 1;
      let flat = 0;
      for (let d = 0; d < ndim; d++) {
        const j = at(fracs[d], i);
        const up = (c >> d) & 1;
        weight *= up ? fracs[d][j] : 1 - fracs[d][j];
        flat += lowers[d][j] + (up ? uppers[d][j] : 0);
      }
      if (weight !== 0) value += weight * v[flat];
    }
    return value;
  }

}
