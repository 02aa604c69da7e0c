import { mkdirSync } from "node:fs";
import path from "node:path";
import { parametersTable, type FluxPoints } from "@gammaflow/core";
import { gammapyDataDir, readDataset, svgToPng, writeFileAtomic, writeMap } from "@gammaflow/core/node";
import {
  energyEdgesFromText,
  estimateFluxPoints,
  fitDatasets,
  fitFiles,
  fitMaps,
  fluxPointsFiles,
  fluxPointsSources,
  loadModels,
  spectrumFigures,
} from "@gammaflow/fit";
import { nodeDataAccess } from "@gammaflow/pipeline/node-files";
import { REPO_ROOT } from "./run-graph.js";

export interface FitCommandOptions {
  models: string;
  out: string;
  /** The dataset's name (the models' FoVBackgroundModel refers to it); default the file's. */
  name?: string;
  /** Also write npred and residual maps. */
  maps?: boolean;
  /** Flux points on these bins ("1 TeV..10 TeV/5" or "1 TeV, 3 TeV, 10 TeV"): their table and the spectrum figure. */
  fluxPoints?: string;
  /** The sky model of the flux points (default every one). */
  fluxPointsSource?: string;
  json?: boolean;
}

/**
 * `gammaflow fit DATASET --models MODELS --out DIR`: read a dataset file (ours or gammapy's),
 * fit the models, print gammapy's parameter table, write DIR/models.yaml (with its covariance
 * table) and DIR/fit-result.json; with `fluxPoints`, gammapy's flux points of each sky model
 * (DIR/flux-points-<model>.json) drawn on its fitted spectrum (DIR/spectrum-<model>.png).
 * Exit code 0 when the fit succeeded, 3 when it ran but failed (no flux points then).
 */
export function fitCommand(datasetFile: string, options: FitCommandOptions): number {
  const dataset = readDataset(datasetFile);
  if (options.name) dataset.name = options.name;
  else if (!dataset.name) dataset.name = path.basename(datasetFile).replace(/\.fits(\.gz)?$/, "");
  const data = nodeDataAccess(process.cwd(), { GAMMAPY_DATA: gammapyDataDir(REPO_ROOT) });
  const models = loadModels(options.models, data);
  const energyEdges = options.fluxPoints === undefined ? undefined : energyEdgesFromText(options.fluxPoints);
  if (energyEdges) fluxPointsSources(models, options.fluxPointsSource); // before the fit
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
  const points =
    energyEdges && fit.result.success
      ? estimateFluxPoints([dataset], fit.models, { energyEdges, source: options.fluxPointsSource })
      : {};
  for (const [name, text] of Object.entries(fluxPointsFiles(points))) {
    writeFileAtomic(path.join(options.out, name), text);
    written.push(path.join(options.out, name));
  }
  if (energyEdges && fit.result.success) {
    for (const { model, svg } of spectrumFigures(fit.models, dataset, { fluxPoints: points })) {
      if (!(model in points)) continue;
      const name = `spectrum-${model}`;
      writeFileAtomic(path.join(options.out, `${name}.png`), svgToPng(svg));
      written.push(path.join(options.out, `${name}.png`));
    }
  }
  if (options.json) {
    const fluxPoints = Object.fromEntries(Object.entries(points).map(([name, p]) => [name, p.toTable()]));
    const json = energyEdges ? { ...fit.json, fluxPoints } : fit.json;
    console.log(JSON.stringify(json, (_key, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2));
  } else {
    const r = fit.result;
    console.log(
      [
        `fit of '${dataset.name}': ${r.message}`,
        `  success ${r.success}, total stat ${r.totalStat.toFixed(4)}, ${r.nfev} evaluations`,
        "",
        parametersTable(fit.models),
        "",
        ...Object.entries(points).flatMap(([name, p]) => [fluxPointsTable(name, p), ""]),
        ...(energyEdges && !fit.result.success ? ["no flux points: the fit did not converge", ""] : []),
        `wrote ${written.join(", ")}`,
      ].join("\n"),
    );
  }
  return fit.result.success ? 0 : 3;
}

/** The flux points of one model as a text table: bins (TeV), dN/dE with its errors or its upper limit, TS. */
function fluxPointsTable(model: string, points: FluxPoints): string {
  const [dnde, errn, errp, ul, ts, isUl] = [
    points.dnde,
    points.dndeErrn,
    points.dndeErrp,
    points.dndeUl,
    points.ts,
    points.isUl,
  ];
  const e = (v: number) => (Number.isFinite(v) ? v.toExponential(3) : "nan");
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : "nan");
  const header = ["e_min", "e_max", "e_ref", "dnde", "dnde_errn", "dnde_errp", "dnde_ul", "ts", "is_ul"];
  const rows = Array.from(points.energyRef, (ref, i) => [
    f(points.energyMin[i]),
    f(points.energyMax[i]),
    f(ref),
    e(dnde[i]),
    e(errn[i]),
    e(errp[i]),
    e(ul[i]),
    f(ts[i]),
    String(isUl[i]),
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => cells.map((c, k) => c.padStart(widths[k])).join("  ");
  return [
    `flux points of '${model}' (energies in TeV, dN/dE in cm-2 s-1 TeV-1, upper limits at 2σ):`,
    line(header),
    ...rows.map(line),
  ].join("\n");
}
