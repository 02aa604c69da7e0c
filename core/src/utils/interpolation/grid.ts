import { fastExp } from "../fast-exp.js";
import { tunedPaths } from "../kernel-paths.js";
import { scaleFor, type InterpScale, type Scale } from "./scale.js";

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
export function interp1d(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  xq: ArrayLike<number>,
  out = new Float64Array(xq.length),
): Float64Array {
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

/** A scale's forward transform of every value (a plain loop: `from` with a mapper is slow). */
function forwardAll(scale: Scale, values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  if (scale === scaleFor("lin")) {
    for (let i = 0; i < values.length; i++) out[i] = values[i];
  } else {
    for (let i = 0; i < values.length; i++) out[i] = scale.forward(values[i]);
  }
  return out;
}

/** float32's smallest normal number, as in scale.ts' LogScale. */
const FLOAT32_TINY = 1.1754943508222875e-38;

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
  private readonly valueScaleName: "lin" | "log" | "sqrt";
  private readonly values: Float64Array;
  private readonly strides: number[];
  private readonly method: GridInterpMethod;
  private readonly fillValue?: number;

  constructor(points: ArrayLike<number>[], values: ArrayLike<number>, options: GridInterpolatorOptions = {}) {
    const size = points.reduce((n, p) => n * p.length, 1);
    if (size !== values.length) {
      throw new Error(
        `interpolator: grid of ${points.map((p) => p.length).join("×")} needs ${size} values, got ${values.length}`,
      );
    }
    this.pointScales = points.map((_, d) => scaleFor(options.pointsScale?.[d] ?? "lin"));
    this.grids = points.map((p, d) => forwardAll(this.pointScales[d], p));
    this.valueScale = scaleFor(options.valuesScale ?? "lin");
    this.valueScaleName =
      this.valueScale === scaleFor("log") ? "log" : this.valueScale === scaleFor("sqrt") ? "sqrt" : "lin";
    this.values = forwardAll(this.valueScale, values);
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
    return this.evaluateCells(
      query.map((q, d) => this.cellsOf(d, q)),
      n,
      options.clip ?? true,
    );
  }

  /**
   * Values on the outer product of `first` (dimension 0) with points given by `rest` (the
   * other dimensions, arrays of one common length m): out[j·m + i]. The cells of `rest` are
   * found once for all values of `first` (e.g. every energy of a map at every pixel).
   * `skip` (one flag per point of `rest`) marks points whose values the caller discards:
   * they may be left unevaluated (any value; `fill` when given). With `fill`, every
   * non-finite result (after clipping) is replaced by it. `out`: an array to write into
   * (at least first.length·m long; its first first.length·m values are returned).
   * `logOut` (log value scale only, as long as `out`): the logarithm w each result was
   * computed from, where the result is exp(w) itself — positive and finite, not clipped to
   * 0, not filled — and NaN elsewhere; so that log-log integrals need no logarithm of their own.
   */
  evaluateOuter(
    first: ArrayLike<number>,
    rest: ArrayLike<number>[],
    options: { clip?: boolean; skip?: Uint8Array; fill?: number; out?: Float64Array; logOut?: Float64Array } = {},
  ): Float64Array {
    if (rest.length !== this.grids.length - 1)
      throw new Error(`interpolator: ${this.grids.length} dimensions, got ${rest.length + 1}`);
    const m = Math.max(1, ...rest.map((q) => q.length));
    const clip = options.clip ?? true;
    const restCells = rest.map((q, d) => this.cellsOf(d + 1, q));
    const firstCells = this.cellsOf(0, first);
    const size = first.length * m;
    const out = options.out && options.out.length >= size ? options.out.subarray(0, size) : new Float64Array(size);
    const ndim = this.grids.length;
    const logOut = this.valueScaleName === "log" ? options.logOut : undefined;
    if (options.logOut && options.logOut.length < size)
      throw new Error(`interpolator: logOut holds ${options.logOut.length} values, needs ${size}`);
    // the common case (every pixel × every energy) runs in one specialised loop per energy
    if (
      tunedPaths() &&
      this.method === "linear" &&
      this.fillValue === undefined &&
      (ndim === 2 || ndim === 3) &&
      restCells.every((c) => c.lower.length === m)
    ) {
      this.outerLinear(out, m, firstCells, restCells, clip, options.skip, options.fill, logOut);
      if (options.logOut && !logOut) options.logOut.fill(NaN, 0, size);
      return out;
    }
    options.logOut?.fill(NaN, 0, size);
    for (let j = 0; j < first.length; j++) {
      const cell: Cells = {
        lower: firstCells.lower.subarray(j, j + 1),
        upper: firstCells.upper.subarray(j, j + 1),
        frac: firstCells.frac.subarray(j, j + 1),
        flag: firstCells.flag.subarray(j, j + 1),
      };
      out.set(this.evaluateCells([cell, ...restCells], m, clip), j * m);
    }
    const fill = options.fill;
    if (fill !== undefined) {
      const skip = options.skip?.length === m ? options.skip : undefined;
      for (let i = 0; i < out.length; i++) if (out[i] - out[i] !== 0 || skip?.[i % m]) out[i] = fill;
    }
    return out;
  }

  /**
   * `evaluateOuter` for linear 2-d/3-d grids without fill value, with the arithmetic of
   * `interpolateLinear`: value = (1 − t0)·P(l0) + t0·P(l0 + u0), where P(node) is the
   * interpolation over the other dimensions at a node of the first one. P depends on the
   * node only, so each is computed once and shared by all first values in the same cell.
   */
  private outerLinear(
    out: Float64Array,
    m: number,
    first: Cells,
    rest: Cells[],
    clip: boolean,
    skip?: Uint8Array,
    fill?: number,
    logOut?: Float64Array,
  ): void {
    const v = this.values;
    // 1: NaN result, 2: not evaluated (skipped)
    const nan = new Uint8Array(m);
    for (const c of rest) markNaN(nan, c.flag, m);
    if (skip && skip.length === m) markSkipped(nan, skip, m);
    const scale = this.valueScaleName;
    // planes pay off when first values share cells; else each row is computed in one pass
    const nodes = new Set<number>();
    for (let j = 0; j < first.lower.length; j++)
      if (!(first.flag[j] & 1)) nodes.add(first.lower[j]).add(first.lower[j] + first.upper[j]);
    if (nodes.size > first.lower.length) {
      for (let j = 0; j < first.lower.length; j++) {
        const offset = j * m;
        if (first.flag[j] & 1) {
          out.fill(fill ?? NaN, offset, offset + m);
          logOut?.fill(NaN, offset, offset + m);
        } else {
          const row = { out, offset, m, v, state: nan, clip, scale, fill, logOut };
          if (rest.length === 1) rowLine(row, first, j, rest[0]);
          else rowPlane(row, first, j, rest[0], rest[1]);
        }
      }
      return;
    }
    // the last few node planes, least recently used first (first values are usually sorted:
    // neighbours share nodes); the plane just used for P(l0) is never the one recycled
    const cache: Array<{ node: number; plane: Float64Array }> = [];
    const planeAt = (node: number): Float64Array => {
      const at = cache.findIndex((c) => c.node === node);
      if (at >= 0) {
        const hit = cache.splice(at, 1)[0];
        cache.push(hit);
        return hit.plane;
      }
      const plane = cache.length >= 4 ? cache.shift()!.plane : new Float64Array(m);
      if (rest.length === 1) nodeLine(plane, m, v, node, rest[0]);
      else nodePlane(plane, m, v, node, rest[0], rest[1]);
      cache.push({ node, plane });
      return plane;
    };
    for (let j = 0; j < first.lower.length; j++) {
      const offset = j * m;
      if (first.flag[j] & 1) {
        out.fill(fill ?? NaN, offset, offset + m);
        logOut?.fill(NaN, offset, offset + m);
        continue;
      }
      const l0 = first.lower[j],
        u0 = first.upper[j],
        t0 = first.frac[j];
      const p0 = planeAt(l0);
      const p1 = planeAt(l0 + u0);
      if (scale === "lin") combineLin(out, offset, m, p0, p1, t0, nan, clip, fill);
      else if (logOut) combineLog(out, logOut, offset, m, p0, p1, t0, nan, clip, fill);
      else combineScaled(out, offset, m, p0, p1, t0, nan, clip, scale, fill);
    }
  }

  /**
   * For one dimension: offset of the lower node, offset to the upper node, weight of the
   * upper node, and flags (1 = NaN, 2 = outside the grid) of each query value.
   */
  private cellsOf(d: number, q: ArrayLike<number>): Cells {
    const g = this.grids[d];
    const scale = this.pointScales[d];
    const isLin = scale === scaleFor("lin");
    const single = g.length < 2;
    const n = q.length;
    const cells: Cells = {
      lower: new Int32Array(n),
      upper: new Int32Array(n),
      frac: new Float64Array(n),
      flag: new Uint8Array(n),
    };
    const { lower, upper, frac, flag } = cells;
    const stride = this.strides[d];
    const first = g[0];
    const last = g[g.length - 1];
    // the previous query's cell is tried first (queries are mostly sorted or repeated); when
    // it holds x it is the cell findCell finds, so the result does not depend on the order
    let k = 0;
    for (let i = 0; i < n; i++) {
      const x = isLin ? q[i] : scale.forward(q[i]);
      if (Number.isNaN(x)) flag[i] = 1;
      else if (x < first || x > last) flag[i] = 2;
      if (single) continue; // lower, upper and frac stay 0
      if (!(g[k] <= x && x < g[k + 1])) k = findCell(g, x);
      lower[i] = k * stride;
      upper[i] = stride;
      frac[i] = (x - g[k]) / (g[k + 1] - g[k]);
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
      const j0 = at(fracs[0], i),
        j1 = at(fracs[1], i);
      const l0 = lowers[0][j0],
        u0 = uppers[0][j0],
        t0 = fracs[0][j0];
      const l1 = lowers[1][j1],
        u1 = uppers[1][j1],
        t1 = fracs[1][j1];
      if (ndim === 2) {
        const b = l0 + l1;
        return (1 - t0) * ((1 - t1) * v[b] + t1 * v[b + u1]) + t0 * ((1 - t1) * v[b + u0] + t1 * v[b + u0 + u1]);
      }
      const j2 = at(fracs[2], i);
      const l2 = lowers[2][j2],
        u2 = uppers[2][j2],
        t2 = fracs[2][j2];
      const b = l0 + l1 + l2;
      const plane = (o: number) =>
        (1 - t1) * ((1 - t2) * v[o] + t2 * v[o + u2]) + t1 * ((1 - t2) * v[o + u1] + t2 * v[o + u1 + u2]);
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

// Per-point loops live in small functions of their own: V8 optimises those after a few
// calls, while a loop inside a larger function is compiled on the fly (on-stack
// replacement) and then often thrown away when the code after it runs for the first time.

/** nan[i] |= 1 where the flag says NaN. */
function markNaN(nan: Uint8Array, flag: Uint8Array, m: number): void {
  for (let i = 0; i < m; i++) nan[i] |= flag[i] & 1;
}

/** nan[i] = 2 where skipped. */
function markSkipped(nan: Uint8Array, skip: Uint8Array, m: number): void {
  for (let i = 0; i < m; i++) if (skip[i]) nan[i] = 2;
}

// Pieces of `evaluateOuter`: the arithmetic of `interpolateLinear`, split at the first
// dimension (its two node planes, then their weighted sum). The node planes are computed at
// every point, skipped ones too (their cells are valid indices, their values are replaced
// when combined): loops without branches run several times faster in V8.

/** Linear interpolation along the second dimension at one node (flat offset) of the first. */
function nodeLine(out: Float64Array, m: number, v: Float64Array, node: number, second: Cells): void {
  const { lower: lower1, upper: upper1, frac: frac1 } = second;
  for (let i = 0; i < m; i++) {
    const t1 = frac1[i];
    const b = node + lower1[i];
    out[i] = (1 - t1) * v[b] + t1 * v[b + upper1[i]];
  }
}

/** Bilinear interpolation over the second and third dimensions at one node of the first. */
function nodePlane(out: Float64Array, m: number, v: Float64Array, node: number, second: Cells, third: Cells): void {
  const { lower: lower1, upper: upper1, frac: frac1 } = second;
  const { lower: lower2, upper: upper2, frac: frac2 } = third;
  for (let i = 0; i < m; i++) {
    const u1 = upper1[i],
      t1 = frac1[i];
    const u2 = upper2[i],
      t2 = frac2[i];
    const s2 = 1 - t2;
    const b = node + lower1[i] + lower2[i];
    out[i] = (1 - t1) * (s2 * v[b] + t2 * v[b + u2]) + t1 * (s2 * v[b + u1] + t2 * v[b + u1 + u2]);
  }
}

function combineLin(
  out: Float64Array,
  offset: number,
  m: number,
  p0: Float64Array,
  p1: Float64Array,
  t0: number,
  nan: Uint8Array,
  clip: boolean,
  fill: number | undefined,
): void {
  const s0 = 1 - t0;
  for (let i = 0; i < m; i++) {
    let value = s0 * p0[i] + t0 * p1[i];
    if (nan[i]) value = nan[i] === 1 ? NaN : 0;
    else if (clip && value < 0) value = 0;
    out[offset + i] = fill !== undefined && (value - value !== 0 || nan[i]) ? fill : value;
  }
}

function combineScaled(
  out: Float64Array,
  offset: number,
  m: number,
  p0: Float64Array,
  p1: Float64Array,
  t0: number,
  nan: Uint8Array,
  clip: boolean,
  scale: "log" | "sqrt",
  fill: number | undefined,
): void {
  const s0 = 1 - t0;
  for (let i = 0; i < m; i++) {
    if (nan[i]) {
      out[offset + i] = fill ?? (nan[i] === 1 ? NaN : 0);
      continue;
    }
    out[offset + i] = finish(s0 * p0[i] + t0 * p1[i], clip, scale, fill);
  }
}

/**
 * `combineScaled` for the log scale, keeping each interpolated logarithm in `logOut` too.
 * The plain case runs in a loop without branches (several times faster in V8); a second
 * pass redoes the rare points it does not settle — NaN or skipped points, results gammapy
 * sets to 0 (at most twice float32's tiny), non-finite ones — and marks their logs unknown.
 */
function combineLog(
  out: Float64Array,
  logOut: Float64Array,
  offset: number,
  m: number,
  p0: Float64Array,
  p1: Float64Array,
  t0: number,
  nan: Uint8Array,
  clip: boolean,
  fill: number | undefined,
): void {
  const s0 = 1 - t0;
  lerpExp(out, logOut, offset, m, p0, p1, s0, t0);
  redoLogExceptions(out, logOut, offset, m, nan, clip, fill);
}

/** `combineLog`'s second pass. */
function redoLogExceptions(
  out: Float64Array,
  logOut: Float64Array,
  offset: number,
  m: number,
  nan: Uint8Array,
  clip: boolean,
  fill: number | undefined,
): void {
  for (let i = 0; i < m; i++) {
    const w = logOut[offset + i];
    if (nan[i] === 0 && isPlainLog(w)) continue;
    out[offset + i] = nan[i] ? (fill ?? (nan[i] === 1 ? NaN : 0)) : finish(w, clip, "log", fill);
    logOut[offset + i] = NaN;
  }
}

/** out = exp(w), logOut = w, with w = s0·p0 + t0·p1 at every point. */
function lerpExp(
  out: Float64Array,
  logOut: Float64Array,
  offset: number,
  m: number,
  p0: Float64Array,
  p1: Float64Array,
  s0: number,
  t0: number,
): void {
  for (let i = 0; i < m; i++) {
    const w = s0 * p0[i] + t0 * p1[i];
    logOut[offset + i] = w;
    out[offset + i] = fastExp(w);
  }
}

/**
 * Above this logarithm exp is surely more than twice float32's tiny (gammapy's zero threshold): isPlainLog's lower
 * bound.
 */
export const LN_TWO_TINY_ABOVE = Math.log(2 * FLOAT32_TINY) + 1e-9;

/** w where the log-scaled result is exp(w) itself (`combineLog`'s plain case), else NaN. */
function logIfPlain(w: number): number {
  return isPlainLog(w) ? w : NaN;
}

/**
 * Whether a log-scaled result is exp(w) as it stands: surely above gammapy's zero threshold (twice float32's tiny),
 * and finite.
 */
export function isPlainLog(w: number): boolean {
  return w > LN_TWO_TINY_ABOVE && w < 700;
}

/** The log scale's inverse by `fastExp`, with gammapy's LogScale rule: at most twice float32's tiny is 0. */
export function fastLogInverse(w: number): number {
  const r = fastExp(w);
  return Math.abs(r) - FLOAT32_TINY <= FLOAT32_TINY ? 0 : r;
}

/**
 * The value scale's inverse then clipping at 0 (`evaluateCells`' order), then `fill` if not
 * finite. (The exponential is `fastExp`: ≤ 2 ulp from Math.exp, and this is the hot loop of
 * every background map.)
 */
function finish(w: number, clip: boolean, scale: "lin" | "log" | "sqrt", fill: number | undefined): number {
  let value = w;
  if (scale === "log") value = fastLogInverse(w);
  else if (scale === "sqrt") value = w * w;
  if (clip && value < 0) value = 0;
  return fill !== undefined && value - value !== 0 ? fill : value;
}

/** One row of evaluateOuter's output: out[offset + i], i < m, from the values v. */
interface Row {
  out: Float64Array;
  offset: number;
  m: number;
  v: Float64Array;
  /** Per point: 0 evaluate, 1 NaN result, 2 skipped. */
  state: Uint8Array;
  clip: boolean;
  scale: "lin" | "log" | "sqrt";
  fill: number | undefined;
  logOut?: Float64Array;
}

/** One first value's row in one pass, 2-d grid: `nodeLine` at both nodes, then `combine*`. */
function rowLine(row: Row, first: Cells, j: number, second: Cells): void {
  const { out, offset, m, v, state, clip, scale, fill, logOut } = row;
  const l0 = first.lower[j];
  const u0 = first.upper[j];
  const t0 = first.frac[j];
  const { lower: lower1, upper: upper1, frac: frac1 } = second;
  const s0 = 1 - t0;
  const lin = scale === "lin";
  const bad = fill ?? NaN;
  const skipped = fill ?? 0;
  for (let i = 0; i < m; i++) {
    const st = state[i];
    if (st) {
      out[offset + i] = st === 1 ? bad : skipped;
      if (logOut) logOut[offset + i] = NaN;
      continue;
    }
    const u1 = upper1[i],
      t1 = frac1[i];
    const s1 = 1 - t1;
    const b = l0 + lower1[i];
    const c = b + u0;
    const w = s0 * (s1 * v[b] + t1 * v[b + u1]) + t0 * (s1 * v[c] + t1 * v[c + u1]);
    if (lin) {
      const value = clip && w < 0 ? 0 : w;
      out[offset + i] = fill !== undefined && value - value !== 0 ? fill : value;
    } else out[offset + i] = finish(w, clip, scale, fill);
    if (logOut) logOut[offset + i] = logIfPlain(w);
  }
}

/** One first value's row in one pass, 3-d grid: `nodePlane` at both nodes, then `combine*`. */
function rowPlane(row: Row, first: Cells, j: number, second: Cells, third: Cells): void {
  const { out, offset, m, v, state, clip, scale, fill, logOut } = row;
  const l0 = first.lower[j];
  const u0 = first.upper[j];
  const t0 = first.frac[j];
  const { lower: lower1, upper: upper1, frac: frac1 } = second;
  const { lower: lower2, upper: upper2, frac: frac2 } = third;
  const s0 = 1 - t0;
  for (let i = 0; i < m; i++) {
    if (state[i]) {
      out[offset + i] = fill ?? (state[i] === 1 ? NaN : 0);
      if (logOut) logOut[offset + i] = NaN;
      continue;
    }
    const u1 = upper1[i],
      t1 = frac1[i];
    const u2 = upper2[i],
      t2 = frac2[i];
    const s1 = 1 - t1,
      s2 = 1 - t2;
    const b = l0 + lower1[i] + lower2[i];
    const c = b + u0;
    const p0 = s1 * (s2 * v[b] + t2 * v[b + u2]) + t1 * (s2 * v[b + u1] + t2 * v[b + u1 + u2]);
    const p1 = s1 * (s2 * v[c] + t2 * v[c + u2]) + t1 * (s2 * v[c + u1] + t2 * v[c + u1 + u2]);
    const w = s0 * p0 + t0 * p1;
    out[offset + i] = finish(w, clip, scale, fill);
    if (logOut) logOut[offset + i] = logIfPlain(w);
  }
}
