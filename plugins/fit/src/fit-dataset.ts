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
  type WcsNDMap,
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

/** npred and residuals ((counts − npred)/√npred) at the best fit. */
export function fitMaps(dataset: MapDataset): { npred: WcsNDMap; residuals: WcsNDMap } {
  return { npred: dataset.npred(), residuals: dataset.residuals("diff/sqrt(model)") };
}
