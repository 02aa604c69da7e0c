import {
  defaultComputeCache,
  identityKey,
  MapAxis,
  type ComputeCache,
  type Irf,
  type SkyCoord,
  type WcsGeom,
} from "@gammaflow/core";
import { copyRun, normalizeAlongAxis, normalizedUnit, tunedPaths } from "@gammaflow/core/internals";
import {
  axisCells,
  BETWEEN,
  CATEGORIES,
  CATEGORY_OF,
  exactKeys,
  imagePixelCells,
  INSIDE,
  interpolates,
  KINDS,
  pixelCells,
  SINGLE_NODE,
  type AxisCells,
  type PixelCells,
} from "./offset-cells.js";
import {
  allFinite,
  energyStep,
  exactOffsetLast,
  exactOffsetSecond,
  fillRuns,
  nodeTable,
  offsetStep,
  offsetStepScaled,
  otherStep,
  replaceNonFiniteBy,
  RunningIntegrals,
} from "./offset-kernels.js";

// An IRF at every pixel of a map where only the offset from the pointing varies from pixel to
// pixel (exposure, PSF and energy-dispersion maps).

/** Values along the IRF's third axis (rad, migra): the same at every pixel. */
export interface OtherAxisValues {
  name: string;
  values: ArrayLike<number>;
}

/** How values are normalised along the other axis (see `axisNormalization`). */
export interface AxisNormalization {
  width: ArrayLike<number>;
  /** Bin centres of a "rad" axis: each bin then also counts 2π·r. */
  jacobianCenters?: ArrayLike<number>;
  /** The unit of the normalised values. */
  unit: string;
}

export interface OffsetEvaluateOptions {
  /** Every value is multiplied by it (an exposure's live time); default 1. */
  factor?: number;
  /** Normalise along the other axis as `WcsNDMap.normalize` does, in the same pass (no `factor` then). */
  normalize?: AxisNormalization;
  /**
   * Where the offset cells and fill tables are kept (default `defaultComputeCache()`; the
   * geometry's own per-grid arrays always go there).
   */
  cache?: ComputeCache;
}

/** The normalisation `WcsNDMap.normalize` applies along a map axis (by bin width, × 2π·r for "rad"). */
export function axisNormalization(axis: MapAxis): AxisNormalization {
  const isRad = axis.name.toLowerCase() === "rad";
  return {
    width: axis.binWidth,
    jacobianCenters: isRad ? axis.center : undefined,
    unit: normalizedUnit(isRad ? "rad" : axis.name, axis.unit),
  };
}

/**
 * An IRF with an "offset" axis on the outer product of `first` (values of its first axis, e.g.
 * true energies), `other` (values of its third axis, e.g. rad; none for a 2-d IRF) and one
 * offset per pixel: out[(j·nOther + c)·nPixels + i] = factor · irf.evaluateOuter(first,
 * { offset, [other.name]: values }) on the expanded coordinates, up to round-off.
 *
 * Only the offset varies from pixel to pixel, so the IRF's values around each (first, other)
 * pair are first gathered at its own offset nodes: a table of a few thousand values. Where
 * every step interpolates (the first and other values, and the pixel's offset, between nodes),
 * each row is interpolated once at the offset nodes, and each pixel costs one linear
 * interpolation between the two nodes around its offset: multilinear interpolation is linear
 * in each coordinate on its own, and IRF values are not negative (sums of non-negative terms
 * round alike in any order, to a few ulp). Where a step extrapolates, the values can nearly
 * cancel: there the arithmetic is the grid interpolator's own, in its order, so that they
 * round exactly as before. With `normalize`, the integral along the other axis is interpolated
 * the same way where it can be (see `linearNormalization`): normalising then costs one
 * multiplication per value, in the same pass.
 *
 * The fill rules (which coordinates outside the axes give the fill value) stay the IRF's own:
 * see `filledCoordinates`. IRFs whose values are not interpolated linearly, or with other axes
 * than named here, take the general path (`irf.evaluateOuter`).
 */
