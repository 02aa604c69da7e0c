import type { ModelDict, ParameterInputs } from "./model.js";
import type { Parameter, ParameterDict, ParameterOptions } from "./parameter.js";
import { SmoothBrokenPowerLawSpectralModel } from "./spectral/broken-power-law.js";
import { ExpCutoffPowerLaw3FGLSpectralModel, ExpCutoffPowerLawSpectralModel } from "./spectral/cutoff.js";
import { GaussianSpectralModel } from "./spectral/gaussian.js";
import { LogParabolaSpectralModel } from "./spectral/log-parabola.js";
import { PowerLaw2SpectralModel, PowerLawNormSpectralModel, PowerLawSpectralModel } from "./spectral/power-law.js";
import {
  CompoundSpectralModel,
  ConstantSpectralModel,
  type SpectralModel,
  type SpectralOperator,
} from "./spectral/spectral-model.js";
import { TemplateSpectralModel } from "./spectral/template.js";
import {
  ConstantFluxSpatialModel,
  ConstantSpatialModel,
  DiskSpatialModel,
  GaussianSpatialModel,
  GeneralizedGaussianSpatialModel,
  PointSpatialModel,
  Shell2SpatialModel,
  ShellSpatialModel,
  type SpatialModel,
  TemplateSpatialModel,
  type ModelFrame,
} from "./spatial/index.js";
import type { WcsNDMap } from "../maps/index.js";

/**
 * Parameters already made for a link label (gammapy's `link`): a later entry with the same label
 * gets the same object, so linked models share it. Filled while a models file is read.
 */
export type LinkRegister = Map<string, Parameter>;

let currentLinks: LinkRegister | undefined;

/** Runs `fn` with `links` as the register that `parameterInputs` consults. */
export function withLinks<T>(links: LinkRegister, fn: () => T): T {
  const previous = currentLinks;
  currentLinks = links;
  try {
    return fn();
  } finally {
    currentLinks = previous;
  }
}

/** A models-file parameter entry as the constructors take it: value, unit and the rest by name. */
export function parameterInputs(entries: ModelDict["parameters"] = []): ParameterInputs {
  const out: ParameterInputs = {};
  for (const entry of entries) {
    const shared = entry.link !== undefined ? currentLinks?.get(entry.link) : undefined;
    out[entry.name] = shared ?? parameterOptions(entry);
  }
  return out;
}

function parameterOptions(entry: Partial<ParameterDict> & { name: string }): ParameterOptions {
  const options: ParameterOptions = {};
  if (entry.unit !== undefined) options.unit = entry.unit;
  if (entry.value !== undefined) options.value = Number(entry.value);
  if (entry.min !== undefined) options.min = numberOrNaN(entry.min);
  if (entry.max !== undefined) options.max = numberOrNaN(entry.max);
  if (entry.frozen !== undefined) options.frozen = Boolean(entry.frozen);
  if (entry.error !== undefined) options.error = Number(entry.error);
  if (entry.interp !== undefined) options.interp = entry.interp;
  if (entry.scale_method !== undefined) options.scaleMethod = entry.scale_method;
  return options;
}

function numberOrNaN(x: unknown): number {
  return x === null || x === undefined || x === ".nan" || x === "nan" ? Number.NaN : Number(x);
}

type SpectralFactory = (dict: ModelDict) => SpectralModel;

/** The factory of a model class whose constructor takes parameter inputs by name. */
const byInputs =
  (Model: new (inputs: ParameterInputs) => SpectralModel): SpectralFactory =>
  (d) =>
    new Model(parameterInputs(d.parameters));

/** Constructors taking parameter inputs by name, under every tag gammapy reads. */
const SPECTRAL: Array<[readonly string[], SpectralFactory]> = [
  [["PowerLawSpectralModel", "pl"], byInputs(PowerLawSpectralModel)],
  [["PowerLaw2SpectralModel", "pl-2"], byInputs(PowerLaw2SpectralModel)],
  [["PowerLawNormSpectralModel", "pl-norm"], byInputs(PowerLawNormSpectralModel)],
  [["ExpCutoffPowerLawSpectralModel", "ecpl"], byInputs(ExpCutoffPowerLawSpectralModel)],
  [["ExpCutoffPowerLaw3FGLSpectralModel", "ecpl-3fgl"], byInputs(ExpCutoffPowerLaw3FGLSpectralModel)],
  [["LogParabolaSpectralModel", "lp"], byInputs(LogParabolaSpectralModel)],
  [["SmoothBrokenPowerLawSpectralModel", "sbpl"], byInputs(SmoothBrokenPowerLawSpectralModel)],
  [["ConstantSpectralModel", "const"], byInputs(ConstantSpectralModel)],
  [["GaussianSpectralModel", "gauss"], byInputs(GaussianSpectralModel)],
  [["TemplateSpectralModel", "template"], templateFromDict],
  [["CompoundSpectralModel", "compound"], compoundFromDict],
];

