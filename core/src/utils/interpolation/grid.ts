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
    const out = new Float64Array(n);
    const cell = new Int32Array(ndim);
    const frac = new Float64Array(ndim);
    const clip = options.clip ?? true;
    for (let i = 0; i < n; i++) {
      let outside = false;
      let nan = false;
      for (let d = 0; d < ndim; d++) {
        const q = query[d];
        const x = this.pointScales[d].forward(q.length === 1 ? q[0] : q[i]);
        const g = this.grids[d];
        if (Number.isNaN(x)) nan = true;
        if (x < g[0] || x > g[g.length - 1]) outside = true;
        const k = findCell(g, x);
        cell[d] = k;
        frac[d] = g.length < 2 ? 0 : (x - g[k]) / (g[k + 1] - g[k]);
      }
      if (nan) {
        out[i] = NaN;
        continue;
      }
      let value: number;
      if (outside && this.fillValue !== undefined) {
        value = this.fillValue; // clipped below like any value, as gammapy does
      } else if (this.method === "nearest") {
        let flat = 0;
        for (let d = 0; d < ndim; d++) {
          // scipy picks the lower node when exactly half-way.
          const k = cell[d] + (frac[d] > 0.5 ? 1 : 0);
          flat += Math.min(k, this.grids[d].length - 1) * this.strides[d];
        }
        value = this.values[flat];
      } else {
        value = 0;
        const corners = 1 << ndim;
        for (let c = 0; c < corners; c++) {
          let weight = 1;
          let flat = 0;
          for (let d = 0; d < ndim; d++) {
            const upper = (c >> d) & 1;
            if (this.grids[d].length < 2) {
              if (upper) {
                weight = 0;
                break;
              }
              continue;
            }
            weight *= upper ? frac[d] : 1 - frac[d];
            flat += (cell[d] + upper) * this.strides[d];
          }
          if (weight !== 0) value += weight * this.values[flat];
        }
      }
      if (!(outside && this.fillValue !== undefined)) value = this.valueScale.inverse(value);
      out[i] = clip && value < 0 ? 0 : value;
    }
    return out;
  }
}
