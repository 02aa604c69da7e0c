import type { MapAxis } from "../maps/axis/index.js";
import { findCell, ScaledRegularGridInterpolator } from "../utils/interpolation/index.js";
import { firstRoot } from "../utils/roots.js";
import type { Irf } from "./irf.js";

/** A response matrix: probability per (true energy bin, reconstructed energy bin). */
export class EDispKernel {
  constructor(
    readonly energyAxisTrue: MapAxis,
    readonly energyAxis: MapAxis,
    readonly data: Float64Array,
  ) {
    if (data.length !== energyAxisTrue.nbin * energyAxis.nbin)
      throw new Error("EDispKernel: data do not match the axes");
  }

  /** Mean reconstructed energy per true-energy bin (0 where the row is empty). */
  meanEnergy(): Float64Array {
    const reco = this.energyAxis.center;
    return Float64Array.from({ length: this.energyAxisTrue.nbin }, (_, e) => {
      const row = this.row(e);
      let norm = 0;
      let sum = 0;
      for (let i = 0; i < row.length; i++) {
        norm += row[i];
        sum += row[i] * reco[i];
      }
      const mean = sum / norm;
      return Number.isFinite(mean) ? mean : 0;
    });
  }

  /** (E_reco,mean − E_true) / E_true per true-energy bin centre. */
  bias(): Float64Array {
    const eTrue = this.energyAxisTrue.center;
    return this.meanEnergy().map((m, e) => (m - eTrue[e]) / eTrue[e]);
  }

  /**
   * Reconstructed energy above which the bias stays below `bias` (gammapy's
   * `get_bias_energy`): the true energy where the bias, as a log-log template between its
   * peak and the last bin, crosses `bias` (its peak energy when it does not), × (1 + bias).
   */
  biasEnergy(bias: number): number {
    const eTrue = this.energyAxisTrue.center;
    const values = this.bias();
    let peak = 0;
    for (let e = 1; e < values.length; e++) if (values[e] > values[peak]) peak = e;
    const template = new ScaledRegularGridInterpolator([eTrue], values, { pointsScale: ["log"], valuesScale: "log" });
    const root = firstRoot((e) => 1e12 * (template.evaluate([[e]])[0] - bias), eTrue[peak], eTrue[eTrue.length - 1]);
    return (Number.isNaN(root) ? eTrue[peak] : root) * (1 + bias);
  }

  /** Row of one true-energy bin. */
  row(trueIndex: number): Float64Array {
    const n = this.energyAxis.nbin;
    return this.data.subarray(trueIndex * n, (trueIndex + 1) * n);
  }
}

/**
 * The reconstructed-energy kernel of an energy dispersion at one field-of-view offset (gammapy
 * 1.0's `EnergyDispersion2D.to_edisp_kernel`): the migration density at the offset, normalised
 * over migra, integrated between the migra values of each reconstructed-energy bin's edges.
 * Axes default to the IRF's true-energy axis for both.
 */
export function edispKernelAtOffset(
  edisp: Irf,
  offset: number,
  energyAxisTrue?: MapAxis,
  energyAxis?: MapAxis,
): EDispKernel {
  const migra = edisp.axis("migra");
  const trueAxis = energyAxisTrue ?? edisp.axis("energy_true");
  const recoAxis = energyAxis ?? trueAxis.rename("energy");
  const rows = Array.from(trueAxis.center, (e) => edisp.evaluate({ energy_true: e, migra: migra.center, offset }));
  const all = new Float64Array(trueAxis.nbin * migra.nbin);
  rows.forEach((r, e) => all.set(r, e * migra.nbin));
  return edispKernelFromDensities(all, migra, trueAxis, recoAxis, true);
}

/**
 * The kernel from migration densities per true-energy bin ([true][migra], as in an EDisp
 * map at one position; see `integrateMigration`). `normalize` first scales each row to total 1.
 */
export function edispKernelFromDensities(
  densities: Float64Array,
  migra: MapAxis,
  trueAxis: MapAxis,
  recoAxis: MapAxis,
  normalize: boolean,
): EDispKernel {
  return new EDispKernel(trueAxis, recoAxis, integrateMigration(densities, 1, migra, trueAxis, recoAxis, normalize));
}

