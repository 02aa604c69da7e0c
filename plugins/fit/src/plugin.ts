import {
  type FluxPoints,
  modelsFromDict,
  modelsFromYaml,
  type FitResultJson,
  type Models,
  type ModelsDict,
} from "@gammaflow/core";
import { svgToPng } from "@gammaflow/core/node";
import {
  definePlugin,
  OutputPath,
  outputFile,
  outputFiles,
  perMessage,
  Quantity,
  Type,
  WhichDatasets,
  type DataAccess,
  type DatasetMessage,
  type FileMessage,
  type FitResultMessage,
  type Message,
} from "@gammaflow/pipeline";
import { fitDatasets, fitFiles, fitImages, fitMaps } from "./fit-dataset.js";
import { fitMapFigure, spectrumFigures } from "./figures.js";
import { energyEdgesFrom, estimateFluxPoints, fluxPointsFiles, fluxPointsSources } from "./flux-points.js";

const FitParams = Type.Object(
  {
    models: Type.Union([Type.String(), Type.Object({ components: Type.Array(Type.Any()) })], {
      description:
        "the models: a models YAML file in gammapy's format (relative to the graph), or the same inline " +
        "({ components: [...] })",
    }),
    which: WhichDatasets("final"),
    fitBackgroundNorm: Type.Boolean({
      default: true,
      description: "fit the background norm of datasets the models give no FoVBackgroundModel",
    }),
    maps: Type.Boolean({
      default: true,
      description: "also write npred and residual maps, with PNG previews, and each sky model's spectrum",
    }),
    fluxPoints: Type.Optional(
      Type.Object(
        {
          energyEdges: Type.Union([Type.String(), Type.Array(Quantity("TeV"), { minItems: 2 })], {
            description:
              'bin edges: "1 TeV..10 TeV/5" (5 log bins), "1 TeV, 3 TeV, 10 TeV", or a list of energies; ' +
              "each snaps to the dataset's nearest energy bin edge (gammapy's FluxPointsEstimator)",
          }),
          source: Type.Optional(Type.String({ description: "the sky model (default every one)" })),
        },
        {
          additionalProperties: false,
          description:
            "flux points after the fit (gammapy's FluxPointsEstimator: norm per bin, errn-errp, 2σ upper limits " +
            "where √TS < 2): flux-points-<model>.json, and drawn on spectrum-<model>.png",
        },
      ),
    ),
    prefix: OutputPath("path", {
      default: "",
      description: "prefix of the written files' names in the output folder ({name}: the dataset's)",
    }),
  },
  { additionalProperties: false },
);

/**
 * What a fit node's "fit-result" message holds: fit-result.json's fields, the best-fit models, the
 * dataset's name, and the flux points per sky model when the node estimated them.
 */
export interface FitOutcome extends FitResultJson {
  models: Models;
  dataset: string;
  fluxPoints?: Record<string, FluxPoints>;
}

