import type { SkyCoord } from "../coords/index.js";
import { EDispKernel } from "../irf/index.js";
import {
  MapCoord,
  type MapCoordInput,
  WcsGeom,
  WcsNDMap,
  type AngleInput,
  type CutoutMode,
  type MapAxis,
  type PairInput,
} from "../maps/index.js";
import { getRandomState, type RandomStateInit } from "../random/index.js";
import { sampleAlongAxis } from "./irf-sample.js";
import { imagePixelAt, nearestValidPosition } from "./irf-map.js";
import { stackIrfMap } from "./stack.js";

/**
 * Energy-dispersion kernels per pixel (gammapy 1.0's `EDispKernelMap`): the probability of each
 * reconstructed-energy bin per true-energy bin, on axes [energy, energy_true] (reconstructed
 * energy fastest, as gammapy's data shape (energy_true, energy, lat, lon)), with the exposure that
 * weights it when stacking (energy squashed).
 */
export class EDispKernelMap {
  constructor(
    readonly edispMap: WcsNDMap,
    readonly exposureMap?: WcsNDMap,
  ) {
    const names = edispMap.geom.axesNames;
    if (names.length !== 2 || names[0] !== "energy" || names[1] !== "energy_true")
      throw new Error(`EDispKernelMap: the map's axes must be [energy, energy_true], got [${names.join(", ")}]`);
  }

  /**
   * Reconstructed energies for the coordinates, drawn from the kernel's reconstructed-energy bins
   * at each position and true energy (the EDispMap's `sample_coord` for a kernel map, which
   * gammapy's sampler cannot use): `energy` in the energy axis's unit, lon/lat kept.
   */
  sampleCoord(coord: MapCoordInput | MapCoord, randomState: RandomStateInit = 0): MapCoord {
    const input = MapCoord.create(coord);
    const energy = sampleAlongAxis(this.edispMap, input, "energy", getRandomState(randomState));
    return new MapCoord(input.lon, input.lat, new Map([["energy", energy]]), input.frame);
  }

  get energyAxis(): MapAxis {
    return this.edispMap.geom.axisByName("energy");
  }

  get energyAxisTrue(): MapAxis {
    return this.edispMap.geom.axisByName("energy_true");
  }

  /**
   * The diagonal response on `geom` (gammapy's `from_geom`): in each pixel, the fraction of each
   * true-energy bin that the reconstructed-energy bin overlaps; float32 as gammapy's, and an
   * empty exposure map (m² s).
   */
  static fromGeom(geom: WcsGeom): EDispKernelMap {
    const energy = geom.axisByName("energy");
    const energyTrue = geom.axisByName("energy_true");
    const map = WcsNDMap.fromGeom(geom);
    const fractions = overlapFractions(energy, energyTrue);
    const n = geom.imageSize;
    fractions.forEach((f, p) => map.data.fill(f, p * n, (p + 1) * n));
    return new EDispKernelMap(map, WcsNDMap.fromGeom(geom.squash("energy"), { unit: "m2 s" }));
  }

  /**
   * The diagonal response (gammapy's `from_diagonal_response`) on the image of `geom`, by default
   * an all-sky geometry of two 180° pixels.
   */
  static fromDiagonalResponse(energyAxis: MapAxis, energyAxisTrue: MapAxis, geom?: WcsGeom): EDispKernelMap {
    const axes = [energyAxis, energyAxisTrue];
    const image = geom?.toImage() ?? WcsGeom.create({ npix: [2, 1], proj: "CAR", binsz: 180 });
    return EDispKernelMap.fromGeom(image.toCube(axes));
  }

  /** One kernel in every pixel (gammapy's `from_edisp_kernel`), on the image of `geom` (default all-sky). */
  static fromEdispKernel(kernel: EDispKernel, geom?: WcsGeom): EDispKernelMap {
    const out = EDispKernelMap.fromDiagonalResponse(kernel.energyAxis, kernel.energyAxisTrue, geom);
    const n = out.edispMap.geom.imageSize;
    kernel.data.forEach((v, p) => out.edispMap.data.fill(v, p * n, (p + 1) * n));
    return out;
  }

  /**
   * The kernel at the pixel nearest to `position` (default the map centre; moved to the nearest
   * pixel where the map is defined, as gammapy's `get_edisp_kernel`). `energyAxis`, when given,
   * must be the map's reconstructed-energy axis (gammapy only checks it).
   */
  getEdispKernel(position?: SkyCoord, energyAxis?: MapAxis, warn?: (message: string) => void): EDispKernel {
    if (energyAxis && !energyAxis.equals(this.energyAxis))
      throw new Error("EDispKernelMap.getEdispKernel: the energy axis is not the map's");
    const where = nearestValidPosition(this.edispMap, position ?? this.edispMap.geom.centerSkydir, warn);
    const pixel = imagePixelAt(this.edispMap, where, "EDispKernelMap");
    const n = this.edispMap.geom.imageSize;
    const data = Float64Array.from(
      { length: this.edispMap.data.length / n },
      (_, p) => this.edispMap.data[p * n + pixel],
    );
    return new EDispKernel(this.energyAxisTrue, this.energyAxis, data);
  }