/** A spectral model from its models-file entry (gammapy 1.0's format). */
export function spectralModelFromDict(dict: ModelDict): SpectralModel {
  return factoryFor(SPECTRAL, "spectral", dict.type)(dict);
}

/** The factory registered under `type`; an error listing the known ones. */
function factoryFor<F>(table: Array<[readonly string[], F]>, kind: string, type: string): F {
  const entry = table.find(([tags]) => tags.includes(type));
  if (!entry) throw new Error(`unknown ${kind} model type '${type}' (known: ${table.map(([t]) => t[0]).join(", ")})`);
  return entry[1];
}

function templateFromDict(d: ModelDict): SpectralModel {
  const table = (key: "energy" | "values") => {
    const t = d[key] as { data?: number[]; unit?: string } | undefined;
    if (!t || !Array.isArray(t.data)) throw new Error(`TemplateSpectralModel: the entry has no '${key}' table`);
    return t;
  };
  const energy = table("energy");
  const values = table("values");
  const norm = parameterInputs(d.parameters).norm;
  return new TemplateSpectralModel({
    energy: energy.data!,
    energyUnit: energy.unit ?? "TeV",
    values: values.data!,
    valuesUnit: values.unit ?? "",
    norm,
  });
}

function compoundFromDict(d: ModelDict): SpectralModel {
  const part = (key: "model1" | "model2") => {
    const m = d[key] as ModelDict | undefined;
    if (!m) throw new Error(`CompoundSpectralModel: the entry has no '${key}'`);
    return spectralModelFromDict(m);
  };
  return new CompoundSpectralModel(part("model1"), part("model2"), d.operator as SpectralOperator);
}

/** How a models file's template maps are read (Node: a FITS reader; a browser: fetched bytes). */
export interface ModelFileAccess {
  readMap(filename: string): WcsNDMap;
}

type SpatialFactory = (dict: ModelDict, files?: ModelFileAccess) => SpatialModel;

const withFrame = (d: ModelDict) => ({ ...parameterInputs(d.parameters), frame: (d.frame ?? "icrs") as ModelFrame });

const SPATIAL: Array<[readonly string[], SpatialFactory]> = [
  [["PointSpatialModel", "point"], (d) => new PointSpatialModel(withFrame(d))],
  [["GaussianSpatialModel", "gauss"], (d) => new GaussianSpatialModel(withFrame(d))],
  [["GeneralizedGaussianSpatialModel", "gauss-general"], (d) => new GeneralizedGaussianSpatialModel(withFrame(d))],
  [["DiskSpatialModel", "disk"], (d) => new DiskSpatialModel(withFrame(d))],
  [["ShellSpatialModel", "shell"], (d) => new ShellSpatialModel(withFrame(d))],
  [["Shell2SpatialModel", "shell2"], (d) => new Shell2SpatialModel(withFrame(d))],
  [["ConstantSpatialModel", "const"], (d) => new ConstantSpatialModel(parameterInputs(d.parameters))],
  [["ConstantFluxSpatialModel", "const-flux"], () => new ConstantFluxSpatialModel()],
  [["TemplateSpatialModel", "template"], templateSpatialFromDict],
];

/** A spatial model from its models-file entry (template maps read through `files`). */
export function spatialModelFromDict(dict: ModelDict, files?: ModelFileAccess): SpatialModel {
  return factoryFor(SPATIAL, "spatial", dict.type)(dict, files);
}

function templateSpatialFromDict(d: ModelDict, files?: ModelFileAccess): SpatialModel {
  const filename = d.filename as string | undefined;
  if (!filename) throw new Error("TemplateSpatialModel: the entry names no 'filename'");
  if (!files) throw new Error(`TemplateSpatialModel: no file access to read '${filename}'`);
  return new TemplateSpatialModel(files.readMap(filename), {
    filename,
    normalize: (d.normalize as boolean | undefined) ?? true,
  });
}
