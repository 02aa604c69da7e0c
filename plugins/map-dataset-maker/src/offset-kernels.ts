import { accumulateRuns, divideRuns } from "@gammaflow/core/internals";
import type { AxisCells } from "./offset-cells.js";
import type { AxisNormalization } from "./offset-table.js";

// The offset table's per-row kernels: gathering the IRF at its offset nodes, interpolating
// along the other axis, in energy and in offset, and normalising along the other axis.

/**
 * The IRF's values around each (first value, other value) pair at every offset node:
 * table[(((j·nOther + c)·2 + energy side)·2 + other side)·nodes + k], the sides being the
 * lower and upper node of the cell (one node twice for a 2-d IRF).
 */
export function nodeTable(
  data: Float64Array,
  first: AxisCells,
  other: AxisCells,
  nodes: number,
  nodeStride: number,
): Float64Array {
  const nFirst = first.lower.length;
  const nOther = other.lower.length;
  const table = new Float64Array(nFirst * nOther * 4 * nodes);
  for (let j = 0; j < nFirst; j++) {
    for (let c = 0; c < nOther; c++) {
      for (let corner = 0; corner < 4; corner++) {
        const at = ((j * nOther + c) * 4 + corner) * nodes;
        const b = first.lower[j] + (corner >> 1) * first.upper[j] + other.lower[c] + (corner & 1) * other.upper[c];
        for (let k = 0; k < nodes; k++) table[at + k] = data[b + k * nodeStride];
      }
    }
  }
  return table;
}

/**
 * One row's values at the offset nodes at both energy nodes, interpolated along the other axis
 * as the interpolator does (weight tc; a 2-d IRF's single node, tc undefined, as it is):
 * out[at + side·nodes + k] from table[from + (side·2 + other side)·nodes + k].
 */
export function otherStep(
  out: Float64Array,
  at: number,
  table: Float64Array,
  from: number,
  nodes: number,
  tc: number | undefined,
): void {
  for (let side = 0; side < 2; side++) {
    const lower = from + side * 2 * nodes;
    for (let k = 0; k < nodes; k++) {
      out[at + side * nodes + k] =
        tc === undefined ? table[lower + k] : (1 - tc) * table[lower + k] + tc * table[lower + nodes + k];
    }
  }
}

/**
 * Every row's values at the offset nodes interpolated in energy:
 * rows[c·nodes + k] = s0·lower + t0·upper energy node.
 */
export function energyStep(
  rows: Float64Array,
  byEnergyNode: Float64Array,
  nOther: number,
  nodes: number,
  s0: number,
  t0: number,
): void {
  for (let c = 0; c < nOther; c++) {
    const lower = c * 2 * nodes;
    for (let k = 0; k < nodes; k++)
      rows[c * nodes + k] = s0 * byEnergyNode[lower + k] + t0 * byEnergyNode[lower + nodes + k];
  }
}

/**
 * A row's pixels between the outer offset nodes, where no step extrapolates: linear in offset
 * between the row's values at the two nodes around each (rows[row + k]), clipped at 0 as the
 * interpolator does, times the factor.
 */
export function offsetStep(
  out: Float64Array,
  at: number,
  runs: Int32Array,
  rows: Float64Array,
  row: number,
  node: Int32Array,
  frac: Float64Array,
  factor: number,
): void {
  for (let r = 0; r < runs.length; r += 2) {
    for (let i = runs[r]; i < runs[r + 1]; i++) {
      const k = row + node[i];
      const t1 = frac[i];
      const w = (1 - t1) * rows[k] + t1 * rows[k + 1];
      out[at + i] = (w < 0 ? 0 : w) * factor;
    }
  }
}

/**
 * `offsetStep` times each pixel's own factor (a loop of its own: exposures, the most values,
 * need none, ~20 % faster).
 */
export function offsetStepScaled(
  out: Float64Array,
  at: number,
  runs: Int32Array,
  rows: Float64Array,
  row: number,
  node: Int32Array,
  frac: Float64Array,
  scale: Float64Array,
): void {
  for (let r = 0; r < runs.length; r += 2) {
    for (let i = runs[r]; i < runs[r + 1]; i++) {
      const k = row + node[i];
      const t1 = frac[i];
      const w = (1 - t1) * rows[k] + t1 * rows[k + 1];
      out[at + i] = (w < 0 ? 0 : w) * scale[i];
    }
  }
}

