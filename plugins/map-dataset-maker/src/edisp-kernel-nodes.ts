import {
  integrateMigration,
  type ComputeCache,
  type Irf,
  type MapAxis,
  type SkyCoord,
  type WcsGeom,
} from "@gammaflow/core";
import { BETWEEN } from "./offset-cells.js";
import { axisNormalization, evaluateAtOffsets, evaluateNodesOnImage } from "./offset-table.js";

// The EDisp kernel map of one run (true energy × reconstructed energy at every pixel) without
// the migration densities at every pixel: the kernel is a linear map of a pixel's densities
// (their cumulative sum, interpolated at the reconstructed-energy edges and differenced), and
// between the outer offset nodes those densities are the interpolation of the node rows times
// the pixel's normalisation. So the node rows are integrated once, and each pixel's kernel is
// the same interpolation of the nodes' kernels: 6 nodes × 160 migra values a true energy instead
// of ~400 pixels × 160. The results agree with integrating each pixel's densities up to the
// rounding of sums in another order (kernel values move by ~1e-16, absolutely: the tails are
// differences of cumulative sums near 1).

/**
 * The kernels [true][reco][pixel] of `makeEdispKernelMap` on `migraGeom` (axes [migra,
 * energy_true], the IRF's own migra axis) for `recoAxis`: integrateMigration of the normalised
 * EDisp map's data, computed through the offset nodes. Undefined where the node rows do not
 * describe the pixels (another interpolation, a true energy extrapolated or not normalised
 * linearly): the caller then integrates the EDisp map.
 */
export function edispKernelsByNodes(
  edisp: Irf,
  pointing: SkyCoord,
  migraGeom: WcsGeom,
  recoAxis: MapAxis,
  cache?: ComputeCache,
): Float64Array | undefined {
  const migra = migraGeom.axisByName("migra");
  const trueAxis = migraGeom.axisByName("energy_true");
  const other = { name: "migra", values: migra.center };
  const options = { normalize: axisNormalization(migra), cache };
  const nodeRows = evaluateNodesOnImage(edisp, trueAxis.center, migraGeom, pointing, other, options);
  if (!nodeRows || !nodeRows.linear.every((l) => l === 1)) return undefined;
  const { rows, nodes, scale, pixels } = nodeRows;
  const n = migraGeom.imageSize;
  const nt = trueAxis.nbin;
  const nr = recoAxis.nbin;
  const nodeKernels = integrateMigration(rows, nodes, migra, trueAxis, recoAxis, false); // [true][reco][node]
  const out = new Float64Array(nt * nr * n);
  const between = pixels.runs[BETWEEN];
  for (let j = 0; j < nt; j++)
    for (let r = 0; r < nr; r++) {
      const row = j * nr + r;
      interpolateNodes(out, row * n, between, nodeKernels, row * nodes, pixels.node, pixels.frac, scale, j * n);
    }
  // the pixels beyond the outer nodes (extrapolated, filled, NaN): their densities, integrated
  const rest = otherPixels(pixels.runs, n);
  if (rest.length > 0) {
    const offsets = migraGeom.separation(pointing);
    const densities = evaluateAtOffsets(edisp, trueAxis.center, pick(offsets, rest), other, options);
    const kernels = integrateMigration(densities, rest.length, migra, trueAxis, recoAxis, false);
    for (let row = 0; row < nt * nr; row++) scatter(out, row * n, kernels, row * rest.length, rest);
  }
  return out;
}

/**
 * out[at + i] = max(scale[s + i] · ((1 − frac[i]) · kernels[k + node[i]] + frac[i] · kernels[k +
 * node[i] + 1]), 0) for the pixels i of `runs` ([start, end) pairs).
 */
function interpolateNodes(
  out: Float64Array,
  at: number,
  runs: Int32Array,
  kernels: Float64Array,
  k: number,
  node: Int32Array,
  frac: Float64Array,
  scale: Float64Array,
  s: number,
): void {
  for (let r = 0; r < runs.length; r += 2) {
    for (let i = runs[r]; i < runs[r + 1]; i++) {
      const t = frac[i];
      const v = scale[s + i] * ((1 - t) * kernels[k + node[i]] + t * kernels[k + node[i] + 1]);
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
