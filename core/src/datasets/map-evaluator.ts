import { DEG2RAD, RAD2DEG, separationRad, type SkyCoord } from "../coords/index.js";
import { convert } from "../units/index.js";
import type { EDispKernel } from "../irf/index.js";
import { MapAxis, WcsNDMap, type WcsGeom } from "../maps/index.js";
import { convolvePlane } from "../maps/convolve/index.js";
import { CUTOUT_MARGIN, type SkyModel } from "../modeling/sky-model.js";
import type { PSFKernel } from "./psf-kernel.js";
import type { PSFMap } from "./psf-map.js";

/** The PSF kernels' size: the radius holding this fraction at the model's position (gammapy 1.0). */
export const PSF_CONTAINMENT = 0.999;

/** What `update` takes an energy-dispersion kernel from: an EDisp map or a kernel map (gammapy's argument order). */
export interface EDispSource {
  getEdispKernel(position: SkyCoord | undefined, energyAxis: MapAxis): EDispKernel;
}

export type EvaluationMode = "local" | "global";

/**
 * Predicted counts of one sky model on a dataset's maps (gammapy 1.0's `MapEvaluator`): the
 * spectral integral over each true-energy bin × the spatial model integrated over the pixels
 * and convolved with the PSF kernel at the model's position → × exposure → energy dispersion
 * (the kernel at the position) into reconstructed energy. In local mode it works on a cutout
 * of the exposure around the model. Parameter changes recompute only what they touch: a
 * spectral change reuses the convolved spatial part, a change of the norm alone rescales.
 */
export class MapEvaluator {
  readonly model: SkyModel;
  evaluationMode: EvaluationMode;
  readonly useCache: boolean;
  exposure?: WcsNDMap;
  psf?: PSFKernel;
  edisp?: EDispKernel;
  contributes = true;
  /** Where the IRFs were last looked up (lon, lat in the model frame; gammapy starts at 0, 0). */
  private cachedPosition: [number, number] = [0, 0];
  private spatialValues?: number[];
  private spatialFlux?: Float64Array | Float32Array;
  private parameterValues?: number[];
  private previousValues?: number[];
  private npredCache?: WcsNDMap;
  /** The last full computation, at `previousValues` (a norm change rescales it). */
  private computed?: WcsNDMap;
  private readonly normIndex: number | undefined;
  private recoGeomCache?: { image: WcsGeom; axis: MapAxis; geom: WcsGeom };

  constructor(model: SkyModel, options: { evaluationMode?: EvaluationMode; useCache?: boolean } = {}) {
    const mode = options.evaluationMode ?? "local";
    if (mode !== "local" && mode !== "global") throw new Error(`MapEvaluator: invalid evaluation mode '${mode}'`);
    this.model = model;
    this.evaluationMode = !model.spatialModel || model.evaluationRadius === undefined ? "global" : mode;
    this.useCache = options.useCache ?? true;
    const norms = model.parameters.names.flatMap((n, i) => (n === "norm" || n === "amplitude" ? [i] : []));
    this.normIndex = norms.length === 1 ? norms[0] : undefined;
  }

  /** The true-energy geometry the model is computed on (the exposure's, or its cutout). */
  get geom(): WcsGeom {
    if (!this.exposure) throw new Error(`MapEvaluator '${this.model.name}': not updated (no exposure)`);
    return this.exposure.geom;
  }

  /** Largest side (deg) of the PSF kernel's geometry, 0 without a PSF. */
  get psfWidth(): number {
    return this.psf ? Math.max(...this.psf.psfKernelMap.geom.width) : 0;
  }

  get cutoutWidth(): number {
    return this.psfWidth + 2 * ((this.model.evaluationRadius ?? 0) + CUTOUT_MARGIN);
  }