  /**
   * Reconstructed-energy bins grouped onto `energyAxis`, whose edges are edges of the map's
   * (gammapy's `resample_energy_axis`, `Map.resample_axis`): each group summed, each value first
   * times `weights` (per reconstructed-energy bin, on this map's image; e.g. the safe mask). Sums
   * keep the map's dtype (float32 sums in float32, as numpy's add.reduceat); the exposure is kept.
   */
  resampleEnergyAxis(energyAxis: MapAxis, weights?: WcsNDMap): EDispKernelMap {
    const geom = this.edispMap.geom;
    const old = this.energyAxis;
    const starts = binStarts(old.edges, energyAxis.edges);
    const outGeom = geom.withAxes([energyAxis.rename("energy"), this.energyAxisTrue]);
    const out = WcsNDMap.fromGeom(outGeom, { dtype: this.edispMap.dtype, unit: this.edispMap.unit });
    const n = geom.imageSize;
    const weightPlanes = weights ? checkWeights(weights, geom, old.nbin) : 0;
    const round = this.edispMap.dtype === "float32" ? Math.fround : (v: number) => v;
    const source = this.edispMap.data;
    for (let t = 0; t < this.energyAxisTrue.nbin; t++) {
      for (let k = 0; k < energyAxis.nbin; k++) {
        const at = (t * energyAxis.nbin + k) * n;
        for (let i = 0; i < n; i++) {
          let acc = 0;
          for (let r = starts[k]; r < starts[k + 1]; r++) {
            const w = weights ? weights.data[(weightPlanes === 1 ? 0 : r) * n + i] : 1;
            acc = round(acc + round(source[(t * old.nbin + r) * n + i] * w));
          }
          out.data[at + i] = acc;
        }
      }
    }
    return new EDispKernelMap(out, this.exposureMap);
  }

  /** Summed over reconstructed energy (gammapy's `to_image`), values times `weights` first. */
  toImage(weights?: WcsNDMap): EDispKernelMap {
    return this.resampleEnergyAxis(this.energyAxis.squash(), weights);
  }

  /**
   * Stack `other` in place, weighted by exposure (gammapy's `IRFMap.stack`): `weights` (on
   * `other`'s image; one plane, or one per reconstructed-energy bin such as its dataset's
   * `maskSafeEdisp()`) multiply its kernels, and their OR over energy its exposure.
   */
  stack(other: EDispKernelMap, weights?: WcsNDMap): void {
    if (!this.exposureMap || !other.exposureMap) throw new Error("EDispKernelMap.stack: missing exposure map");
    stackIrfMap(this.edispMap, this.exposureMap, other.edispMap, other.exposureMap, weights);
  }

  cutout(position: SkyCoord, width: PairInput<AngleInput>, mode: CutoutMode = "trim"): EDispKernelMap {
    return new EDispKernelMap(
      this.edispMap.cutout(position, width, mode),
      this.exposureMap?.cutout(position, width, mode),
    );
  }

  copy(): EDispKernelMap {
    return new EDispKernelMap(this.edispMap.copy(), this.exposureMap?.copy());
  }
}

/**
 * Per (true, reconstructed) bin pair, [true][reco]: the length of the two bins' overlap over the
 * true bin's width (gammapy's `get_overlap_fraction`).
 */
function overlapFractions(energy: MapAxis, energyTrue: MapAxis): Float64Array {
  const [reco, tru] = [energy.edges, energyTrue.edges];
  const out = new Float64Array(energyTrue.nbin * energy.nbin);
  for (let t = 0; t < energyTrue.nbin; t++) {
    for (let r = 0; r < energy.nbin; r++) {
      const overlap = Math.min(reco[r + 1], tru[t + 1]) - Math.max(reco[r], tru[t]);
      out[t * energy.nbin + r] = Math.max(overlap, 0) / (tru[t + 1] - tru[t]);
    }
  }
  return out;
}

/**
 * The first old bin of each new bin, and the end: numpy's digitize(new edges, old edges) − 1, as
 * gammapy's `resample_axis` groups bins (an edge between old edges starts at the bin holding it).
 */
function binStarts(oldEdges: Float64Array, newEdges: Float64Array): Int32Array {
  const starts = Int32Array.from(newEdges, (e) => {
    let i = 0;
    while (i < oldEdges.length && oldEdges[i] <= e) i++;
    return i - 1;
  });
  starts[starts.length - 1] = Math.min(starts[starts.length - 1], oldEdges.length - 1);
  return starts;
}

/** The number of weight planes (1, or one per reconstructed-energy bin); an error if they do not fit. */
function checkWeights(weights: WcsNDMap, geom: WcsGeom, nReco: number): number {
  if (!weights.geom.toImage().equals(geom.toImage()))
    throw new Error("EDispKernelMap: the weights are not on the map's image");
  const planes = weights.data.length / weights.geom.imageSize;
  if (planes !== 1 && planes !== nReco)
    throw new Error(`EDispKernelMap: ${planes} weight planes for ${nReco} reconstructed-energy bins`);
  return planes;
}