/** Fit sky models to each (final) dataset: the best-fit models file, the result, npred and residual maps. */
export const fitPlugin = definePlugin({
  name: "fit",
  version: "0.1.0",
  description: "Fit sky models to a dataset (gammapy's Fit: MIGRAD, HESSE); writes models.yaml and fit-result.json",
  params: FitParams,
  input: ["dataset", "image-dataset", "dataset-onoff"],
  output: ["fit-result", "file"],
  services: ["data"],
  create(params, context) {
    const { data } = context.services;
    const load = () => loadModels(params.models, data);
    const models = load(); // a bad models file fails the run before any data is read
    // and so do bad flux-point edges, or a source that is not one of the sky models
    const energyEdges = params.fluxPoints && energyEdgesFrom(params.fluxPoints.energyEdges);
    const source = params.fluxPoints?.source;
    if (params.fluxPoints) fluxPointsSources(models, source);
    return perMessage<DatasetMessage>(context, (message): Message[] | undefined => {
      if (params.which === "final" && !message.final) return undefined;
      const dataset = message.dataset;
      const fit = fitDatasets([dataset], load(), { fitBackgroundNorm: params.fitBackgroundNorm });
      if (!fit.result.success) context.logger.warn(`fit of '${dataset.name}': ${fit.result.message}`);
      const prefix = params.prefix.replaceAll("{name}", dataset.name);
      // one file message per file: a report lists each path it can open
      const written: Array<{ path: string; what: string }> = [];
      const files = outputFiles(context, data, message, "prefix");
      // the models file names its covariance table: both renamed alike when partial
      for (const [name, text] of Object.entries(fitFiles(fit, prefix, files.name))) {
        const out = outputFile(context, data, "prefix", name);
        data.writeBytes(out, new TextEncoder().encode(text));
        written.push({
          path: out,
          what: name.endsWith(".json") ? "fit result" : name.includes("covariance") ? "covariance" : "models",
        });
      }
      const out = files.path;
      const points =
        energyEdges && fit.result.success ? estimateFluxPoints([dataset], fit.models, { energyEdges, source }) : {};
      if (energyEdges && !fit.result.success) context.logger.warn(`fit of '${dataset.name}' failed: no flux points`);
      for (const [name, text] of Object.entries(fluxPointsFiles(points, prefix, files.name))) {
        const file = outputFile(context, data, "prefix", name);
        data.writeBytes(file, new TextEncoder().encode(text));
        written.push({ path: file, what: "flux points" });
      }
      if (params.maps) {
        const npred = dataset.npred();
        const [maps, images] = [fitMaps(dataset, npred), fitImages(dataset, npred)];
        for (const name of ["npred", "residuals"] as const) {
          data.writeMap(maps[name], out(`${prefix}${name}.fits.gz`));
          const figure = fitMapFigure(name, images[name], dataset.name, { deflate: data.deflate });
          data.writeBytes(out(`${prefix}${name}.png`), svgToPng(figure.svg));
          written.push({ path: out(`${prefix}${name}.fits.gz`), what: `${name} map` });
          written.push({ path: out(`${prefix}${name}.png`), what: `${name} image` });
        }
        for (const { model, svg } of spectrumFigures(fit.models, dataset, { fluxPoints: points })) {
          const name = `spectrum-${model}`;
          data.writeBytes(out(`${prefix}${name}.png`), svgToPng(svg));
          written.push({ path: out(`${prefix}${name}.png`), what: `${name} plot` });
        }
      }
      const result: FitResultMessage = {
        kind: "fit-result",
        seq: message.seq,
        obsId: message.obsId,
        obsIds: message.obsIds,
        result: {
          ...fit.json,
          models: fit.models,
          dataset: dataset.name,
          ...(Object.keys(points).length ? { fluxPoints: points } : {}),
        } satisfies FitOutcome,
      };
      const outcome = fit.result.success ? "success" : "failed";
      const fileMessages = written.map(
        ({ path, what }): FileMessage => ({
          kind: "file",
          seq: message.seq,
          obsId: message.obsId,
          obsIds: message.obsIds,
          path,
          description: `fit of '${dataset.name}' (${outcome}): ${what}`,
          ...(files.partial && { partial: true }),
        }),
      );
      return [result, ...fileMessages];
    });
  },
});

/** Models from a YAML path (its covariance file beside it) or an inline models dict. */
export function loadModels(spec: string | { components: unknown[] }, data: DataAccess): Models {
  if (typeof spec !== "string") return modelsFromDict(spec as ModelsDict, { files: data });
  const file = data.resolve(spec);
  const dir = file.slice(0, Math.max(file.lastIndexOf("/"), 0));
  let text: string;
  try {
    text = data.readText(file);
  } catch (error) {
    throw new Error(`fit: cannot read the models file ${file}: ${(error as Error).message}`);
  }
  try {
    return modelsFromYaml(text, { files: data, readText: (name) => data.readText(data.join(dir, name)) });
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}