  /**
   * Whether the model has moved away from where its IRFs and cutout were taken. A model that
   * stopped contributing (moved off the map) is looked at again once its spatial parameters
   * change, where gammapy would keep it off for good: a fit's trial step off the map then does
   * not leave the source stuck outside, flat in position.
   */
  get needsUpdate(): boolean {
    if (!this.contributes) return this.spatialParametersChanged(false);
    if (!this.exposure) return true;
    if (this.evaluationMode === "global" || this.model.evaluationRadius === undefined) return false;
    if (!this.spatialParametersChanged(false)) return false;
    return this.irfPositionChanged();
  }

  /**
   * Takes the EDisp and PSF kernels at the model's position and, in local mode, the exposure
   * cut out around it (`geom`: the counts geometry; `maskImage`: the dataset's mask reduced
   * over energy, which decides whether the model contributes at all).
   */
  update(
    exposure: WcsNDMap,
    psf: PSFMap | undefined,
    edisp: EDispSource | undefined,
    geom: WcsGeom,
    maskImage: WcsNDMap,
  ): void {
    const position = this.model.position;
    const local = this.evaluationMode === "local" && position !== undefined;
    // a model far off the map contributes nothing: its IRFs are not looked up where there are
    // none (gammapy looks them up first, extrapolating). The margin is at least 1°, wider than
    // any PSF kernel; the exact check with the kernel's width follows the lookups.
    if (local && !this.model.contributes(maskImage, Math.max(this.psfWidth, 1))) this.contributes = false;
    else {
      if (edisp) this.edisp = edisp.getEdispKernel(position, geom.axisByName("energy"));
      if (psf && this.model.spatialModel)
        this.psf = psf.getPsfKernel(exposure.geom, { position, containment: PSF_CONTAINMENT });
      if (local) {
        this.contributes = this.model.contributes(maskImage, this.psfWidth);
        if (this.contributes) this.exposure = exposure.cutout(position, this.cutoutWidth, "trim", true);
      } else this.exposure = exposure;
    }
    this.spatialFlux = undefined;
    // off the map: remember where, so that the next spatial change is noticed (`needsUpdate`)
    this.spatialValues = this.contributes ? undefined : this.model.spatialModel?.parameters.values;
    this.npredCache = undefined;
    this.computed = undefined;
    this.previousValues = undefined;
  }

  /** Predicted counts in reconstructed energy on the (cutout) geometry. */
  computeNpred(): WcsNDMap {
    const values = this.model.parameters.values;
    const changed = !this.parameterValues || !sameValues(this.parameterValues, values);
    if (changed) this.parameterValues = values;
    if (this.npredCache && !changed && this.useCache) return this.npredCache;
    const norm = this.normIndex;
    const previous = this.previousValues;
    const base = this.computed;
    if (base && this.useCache && norm !== undefined && previous && onlyChanged(previous, values, norm)) {
      // a change of the norm alone: the last full computation rescaled (gammapy's renorm)
      const ratio = values[norm] / previous[norm];
      const data = base.data;
      const out = new Float64Array(data.length);
      for (let i = 0; i < data.length; i++) out[i] = data[i] * ratio;
      return (this.npredCache = WcsNDMap.fromGeom(base.geom, { data: out, unit: "" }));
    }
    this.previousValues = values;
    this.computed = this.applyEdisp(this.applyExposure(this.computeFluxPsfConvolved()));
    return (this.npredCache = this.computed);
  }

  /** Flux per pixel and true-energy bin (cm⁻² s⁻¹): spectral integrals × PSF-convolved spatial fractions. */
  computeFluxPsfConvolved(): Float64Array {
    const geom = this.geom;
    const energy = geom.axisByName("energy_true").edges;
    const spectral = this.model.spectralModel.integral(energy.subarray(0, -1), energy.subarray(1));
    const n = geom.imageSize;
    const out = new Float64Array(spectral.length * n);
    if (!this.model.spatialModel) {
      for (let e = 0; e < spectral.length; e++) out.fill(spectral[e], e * n, (e + 1) * n);
      return out;
    }
    const spatial = this.computeFluxSpatial();
    const perEnergy = spatial.length === n ? 0 : n;
    for (let e = 0; e < spectral.length; e++) {
      const s = spectral[e];
      const from = e * perEnergy;
      for (let i = 0; i < n; i++) out[e * n + i] = s * spatial[from + i];
    }
    return out;
  }

