import {
  convert,
  FoVBackgroundModel,
  maskOnGeom,
  migrad,
  Models,
  PowerLawNormSpectralModel,
  type MapDataset,
  type WcsNDMap,
} from "@gammaflow/core";

export type FoVBackgroundMethod = "scale" | "fit";
export const FOV_BACKGROUND_METHODS: readonly FoVBackgroundMethod[] = ["scale", "fit"];

export interface FoVBackgroundMakerOptions {
  method?: FoVBackgroundMethod;
  /** Image mask, true where the data may be used (outside sources); default: everything. */
  exclusionMask?: WcsNDMap;
  /** Fit the tilt too ("fit" only); gammapy keeps it frozen by default. */
  fitTilt?: boolean;
  /** Normalise only when more counts than this lie outside the exclusion. */
  minCounts?: number;
  /** Normalise only when more predicted background counts than this lie outside the exclusion. */
  minNpredBackground?: number;
  /** Receives the warnings (default console.warn). */
  warn?: (message: string) => void;
}

/**
 * Normalise a dataset's background template on the field of view outside the exclusion
 * mask (gammapy 1.0's FoVBackgroundMaker): "scale" sets norm = (counts − other predicted) /
 * background, "fit" fits norm (and optionally tilt) with the Cash statistic. When the data
 * cannot constrain the norm the safe mask is cleared and a warning names the dataset.
 */
export class FoVBackgroundMaker {
  readonly method: FoVBackgroundMethod;
  readonly exclusionMask?: WcsNDMap;
  readonly fitTilt: boolean;
  readonly minCounts: number;
  readonly minNpredBackground: number;
  private readonly warn: (message: string) => void;

  constructor(options: FoVBackgroundMakerOptions = {}) {
    const method = options.method ?? "scale";
    if (!FOV_BACKGROUND_METHODS.includes(method)) {
      throw new Error(
        `FoVBackgroundMaker: '${method}' is not a valid method (choose from ${FOV_BACKGROUND_METHODS.join(", ")})`,
      );
    }
    if (options.exclusionMask && !options.exclusionMask.geom.isImage) {
      throw new Error("FoVBackgroundMaker: the exclusion mask must be an image (no energy axis)");
    }
    this.method = method;
    this.exclusionMask = options.exclusionMask;
    this.fitTilt = options.fitTilt ?? false;
    this.minCounts = options.minCounts ?? 0;
    this.minNpredBackground = options.minNpredBackground ?? 0;
    this.warn = options.warn ?? ((m) => console.warn(m));
  }

  /** The exclusion mask on the dataset's pixels, repeated over energy (all true without one). */
  makeExclusionMask(dataset: MapDataset): Uint8Array {
    const geom = dataset.counts.geom;
    const n = geom.imageSize;
    const out = new Uint8Array(geom.size).fill(1);
    if (!this.exclusionMask) return out;
    const image = maskOnGeom(this.exclusionMask, geom);
    for (let i = 0; i < out.length; i++) out[i] = image.data[i % n];
    return out;
  }

  run(dataset: MapDataset): MapDataset {
    if (!dataset.background) throw new Error(`FoVBackgroundMaker: dataset '${dataset.name}' has no background map`);
    const model = backgroundModelOf(dataset);
    if (this.fitTilt) model.parameters.get("tilt").frozen = false;
    const mask = this.makeExclusionMask(dataset);
    const datasetMask = dataset.mask;
    if (datasetMask) for (let i = 0; i < mask.length; i++) mask[i] &= datasetMask[i];
    const totals = this.maskedTotals(dataset, mask);
    const failure = this.requirementFailure(totals);
    if (failure) {
      this.warn(`FoVBackgroundMaker failed for ${dataset.name}: ${failure}. Setting mask to False.`);
      dataset.maskSafe?.data.fill(0);
      return dataset;
    }
    if (this.method === "scale") {
      // no sky models yet: everything predicted is background
      // relative to the current norm, so running twice changes nothing (gammapy overwrites it)
      const norm = model.parameters.get("norm");
      norm.error = (norm.value * Math.sqrt(totals.counts)) / totals.background;
      norm.value *= totals.counts / totals.background;
    } else {
      this.fit(dataset, model, mask);
    }
    return dataset;
  }

  private maskedTotals(dataset: MapDataset, mask: Uint8Array): { counts: number; background: number } {
    const background = dataset.npredBackground()!;
    let counts = 0;
    let bkg = 0;
    for (let i = 0; i < mask.length; i++) {
      if (!mask[i] || Number.isNaN(background.data[i])) continue;
      counts += dataset.counts.data[i];
      bkg += background.data[i];
    }
    return { counts, background: bkg };
  }

