import {
  covarianceToTable,
  Datasets,
  Fit,
  fitResultJson,
  FoVBackgroundModel,
  type Models,
  modelsToYaml,
  type FitResult,
  type FitResultJson,
  type MapDataset,
  smoothMap,
  WcsNDMap,
} from "@gammaflow/core";

export interface FitDatasetOptions {
  /**
   * Add a FoVBackgroundModel (norm free, tilt frozen) for each dataset the models do not give
   * one, so the background norm is fitted with the sources (default true).
   */
  fitBackgroundNorm?: boolean;
  tol?: number;
  strategy?: 0 | 1 | 2;
}

export interface DatasetFit {
  result: FitResult;
  models: Models;
  json: FitResultJson;
}

/**
 * Fit `models` to one or more datasets (gammapy 1.0's `Fit().run`); the models end at the best
 * fit with their covariance. A fit that fails is returned with `success` false and the reason,
 * never thrown, unless it could not start (no free parameters, a statistic that is not finite).
 */
export function fitDatasets(datasets: MapDataset[], models: Models, options: FitDatasetOptions = {}): DatasetFit {
  let all = models;
  if (options.fitBackgroundNorm ?? true) {
    const missing = datasets.filter((d) => !all.names.includes(`${d.name}-bkg`) && d.background);
    all = all.add(missing.map((d) => new FoVBackgroundModel(d.name)));
  }
  for (const d of datasets) {
    const safe = d.mask;
    if (safe && !safe.some((v) => v !== 0))
      throw new Error(`dataset '${d.name}': no bins to fit (the safe mask is empty)`);
  }
  const joint = new Datasets(datasets);
  joint.models = all;
  const result = new Fit({ tol: options.tol, strategy: options.strategy }).run(joint);
  const fitted = joint.models;
  return { result, models: fitted, json: fitResultJson(result, fitted) };
}

/** The files a fit writes: best-fit models (gammapy's YAML, with the covariance table) and the result. */
export function fitFiles(fit: DatasetFit, prefix = "", rename = (name: string) => name): Record<string, string> {
  const covarianceFile = rename(`${prefix}models_covariance.dat`);
  return {
    [rename(`${prefix}models.yaml`)]: modelsToYaml(fit.models, { covarianceFile }),
    [covarianceFile]: covarianceToTable(fit.models),
    [rename(`${prefix}fit-result.json`)]: `${JSON.stringify(fit.json, null, 2)}\n`,
  };
}

/** npred and residuals ((counts − npred)/√npred) at the best fit, per bin; `npred` when already computed. */
export function fitMaps(
  dataset: MapDataset,
  npred: WcsNDMap = dataset.npred(),
): { npred: WcsNDMap; residuals: WcsNDMap } {
  return { npred, residuals: dataset.residuals("diff/sqrt(model)", npred) };
}

/** How wide gammapy's `plot_residuals_spatial` smooths counts and npred (a Gaussian's σ, by default). */
export const RESIDUAL_SMOOTHING = "0.1 deg";

/**
 * The images of the fit: npred summed over energy, and gammapy 1.0's `plot_residuals_spatial`
 * (method "diff/sqrt(model)"): counts and npred within the dataset's mask summed over energy,
 * each smoothed with a Gaussian of RESIDUAL_SMOOTHING, then (counts − npred)/√npred; NaN where
 * no energy bin is safe. (Summing per-bin residuals instead weighs noisy, empty bins alike.)
 * `npred`, when given (the dataset's `npred()`, computed once), is left unchanged.
 */
export function fitImages(
  dataset: MapDataset,
  npredCube: WcsNDMap = dataset.npred(),
): { npred: WcsNDMap; residuals: WcsNDMap } {
  const counts = WcsNDMap.fromGeom(dataset.counts.geom, { data: Float64Array.from(dataset.counts.data) });
  const npred = WcsNDMap.fromGeom(npredCube.geom, { data: Float64Array.from(npredCube.data) });
  const npredImage = npredCube.sumOverAxes();
  const mask = dataset.mask;
  if (mask)
    for (let i = 0; i < mask.length; i++)
      if (!mask[i]) {
        counts.data[i] = 0;
        npred.data[i] = 0;
      }
  const c = smoothMap(counts.sumOverAxes(), RESIDUAL_SMOOTHING).data;
  const residuals = smoothMap(npred.sumOverAxes(), RESIDUAL_SMOOTHING);
  const m = residuals.data;
  const safe = dataset.maskSafeImage?.data;
  for (let i = 0; i < m.length; i++) m[i] = safe && !safe[i] ? Number.NaN : (c[i] - m[i]) / Math.sqrt(m[i]);
  return { npred: npredImage, residuals };
}