  /** The spatial model integrated over the pixels, then convolved with the PSF (one plane per true energy). */
  computeFluxSpatial(): Float64Array | Float32Array {
    const changed = this.spatialParametersChanged(true);
    if (this.spatialFlux && this.useCache && !changed) return this.spatialFlux;
    const spatial = this.model.spatialModel;
    if (!spatial) throw new Error(`MapEvaluator '${this.model.name}': no spatial model`);
    const image = this.geom.toImage();
    // an energy-dependent model: one image per true energy, each convolved with its kernel plane
    const fraction = spatial.integrateGeom(spatial.isEnergyDependent ? this.geom : image);
    this.spatialFlux = this.psf && this.model.applyIrf.psf ? convolveWithKernel(fraction, image, this.psf) : fraction;
    return this.spatialFlux;
  }

  /** flux (cm⁻² s⁻¹) × exposure (m² s): counts per true-energy bin. */
  applyExposure(flux: Float64Array): Float64Array {
    if (!this.model.applyIrf.exposure) return flux;
    const exposure = this.exposure!;
    // flux in cm⁻² s⁻¹ × exposure (m² s as a rule) → counts
    const factor = exposure.unit === "cm2 s" ? 1 : convert(1, exposure.unit, "cm2 s");
    const data = exposure.data;
    for (let i = 0; i < flux.length; i++) flux[i] *= data[i] * factor;
    return flux;
  }

  /** True → reconstructed energy through the kernel (without one, the true axis renamed). */
  applyEdisp(npred: Float64Array): WcsNDMap {
    const geom = this.geom;
    const image = geom.toImage();
    const trueAxis = geom.axisByName("energy_true");
    const kernel = this.model.applyIrf.edisp ? this.edisp : undefined;
    if (!kernel) return WcsNDMap.fromGeom(this.recoGeom(image, trueAxis), { data: npred, unit: "" });
    const nTrue = kernel.energyAxisTrue.nbin;
    const nReco = kernel.energyAxis.nbin;
    if (nTrue !== trueAxis.nbin)
      throw new Error(`MapEvaluator: EDisp kernel has ${nTrue} true-energy bins, the exposure ${trueAxis.nbin}`);
    const n = image.imageSize;
    const out = new Float64Array(nReco * n);
    const pdf = kernel.data;
    for (let t = 0; t < nTrue; t++) {
      for (let r = 0; r < nReco; r++) {
        const p = pdf[t * nReco + r];
        if (p === 0) continue;
        const src = t * n;
        const dst = r * n;
        for (let i = 0; i < n; i++) out[dst + i] += npred[src + i] * p;
      }
    }
    return WcsNDMap.fromGeom(this.recoGeom(image, kernel.energyAxis), { data: out, unit: "" });
  }

  /**
   * The result's geometry: the image with `axis` as its "energy" axis, kept while the cutout and
   * kernel stay (one object: its caches last).
   */
  private recoGeom(image: WcsGeom, axis: MapAxis): WcsGeom {
    const cached = this.recoGeomCache;
    if (cached && cached.image === image && cached.axis === axis) return cached.geom;
    const reco = MapAxis.fromEdges(axis.edges, { name: "energy", unit: axis.unit, interp: axis.interp });
    const geom = image.toCube([reco]);
    this.recoGeomCache = { image, axis, geom };
    return geom;
  }

  private spatialParametersChanged(reset: boolean): boolean {
    const spatial = this.model.spatialModel;
    if (!spatial) return false;
    const values = spatial.parameters.values;
    const changed = !this.spatialValues || !sameValues(this.spatialValues, values);
    if (changed && reset) this.spatialValues = values;
    return changed;
  }