  private requirementFailure(totals: { counts: number; background: number }): string | undefined {
    const value = totals.counts / totals.background;
    if (!Number.isFinite(value)) return "non-finite normalisation value";
    if (totals.background <= this.minNpredBackground)
      return `only ${Math.trunc(totals.background)} background counts outside the exclusion mask`;
    if (totals.counts <= this.minCounts) return `only ${Math.trunc(totals.counts)} counts outside the exclusion mask`;
    if (totals.counts <= 0) return "negative residual counts";
    return undefined;
  }

  /** Cash fit of norm (and tilt when free) over the masked bins; errors from the Hessian. */
  private fit(dataset: MapDataset, model: FoVBackgroundModel, mask: Uint8Array): void {
    const norm = model.parameters.get("norm");
    const tilt = model.parameters.get("tilt");
    const background = dataset.background!;
    const counts = dataset.counts.data;
    const energy = background.geom.axisByName("energy");
    const n = background.geom.imageSize;
    const energyIndex = background.geom.axisIndex("energy");
    const stride = background.geom.axes.slice(0, energyIndex).reduce((p, a) => p * a.nbin, 1);
    // Σ over the masked bins per energy plane is all the statistic needs: counts are summed
    // with their log-weights, so each evaluation costs one pass over the energy bins
    const planes = background.data.length / n;
    const perEnergy = Array.from({ length: energy.nbin }, () => ({ b: 0, nLogB: 0, n: 0, zeroB: 0 }));
    for (let p = 0; p < planes; p++) {
      const e = Math.floor(p / stride) % energy.nbin;
      const acc = perEnergy[e];
      for (let i = p * n; i < (p + 1) * n; i++) {
        if (!mask[i]) continue;
        const b = background.data[i];
        if (Number.isNaN(b)) continue;
        if (b > 0) {
          acc.b += b;
          acc.nLogB += counts[i] * Math.log(b);
          acc.n += counts[i];
        } else acc.zeroB += counts[i];
      }
    }
    // the norm model's factor of each energy plane, norm · (E / reference)^(−tilt), E the centre
    const reference = model.parameters.get("reference").valueIn("TeV");
    const toTeV = convert(1, energy.unit || "TeV", "TeV");
    const centers = Array.from(energy.center, (e) => e * toTeV);
    const statistic = ([n, t]: number[]): number => {
      const factors = centers.map((e) => n * (e / reference) ** -(t ?? tilt.value));
      let total = 0;
      for (const [e, acc] of perEnergy.entries()) {
        const f = factors[e];
        if (!(f > 0)) return Infinity;
        // Σ 2(μ − n ln μ) with μ = f·b: 2(f Σb − Σn ln b − ln f Σn); bins with b = 0 are truncated constants
        total += 2 * (f * acc.b - acc.nLogB - Math.log(f) * acc.n);
      }
      return total;
    };
    // gammapy's Fit on norm (and tilt): the factors autoscaled (scale10), start step 1 or
    // error/scale, MIGRAD at tol 0.1, strategy 1, errordef 1; errors from its final covariance
    const free = this.fitTilt ? [norm, tilt] : [norm];
    for (const p of free) p.autoscale();
    const result = migrad(
      (x) => statistic(Array.from(x, (f, i) => f * free[i].scale)),
      free.map((p) => p.factor),
    );
    if (!result.accurate || !result.x.every(Number.isFinite)) {
      this.warn(
        `FoVBackgroundMaker failed for ${dataset.name}: the fit did not converge (${result.message}). ` +
          "Setting mask to False.",
      );
      dataset.maskSafe?.data.fill(0);
      return;
    }
    free.forEach((p, i) => {
      p.factor = result.x[i];
      p.error = result.errors[i] * p.scale;
    });
  }
}

/**
 * The dataset's FoVBackgroundModel (`<name>-bkg`) among its models, added (norm 1, tilt 0 and
 * frozen, as gammapy's default) when it has none; its other models are kept.
 */
export function backgroundModelOf(dataset: MapDataset): FoVBackgroundModel {
  const existing = dataset.models?.toArray().find((m) => m.name === `${dataset.name}-bkg`);
  if (existing instanceof FoVBackgroundModel) return existing;
  const model = new FoVBackgroundModel(dataset.name, new PowerLawNormSpectralModel());
  dataset.models = new Models([...(dataset.models ?? []), model]);
  return model;
}
