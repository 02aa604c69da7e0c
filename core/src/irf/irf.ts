import type { Header } from "../fits/index.js";
import { MapAxis } from "../maps/axis/index.js";
import { normalizeAlongAxis, normalizedUnit } from "../utils/normalize.js";
import {
  scaleFor,
  ScaledRegularGridInterpolator,
  type GridInterpMethod,
  type InterpScale,
  type Scale,
} from "../utils/interpolation/index.js";

export interface IrfInterpOptions {
  valuesScale?: InterpScale;
  /** Value outside the axes' edges; null extrapolates everywhere (gammapy's fill_value=None). */
  fillValue?: number | null;
}

/** Coordinates to evaluate an IRF at, by axis name, in canonical units (TeV, deg). */
export type IrfCoords = Record<string, number | ArrayLike<number>>;

/**
 * An instrument response tabulated on axes (gammapy 1.0's `IRF`): data in C order with
 * the axes' shape, evaluated by multilinear interpolation between bin centres in each axis'
 * scale, extrapolated within the outer bins, `fillValue` beyond the edges, clipped at 0.
 */
export class Irf {
  private interpolator?: ScaledRegularGridInterpolator;

  constructor(
    readonly tag: string,
    readonly axes: MapAxis[],
    readonly data: Float64Array,
    readonly unit: string,
    readonly meta: Header | undefined,
    readonly interp: IrfInterpOptions = { fillValue: 0 },
  ) {
    const shape = axes.map((a) => a.nbin);
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length)
      throw new Error(
        `${tag}: data of ${data.length} values do not match axes ` +
          `(${axes.map((a) => `${a.name} ${a.nbin}`).join(", ")})`,
      );
  }

  get shape(): number[] {
    return this.axes.map((a) => a.nbin);
  }

  axis(name: string): MapAxis {
    const axis = this.axes.find((a) => a.name === name);
    if (!axis) throw new Error(`${this.tag}: no axis '${name}' (axes: ${this.axes.map((a) => a.name).join(", ")})`);
    return axis;
  }

  /** HDUCLAS3 = POINT-LIKE: such IRFs cannot make 3D maps. */
  get isPointlike(): boolean {
    return (
      String(this.meta?.get("HDUCLAS3") ?? "")
        .trim()
        .toUpperCase() === "POINT-LIKE"
    );
  }

  /** FOVALIGN of background IRFs: RADEC (default) or ALTAZ. */
  get fovAlignment(): string {
    return String(this.meta?.get("FOVALIGN") ?? "RADEC")
      .trim()
      .toUpperCase();
  }

  /** Throw a clear error unless this IRF is full-enclosure (3D analyses need that). */
  requireFullEnclosure(context: string): void {
    if (this.isPointlike) {
      throw new Error(
        `${context}: the ${this.tag} IRF is point-like (HDUCLAS3 = POINT-LIKE); ` +
          "3D map analyses need full-enclosure IRFs",
      );
    }
  }

  evaluate(coords: IrfCoords, options: { method?: GridInterpMethod } = {}): Float64Array {
    const query = this.queryOf(coords);
    const n = Math.max(...query.map((q) => q.length));
    for (const [i, q] of query.entries()) {
      if (q.length !== n && q.length !== 1)
        throw new Error(`${this.tag}: '${this.axes[i].name}' has ${q.length} values, expected ${n} or 1`);
    }
    const values = this.interpolatorFor(options.method ?? "linear").evaluate(query, { clip: true });
    return this.applyFill(
      values,
      query.map((q, d) => this.outsideFlags(q, d)),
      n,
      1,
    );
  }

  /**
   * Values for every value of the first axis (e.g. each energy) at each point of the other
   * axes (e.g. each pixel): out[j·m + i]. Equal to `evaluate` on the expanded grid, but the
   * other axes' cells are found once. `options.out`: an array to write into (at least
   * first.length·m long; a view of its start is returned), e.g. a reused scratch buffer.
   * `logOut` (same length): each value's logarithm as interpolated, for log-scaled IRFs
   * (NaN where not known, e.g. filled points: the value then decides).
   */
  evaluateOuter(
    first: ArrayLike<number>,
    rest: IrfCoords,
    options: { out?: Float64Array; logOut?: Float64Array } = {},
  ): Float64Array {
    const query = this.queryOf({ ...rest, [this.axes[0].name]: 0 }).slice(1);
    const m = Math.max(1, ...query.map((q) => q.length));
    for (const [i, q] of query.entries()) {
      if (q.length !== m && q.length !== 1)
        throw new Error(`${this.tag}: '${this.axes[i + 1].name}' has ${q.length} values, expected ${m} or 1`);
    }
    const fill = this.interp.fillValue;
    const firstFlags = this.outsideFlags(first, 0);
    const restFlags = query.map((q, d) => this.outsideFlags(q, d + 1));
    if (fill === null || fill === undefined || restFlags.length > 8) {
      const logOut = fill === null || fill === undefined ? options.logOut : undefined;
      const values = this.interpolatorFor("linear").evaluateOuter(first, query, {
        clip: true,
        out: options.out,
        logOut,
      });
      if (options.logOut && !logOut) options.logOut.fill(NaN, 0, values.length);
      return fill === null || fill === undefined
        ? values
        : this.applyFill(values, [firstFlags, ...restFlags], m, first.length);
    }
    // bit d of code[i]: the (d+1)-th axis is out of range at point i
    const code = new Uint8Array(m);
    for (let d = 0; d < restFlags.length; d++) orFlagBits(code, restFlags[d], d, m);
    // points filled whatever the first coordinate need not be interpolated at all
    const tables = [this.outOfBoundsTable(false, restFlags.length), this.outOfBoundsTable(true, restFlags.length)];
    const alwaysFilled = tables[0].map((v, c) => v & tables[1][c]);
    const skip = lookUp(alwaysFilled, code, m);
    const anySkip = skip.includes(1);
    // the interpolator fills those and every non-finite value; the rest of the rule per row
    const logOut = options.logOut;
    const values = this.interpolatorFor("linear").evaluateOuter(first, query, {
      clip: true,
      skip: anySkip ? skip : undefined,
      fill,
      out: options.out,
      logOut,
    });
    for (let j = 0; j < first.length; j++) {
      const table = tables[firstFlags[j]];
      if (table.every((v, c) => v === alwaysFilled[c])) continue;
      const base = j * m;
      if (table.every((v) => v === 1)) {
        values.fill(fill, base, base + m);
        logOut?.fill(NaN, base, base + m);
      } else {
        fillWhere(values, logOut, base, table, code, m, fill);
      }
    }
    return values;
  }

  /** isOutOfBounds for every combination of the other axes' flags (bit d: axis d+1), at a first-axis flag. */
  private outOfBoundsTable(firstInvalid: boolean, nrest: number): Uint8Array {
    const table = new Uint8Array(1 << nrest);
    const invalid = new Array<boolean>(nrest + 1);
    invalid[0] = firstInvalid;
    for (let c = 0; c < table.length; c++) {
      for (let d = 0; d < nrest; d++) invalid[d + 1] = ((c >> d) & 1) === 1;
      table[c] = this.isOutOfBounds(invalid) ? 1 : 0;
    }
    return table;
  }

  private queryOf(coords: IrfCoords): ArrayLike<number>[] {
    const unknown = Object.keys(coords).filter((k) => !this.axes.some((a) => a.name === k));
    if (unknown.length)
      throw new Error(
        `${this.tag}: not a valid coordinate axis: ${unknown.join(", ")} ` +
          `(axes: ${this.axes.map((a) => a.name).join(", ")})`,
      );
    return this.axes.map((axis) => {
      const c = coords[axis.name];
      if (c === undefined) throw new Error(`${this.tag}: missing coordinate '${axis.name}'`);
      return typeof c === "number" ? [c] : c;
    });
  }

  /** 1 where a coordinate lies outside its axis' edges or is not finite (as `coordToIdx` gives -1). */
  private outsideFlags(values: ArrayLike<number>, d: number): Uint8Array {
    const edges = this.axes[d].edges;
    const lo = edges[0];
    const hi = edges[edges.length - 1];
    const flags = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const c = values[i];
      flags[i] = Number.isFinite(c) && c >= lo && c <= hi ? 0 : 1;
    }
    return flags;
  }

  /**
   * Set the fill value where a point is out of bounds or not finite. With `outer` > 1 the
   * values are laid out as [outer][m] and flags[0] indexes the outer dimension.
   */
  private applyFill(values: Float64Array, flags: Uint8Array[], m: number, outer: number): Float64Array {
    const fill = this.interp.fillValue;
    if (fill === null || fill === undefined) return values;
    const invalid = new Array<boolean>(flags.length);
    for (let j = 0; j < outer; j++) {
      for (let i = 0; i < m; i++) {
        const p = j * m + i;
        for (let d = 0; d < flags.length; d++) {
          const f = flags[d];
          invalid[d] = f[f.length === 1 ? 0 : outer > 1 && d === 0 ? j : outer > 1 ? i : p] === 1;
        }
        if (this.isOutOfBounds(invalid) || !Number.isFinite(values[p])) values[p] = fill;
      }
    }
    return values;
  }

  /** Which out-of-range axes make a point "outside" (any, by default). */
  protected isOutOfBounds(invalid: boolean[]): boolean {
    for (const v of invalid) if (v) return true;
    return false;
  }

  /**
   * Cumulative sum along an axis (gammapy's `cumsum`): values × bin width (× 2πr for
   * "rad", giving a dimensionless containment for a PSF in sr⁻¹), on an axis whose nodes
   * are the upper bin edges.
   */
  cumsum(axisName: string): Irf {
    const d = this.axes.findIndex((a) => a.name === axisName);
    const axis = this.axis(axisName);
    const shape = this.shape;
    const inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
    const outer = shape.slice(0, d).reduce((a, b) => a * b, 1);
    const n = shape[d];
    const width = axis.binWidth;
    const center = axis.center;
    const isRad = axisName === "rad";
    const factor = isRad && this.unit === "sr-1" ? (Math.PI / 180) ** 2 : 1;
    const out = new Float64Array(this.data.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let acc = 0;
        for (let k = 0; k < n; k++) {
          const at = (o * n + k) * inner + i;
          acc += this.data[at] * width[k] * (isRad ? 2 * Math.PI * center[k] : 1) * factor;
          out[at] = acc;
        }
      }
    }
    const shifted = MapAxis.fromNodes(axis.edges.slice(1), { name: axis.name, interp: axis.interp, unit: axis.unit });
    const axes = this.axes.map((a, i) => (i === d ? shifted : a));
    return new Irf(this.tag, axes, out, factor !== 1 ? "" : this.unit, this.meta, this.interp);
  }

  /**
   * Normalised along an axis (gammapy's `IRF.normalize`): data divided by the largest
   * cumulative integral along it, so that they integrate to one over the axis; the unit
   * becomes the inverse axis unit (deg⁻² for a PSF over rad). Non-finite results become 0.
   */
  normalize(axisName: string): Irf {
    const d = this.axes.findIndex((a) => a.name === axisName);
    const axis = this.axis(axisName);
    const data = this.data.slice();
    const inner = this.shape.slice(d + 1).reduce((a, b) => a * b, 1);
    normalizeAlongAxis(data, axis.nbin, inner, axis.binWidth, axisName === "rad" ? axis.center : undefined);
    return new Irf(this.tag, this.axes, data, normalizedUnit(axisName, axis.unit), this.meta, this.interp);
  }

  /**
   * Zero or non-finite values filled by interpolation along an axis between the valid values
   * of the same row, in the values' scale (gammapy 1.0's `interp_missing_data`; MapDatasetMaker
   * applies it to background IRFs along energy). Values before the first or after the last
   * valid one stay as they are.
   */
  interpMissingData(axisName: string): Irf {
    const d = this.axes.findIndex((a) => a.name === axisName);
    if (d < 0) this.axis(axisName);
    const n = this.shape[d];
    const inner = this.shape.slice(d + 1).reduce((a, b) => a * b, 1);
    const outer = this.data.length / (n * inner);
    const data = this.data.slice();
    // plain loops, no closures: this runs once per run, mostly before V8 optimises it
    // (gammapy's gaps are filled in the log scale for log-scaled values, else linearly)
    const scale = scaleFor(this.interp.valuesScale === "log" ? "log" : "lin");
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) fillGaps(data, this.data, o * n * inner + i, inner, n, scale);
    }
    return new Irf(this.tag, this.axes, data, this.unit, this.meta, this.interp);
  }

  /** Padded by whole bins along an axis, repeating the edge values (gammapy's `pad(mode="edge")`). */
  pad(axisName: string, low: number, high = low): Irf {
    const d = this.axes.findIndex((a) => a.name === axisName);
    const axis = this.axis(axisName);
    const n = axis.nbin;
    const m = n + low + high;
    const inner = this.shape.slice(d + 1).reduce((a, b) => a * b, 1);
    const outer = this.data.length / (n * inner);
    const data = new Float64Array(outer * m * inner);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < m; k++) {
        const from = Math.min(n - 1, Math.max(0, k - low));
        data.set(this.data.subarray((o * n + from) * inner, (o * n + from + 1) * inner), (o * m + k) * inner);
      }
    }
    const axes = this.axes.map((a, i) => (i === d ? axis.pad(low, high) : a));
    return new Irf(this.tag, axes, data, this.unit, this.meta, this.interp);
  }

  private interpolatorFor(method: GridInterpMethod): ScaledRegularGridInterpolator {
    if (method !== "linear") return this.makeInterpolator(method);
    this.interpolator ??= this.makeInterpolator("linear");
    return this.interpolator;
  }

  private makeInterpolator(method: GridInterpMethod): ScaledRegularGridInterpolator {
    return new ScaledRegularGridInterpolator(
      this.axes.map((a) => a.center),
      this.data,
      { pointsScale: this.axes.map((a) => a.interp), valuesScale: this.interp.valuesScale ?? "lin", method },
    );
  }
}

