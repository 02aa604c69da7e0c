import {
  FluxPointsEstimator,
  parseQuantity,
  SkyModel,
  type FluxPoints,
  type MapDataset,
  type Models,
} from "@gammaflow/core";
import { axisFromSpec } from "@gammaflow/pipeline";

/** What flux points to estimate after a fit: bin edges (TeV) and, optionally, the one source. */
export interface FluxPointsOptions {
  energyEdges: readonly number[];
  /** The sky model to estimate them for (default every sky model of the fit). */
  source?: string;
}

/**
 * Energy edges (TeV) from text: "LO..HI/N", N bins equally spaced in log energy from LO to HI
 * (an energy axis as graphs declare one: "1 TeV..10 TeV/5"), or the edges themselves separated
 * by commas ("1 TeV, 2 TeV, 5 TeV, 10 TeV"); a bare number is in TeV.
 */
export function energyEdgesFromText(text: string): number[] {
  const range = /^\s*(.+?)\s*\.\.\s*(.+?)\s*\/\s*(\d+)\s*$/.exec(text);
  if (range) {
    const [, lo, hi, nbin] = range;
    const axis = axisFromSpec({ name: "energy", lo: asEnergy(lo), hi: asEnergy(hi), nbin: Number(nbin), unit: "TeV" });
    return Array.from(axis.edges);
  }
  return checked(text.split(",").map((part) => asEnergy(part.trim())));
}

/** Edges as graphs give them: a list of energies, or the text forms of `energyEdgesFromText`. */
export function energyEdgesFrom(spec: string | readonly number[]): number[] {
  return typeof spec === "string" ? energyEdgesFromText(spec) : checked(spec);
}

/** The edges as the estimator takes them (it refuses fewer than two, or edges not increasing). */
function checked(edges: readonly number[]): number[] {
  return new FluxPointsEstimator({ energyEdges: edges }).energyEdges;
}

function asEnergy(text: string): number {
  try {
    return parseQuantity(text, "TeV").value;
  } catch (error) {
    throw new Error(`flux points: '${text}' is not an energy (e.g. "1 TeV"): ${(error as Error).message}`);
  }
}

/** The sky models to estimate flux points for: every one, or `source`, which must be one of them. */
export function fluxPointsSources(models: Models, source?: string): string[] {
  const names = models.toArray().flatMap((m) => (m instanceof SkyModel ? [m.name] : []));
  if (source !== undefined && !names.includes(source))
    throw new Error(`flux points: no sky model '${source}' (sky models: ${names.join(", ") || "none"})`);
  return source === undefined ? names : [source];
}

/**
 * gammapy's FluxPointsEstimator after a fit, per sky model (or the one `source`): the norm of
 * each bin fitted with the other parameters at the best fit, asymmetric errors and 2σ upper
 * limits (a point with √TS < 2 is drawn as its limit). `datasets` hold the fitted models.
 */
export function estimateFluxPoints(datasets: MapDataset[], models: Models, options: FluxPointsOptions) {
  const out: Record<string, FluxPoints> = {};
  for (const name of fluxPointsSources(models, options.source)) {
    const estimator = new FluxPointsEstimator({
      energyEdges: options.energyEdges,
      source: name,
      selectionOptional: ["errn-errp", "ul"],
    });
    out[name] = estimator.run(datasets);
  }
  return out;
}

/**
 * The flux points as JSON files, one per model (`flux-points-<model>.json`): the energy edges'
 * unit and gammapy's likelihood table, with the dN/dE conversions (NaN written as null).
 */
export function fluxPointsFiles(
  fluxPoints: Record<string, FluxPoints>,
  prefix = "",
  rename = (name: string) => name,
): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [model, points] of Object.entries(fluxPoints)) {
    const [dnde, errn, errp, ul] = [points.dnde, points.dndeErrn, points.dndeErrp, points.dndeUl];
    const table = points.toTable().map((row, i) => ({
      ...row,
      dnde: dnde[i],
      dnde_errn: errn[i],
      dnde_errp: errp[i],
      dnde_ul: ul[i],
    }));
    const json = { model, sed_type: "likelihood", energy_unit: "TeV", dnde_unit: "cm-2 s-1 TeV-1", table };
    files[rename(`${prefix}flux-points-${model}.json`)] = `${JSON.stringify(json, nanAsNull, 2)}\n`;
  }
  return files;
}

function nanAsNull(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isFinite(value) ? null : value;
}
