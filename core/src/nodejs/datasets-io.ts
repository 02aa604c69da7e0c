import { readFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { Datasets, type MapDataset } from "../datasets/index.js";
import { covarianceToTable, modelsFromYaml, modelsToYaml } from "../modeling/index.js";
import { writeFileAtomic } from "./atomic-files.js";
import { readDataset, writeDataset } from "./dataset-io.js";
import { readMap } from "./map-io.js";

// gammapy 1.0's `Datasets.write` / `Datasets.read`: a datasets YAML listing each dataset's name,
// type and FITS file (beside it), and optionally a models YAML with its covariance table.

/** Write each dataset to `<name>.fits` beside `file`, the list to `file`, the models to `modelsFile`. */
export function writeDatasets(
  datasets: Datasets<MapDataset>,
  file: string,
  options: { modelsFile?: string } = {},
): void {
  const dir = path.dirname(file);
  const entries = [...datasets].map((d) => {
    const filename = `${d.name}.fits`;
    writeDataset(d, path.join(dir, filename));
    return { name: d.name, type: d.tag, filename };
  });
  writeFileAtomic(file, stringify({ datasets: entries }));
  if (options.modelsFile) {
    const covarianceFile = `${path.basename(options.modelsFile).replace(/\.ya?ml$/, "")}_covariance.dat`;
    const models = datasets.models;
    writeFileAtomic(options.modelsFile, modelsToYaml(models, { covarianceFile }));
    writeFileAtomic(path.join(path.dirname(options.modelsFile), covarianceFile), covarianceToTable(models));
  }
}

/** Datasets from a datasets YAML (files relative to it), with the models of `modelsFile` if given. */
export function readDatasets(file: string, options: { modelsFile?: string } = {}): Datasets<MapDataset> {
  const dir = path.dirname(file);
  const data = parse(readFileSync(file, "utf8")) as {
    datasets?: Array<{ name: string; type: string; filename: string }>;
  };
  if (!data || !Array.isArray(data.datasets)) throw new Error(`${file}: no 'datasets' list`);
  const list = data.datasets.map((entry, i) => {
    if (!entry.filename) throw new Error(`${file}: dataset ${i} names no filename`);
    const dataset = readDataset(path.resolve(dir, entry.filename));
    if (entry.type && dataset.tag !== entry.type)
      throw new Error(`${file}: dataset '${entry.name}' is a ${dataset.tag}, the list says ${entry.type}`);
    dataset.name = entry.name;
    return dataset;
  });
  const datasets = new Datasets(list);
  if (options.modelsFile) {
    const modelsDir = path.dirname(options.modelsFile);
    datasets.models = modelsFromYaml(readFileSync(options.modelsFile, "utf8"), {
      files: { readMap: (name) => readMap(path.resolve(modelsDir, name)) },
      readText: (name) => readFileSync(path.resolve(modelsDir, name), "utf8"),
    });
  }
  return datasets;
}
