import { deflateSync } from "node:zlib";
import { type FluxPoints, parameterRows, skyImageSvg, type ParameterRow, type WcsNDMap } from "@gammaflow/core";
import { ExcessMapEstimator } from "@gammaflow/excess-map";
import { fitImages, fitMapFigure, RESIDUAL_SMOOTHING, spectrumFigures, type FitOutcome } from "@gammaflow/fit";
import type { DatasetMessage, Message, ValidatedGraph } from "@gammaflow/pipeline";
import { energyRangeText, figures, stackImages } from "@gammaflow/web";

/** A figure of the run report: an SVG (text as text) and what it shows, for readers who cannot see it. */
export interface ReportFigure {
  name: string;
  alt: string;
  svg: string;
}

/** A final dataset's maps: the quick-look page's (counts, exposure, background, excess, significance). */
export interface StackFigures {
  dataset: string;
  obsIds: number[];
  figures: ReportFigure[];
  /** Why some maps are missing (a dataset without background has only its counts). */
  problem?: string;
}

/** A fit: its outcome, its parameters, npred and residual maps and each sky model's spectrum. */
export interface FitFigures {
  dataset: string;
  success: boolean;
  message: string;
  totalStat: number;
  nfev: number;
  parameters: ParameterRow[];
  /** The flux points the fit node estimated, per sky model (none without its `fluxPoints` param). */
  fluxPoints: FluxPointRow[];
  figures: ReportFigure[];
  /** Why the maps are missing (the fitted dataset was not a final one). */
  problem?: string;
}

/** One flux point: energies in TeV, dN/dE in cm⁻² s⁻¹ TeV⁻¹ (its errors, or the upper limit at 2σ). */
export interface FluxPointRow {
  model: string;
  energyMin: number;
  energyRef: number;
  energyMax: number;
  dnde: number;
  dndeErrn: number;
  dndeErrp: number;
  dndeUl: number;
  sqrtTs: number;
  isUl: boolean;
}

function fluxPointRows(fluxPoints: Record<string, FluxPoints> = {}): FluxPointRow[] {
  return Object.entries(fluxPoints).flatMap(([model, p]) => {
    const [dnde, errn, errp, ul, sqrtTs, isUl] = [p.dnde, p.dndeErrn, p.dndeErrp, p.dndeUl, p.sqrtTs, p.isUl];
    return Array.from(p.energyRef, (energyRef, i) => ({
      model,
      energyMin: p.energyMin[i],
      energyRef,
      energyMax: p.energyMax[i],
      dnde: dnde[i],
      dndeErrn: errn[i],
      dndeErrp: errp[i],
      dndeUl: ul[i],
      sqrtTs: sqrtTs[i],
      isUl: isUl[i],
    }));
  });
}

const deflate = (bytes: Uint8Array) => deflateSync(bytes);

/** Where `figure` ids start, unique in the page: `f<n>-`. */
function ids(): () => string {
  let n = 0;
  return () => `f${++n}-`;
}

/**
 * The figures of a run: each final dataset's maps, with the significance correlated over the
 * graph's excess-map radius (gammapy's default 0.1° without one), and each fit the graph ran.
 */
export function runFigures(
  validated: ValidatedGraph,
  finals: DatasetMessage[],
  results: Message[],
): { stacks: StackFigures[]; fits: FitFigures[] } {
  const next = ids();
  const radius = validated.nodes.find((n) => n.plugin === "excess-map")?.params as
    | { correlationRadius?: number }
    | undefined;
  const estimator = new ExcessMapEstimator({ correlationRadius: `${radius?.correlationRadius ?? 0.1} deg` });
  const stacks = finals.map((final) => stackFigures(final, estimator, next()));
  const fits = results
    .filter((m) => m.kind === "fit-result")
    .map((m) => fitFigures(m.result as FitOutcome, finals, next()));
  return { stacks, fits };
}

