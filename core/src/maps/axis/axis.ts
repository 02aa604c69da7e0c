import { parseQuantity } from "../../units/index.js";
import {
  pixelsToIndices,
  rintHalfEven,
  inverseInPlace,
  scaleFor,
  type InterpScale,
  type Scale,
} from "../../utils/interpolation/index.js";
import { NoOverlapError } from "../cutout.js";
import { interp1dOnIndex, interp1dScipy } from "./axis-interp.js";

export type NodeType = "edges" | "center";

/**
 * A group of bins of an edge axis (a row of gammapy's `group_table`): the coordinates it spans
 * and its first and last bin index.
 */
export interface AxisGroup {
  readonly min: number;
  readonly max: number;
  readonly idxMin: number;
  readonly idxMax: number;
  readonly binType: "normal" | "underflow" | "overflow";
}

export interface MapAxisOptions {
  interp?: InterpScale;
  name?: string;
  nodeType?: NodeType;
  unit?: string;
}

/**
 * A non-spatial map axis (gammapy's `MapAxis`): bin edges or centres, a unit, a name and an
 * interpolation scale that defines how coordinates map to continuous pixel coordinates.
 */
export class MapAxis {
  readonly nodes: Float64Array;
  readonly name: string;
  readonly unit: string;
  readonly interp: InterpScale;
  readonly nodeType: NodeType;
  private readonly scale: Scale;
  private readonly scaledNodes: Float64Array;
  private readonly nodeIndex: Float64Array;
  private edgesCache?: Float64Array;
  private centerCache?: Float64Array;

  constructor(nodes: ArrayLike<number>, options: MapAxisOptions = {}) {
    this.nodes = Float64Array.from(nodes);
    this.name = options.name ?? "";
    this.unit = options.unit ?? "";
    this.interp = options.interp ?? "lin";
    this.nodeType = options.nodeType ?? "edges";
    const label = `MapAxis '${this.name}'`;
    if (this.nodeType !== "edges" && this.nodeType !== "center")
      throw new Error(`${label}: invalid node type '${String(this.nodeType)}'`);
    const n = this.nodes.length;
    if (n < (this.nodeType === "edges" ? 2 : 1))
      throw new Error(`${label}: needs at least ${this.nodeType === "edges" ? 2 : 1} node(s), got ${n}`);
    if (this.nodes.some((v) => !Number.isFinite(v))) throw new Error(`${label}: nodes must be finite`);
    const ascending = this.nodes.every((v, i) => i === 0 || v > this.nodes[i - 1]);
    const descending = this.nodes.every((v, i) => i === 0 || v < this.nodes[i - 1]);
    if (!ascending && !descending) throw new Error(`${label}: nodes must be unique and sorted`);
    if (this.interp !== "lin" && this.nodes.some((v) => v < 0)) {
      throw new Error(`${label}: interpolation scale '${this.interp}' needs non-negative nodes`);
    }
    this.scale = scaleFor(this.interp);
    this.scaledNodes = this.nodes.map((v) => this.scale.forward(v));
    this.nodeIndex = Float64Array.from({ length: n }, (_, i) => i);
  }

  /** Nodes equally spaced in the axis scale between lo and hi. */
  static fromBounds(lo: number, hi: number, nbin: number, options: MapAxisOptions = {}): MapAxis {
    if (!Number.isInteger(nbin) || nbin < 1)
      throw new Error(`MapAxis.fromBounds: nbin must be a positive integer, got ${nbin}`);
    const nodeType = options.nodeType ?? "edges";
    const count = nodeType === "edges" ? nbin + 1 : nbin;
    const interp = options.interp ?? "lin";
    let nodes: Float64Array;
    if (interp === "log") nodes = linspace(Math.log(lo), Math.log(hi), count).map(Math.exp);
    else if (interp === "sqrt") nodes = linspace(Math.sqrt(lo), Math.sqrt(hi), count).map((v) => v ** 2);
    else nodes = linspace(lo, hi, count);
    return new MapAxis(nodes, { ...options, interp, nodeType });
  }