/**
 * Reconstructed-energy kernels from migration densities of `pixels` positions at once, laid out
 * [true][migra][pixel] (an EDisp map's data) → [true][reco][pixel] (a kernel map's): per position
 * and true energy, the cumulative probability at the migra edges (0 first, padded by one node on
 * each side with the edge values) interpolated linearly at E_reco / E_true of each
 * reconstructed-energy edge, differenced, clipped at 0 (gammapy's `EDispMap.to_edisp_kernel_map`).
 * `normalize` first scales each cumulative to end at 1 (its largest value). The interpolation
 * cells depend on the energies only: found once, shared by all positions.
 */
export function integrateMigration(
  densities: ArrayLike<number>,
  pixels: number,
  migra: MapAxis,
  trueAxis: MapAxis,
  recoAxis: MapAxis,
  normalize: boolean,
): Float64Array {
  const nm = migra.nbin;
  const nr = recoAxis.nbin;
  const width = migra.binWidth;
  const edges = migra.edges;
  const nodes = new Float64Array(nm + 3);
  nodes[0] = edges[0] - (edges[1] - edges[0]);
  nodes.set(edges, 1);
  nodes[nm + 2] = edges[nm] + (edges[nm] - edges[nm - 1]);
  const eTrue = trueAxis.center;
  const recoEdges = recoAxis.edges;
  const out = new Float64Array(trueAxis.nbin * nr * pixels);
  const cumulative = new Float64Array((nm + 3) * pixels); // [node][pixel]
  const atEdges = new Float64Array((nr + 1) * pixels); // [reco edge][pixel]
  // The loops over pixels are functions of their own, called per (energy, node): V8 optimises
  // them after a few calls. Inline, the function ran once per run mostly unoptimised (each
  // value a heap number: 23 MB of garbage in the main job) while V8 recompiled it for OSR.
  for (let e = 0; e < trueAxis.nbin; e++) {
    for (let k = 0; k < nm; k++)
      accumulate(cumulative, (k + 2) * pixels, (k + 1) * pixels, densities, (e * nm + k) * pixels, width[k], pixels);
    cumulative.copyWithin((nm + 2) * pixels, (nm + 1) * pixels, (nm + 2) * pixels);
    if (normalize) normalizeCumulative(cumulative, nm + 3, pixels);
    for (let j = 0; j <= nr; j++) {
      const q = recoEdges[j] / eTrue[e];
      const k = findCell(nodes, q);
      const t = (q - nodes[k]) / (nodes[k + 1] - nodes[k]);
      interpolateRows(atEdges, j * pixels, cumulative, k * pixels, (k + 1) * pixels, t, pixels);
    }
    for (let r = 0; r < nr; r++) differencePositive(out, (e * nr + r) * pixels, atEdges, r * pixels, pixels);
  }
  return out;
}

/** out[at + i] = out[from + i] + densities[d + i] × width, for i < n (one node's cumulative). */
function accumulate(
  out: Float64Array,
  at: number,
  from: number,
  densities: ArrayLike<number>,
  d: number,
  width: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) out[at + i] = out[from + i] + densities[d + i] * width;
}

/** out[at + i] = lo + t × (hi − lo) of rows `lo` and `hi` of `values`, for i < n. */
function interpolateRows(
  out: Float64Array,
  at: number,
  values: Float64Array,
  lo: number,
  hi: number,
  t: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) {
    const y0 = values[lo + i];
    out[at + i] = y0 + t * (values[hi + i] - y0);
  }
}

/** out[at + i] = max(edges[from + n + i] − edges[from + i], 0), for i < n (a bin from its two edges). */
function differencePositive(out: Float64Array, at: number, edges: Float64Array, from: number, n: number): void {
  for (let i = 0; i < n; i++) out[at + i] = Math.max(edges[from + n + i] - edges[from + i], 0);
}

/** Each pixel's cumulative ([node][pixel]) over its largest value; non-finite results (0 / 0) → 0. */
function normalizeCumulative(cumulative: Float64Array, nodes: number, pixels: number): void {
  for (let i = 0; i < pixels; i++) {
    let max = -Infinity;
    for (let j = 0; j < nodes; j++) max = Math.max(max, cumulative[j * pixels + i]);
    for (let j = 0; j < nodes; j++) {
      const v = cumulative[j * pixels + i] / max;
      cumulative[j * pixels + i] = Number.isFinite(v) ? v : 0;
    }
  }
}
