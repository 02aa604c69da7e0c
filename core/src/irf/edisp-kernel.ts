import { MapAxis } from "../maps/axis/index.js";
import { interp1d } from "../utils/interpolation/index.js";
import type { Irf } from "./irf.js";

/** A response matrix: probability per (true energy bin, reconstructed energy bin). */
export class EDispKernel {
  constructor(readonly energyAxisTrue: MapAxis, readonly energyAxis: MapAxis, readonly data: Float64Array) {
    if (data.length !== energyAxisTrue.nbin * energyAxis.nbin) throw new Error("EDispKernel: data do not match the axes");
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
export function edispKernelAtOffset(edisp: Irf, offset: number, energyAxisTrue?: MapAxis, energyAxis?: MapAxis): EDispKernel {
  const migra = edisp.axis("migra");
  const trueAxis = energyAxisTrue ?? edisp.axis("energy_true");
  const recoAxis = energyAxis ?? trueAxis.rename("energy");
  const eTrue = trueAxis.center;
  const mCenter = migra.center;
  const width = migra.binWidth;
  const nm = migra.nbin;
  // cumulative probability at the migra edges, padded by one node on each side (edge values)
  const edges = migra.edges;
  const nodes = new Float64Array(nm + 3);
  nodes[0] = edges[0] - (edges[1] - edges[0]);
  nodes.set(edges, 1);
  nodes[nm + 2] = edges[nm] + (edges[nm] - edges[nm - 1]);
  const recoEdges = recoAxis.edges;
  const out = new Float64Array(trueAxis.nbin * recoAxis.nbin);
  for (let e = 0; e < trueAxis.nbin; e++) {
    const density = edisp.evaluate({ energy_true: eTrue[e], migra: mCenter, offset });
    const cumulative = new Float64Array(nm + 3);
    let acc = 0;
    for (let k = 0; k < nm; k++) {
      acc += density[k] * width[k];
      cumulative[k + 2] = acc;
    }
    cumulative[nm + 2] = acc;
    const max = Math.max(...cumulative);
    for (let j = 0; j < cumulative.length; j++) {
      const v = cumulative[j] / max;
      cumulative[j] = Number.isFinite(v) ? v : 0;
    }
    const atEdges = interp1d(nodes, cumulative, Float64Array.from(recoEdges, (er) => er / eTrue[e]));
    for (let i = 0; i < recoAxis.nbin; i++) out[e * recoAxis.nbin + i] = Math.max(atEdges[i + 1] - atEdges[i], 0);
  }
  return new EDispKernel(trueAxis, recoAxis, out);
}
