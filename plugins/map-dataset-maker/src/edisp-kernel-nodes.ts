import {
  defaultComputeCache,
  integrateMigration,
  type ComputeCache,
  type Irf,
  type MapAxis,
  type SkyCoord,
  type WcsGeom,
} from "@gammaflow/core";
import { BETWEEN, exactKeys } from "./offset-cells.js";
import { allFinite } from "./offset-kernels.js";
import { axisNormalization, evaluateAtOffsets, evaluateNodesOnImage, type NodeRows } from "./offset-table.js";

// The EDisp kernel map of one run (true energy × reconstructed energy at every pixel) without
// the migration densities at every pixel. The kernel is a linear map of a pixel's densities
// (their cumulative sum, interpolated at the reconstructed-energy edges and differenced), and
// between the outer offset nodes a pixel's densities are the node rows interpolated, clipped at
// 0 and normalised. Where a migra row is ≥ 0 at both nodes around the pixel the clip does
// nothing: those rows are integrated once per node pair, and the pixel takes the interpolation
// of the pairs' kernels; the few rows with a negative node value (some DR1 IRFs have them) are
// clipped per pixel and added through the kernel of a unit density in their migra bin. So a
// pixel costs (2 + those rows) × reconstructed energies a true energy instead of its 160 migra
// values integrated. The results agree with integrating each pixel's densities up to the
// rounding of sums in another order (kernel values move by ~1e-15, absolutely: the tails are
// differences of cumulative sums near 1).

/**
 * The kernels [true][reco][pixel] of `makeEdispKernelMap` on `migraGeom` (axes [migra,
 * energy_true], the IRF's own migra axis) for `recoAxis`: integrateMigration of the normalised
 * EDisp map's data, computed through the offset nodes. Undefined where the node rows do not
 * describe the pixels (another interpolation, an extrapolated true energy, a fill value written):
 * the caller then integrates the EDisp map.
 */
export function edispKernelsByNodes(
  edisp: Irf,
  pointing: SkyCoord,
  migraGeom: WcsGeom,
  recoAxis: MapAxis,
  cache: ComputeCache = defaultComputeCache(),
): Float64Array | undefined {
  const migra = migraGeom.axisByName("migra");
  const trueAxis = migraGeom.axisByName("energy_true");
  const other = { name: "migra", values: migra.center };
  const options = { normalize: axisNormalization(migra), cache };
  const nodeRows = evaluateNodesOnImage(edisp, trueAxis.center, migraGeom, pointing, other, options);
  if (!nodeRows || !nodeRows.simple.every((s) => s === 1) || !allFinite(nodeRows.rows)) return undefined;
  const n = migraGeom.imageSize;
  const out = new Float64Array(trueAxis.nbin * recoAxis.nbin * n);
  const pairs = nodePairs(nodeRows, migra, trueAxis, recoAxis);
  const unit = unitKernels(migra, trueAxis, recoAxis, cache);
  const { node, frac, runs } = nodeRows.pixels;
  const between = runs[BETWEEN];
  const integral = new Float64Array(n);
  for (let j = 0; j < trueAxis.nbin; j++) trueEnergyKernels(out, j, n, between, node, frac, pairs, unit, integral);
  // the pixels beyond the outer nodes (extrapolated, filled, NaN): their densities, integrated
  const rest = otherPixels(runs, n);
  if (rest.length > 0) {
    const offsets = migraGeom.separation(pointing);
    const densities = evaluateAtOffsets(edisp, trueAxis.center, pick(offsets, rest), other, options);
    const kernels = integrateMigration(densities, rest.length, migra, trueAxis, recoAxis, false);
    for (let row = 0; row < trueAxis.nbin * recoAxis.nbin; row++)
      scatter(out, row * n, kernels, row * rest.length, rest);
  }
  return out;
}