export function evaluateAtOffsets(
  irf: Irf,
  first: ArrayLike<number>,
  offsets: ArrayLike<number>,
  other?: OtherAxisValues,
  options: OffsetEvaluateOptions = {},
): Float64Array {
  checkOptions(options);
  const layout = tableLayout(irf, other?.name);
  if (!layout || !tunedPaths()) return evaluateGeneral(irf, first, offsets, other, options);
  return new TableEvaluation(
    irf,
    layout,
    first,
    pixelCells(irf.axes[layout.offsetAxis], offsets),
    other,
    options,
  ).run();
}

/**
 * `evaluateAtOffsets` at the offsets from `pointing` of the pixels of `geom`'s image. Their
 * offset cells are kept in the compute cache: runs with the same pointing on the same grid (and
 * IRFs with the same offset nodes) share them, and need no separations at all.
 */
export function evaluateOnImage(
  irf: Irf,
  first: ArrayLike<number>,
  geom: WcsGeom,
  pointing: SkyCoord,
  other?: OtherAxisValues,
  options: OffsetEvaluateOptions = {},
): Float64Array {
  checkOptions(options);
  const layout = tableLayout(irf, other?.name);
  if (!layout || !tunedPaths()) return evaluateGeneral(irf, first, geom.separation(pointing), other, options);
  const cells = imagePixelCells(irf.axes[layout.offsetAxis], geom, pointing, options.cache ?? defaultComputeCache());
  return new TableEvaluation(irf, layout, first, cells, other, options).run();
}

/**
 * What `evaluateOnImage` with `normalize` computes before it reaches the pixels: for each first
 * value, the values at every (other value, offset node). For a linear map of each pixel's values
 * along the other axis (the EDisp kernel's integration over migra), the map of the node rows,
 * interpolated pixel by pixel, clipped and normalised as the pixels are, gives their results.
 */
export interface NodeRows {
  /** Rows at the offset nodes, [first][other][node] (the fill value where a row is filled). */
  rows: Float64Array;
  /** Offset nodes per row. */
  nodes: number;
  /**
   * Per first value, 1 where every pixel between the outer nodes (kind BETWEEN) has, for every
   * other value, max(0, (1 − frac) · rows[node] + frac · rows[node + 1]) before the normalisation.
   */
  simple: Uint8Array;
  pixels: PixelCells;
}

/**
 * The node rows of `evaluateOnImage(irf, first, geom, pointing, other, options)` (see NodeRows),
 * without the pixels' values; undefined where the table does not apply (then only the pixels'
 * values are known, as `evaluateOnImage` computes them) or nothing is normalised (the rows are
 * the values before the normalisation, which the caller applies).
 */
export function evaluateNodesOnImage(
  irf: Irf,
  first: ArrayLike<number>,
  geom: WcsGeom,
  pointing: SkyCoord,
  other: OtherAxisValues,
  options: OffsetEvaluateOptions,
): NodeRows | undefined {
  checkOptions(options);
  const layout = tableLayout(irf, other.name);
  if (!layout || !tunedPaths() || !options.normalize) return undefined;
  const cells = imagePixelCells(irf.axes[layout.offsetAxis], geom, pointing, options.cache ?? defaultComputeCache());
  const evaluation = new TableEvaluation(irf, layout, first, cells, other, options, "nodes");
  evaluation.run();
  return evaluation.nodeRows!;
}

function checkOptions(options: OffsetEvaluateOptions): void {
  if (options.normalize && (options.factor ?? 1) !== 1)
    throw new Error("evaluateAtOffsets: normalised values take no factor");
}