/**
 * Missing (0 or non-finite) values of the row source[start + k·stride], k < n, between valid ones, interpolated in
 * `scale` into `target`.
 */
function fillGaps(
  target: Float64Array,
  source: Float64Array,
  start: number,
  stride: number,
  n: number,
  scale: Scale,
): void {
  let previous = -1; // the last valid k
  for (let k = 0; k < n; k++) {
    const v = source[start + k * stride];
    if (!(Number.isFinite(v) && v !== 0)) continue;
    if (previous >= 0 && k > previous + 1) {
      const f0 = scale.forward(source[start + previous * stride]);
      const f1 = scale.forward(v);
      for (let g = previous + 1; g < k; g++)
        target[start + g * stride] = scale.inverse(f0 + ((f1 - f0) * (g - previous)) / (k - previous));
    }
    previous = k;
  }
}

// Per-point loops of `evaluateOuter`, in functions of their own (V8 optimises those sooner).

/** code[i] |= flag << bit (one flag for all points, or one per point). */
function orFlagBits(code: Uint8Array, flags: Uint8Array, bit: number, m: number): void {
  if (flags.length === 1) {
    if (flags[0]) for (let i = 0; i < m; i++) code[i] |= 1 << bit;
  } else {
    for (let i = 0; i < m; i++) code[i] |= flags[i] << bit;
  }
}

/** table[code[i]] for every point. */
function lookUp(table: Uint8Array, code: Uint8Array, m: number): Uint8Array {
  const out = new Uint8Array(m);
  for (let i = 0; i < m; i++) out[i] = table[code[i]];
  return out;
}

/** values[base + i] = fill (and its log unknown) where table[code[i]] is set. */
function fillWhere(
  values: Float64Array,
  logOut: Float64Array | undefined,
  base: number,
  table: Uint8Array,
  code: Uint8Array,
  m: number,
  fill: number,
): void {
  for (let i = 0; i < m; i++) {
    if (!table[code[i]]) continue;
    values[base + i] = fill;
    if (logOut) logOut[base + i] = NaN;
  }
}