  /** A log energy axis named "energy" (or "energy_true"); bounds may carry units ("1 TeV"). */
  static fromEnergyBounds(
    emin: number | string,
    emax: number | string,
    nbin: number,
    options: { unit?: string; name?: string; perDecade?: boolean; nodeType?: NodeType } = {},
  ): MapAxis {
    const maxQ = parseQuantity(emax, typeof emax === "number" ? (options.unit ?? "TeV") : undefined);
    const unit = options.unit ?? (maxQ.unit.text || "TeV");
    if (!maxQ.unit.isCompatible(parseQuantity("1 TeV").unit))
      throw new Error(`MapAxis.fromEnergyBounds: '${emax}' is not an energy`);
    const lo = parseQuantity(emin, typeof emin === "number" ? unit : undefined).to(unit).value;
    const hi = maxQ.to(unit).value;
    const name = options.name ?? "energy";
    if (name !== "energy" && name !== "energy_true")
      throw new Error(`MapAxis.fromEnergyBounds: name must be 'energy' or 'energy_true', got '${name}'`);
    const bins = options.perDecade ? Math.ceil(Math.log10(hi / lo) * nbin) : nbin;
    return MapAxis.fromBounds(lo, hi, bins, { unit, name, interp: "log", nodeType: options.nodeType });
  }

  static fromEdges(edges: ArrayLike<number>, options: Omit<MapAxisOptions, "nodeType"> = {}): MapAxis {
    return new MapAxis(edges, { ...options, nodeType: "edges" });
  }

  static fromNodes(nodes: ArrayLike<number>, options: Omit<MapAxisOptions, "nodeType"> = {}): MapAxis {
    return new MapAxis(nodes, { ...options, nodeType: "center" });
  }

  get nbin(): number {
    return this.nodeType === "edges" ? this.nodes.length - 1 : this.nodes.length;
  }

  private get pixOffset(): number {
    return this.nodeType === "edges" ? -0.5 : 0;
  }

  /**
   * Bin edges: the nodes themselves for edge axes (gammapy recomputes them through the scale, which can move them by
   * an ulp).
   */
  get edges(): Float64Array {
    if (this.nodeType === "edges") return this.nodes;
    this.edgesCache ??= this.pixToCoord(Float64Array.from({ length: this.nbin + 1 }, (_, i) => i - 0.5));
    return this.edgesCache;
  }

  get center(): Float64Array {
    this.centerCache ??= this.pixToCoord(Float64Array.from({ length: this.nbin }, (_, i) => i));
    return this.centerCache;
  }

  get binWidth(): Float64Array {
    const e = this.edges;
    return Float64Array.from({ length: this.nbin }, (_, i) => e[i + 1] - e[i]);
  }

  get bounds(): [number, number] {
    const e = this.edges;
    return [Math.min(e[0], e[e.length - 1]), Math.max(e[0], e[e.length - 1])];
  }

  get isEnergyAxis(): boolean {
    return this.name === "energy" || this.name === "energy_true";
  }

  coordToPix(coord: ArrayLike<number> | number): Float64Array {
    const values = typeof coord === "number" ? [coord] : coord;
    const pix = interp1dScipy(this.scaledNodes, this.nodeIndex, values, this.scale.forward);
    if (this.pixOffset !== 0) for (let i = 0; i < pix.length; i++) pix[i] += this.pixOffset;
    return pix;
  }

  /** The coordinates of pixel positions, into `out` when given (of their length). */
  pixToCoord(pix: ArrayLike<number> | number, out?: Float64Array): Float64Array {
    const values = typeof pix === "number" ? [pix] : pix;
    return inverseInPlace(this.scale, interp1dOnIndex(this.scaledNodes, values, this.pixOffset, out));
  }