/** The general path: the IRF evaluated on the expanded coordinates. */
function evaluateGeneral(
  irf: Irf,
  first: ArrayLike<number>,
  offsets: ArrayLike<number>,
  other: OtherAxisValues | undefined,
  options: OffsetEvaluateOptions,
): Float64Array {
  const n = offsets.length;
  const nOther = other ? other.values.length : 1;
  const offset = new Float64Array(nOther * n);
  for (let c = 0; c < nOther; c++) offset.set(offsets, c * n);
  let coords: Record<string, Float64Array> = { offset };
  if (other) {
    const values = new Float64Array(nOther * n);
    for (let c = 0; c < nOther; c++) values.fill(other.values[c], c * n, (c + 1) * n);
    coords = { offset, [other.name]: values };
  }
  const out = irf.evaluateOuter(first, coords);
  const factor = options.factor ?? 1;
  if (factor !== 1) for (let i = 0; i < out.length; i++) out[i] *= factor;
  const norm = options.normalize;
  if (norm) normalizeAlongAxis(out, nOther, n, norm.width, norm.jacobianCenters);
  return out;
}

/** Where the IRF's axes are: the first axis, then "offset" and the other axis in either order. */
interface TableLayout {
  offsetAxis: number;
  otherAxis: number;
  strides: number[];
}

/** The layout when the table applies: linearly interpolated values, exactly the axes named, ≥ 2 offset nodes. */
function tableLayout(irf: Irf, otherName: string | undefined): TableLayout | undefined {
  if ((irf.interp.valuesScale ?? "lin") !== "lin") return undefined;
  const names = irf.axes.map((a) => a.name);
  const offsetAxis = names.indexOf("offset");
  const otherAxis = otherName === undefined ? -1 : names.indexOf(otherName);
  const ndim = otherName === undefined ? 2 : 3;
  if (names.length !== ndim || offsetAxis < 1 || (ndim === 3 && (otherAxis < 1 || otherAxis === offsetAxis)))
    return undefined;
  if (irf.axes[offsetAxis].nbin < 2) return undefined;
  const strides = new Array<number>(ndim);
  for (let d = ndim - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= irf.axes[d].nbin;
  }
  return { offsetAxis, otherAxis, strides };
}

/**
 * The work of `evaluateAtOffsets` on the table: first value by first value, row (other value)
 * by row, kind of pixel by kind.
 */
class TableEvaluation {
  private readonly firstCells: AxisCells;
  private readonly otherCells: AxisCells;
  private readonly nOther: number;
  private readonly nodes: number;
  private readonly n: number;
  /** Whether the offset is the IRF's last axis (energy dispersion): it then comes innermost. */
  private readonly offsetLast: boolean;
  private readonly is2d: boolean;
  /** Whether every value of the other axis lies between two nodes (or it has none). */
  private readonly otherInterpolates: boolean;
  private readonly table: Float64Array;
  /** Filled coordinates (`filledCoordinates`), undefined for an IRF without fill value. */
  private readonly filled?: Uint8Array;
  private readonly fillValue: number;
  /** Whether filled values are written: `out` is new, hence zeros, so a fill value of +0 need not be. */
  private readonly writeFill: boolean;
  /** Whether non-finite values take the fill value: a finite table gives none. */
  private readonly replaceNonFinite: boolean;
  private readonly factor: number;
  private readonly normalize?: AxisNormalization;
  private readonly out: Float64Array;
  /**
   * Rows of the current first value at the offset nodes, at both energy nodes (`otherStep`)
   * and interpolated in energy (`energyStep`).
   */
  private readonly byEnergyNode: Float64Array;
  private readonly rows: Float64Array;
  /**
   * Each pixel's factor on the way out: `factor`, but 1 / integral between the offset nodes
   * under `linearNormalization`.
   */
  private readonly scale: Float64Array;
  private readonly integrals?: RunningIntegrals;
  /** In "nodes" mode: what is kept instead of the pixels' values. */
  readonly nodeRows?: NodeRows;