/**
 * A row's other pixels, with the interpolator's arithmetic for an IRF whose second axis is the
 * offset (effective area, PSF): linear in offset at both energy nodes between the values
 * interpolated along the other axis (byEnergyNode[row + side·nodes + k]), then in energy;
 * clipped at 0, times the pixel's factor.
 */
export function exactOffsetSecond(
  out: Float64Array,
  at: number,
  runs: Int32Array,
  byEnergyNode: Float64Array,
  row: number,
  nodes: number,
  s0: number,
  t0: number,
  node: Int32Array,
  frac: Float64Array,
  scale: Float64Array,
): void {
  for (let r = 0; r < runs.length; r += 2) {
    for (let i = runs[r]; i < runs[r + 1]; i++) {
      const a = row + node[i];
      const b = a + nodes;
      const t1 = frac[i];
      const s1 = 1 - t1;
      const w =
        s0 * (s1 * byEnergyNode[a] + t1 * byEnergyNode[a + 1]) + t0 * (s1 * byEnergyNode[b] + t1 * byEnergyNode[b + 1]);
      out[at + i] = (w < 0 ? 0 : w) * scale[i];
    }
  }
}

/**
 * A row's other pixels, with the interpolator's arithmetic for an IRF whose last axis is the
 * offset (energy dispersion): at both energy nodes, linear in offset at both other nodes
 * (table[row + (side·2 + other side)·nodes + k]), then along the other axis (weights sc, tc);
 * then in energy; clipped at 0, times the pixel's factor.
 */
export function exactOffsetLast(
  out: Float64Array,
  at: number,
  runs: Int32Array,
  table: Float64Array,
  row: number,
  nodes: number,
  s0: number,
  t0: number,
  sc: number,
  tc: number,
  node: Int32Array,
  frac: Float64Array,
  scale: Float64Array,
): void {
  for (let r = 0; r < runs.length; r += 2) {
    for (let i = runs[r]; i < runs[r + 1]; i++) {
      const a = row + node[i];
      const b = a + nodes;
      const c = b + nodes;
      const d = c + nodes;
      const t2 = frac[i];
      const s2 = 1 - t2;
      const p0 = sc * (s2 * table[a] + t2 * table[a + 1]) + tc * (s2 * table[b] + t2 * table[b + 1]);
      const p1 = sc * (s2 * table[c] + t2 * table[c + 1]) + tc * (s2 * table[d] + t2 * table[d + 1]);
      const w = s0 * p0 + t0 * p1;
      out[at + i] = (w < 0 ? 0 : w) * scale[i];
    }
  }
}

/** out[at + i] = value for i in each [start, end) run. */
export function fillRuns(out: Float64Array, at: number, runs: Int32Array, value: number): void {
  for (let r = 0; r < runs.length; r += 2) out.fill(value, at + runs[r], at + runs[r + 1]);
}

export function allFinite(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] - values[i] !== 0) return false;
  return true;
}

/** out[at + i] = value where out[at + i] is not finite, i < n. */
export function replaceNonFiniteBy(out: Float64Array, at: number, n: number, value: number): void {
  for (let i = at; i < at + n; i++) if (out[i] - out[i] !== 0) out[i] = value;
}

/** Running integrals along the other axis by `WcsNDMap.normalize`'s rule, one per pixel. */
export class RunningIntegrals {
  private readonly acc: Float64Array;
  private readonly max: Float64Array;

  constructor(n: number) {
    this.acc = new Float64Array(n);
    this.max = new Float64Array(n);
  }

  /** The block of one first value (nOther rows of n pixels at `at`), at the pixels of the runs. */
  normalize(
    out: Float64Array,
    at: number,
    nOther: number,
    n: number,
    runs: Int32Array[],
    norm: AxisNormalization,
  ): void {
    if (runs.every((r) => r.length === 0)) return;
    this.acc.fill(0);
    this.max.fill(-Infinity);
    for (let c = 0; c < nOther; c++) {
      const f = norm.jacobianCenters ? 2 * Math.PI * norm.jacobianCenters[c] : 1;
      for (const r of runs) accumulateRuns(out, at + c * n, r, norm.width[c], f, this.acc, this.max);
    }
    for (let c = 0; c < nOther; c++) for (const r of runs) divideRuns(out, at + c * n, r, this.max);
  }
}