  /** Bin index of pixel coordinates (rint); -1 outside unless clipped. */
  pixToIdx(pix: ArrayLike<number> | number, clip = false): Int32Array {
    const values = typeof pix === "number" ? [pix] : pix;
    return pixelsToIndices(values, this.nbin, clip);
  }

  /** Bin index by edges (gammapy's `coord_to_idx`: numpy digitize on the edges). */
  coordToIdx(coord: ArrayLike<number> | number, clip = false): Int32Array {
    const values = typeof coord === "number" ? [coord] : coord;
    const edges = this.edges;
    const out = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const c = values[i];
      if (!Number.isFinite(c)) {
        out[i] = -1;
        continue;
      }
      let k = 0; // number of edges <= c (digitize, right=False), minus one
      let lo = 0;
      let hi = edges.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (edges[mid] <= c) lo = mid + 1;
        else hi = mid;
      }
      k = lo - 1;
      if (clip) k = Math.min(Math.max(k, 0), this.nbin - 1);
      else if (c > edges[edges.length - 1]) k = -1;
      out[i] = k;
    }
    return out;
  }

  /**
   * Whether `other`'s bin centres fall on whole pixels of this axis and this axis' centres on
   * `other`'s (within `atol` bins), with the same interpolation (gammapy's `is_aligned`).
   */
  isAligned(other: MapAxis, atol = 2e-2): boolean {
    const pix = [...this.coordToPix(other.center), ...other.coordToPix(this.center)];
    return pix.every((p) => Math.abs(rintHalfEven(p) - p) <= atol) && this.interp === other.interp;
  }

  /**
   * The bins grouped by coarser `edges` (gammapy's `group_table`): each edge snapped to the
   * nearest bin edge (pixel coordinates clipped to the axis, rounded half to even), repeats
   * dropped; a "normal" group between consecutive snapped edges, an "underflow" and an
   * "overflow" group for the bins outside them (their last and first index, as gammapy's table
   * stores them, whole). Throws a NoOverlapError when no normal group remains.
   */
  groupTable(edges: ArrayLike<number>): AxisGroup[] {
    if (this.nodeType !== "edges") throw new Error(`MapAxis '${this.name}': only an edge axis can be grouped`);
    const n = this.nbin;
    const snapped = Array.from(this.coordToPix(edges), (p) => {
      const clipped = Math.min(Math.max(p, -0.5), n - 0.5);
      return rintHalfEven(clipped + 0.5) - 0.5;
    });
    const pix = [...new Set(snapped)].sort((a, b) => a - b);
    const coords = this.pixToCoord(pix);
    const groups: AxisGroup[] = [];
    for (let i = 0; i + 1 < pix.length; i++) {
      const [idxMin, idxMax] = [pix[i] + 0.5, pix[i + 1] - 0.5];
      groups.push({ min: coords[i], max: coords[i + 1], idxMin, idxMax, binType: "normal" });
    }
    if (groups.length === 0) throw new NoOverlapError("No overlap between reference and target edges.");
    const [first, last] = [pix[0], pix[pix.length - 1]];
    if (first > 0) {
      const min = this.pixToCoord(-0.5)[0];
      groups.unshift({ min, max: coords[0], idxMin: 0, idxMax: first - 0.5, binType: "underflow" });
    }
    if (last < n - 0.5) {
      const max = this.pixToCoord(n - 0.5)[0];
      groups.push({ min: coords[coords.length - 1], max, idxMin: last + 0.5, idxMax: n - 1, binType: "overflow" });
    }
    return groups;
  }

  squash(): MapAxis {
    const e = this.edges;
    return MapAxis.fromBounds(e[0], e[e.length - 1], 1, { interp: this.interp, name: this.name, unit: this.unit });
  }

  /** A finer axis keeping the original nodes (gammapy 1.0). */
  upsample(factor: number): MapAxis {
    const edgeType = this.nodeType === "edges";
    const pix = this.coordToPix(edgeType ? this.edges : this.center);
    const count = edgeType ? Math.trunc(this.nbin * factor) + 1 : Math.trunc((this.nbin - 1) * factor) + 1;
    const nodes = this.pixToCoord(linspace(Math.min(...pix), Math.max(...pix), count));
    return this.copy({ nodes });
  }

  /** Every factor-th node, keeping the axis limits (gammapy 1.0). */
  downsample(factor: number): MapAxis {
    const edgeType = this.nodeType === "edges";
    const bins = edgeType ? this.nbin : this.nbin - 1;
    if (bins % factor !== 0) {
      throw new Error(
        `MapAxis '${this.name}': number of bins${edgeType ? "" : " - 1"} (${bins}) is not divisible by ${factor}`,
      );
    }
    const source = edgeType ? this.edges : this.center;
    return this.copy({ nodes: source.filter((_, i) => i % factor === 0) });
  }

  /** Bins [start, stop). */
  slice(start: number, stop: number): MapAxis {
    if (!(Number.isInteger(start) && Number.isInteger(stop) && 0 <= start && start < stop && stop <= this.nbin)) {
      throw new Error(`MapAxis '${this.name}': invalid slice [${start}, ${stop}) of ${this.nbin} bins`);
    }
    const end = this.nodeType === "edges" ? stop + 1 : stop;
    return this.copy({ nodes: this.nodes.slice(start, end) });
  }

  copy(overrides: Partial<MapAxisOptions & { nodes: ArrayLike<number> }> = {}): MapAxis {
    return new MapAxis(overrides.nodes ?? this.nodes, {
      interp: overrides.interp ?? this.interp,
      name: overrides.name ?? this.name,
      nodeType: overrides.nodeType ?? this.nodeType,
      unit: overrides.unit ?? this.unit,
    });
  }

  /** The axis extended by whole bins at each end (gammapy's `pad`), extrapolating its scale. */
  pad(low: number, high = low): MapAxis {
    const offset = this.nodeType === "edges" ? -0.5 : 0;
    const count = this.nbin + low + high + (this.nodeType === "edges" ? 1 : 0);
    const nodes = this.pixToCoord(Float64Array.from({ length: count }, (_, i) => i - low + offset));
    return new MapAxis(nodes, { name: this.name, interp: this.interp, nodeType: this.nodeType, unit: this.unit });
  }

  rename(name: string): MapAxis {
    return this.copy({ name });
  }

  /** gammapy's `==`: same node type, interp, name (case-insensitive) and edges within 1e-6. */
  equals(other: MapAxis): boolean {
    if (this.nodeType !== other.nodeType || this.interp !== other.interp) return false;
    if (this.name.toUpperCase() !== other.name.toUpperCase()) return false;
    const a = this.edges;
    let b = other.edges;
    if (a.length !== b.length) return false;
    if (this.unit !== other.unit) {
      try {
        const f = parseQuantity(1, other.unit).to(this.unit).value;
        b = b.map((v) => v * f);
      } catch {
        return false;
      }
    }
    return a.every((v, i) => Math.abs(v - b[i]) <= 1e-6 + 1e-6 * Math.abs(b[i]));
  }

  toString(): string {
    const vals = this.nodeType === "edges" ? this.edges : this.center;
    const fmt = (k: string, v: string) => `\t${k.padEnd(10)} : ${v}`;
    return [
      "MapAxis",
      "",
      fmt("name", this.name),
      fmt("unit", `'${this.unit}'`),
      fmt("nbins", String(this.nbin)),
      fmt("node type", this.nodeType),
      fmt(`${this.nodeType} min`, Math.min(...vals).toExponential(1)),
      fmt(`${this.nodeType} max`, Math.max(...vals).toExponential(1)),
      fmt("interp", this.interp),
    ].join("\n");
  }
}

/** numpy linspace: start + i·step, last value exactly `stop`. */
export function linspace(start: number, stop: number, count: number): Float64Array {
  const out = new Float64Array(count);
  if (count === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (count - 1);
  for (let i = 0; i < count; i++) out[i] = start + i * step;
  out[count - 1] = stop;
  return out;
}
