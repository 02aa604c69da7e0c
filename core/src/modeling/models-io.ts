import { parse, stringify } from "yaml";
import { treeIssues } from "../utils/json-tree.js";
import { pyFloat } from "../utils/py-float.js";
import { Covariance } from "./covariance.js";
import type { ModelDict } from "./model.js";
import type { Parameter } from "./parameter.js";
import {
  spatialModelFromDict,
  spectralModelFromDict,
  withLinks,
  type LinkRegister,
  type ModelFileAccess,
} from "./registry.js";
import {
  FoVBackgroundModel,
  Models,
  SkyModel,
  randomName,
  TemplateNPredModel,
  type ApplyIrf,
  type DatasetModel,
} from "./sky-model.js";

// Models files in gammapy 1.0's format (`Models.write` / `Models.read`): YAML with a
// `components` list and, optionally, a covariance table in a file of its own.

/** A component of a models file. */
export interface ComponentDict {
  type: string;
  name?: string;
  datasets_names?: string[];
  spectral?: ModelDict;
  spatial?: ModelDict;
  [key: string]: unknown;
}

export interface ModelsDict {
  components: ComponentDict[];
  covariance?: string;
}

/** A model as gammapy 1.0's `to_dict` writes it (defaults left out unless `fullOutput`). */
export function modelToDict(model: DatasetModel, fullOutput = false): ComponentDict {
  if (model instanceof SkyModel) {
    const out: ComponentDict = { name: model.name, type: "SkyModel" };
    const irf = model.applyIrf;
    if (!irf.exposure || !irf.psf || !irf.edisp) out.apply_irf = { ...irf };
    out.spectral = model.spectralModel.toDict(fullOutput);
    if (model.spatialModel) out.spatial = model.spatialModel.toDict(fullOutput);
    if (model.datasetsNames) out.datasets_names = [...model.datasetsNames];
    return out;
  }
  if (model instanceof TemplateNPredModel) {
    const out: ComponentDict = {
      name: model.name,
      type: "TemplateNPredModel",
      spectral: model.spectralModel.toDict(fullOutput),
    };
    if (model.filename) out.filename = model.filename;
    if (model.datasetsNames) out.datasets_names = [...model.datasetsNames];
    return out;
  }
  if (model instanceof FoVBackgroundModel) {
    return {
      type: "FoVBackgroundModel",
      datasets_names: [...model.datasetsNames],
      spectral: model.spectralModel.toDict(fullOutput),
    };
  }
  throw new Error(
    `models file: cannot write model '${model.name}' (${model.type ?? "a DatasetModel of no known type"})`,
  );
}

/** All models, with link labels on parameters that several models share. */
export function modelsToDict(
  models: Models,
  options: { fullOutput?: boolean; covarianceFile?: string } = {},
): ModelsDict {
  labelSharedParameters(models);
  const out: ModelsDict = { components: models.toArray().map((m) => modelToDict(m, options.fullOutput)) };
  if (options.covarianceFile) out.covariance = options.covarianceFile;
  return out;
}

/** gammapy's YAML layout (4-space indents, keys in gammapy's order). */
export function modelsToYaml(models: Models, options: { fullOutput?: boolean; covarianceFile?: string } = {}): string {
  return stringify(modelsToDict(models, options), { indent: 4, lineWidth: 80 });
}

