import type { SkyCoord } from "../coords/index.js";
import { edispKernelFromDensities, integrateMigration, type EDispKernel } from "../irf/index.js";
import { MapCoord, type MapCoordInput, WcsNDMap, type MapAxis, type WcsGeom } from "../maps/index.js";
import { getRandomState, type RandomStateInit } from "../random/index.js";
import { sampleAlongAxis } from "./irf-sample.js";
import { EDispKernelMap } from "./edisp-kernel-map.js";
import { imagePixelAt } from "./irf-map.js";

/** An energy-dispersion map (migra × true energy per pixel) with its weighting exposure. */
export class EDispMap {
  constructor(
    readonly edispMap: WcsNDMap,
    readonly exposureMap?: WcsNDMap,
  ) {}

  /**
   * Reconstructed energies for the coordinates (gammapy 1.0's `sample_coord`): a migration drawn
   * at each position and true energy (`energy_true`, in the map's unit), × the true energy; the
   * result's `energy` is in the true-energy unit, lon/lat kept.
   */
  sampleCoord(coord: MapCoordInput | MapCoord, randomState: RandomStateInit = 0): MapCoord {
    const input = MapCoord.create(coord);
    const migra = sampleAlongAxis(this.edispMap, input, "migra", getRandomState(randomState));
    const energyTrue = input.axis("energy_true")!;
    const energy = Float64Array.from(migra, (m, i) => energyTrue[i] * m);
    return new MapCoord(input.lon, input.lat, new Map([["energy", energy]]), input.frame);
  }

  /**
   * The reconstructed-energy kernel at the map pixel nearest to `position` (default the map
   * centre), integrating the stored migration densities (gammapy 1.0's `get_edisp_kernel`).
   */
  getEdispKernel(position: SkyCoord | undefined, energyAxis: MapAxis): EDispKernel {
    const pixel = imagePixelAt(this.edispMap, position ?? this.edispMap.geom.centerSkydir, "EDispMap");
    return edispKernelFromDensities(this.densitiesAt(pixel), this.migraAxis, this.energyAxisTrue, energyAxis, false);
  }

  /**
   * The kernel map on `energyAxis` (reconstructed energy; gammapy 1.0's `to_edisp_kernel_map`):
   * in every pixel the migration densities integrated between the migra values of the
   * reconstructed-energy edges (float64, as gammapy's); the exposure map kept, its squashed
   * migra axis now a squashed energy axis.
   */
  toEdispKernelMap(energyAxis: MapAxis): EDispKernelMap {
    const geom = this.edispMap.geom.toImage().toCube([energyAxis, this.energyAxisTrue]);
    const n = geom.imageSize;
    const data = integrateMigration(this.edispMap.data, n, this.migraAxis, this.energyAxisTrue, energyAxis, false);
    const kernels = WcsNDMap.fromGeom(geom, { data });
    const e = this.exposureMap;
    const exposure = e && new WcsNDMap(geom.squash("energy"), e.data.slice(), e.unit, e.dtype, structuredClone(e.meta));
    return new EDispKernelMap(kernels, exposure);
  }

  private get migraAxis(): MapAxis {
    return this.edispMap.geom.axisByName("migra");
  }

  private get energyAxisTrue(): MapAxis {
    return this.edispMap.geom.axisByName("energy_true");
  }

  /** The migration densities of one image pixel, [true energy][migra]. */
  private densitiesAt(pixel: number): Float64Array {
    const n = this.edispMap.geom.imageSize;
    const densities = new Float64Array(this.edispMap.data.length / n);
    for (let p = 0; p < densities.length; p++) densities[p] = this.edispMap.data[p * n + pixel];
    return densities;
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
