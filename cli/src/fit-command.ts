import { mkdirSync } from "node:fs";
import path from "node:path";
import { parametersTable } from "@gammaflow/core";
import { gammapyDataDir, readDataset, writeFileAtomic, writeMap } from "@gammaflow/core/node";
import { fitDatasets, fitFiles, fitMaps, loadModels } from "@gammaflow/fit";
import { nodeDataAccess } from "@gammaflow/pipeline/node";
import { REPO_ROOT } from "./run-graph.js";

export interface FitCommandOptions {
  models: string;
  out: string;
  /** The dataset's name (the models' FoVBackgroundModel refers to it); default the file's. */
  name?: string;
  /** Also write npred and residual maps. */
  maps?: boolean;
  json?: boolean;
}

/**
 * `gammaflow fit DATASET --models MODELS --out DIR`: read a dataset file (ours or gammapy's),
 * fit the models, print gammapy's parameter table, write DIR/models.yaml (with its covariance
 * table) and DIR/fit-result.json. Exit code 0 when the fit succeeded, 3 when it ran but failed.
 */
export function fitCommand(datasetFile: string, options: FitCommandOptions): number {
  const dataset = readDataset(datasetFile);
  if (options.name) dataset.name = options.name;
  else if (!dataset.name) dataset.name = path.basename(datasetFile).replace(/\.fits(\.gz)?$/, "");
  const data = nodeDataAccess(process.cwd(), { GAMMAPY_DATA: gammapyDataDir(REPO_ROOT) });
  const models = loadModels(options.models, data);
  const fit = fitDatasets([dataset], models);
  mkdirSync(options.out, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of Object.entries(fitFiles(fit))) {
    writeFileAtomic(path.join(options.out, name), text);
    written.push(path.join(options.out, name));
  }
  if (options.maps) {
    for (const [name, map] of Object.entries(fitMaps(dataset))) {
      writeMap(map, path.join(options.out, `${name}.fits.gz`));
      written.push(path.join(options.out, `${name}.fits.gz`));
    }
  }
  if (options.json) console.log(JSON.stringify(fit.json, null, 2));
  else {
    const r = fit.result;
    console.log(
      [
        `fit of '${dataset.name}': ${r.message}`,
        `  success ${r.success}, total stat ${r.totalStat.toFixed(4)}, ${r.nfev} evaluations`,
        "",
        parametersTable(fit.models),
        "",
        `wrote ${written.join(", ")}`,
      ].join("\n"),
    );
  }
  return fit.result.success ? 0 : 3;
}