/** Models from a models-file dict; the covariance (if named) is read through `readText`. */
export function modelsFromDict(
  data: ModelsDict,
  options: { files?: ModelFileAccess; readText?: (name: string) => string } = {},
): Models {
  if (!data || !Array.isArray(data.components)) throw new Error("models file: no 'components' list");
  const refused = treeIssues(data);
  if (refused.length) throw new Error(`models file: ${refused.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
  const links: LinkRegister = new Map();
  const models = data.components.map((component, i) =>
    withLinks(links, () => {
      const model = componentFromDict(component, i, options.files);
      registerLinks(links, component, model);
      return model;
    }),
  );
  const out = new Models(models);
  if (data.covariance) {
    if (!options.readText) throw new Error(`models file: no file access to read the covariance '${data.covariance}'`);
    out.covariance = covarianceFromTable(options.readText(data.covariance), out);
  }
  return out;
}

export function modelsFromYaml(
  text: string,
  options: { files?: ModelFileAccess; readText?: (name: string) => string } = {},
): Models {
  return modelsFromDict(parse(text) as ModelsDict, options);
}

function componentFromDict(c: ComponentDict, index: number, files?: ModelFileAccess): DatasetModel {
  const at = `models file: component ${index}${c.name ? ` ('${c.name}')` : ""}`;
  // gammapy gives a FoVBackgroundModel without one its default norm (a PowerLawNormSpectralModel)
  if (!c.spectral && c.type !== "FoVBackgroundModel") throw new Error(`${at}: no spectral model`);
  try {
    if (c.type === "SkyModel") {
      return new SkyModel(spectralModelFromDict(c.spectral!), {
        spatialModel: c.spatial ? spatialModelFromDict(c.spatial, files) : undefined,
        name: c.name,
        datasetsNames: c.datasets_names,
        applyIrf: c.apply_irf as Partial<ApplyIrf> | undefined,
      });
    }
    if (c.type === "TemplateNPredModel") {
      const filename = c.filename as string | undefined;
      if (!filename) throw new Error("a TemplateNPredModel needs its map's filename");
      if (!files) throw new Error(`no file access to read '${filename}'`);
      return new TemplateNPredModel(files.readMap(filename), {
        spectralModel: spectralModelFromDict(c.spectral!),
        name: c.name,
        datasetsNames: c.datasets_names,
        filename,
      });
    }
    if (c.type === "FoVBackgroundModel") {
      const name = c.datasets_names?.[0];
      if (!name) throw new Error("a FoVBackgroundModel needs its dataset's name (datasets_names)");
      return new FoVBackgroundModel(name, c.spectral ? spectralModelFromDict(c.spectral) : undefined);
    }
  } catch (error) {
    throw new Error(`${at}: ${(error as Error).message}`);
  }
  throw new Error(`${at}: unknown component type '${c.type}' (SkyModel, FoVBackgroundModel, TemplateNPredModel)`);
}

/** The parameters of `component` that carry a link label: the first of each label is the shared one. */
function registerLinks(links: LinkRegister, component: ComponentDict, model: DatasetModel): void {
  const parts: Array<[ModelDict | undefined, Parameter[]]> =
    model instanceof SkyModel
      ? [
          [component.spectral, model.spectralModel.parameters.toArray()],
          [component.spatial, model.spatialModel?.parameters.toArray() ?? []],
        ]
      : [[component.spectral, model.parameters.toArray()]];
  for (const [dict, params] of parts)
    for (const entry of dict?.parameters ?? []) {
      if (entry.link === undefined) continue;
      const p = params.find((q) => q.name === entry.name);
      if (!p) continue;
      p.linkLabel = entry.link;
      if (!links.has(entry.link)) links.set(entry.link, p);
    }
}

/** Gives each parameter that appears in several models a link label (gammapy's `name@xxxxxxxx`). */
function labelSharedParameters(models: Models): void {
  const seen = new Set<Parameter>();
  const shared = new Set<Parameter>();
  for (const m of models) for (const p of m.parameters) (seen.has(p) ? shared : seen).add(p);
  for (const p of shared) p.linkLabel ??= `${p.name}@${randomName()}`;
}

/** Row names of the covariance table: `<model>.<spectral|spatial>.<parameter>`. */
function covarianceNames(models: Models): string[] {
  return models
    .toArray()
    .flatMap((m) => m.parameters.toArray().map((p) => `${m.name}.${p.type || "spectral"}.${p.name}`));
}

/** The covariance as gammapy writes it (astropy's ascii.fixed_width with '|' delimiters). */
export function covarianceToTable(models: Models): string {
  const names = covarianceNames(models);
  const cov = models.covariance;
  const n = names.length;
  const header = ["Parameters", ...names.map((_, i) => String(i))];
  const rows = names.map((name, i) => [name, ...Array.from({ length: n }, (_, j) => pyFloat(cov.get(i, j)))]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => `| ${cells.map((c, k) => c.padStart(widths[k])).join(" | ")} |`;
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}

/** A covariance table (as `covarianceToTable` or gammapy writes it) on the models' parameters. */
export function covarianceFromTable(text: string, models: Models): Covariance {
  const lines = text.split("\n").filter((l) => l.trim().startsWith("|"));
  const rows = lines.slice(1).map((l) =>
    l
      .split("|")
      .slice(2, -1)
      .map((c) => Number(c.trim())),
  );
  const n = models.parameters.length;
  if (rows.length !== n || rows.some((r) => r.length !== n))
    throw new Error(`covariance table: ${rows.length} rows for ${n} parameters`);
  return new Covariance(models.parameters, rows.flat());
}