function stackFigures(final: DatasetMessage, estimator: ExcessMapEstimator, idPrefix: string): StackFigures {
  const { dataset, obsIds } = final;
  const base = { dataset: dataset.name, obsIds: [...obsIds].sort((a, b) => a - b) };
  try {
    const { maps, totals } = stackImages(dataset, estimator);
    const made = figures(maps, totals, energyRangeText(dataset), obsIds, { idPrefix, deflate });
    return { ...base, figures: made };
  } catch (error) {
    const counts = dataset.toImage().counts;
    const alt = `Counts map of '${dataset.name}', ${size(counts)}`;
    const figure = skyImageSvg(counts, { title: `${dataset.name} counts`, alt, idPrefix, deflate });
    return { ...base, figures: [{ name: "counts", alt, svg: figure.svg }], problem: (error as Error).message };
  }
}

function fitFigures(outcome: FitOutcome, finals: DatasetMessage[], idPrefix: string): FitFigures {
  const base = {
    dataset: outcome.dataset,
    success: outcome.success,
    message: outcome.message,
    totalStat: outcome.total_stat,
    nfev: outcome.nfev,
    parameters: parameterRows(outcome.models),
    fluxPoints: fluxPointRows(outcome.fluxPoints),
  };
  const dataset = finals.find((f) => f.dataset.name === outcome.dataset)?.dataset;
  if (!dataset)
    return { ...base, figures: [], problem: `'${outcome.dataset}' is not a final dataset: no npred or residual maps` };
  // the fit's own models (a second fit of the same dataset would have left its models on it)
  dataset.models = outcome.models;
  const made: ReportFigure[] = [];
  for (const [name, map] of Object.entries(fitImages(dataset))) {
    const what = name === "npred" ? "Predicted counts (npred)" : "Residuals (counts − npred)/√npred";
    const how =
      name === "npred"
        ? "summed over energy"
        : `of counts and npred summed over energy and smoothed by a ${RESIDUAL_SMOOTHING} Gaussian`;
    const alt = `${what} of '${dataset.name}' at the best fit, ${how}, ${size(map)}${range(map)}`;
    made.push({
      name,
      alt,
      svg: fitMapFigure(name, map, dataset.name, { alt, idPrefix: `${idPrefix}${name}-`, deflate }).svg,
    });
  }
  const alts = new Map<string, string>();
  const spectra = spectrumFigures(outcome.models, dataset, {
    fluxPoints: outcome.fluxPoints,
    figure: (model, title) => {
      const alt = spectrumAlt(
        title,
        base.parameters.filter((p) => p.model === model),
      );
      alts.set(model, alt);
      return { alt, idPrefix: `${idPrefix}spectrum-${alts.size}-` };
    },
  });
  for (const { model, svg } of spectra) made.push({ name: `spectrum-${model}`, alt: alts.get(model)!, svg });
  return { ...base, figures: made };
}

/** "250 × 250 pixels centred on RA 83.63°, Dec 22.01°". */
function size(map: WcsNDMap): string {
  const { geom } = map;
  const { lon, lat } = geom.centerSkydir;
  const [a, b] = geom.frame === "galactic" ? ["l", "b"] : ["RA", "Dec"];
  return `${geom.nx} × ${geom.ny} pixels centred on ${a} ${lon.toFixed(2)}°, ${b} ${lat.toFixed(2)}°`;
}

function range(map: WcsNDMap): string {
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of map.data) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  return lo <= hi ? `, from ${lo.toPrecision(3)} to ${hi.toPrecision(3)}` : "";
}

function spectrumAlt(title: string, parameters: ParameterRow[]): string {
  const free = parameters.filter((p) => !p.frozen && p.type === "spectral");
  const values = free.map(
    (p) => `${p.name} ${p.value.toPrecision(4)} ± ${p.error.toPrecision(2)}${p.unit ? ` ${p.unit}` : ""}`,
  );
  return `Spectrum ${title}, with its 1σ band${values.length ? `: ${values.join(", ")}` : ""}`;
}