  constructor(
    irf: Irf,
    layout: TableLayout,
    first: ArrayLike<number>,
    private readonly pixels: PixelCells,
    other: OtherAxisValues | undefined,
    options: OffsetEvaluateOptions,
    /** "pixels": every pixel's values (`out`); "nodes": the node rows only (`nodeRows`). */
    private readonly mode: "pixels" | "nodes" = "pixels",
  ) {
    this.firstCells = axisCells(irf.axes[0], layout.strides[0], first);
    this.otherCells = other
      ? axisCells(irf.axes[layout.otherAxis], layout.strides[layout.otherAxis], other.values)
      : SINGLE_NODE;
    this.is2d = !other;
    this.otherInterpolates = this.is2d || everyInterpolates(this.otherCells.frac);
    this.offsetLast = layout.offsetAxis === irf.axes.length - 1 && !this.is2d;
    this.nOther = other ? other.values.length : 1;
    this.nodes = irf.axes[layout.offsetAxis].nbin;
    this.n = pixels.node.length;
    this.table = nodeTable(irf.data, this.firstCells, this.otherCells, this.nodes, layout.strides[layout.offsetAxis]);
    this.factor = options.factor ?? 1;
    this.normalize = options.normalize;
    const fill = irf.interp.fillValue;
    const cache = options.cache ?? defaultComputeCache();
    this.filled = fill === null || fill === undefined ? undefined : filledCoordinates(irf, first, other, cache);
    this.fillValue = (fill ?? NaN) * this.factor;
    this.writeFill = !Object.is(this.fillValue, 0);
    this.replaceNonFinite = this.filled !== undefined && !allFinite(this.table);
    this.out = new Float64Array(mode === "pixels" ? first.length * this.nOther * this.n : 0);
    this.byEnergyNode = new Float64Array(this.nOther * 2 * this.nodes);
    this.rows = new Float64Array(this.nOther * this.nodes);
    this.scale = new Float64Array(this.n).fill(this.factor);
    this.integrals = this.normalize && mode === "pixels" ? new RunningIntegrals(this.n) : undefined;
    if (mode === "nodes") {
      this.nodeRows = {
        rows: new Float64Array(first.length * this.nOther * this.nodes),
        nodes: this.nodes,
        simple: new Uint8Array(first.length),
        pixels,
      };
    }
  }

  run(): Float64Array {
    for (let j = 0; j < this.firstCells.frac.length; j++) this.firstValue(j);
    return this.out;
  }

  private firstValue(j: number): void {
    const t0 = this.firstCells.frac[j];
    for (let c = 0; c < this.nOther; c++) {
      const from = (j * this.nOther + c) * 4 * this.nodes;
      otherStep(
        this.byEnergyNode,
        c * 2 * this.nodes,
        this.table,
        from,
        this.nodes,
        this.is2d ? undefined : this.otherCells.frac[c],
      );
    }
    energyStep(this.rows, this.byEnergyNode, this.nOther, this.nodes, 1 - t0, t0);
    if (this.nodeRows) {
      this.keepNodeRows(j);
      return;
    }
    const linear = this.normalize !== undefined && interpolates(t0) && this.linearNormalization(j);
    if (this.normalize && !linear) this.scale.fill(1);
    for (let c = 0; c < this.nOther; c++) this.row(j, c, linear);
    if (this.integrals) {
      // the rest as WcsNDMap.normalize does, but for pixels filled with +0 in every row: it leaves them +0
      const rest = this.pixels.runs.filter(
        (_, kind) => !(kind === BETWEEN && linear) && (this.writeFill || !this.everyRowFilled(j, CATEGORY_OF[kind])),
      );
      this.integrals.normalize(this.out, j * this.nOther * this.n, this.nOther, this.n, rest, this.normalize!);
    }
  }

