import type { MapAxis } from "../maps/axis/index.js";
import { interp1d, ScaledRegularGridInterpolator } from "../utils/interpolation/index.js";
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
 * map at one position): the cumulative probability at the migra edges (0 first, padded by
 * one node on each side with the edge values) interpolated linearly at E_reco / E_true of
 * each reconstructed-energy edge, differenced, clipped at 0 (gammapy's
 * `EDispMap.to_edisp_kernel_map`). `normalize` first scales each row to total 1.
 */
export function edispKernelFromDensities(
  densities: Float64Array,
  migra: MapAxis,
  trueAxis: MapAxis,
  recoAxis: MapAxis,
  normalize: boolean,
): EDispKernel {
  const nm = migra.nbin;
  const width = migra.binWidth;
  const edges = migra.edges;
  const nodes = new Float64Array(nm + 3);
  nodes[0] = edges[0] - (edges[1] - edges[0]);
  nodes.set(edges, 1);
  nodes[nm + 2] = edges[nm] + (edges[nm] - edges[nm - 1]);
  const eTrue = trueAxis.center;
  const recoEdges = recoAxis.edges;
  const out = new Float64Array(trueAxis.nbin * recoAxis.nbin);
  for (let e = 0; e < trueAxis.nbin; e++) {
    const cumulative = new Float64Array(nm + 3);
    let acc = 0;
    for (let k = 0; k < nm; k++) {
      acc += densities[e * nm + k] * width[k];
      cumulative[k + 2] = acc;
    }
    cumulative[nm + 2] = acc;
    if (normalize) {
      const max = Math.max(...cumulative);
      for (let j = 0; j < cumulative.length; j++) {
        const v = cumulative[j] / max;
        cumulative[j] = Number.isFinite(v) ? v : 0;
      }
    }
    const atEdges = interp1d(
      nodes,
      cumulative,
      Float64Array.from(recoEdges, (er) => er / eTrue[e]),
    );
    for (let i = 0; i < recoAxis.nbin; i++) out[e * recoAxis.nbin + i] = Math.max(atEdges[i + 1] - atEdges[i], 0);
  }
  return new EDispKernel(trueAxis, recoAxis, out);
}