  private irfPositionChanged(): boolean {
    const position = this.model.position!;
    const [lon, lat] = this.cachedPosition;
    const separation = separationRad(lon * DEG2RAD, lat * DEG2RAD, position.lon * DEG2RAD, position.lat * DEG2RAD);
    const moved = separation * RAD2DEG > this.model.evaluationRadius! + CUTOUT_MARGIN;
    if (moved) this.cachedPosition = [position.lon, position.lat];
    return moved;
  }
}

/**
 * The image convolved with each plane of the kernel (float32, as gammapy 1.0's `convolve`); a
 * cube (one image per kernel plane, an energy-dependent model) plane by plane.
 */
function convolveWithKernel(images: Float64Array, geom: WcsGeom, kernel: PSFKernel): Float32Array {
  const [planes, ky, kx] = kernel.shape;
  const n = geom.imageSize;
  const cube = images.length !== n;
  if (cube && images.length !== planes * n)
    throw new Error(`MapEvaluator: ${images.length / n} model planes for a PSF kernel of ${planes}`);
  const out = new Float32Array(planes * n);
  const all = Float32Array.from(images);
  const data = kernel.data;
  let plane = all;
  let nonzero: number[] = [];
  for (let p = 0; p < planes; p++) {
    if (p === 0 || cube) {
      plane = cube ? all.subarray(p * n, (p + 1) * n) : all;
      nonzero = [];
      for (let i = 0; i < n && nonzero.length * 8 <= n; i++) if (plane[i] !== 0) nonzero.push(i);
    }
    if (nonzero.length * 8 <= n) {
      // a point source (or a small model) covers a few pixels: adding the kernel around each
      // costs those pixels × the kernel, where summing over the kernel at every pixel costs the image × it
      const sums = new Float64Array(n);
      scatterKernel(sums, plane, nonzero, geom.nx, geom.ny, data, p * ky * kx, ky, kx);
      for (let i = 0; i < n; i++) out[p * n + i] = sums[i];
    } else {
      const k = Float32Array.from(data.subarray(p * ky * kx, (p + 1) * ky * kx));
      convolvePlane(plane, geom.ny, geom.nx, k, ky, kx, { out: out.subarray(p * n, (p + 1) * n) });
    }
  }
  return out;
}

/**
 * out += the kernel (float32 weights, as the convolution uses them) centred on each listed
 * pixel, times its value: "same"-size convolution of a sparse image, zero outside.
 */
function scatterKernel(
  out: Float64Array,
  image: Float32Array,
  pixels: readonly number[],
  nx: number,
  ny: number,
  kernel: ArrayLike<number>,
  at: number,
  ky: number,
  kx: number,
): void {
  const oy = (ky - 1) >> 1;
  const ox = (kx - 1) >> 1;
  const weights = new Float32Array(ky * kx);
  for (let k = 0; k < weights.length; k++) weights[k] = kernel[at + k];
  for (const pixel of pixels) {
    const v = image[pixel];
    const x0 = pixel % nx;
    const y0 = (pixel - x0) / nx;
    // the kernel rows and columns that land inside the image
    const j0 = Math.max(0, oy - y0);
    const j1 = Math.min(ky, ny - y0 + oy);
    const i0 = Math.max(0, ox - x0);
    const i1 = Math.min(kx, nx - x0 + ox);
    for (let j = j0; j < j1; j++) {
      const row = (y0 + j - oy) * nx + x0 - ox;
      const k = j * kx;
      for (let i = i0; i < i1; i++) out[row + i] += v * weights[k + i];
    }
  }
}

function sameValues(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function onlyChanged(previous: readonly number[], values: readonly number[], index: number): boolean {
  for (let i = 0; i < values.length; i++) if ((previous[i] === values[i]) === (i === index)) return false;
  return true;
}