  /**
   * The first value's node rows (a filled row: the fill value), and whether `row` interpolates
   * every BETWEEN pixel between them (`offsetStep`: every row simple, no fill value written, no
   * value replaced).
   */
  private keepNodeRows(j: number): void {
    const kept = this.nodeRows!;
    const { nodes, nOther } = this;
    const simple = interpolates(this.firstCells.frac[j]) && this.otherInterpolates;
    kept.simple[j] = simple && !this.writeFill && !this.replaceNonFinite ? 1 : 0;
    for (let c = 0; c < nOther; c++) {
      const at = (j * nOther + c) * nodes;
      if (this.filled?.[(j * nOther + c) * CATEGORIES + INSIDE]) kept.rows.fill(this.fillValue, at, at + nodes);
      else copyRun(kept.rows, at, this.rows, c * nodes, nodes);
    }
  }

  private row(j: number, c: number, linear: boolean): void {
    const { out, pixels, nodes } = this;
    const row = j * this.nOther + c;
    const at = row * this.n;
    const t0 = this.firstCells.frac[j];
    // one linear interpolation per pixel only where no step extrapolates
    const simple = interpolates(t0) && (this.is2d || interpolates(this.otherCells.frac[c]));
    for (let kind = 0; kind < KINDS; kind++) {
      const runs = pixels.runs[kind];
      if (this.filled?.[row * CATEGORIES + CATEGORY_OF[kind]]) {
        if (this.writeFill) fillRuns(out, at, runs, this.fillValue);
      } else if (kind === BETWEEN && simple && linear) {
        offsetStepScaled(out, at, runs, this.rows, c * nodes, pixels.node, pixels.frac, this.scale);
      } else if (kind === BETWEEN && simple) {
        offsetStep(out, at, runs, this.rows, c * nodes, pixels.node, pixels.frac, this.factor);
      } else if (this.offsetLast) {
        const tc = this.otherCells.frac[c];
        exactOffsetLast(
          out,
          at,
          runs,
          this.table,
          row * 4 * nodes,
          nodes,
          1 - t0,
          t0,
          1 - tc,
          tc,
          pixels.node,
          pixels.frac,
          this.scale,
        );
      } else {
        exactOffsetSecond(
          out,
          at,
          runs,
          this.byEnergyNode,
          c * 2 * nodes,
          nodes,
          1 - t0,
          t0,
          pixels.node,
          pixels.frac,
          this.scale,
        );
      }
    }
    if (this.replaceNonFinite) replaceNonFiniteBy(out, at, this.n, this.fillValue);
  }

  /**
   * The normalisation of the pixels between the outer offset nodes as a factor per pixel in
   * `scale`, when it can be: where no value is negative (none is clipped), the running integral
   * along the other axis only grows, so its largest value is the full integral; and that is
   * linear in the values, so it is interpolated like them: once per offset node, then per
   * pixel between the two nodes around it (the sums round differently, at the 1e-15 level: a
   * sum of non-negative terms). scale[i] = 1 / integral (0 for a zero integral, whose values
   * are all 0). False (and `scale` to be reset) when some value or weight is negative or not
   * finite, or a row is filled with another value than +0.
   */
  private linearNormalization(j: number): boolean {
    const { nodes, nOther, rows } = this;
    const norm = this.normalize!;
    const integral = new Float64Array(nodes);
    for (let c = 0; c < nOther; c++) {
      if (this.filled?.[(j * nOther + c) * CATEGORIES + INSIDE]) {
        if (this.writeFill) return false;
        continue; // zeros
      }
      const w = norm.width[c];
      const f = norm.jacobianCenters ? 2 * Math.PI * norm.jacobianCenters[c] : 1;
      if (!(w >= 0 && w < Infinity && f >= 0 && f < Infinity)) return false;
      for (let k = 0; k < nodes; k++) {
        const v = rows[c * nodes + k];
        if (!(v >= 0 && v < Infinity)) return false;
        integral[k] += v * w * f;
      }
    }
    const { node, frac } = this.pixels;
    const runs = this.pixels.runs[BETWEEN];
    for (let r = 0; r < runs.length; r += 2) {
      for (let i = runs[r]; i < runs[r + 1]; i++) {
        const sum = (1 - frac[i]) * integral[node[i]] + frac[i] * integral[node[i] + 1];
        const reciprocal = sum > 0 ? 1 / sum : 0;
        if (reciprocal === Infinity) return false; // a subnormal integral: divided as before instead
        this.scale[i] = reciprocal;
      }
    }
    return true;
  }