/**
 * Per true energy j and pair of neighbouring nodes (s, s + 1), the rows ≥ 0 at both nodes
 * integrated at each of the two (kernels [j][reco][2s + side], integrals [j][2s + side]), and the
 * others listed (rows [j][migra][node] kept to interpolate them per pixel).
 */
interface NodePairs {
  nodes: number;
  nm: number;
  nr: number;
  rows: Float64Array;
  width: Float64Array;
  kernels: Float64Array;
  integrals: Float64Array;
  /** The clipped rows of (j, s): clipped.subarray(start[j·pairs + s], start[j·pairs + s + 1]). */
  clipped: Int32Array;
  start: Int32Array;
}

function nodePairs(nodeRows: NodeRows, migra: MapAxis, trueAxis: MapAxis, recoAxis: MapAxis): NodePairs {
  const { rows, nodes } = nodeRows;
  const nt = trueAxis.nbin;
  const nm = migra.nbin;
  const pairs = nodes - 1;
  const width = migra.binWidth;
  const densities = new Float64Array(nt * nm * 2 * pairs); // [j][migra][2s + side]
  const integrals = new Float64Array(nt * 2 * pairs);
  const clipped: number[] = [];
  const start = new Int32Array(nt * pairs + 1);
  for (let j = 0; j < nt; j++)
    for (let s = 0; s < pairs; s++) {
      start[j * pairs + s] = clipped.length;
      for (let c = 0; c < nm; c++) {
        const at = (j * nm + c) * nodes + s;
        const lo = rows[at];
        const hi = rows[at + 1];
        if (!(lo >= 0 && hi >= 0)) {
          clipped.push(c);
          continue;
        }
        const p = (j * nm + c) * 2 * pairs + 2 * s;
        densities[p] = lo;
        densities[p + 1] = hi;
        integrals[(j * pairs + s) * 2] += lo * width[c];
        integrals[(j * pairs + s) * 2 + 1] += hi * width[c];
      }
    }
  start[nt * pairs] = clipped.length;
  const kernels = integrateMigration(densities, 2 * pairs, migra, trueAxis, recoAxis, false);
  return {
    nodes,
    nm,
    nr: recoAxis.nbin,
    rows,
    width,
    kernels,
    integrals,
    clipped: Int32Array.from(clipped),
    start,
  };
}

/** Kernels of a unit density in each migra bin, [j][reco][migra]: they depend on the axes only. */
function unitKernels(migra: MapAxis, trueAxis: MapAxis, recoAxis: MapAxis, cache: ComputeCache): Float64Array {
  const key = [migra, trueAxis, recoAxis].map((a) => `${exactKeys(a.edges)}`).join("|");
  return cache.getOrCompute(UNIT_KERNELS, key, () => {
    const nm = migra.nbin;
    const unit = new Float64Array(trueAxis.nbin * nm * nm); // [j][migra][pseudo-pixel c]
    for (let j = 0; j < trueAxis.nbin; j++) for (let c = 0; c < nm; c++) unit[(j * nm + c) * nm + c] = 1;
    return integrateMigration(unit, nm, migra, trueAxis, recoAxis, false);
  });
}

/** The compute-cache namespace of `unitKernels`. */
const UNIT_KERNELS = "edisp unit-density kernels";

/**
 * The kernels at true energy j of the pixels of `runs` into out[(j·nr + r)·n + i], reconstructed
 * energy by reconstructed energy (each a pass along a row of `out`): the pairs' kernels and
 * integrals interpolated, the clipped rows added (max(0, interpolated value) × the unit kernel
 * of their bin), then over the pixel's integral, clipped at 0.
 */
