import type { SkyCoord } from "../coords/index.js";
import { edispKernelFromDensities, type EDispKernel } from "../irf/index.js";
import { WcsNDMap, type MapAxis, type WcsGeom } from "../maps/index.js";

/** An energy-dispersion map (migra × true energy per pixel) with its weighting exposure. */
export class EDispMap {
  constructor(
    readonly edispMap: WcsNDMap,
    readonly exposureMap?: WcsNDMap,
  ) {}

  /**
   * The reconstructed-energy kernel at the map pixel nearest to `position` (default the map
   * centre), integrating the stored migration densities (gammapy 1.0's `get_edisp_kernel`).
   */
  getEdispKernel(energyAxis: MapAxis, position?: SkyCoord): EDispKernel {
    const geom = this.edispMap.geom;
    const migra = geom.axisByName("migra");
    const energyTrue = geom.axisByName("energy_true");
    const where = position ?? geom.centerSkydir;
    const [ix, iy] = geom.toImage().coordToIdx(where);
    if (ix[0] < 0 || iy[0] < 0) throw new Error(`EDispMap: position ${where.toString()} is outside the map`);
    const n = geom.imageSize;
    const pixel = iy[0] * geom.nx + ix[0];
    const densities = new Float64Array(energyTrue.nbin * migra.nbin);
    for (let p = 0; p < densities.length; p++) densities[p] = this.edispMap.data[p * n + pixel];
    return edispKernelFromDensities(densities, migra, energyTrue, energyAxis, false);
  }

  /**
   * The diagonal response (gammapy's `from_geom`): all probability at migra = 1, shared
   * linearly between the two nearest migra bins, as a density per unit migra.
   */
  static fromGeom(geom: WcsGeom): EDispMap {
    if (!geom.axes.some((a) => a.name === "energy_true")) throw new Error("EDispMap requires a true energy axis");
    const migra = geom.axisByName("migra");
    const migraIndex = geom.axisIndex("migra");
    const migra0 = migra.coordToPix(1)[0];
    const width = migra.binWidth;
    const map = WcsNDMap.fromGeom(geom, { dtype: "float64" });
    const n = geom.imageSize;
    const stride = geom.axes.slice(0, migraIndex).reduce((p, a) => p * a.nbin, 1);
    const planes = map.data.length / n;
    for (let p = 0; p < planes; p++) {
      const k = Math.floor(p / stride) % migra.nbin;
      const d = Math.abs(k - migra0);
      const value = (d < 1 ? 1 - d : 0) / width[k];
      map.data.fill(value, p * n, (p + 1) * n);
    }
    return new EDispMap(map, WcsNDMap.fromGeom(geom.squash("migra"), { unit: "m2 s" }));
  }
}