  private everyRowFilled(j: number, category: number): boolean {
    if (!this.filled) return false;
    for (let c = 0; c < this.nOther; c++) if (!this.filled[(j * this.nOther + c) * CATEGORIES + category]) return false;
    return true;
  }
}

/**
 * Which (first value, other value, pixel category) the IRF sets to its fill value:
 * filled[(j·nOther + c)·3 + category]. Kept per IRF class and everything else the answer
 * depends on (fill value, outer edges, the values): runs with like IRFs share it.
 */
function filledCoordinates(
  irf: Irf,
  first: ArrayLike<number>,
  other: OtherAxisValues | undefined,
  cache: ComputeCache,
): Uint8Array {
  const edges = irf.axes.map((a) => `${a.name} ${a.interp} ${exactKeys([a.edges[0], a.edges[a.nbin]])}`);
  const values = [exactKeys(first), other?.name ?? "", other ? exactKeys(other.values) : ""];
  const key = [identityKey(irf.constructor), String(irf.interp.fillValue), ...edges, ...values].join("|");
  let filled = cache.get<Uint8Array>(FILLED, key);
  if (!filled) {
    filled = probeFilled(irf, first, other);
    cache.set(FILLED, key, filled, filled.byteLength);
  }
  return filled;
}

/** The compute-cache namespace of `filledCoordinates`. */
const FILLED = "irf filled coordinates";

/**
 * `filledCoordinates` from the IRF's own rule: `evaluateOuter` of an IRF of the same class
 * (hence the same fill rule) whose axes have the same outer edges but one bin each, over a
 * single 1 and with NaN as fill value, is NaN exactly where the IRF fills. Its offsets are
 * one per category: an edge (inside), beyond the upper edge, NaN.
 */
function probeFilled(irf: Irf, first: ArrayLike<number>, other: OtherAxisValues | undefined): Uint8Array {
  const Kind = irf.constructor as new (...args: ConstructorParameters<typeof Irf>) => Irf;
  const axes = irf.axes.map((a) =>
    MapAxis.fromEdges([a.edges[0], a.edges[a.nbin]], { name: a.name, interp: a.interp, unit: a.unit }),
  );
  const probe = new Kind(irf.tag, axes, Float64Array.of(1), irf.unit, irf.meta, { ...irf.interp, fillValue: NaN });
  const offsetAxis = irf.axis("offset");
  const categoryOffsets = [offsetAxis.edges[0], offsetAxis.edges[offsetAxis.nbin] + 1, NaN];
  const nOther = other ? other.values.length : 1;
  const offset = new Float64Array(nOther * CATEGORIES);
  const values = new Float64Array(nOther * CATEGORIES);
  for (let c = 0; c < nOther; c++) {
    offset.set(categoryOffsets, c * CATEGORIES);
    if (other) values.fill(other.values[c], c * CATEGORIES, (c + 1) * CATEGORIES);
  }
  const result = probe.evaluateOuter(first, other ? { offset, [other.name]: values } : { offset });
  const filled = new Uint8Array(result.length);
  for (let i = 0; i < result.length; i++) filled[i] = Number.isNaN(result[i]) ? 1 : 0;
  return filled;
}

// (a loop, not `every`: a callback boxes each double it is passed, garbage by the megabyte in a
// chain's node tables; likewise the kept rows go by copyRun, not `set` from a subarray per row)

/** Whether every fraction lies between two nodes (`interpolates`). */
function everyInterpolates(frac: Float64Array): boolean {
  for (let i = 0; i < frac.length; i++) if (!interpolates(frac[i])) return false;
  return true;
}