function trueEnergyKernels(
  out: Float64Array,
  j: number,
  n: number,
  runs: Int32Array,
  node: Int32Array,
  frac: Float64Array,
  pairs: NodePairs,
  unit: Float64Array,
  integral: Float64Array,
): void {
  const { nodes, nr, integrals, start } = pairs;
  const np = nodes - 1;
  interpolatePairs(integral, 0, runs, integrals, j * np * 2, node, frac);
  for (let r = 0; r < nr; r++)
    interpolatePairs(out, (j * nr + r) * n, runs, pairs.kernels, (j * nr + r) * 2 * np, node, frac);
  if (start[j * np] !== start[(j + 1) * np]) addClipped(out, j, n, runs, node, frac, pairs, unit, integral);
  for (let r = 0; r < nr; r++) divideClipped(out, (j * nr + r) * n, runs, integral);
}

/** out[at + i] = (1 − t) · pair[p + 2s] + t · pair[p + 2s + 1] with s = node[i], t = frac[i], over `runs`. */
function interpolatePairs(
  out: Float64Array,
  at: number,
  runs: Int32Array,
  pair: Float64Array,
  p: number,
  node: Int32Array,
  frac: Float64Array,
): void {
  for (let r = 0; r < runs.length; r += 2) {
    for (let i = runs[r]; i < runs[r + 1]; i++) {
      const t = frac[i];
      const k = p + 2 * node[i];
      out[at + i] = (1 - t) * pair[k] + t * pair[k + 1];
    }
  }
}

/** The clipped rows of each pixel's node pair at true energy j: max(0, value) into its integral and kernels. */
function addClipped(
  out: Float64Array,
  j: number,
  n: number,
  runs: Int32Array,
  node: Int32Array,
  frac: Float64Array,
  pairs: NodePairs,
  unit: Float64Array,
  integral: Float64Array,
): void {
  const { nodes, nm, nr, rows, width, clipped, start } = pairs;
  const np = nodes - 1;
  for (let r = 0; r < runs.length; r += 2) {
    for (let i = runs[r]; i < runs[r + 1]; i++) {
      const s = node[i];
      const t = frac[i];
      for (let q = start[j * np + s]; q < start[j * np + s + 1]; q++) {
        const c = clipped[q];
        const at = (j * nm + c) * nodes + s;
        const w = (1 - t) * rows[at] + t * rows[at + 1];
        if (!(w > 0)) continue;
        integral[i] += w * width[c];
        for (let e = 0; e < nr; e++) out[(j * nr + e) * n + i] += w * unit[(j * nr + e) * nm + c];
      }
    }
  }
}

/** out[at + i] = max(out[at + i] / integral[i], 0) (0 for a zero integral) over `runs`. */
function divideClipped(out: Float64Array, at: number, runs: Int32Array, integral: Float64Array): void {
  for (let r = 0; r < runs.length; r += 2) {
    for (let i = runs[r]; i < runs[r + 1]; i++) {
      const v = integral[i] > 0 ? out[at + i] / integral[i] : 0;
      out[at + i] = v > 0 ? v : 0;
    }
  }
}

/** The pixels of every kind but BETWEEN, in order. */
function otherPixels(runs: readonly Int32Array[], n: number): Int32Array {
  const flags = new Uint8Array(n);
  for (let kind = 0; kind < runs.length; kind++) {
    if (kind === BETWEEN) continue;
    for (let r = 0; r < runs[kind].length; r += 2) flags.fill(1, runs[kind][r], runs[kind][r + 1]);
  }
  let count = 0;
  for (let i = 0; i < n; i++) count += flags[i];
  const index = new Int32Array(count);
  for (let i = 0, at = 0; i < n; i++) if (flags[i]) index[at++] = i;
  return index;
}

function pick(values: Float64Array, index: Int32Array): Float64Array {
  const out = new Float64Array(index.length);
  for (let k = 0; k < index.length; k++) out[k] = values[index[k]];
  return out;
}

/** out[at + index[k]] = values[from + k]. */
function scatter(out: Float64Array, at: number, values: Float64Array, from: number, index: Int32Array): void {
  for (let k = 0; k < index.length; k++) out[at + index[k]] = values[from + k];
}
