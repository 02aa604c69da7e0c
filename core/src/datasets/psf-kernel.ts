import { DEG2RAD, type SkyCoord } from "../coords/index.js";
import { WcsNDMap, type Kernel, type WcsGeom } from "../maps/index.js";

export interface PsfKernelImageOptions {
  /** Spectral index of the power law weighting the energy bins (default 2). */
  index?: number;
  /** Exposure per true-energy bin, multiplying the weights (default uniform). */
  exposure?: ArrayLike<number>;
  /** Keep a one-bin energy axis (default true, as gammapy). */
  keepdims?: boolean;
}

/**
 * A PSF convolution kernel (gammapy's `PSFKernel`): a map with odd image sides centred on
 * the PSF, one plane per true-energy bin, each normalised to sum 1. It is a `Kernel`, so
 * `map.convolve(kernel)` applies it plane by plane.
 */
export class PSFKernel implements Kernel {
  constructor(
    readonly psfKernelMap: WcsNDMap,
    normalize = true,
  ) {
    if (psfKernelMap.geom.nx % 2 === 0 || psfKernelMap.geom.ny % 2 === 0) {
      throw new Error(`PSFKernel: image sides must be odd, got ${psfKernelMap.geom.nx}×${psfKernelMap.geom.ny}`);
    }
    if (normalize) this.normalize();
  }

  get data(): Float32Array | Float64Array {
    return this.psfKernelMap.data as Float32Array | Float64Array;
  }

  /** (planes, ky, kx): the shape `convolve` expects. */
  get shape(): number[] {
    const { nx, ny } = this.psfKernelMap.geom;
    return [this.data.length / (nx * ny), ny, nx];
  }

  /** Divide each plane by its sum (planes summing to 0 become 0, as numpy's nan_to_num). */
  normalize(): void {
    const [planes, ny, nx] = this.shape;
    const n = nx * ny;
    for (let p = 0; p < planes; p++) {
      const plane = this.data.subarray(p * n, (p + 1) * n);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += plane[i];
      for (let i = 0; i < n; i++) {
        const v = plane[i] / sum;
        plane[i] = Number.isNaN(v) ? 0 : v;
      }
    }
  }

  /**
   * A Gaussian kernel of width `sigma` (deg) on the pixels and axes of `geom` (gammapy's
   * `from_gauss`): the geometry cut to 2 × `maxRadius` (default 5 σ) with odd sides,
   * the Gaussian evaluated at pixel centres × solid angle on a grid `factor` times finer,
   * summed back to the kernel pixels and normalised.
   */
  static fromGauss(geom: WcsGeom, sigma: number, options: { maxRadius?: number; factor?: number } = {}): PSFKernel {
    if (!(sigma > 0)) throw new Error(`PSFKernel.fromGauss: sigma must be a positive angle in deg, got ${sigma}`);
    const factor = options.factor ?? 4;
    const kernelGeom = geom.toOddNpix(options.maxRadius ?? 5 * sigma);
    const upsampled = kernelGeom.upsample(factor);
    const center = kernelGeom.centerSkydir;
    const image = gaussianIntegral(upsampled, center, sigma);
    const map = WcsNDMap.fromGeom(upsampled, { dtype: "float32" });
    for (let p = 0; p < map.data.length; p += image.length) map.data.set(image, p);
    return new PSFKernel(map.downsample(factor));
  }

  /**
   * The energy-weighted sum over planes (gammapy's `to_image`): weights ∝ the integral of a
   * power law of `index` over each true-energy bin × `exposure`, normalised to sum 1.
   */
  toImage(options: PsfKernelImageOptions = {}): PSFKernel {
    const geom = this.psfKernelMap.geom;
    const energy = geom.axes.find((a) => a.name.startsWith("energy"));
    if (!energy) throw new Error("PSFKernel.toImage: the kernel has no energy axis");
    const index = options.index ?? 2;
    const exposure = options.exposure ?? new Float64Array(energy.nbin).fill(1);
    if (exposure.length !== energy.nbin) {
      throw new Error(`PSFKernel.toImage: exposure has ${exposure.length} values, the energy axis ${energy.nbin} bins`);
    }
    const edges = energy.edges;
    const weights = Float64Array.from(
      { length: energy.nbin },
      (_, k) => powerLawIntegral(edges[k], edges[k + 1], index) * exposure[k],
    );
    const total = weights.reduce((a, b) => a + b, 0);
    const weighted = this.psfKernelMap.copy();
    const n = geom.imageSize;
    for (let k = 0; k < energy.nbin; k++) {
      for (let i = k * n; i < (k + 1) * n; i++) weighted.data[i] *= weights[k] / total;
    }
    return new PSFKernel(weighted.sumOverAxes(options.keepdims ?? true));
  }
}

/** ∫ E^-index dE over [lo, hi] (up to the norm, which cancels in the weights). */
function powerLawIntegral(lo: number, hi: number, index: number): number {
  if (Math.abs(index - 1) < 1e-12) return Math.log(hi / lo);
  return (hi ** (1 - index) - lo ** (1 - index)) / (1 - index);
}

/**
 * gammapy's symmetric GaussianSpatialModel (normalised on the sphere) at each pixel centre of
 * `geom`, times the pixel solid angle.
 */
function gaussianIntegral(geom: WcsGeom, center: SkyCoord, sigmaDeg: number): Float64Array {
  const sep = geom.separation(center);
  const a = 1 - Math.cos((sigmaDeg * Math.PI) / 180);
  const norm = 1 / (4 * Math.PI * a * (1 - Math.exp(-1 / a)));
  const solidAngle = geom.solidAngle();
  const out = new Float64Array(sep.length);
  for (let i = 0; i < out.length; i++) {
    const exponent = (-0.5 * (1 - Math.cos(sep[i] * DEG2RAD))) / a;
    out[i] = Math.fround(norm * Math.exp(exponent)) * solidAngle[i];
  }
  return out;
}
