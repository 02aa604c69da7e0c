import {
  Datasets,
  Fit,
  FoVBackgroundModel,
  type IrfDict,
  MapAxis,
  type Models,
  modelsFromDict,
  SkyCoord,
  WcsGeom,
} from "@gammaflow/core";
import { simulateDataset } from "./simulate-dataset.js";

/** The true source: a Crab-like point source with a power law (position frozen, as in cspull's model files). */
export const PULL_SOURCE = {
  name: "crab",
  ra: 83.633,
  dec: 22.014,
  index: 2.5,
  /** cm⁻² s⁻¹ TeV⁻¹ at 1 TeV. */
  amplitude: 3.5e-11,
} as const;

export interface PullDistributionOptions {
  /** Number of simulations. */
  n: number;
  /** Simulation i draws its counts with seed + i. */
  seed: number;
  /** Observation time of each simulation (s or a quantity such as "4 h"). */
  livetime: number | string;
  /** IRFs (`loadIrfDict` of a run file). */
  irfs: IrfDict;
  /** Pointing offset from the source (deg, default 0.5); the PSF and EDisp are taken there. */
  offset?: number;
  /** Fit the background norm with the source (default true; the truth is norm 1). */
  fitBackgroundNorm?: boolean;
  /** Called after each simulation (progress). */
  onSimulation?: (i: number, outcome: SimulationOutcome) => void;
}

export type PulledParameter = "index" | "amplitude";

export interface SimulationOutcome {
  success: boolean;
  message: string;
  /** Fitted value and error per parameter (NaN when the fit failed). */
  fitted: Record<PulledParameter, { value: number; error: number }>;
  /** (fitted − true) / error. */
  pull: Record<PulledParameter, number>;
}

export interface PullSummary {
  pulls: number[];
  mean: number;
  /** Sample standard deviation (n − 1). */
  std: number;
}

export interface PullDistribution {
  n: number;
  /** Fits that failed or gave no finite positive error: counted, left out of the pulls. */
  failures: number;
  failureMessages: string[];
  index: PullSummary;
  amplitude: PullSummary;
  outcomes: SimulationOutcome[];
}

const DATASET_NAME = "sim";

/** The true models as gammapy's models dict: a fresh copy each call, so each fit starts at the truth. */
export function trueModels(fitBackgroundNorm = true): Models {
  const models = modelsFromDict({
    components: [
      {
        name: PULL_SOURCE.name,
        type: "SkyModel",
        spectral: {
          type: "PowerLawSpectralModel",
          parameters: [
            { name: "index", value: PULL_SOURCE.index },
            { name: "amplitude", value: PULL_SOURCE.amplitude, unit: "cm-2 s-1 TeV-1" },
            { name: "reference", value: 1, unit: "TeV", frozen: true },
          ],
        },
        spatial: {
          type: "PointSpatialModel",
          frame: "icrs",
          parameters: [
            { name: "lon_0", value: PULL_SOURCE.ra, unit: "deg", frozen: true },
            { name: "lat_0", value: PULL_SOURCE.dec, unit: "deg", frozen: true },
          ],
        },
      },
    ],
  });
  const background = new FoVBackgroundModel(DATASET_NAME);
  background.parameters.get("norm").frozen = !fitBackgroundNorm;
  return models.add(background);
}

/** 2° × 2° at 0.04°, 8 log energy bins 1–10 TeV, centred on the source. */
export function pullGeometry(): WcsGeom {
  const edges = Float64Array.from({ length: 9 }, (_, i) => 10 ** (i / 8));
  const energy = MapAxis.fromEdges(edges, { name: "energy", unit: "TeV", interp: "log" });
  return WcsGeom.create({
    skydir: [PULL_SOURCE.ra, PULL_SOURCE.dec],
    binsz: 0.04,
    width: 2,
    frame: "icrs",
    axes: [energy],
  });
}

function summarize(pulls: number[]): PullSummary {
  const n = pulls.length;
  const mean = pulls.reduce((s, x) => s + x, 0) / n;
  const variance = pulls.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return { pulls, mean, std: Math.sqrt(variance) };
}

/**
 * A closure test as ctools' cspull runs it: simulate the true models n times (Poisson counts
 * with seeds seed … seed + n − 1), fit each from the truth, and collect the pulls
 * (fitted − true) / error of the power law's index and amplitude. For an unbiased fit with
 * correct errors they follow a unit Gaussian.
 */
export function pullDistribution(options: PullDistributionOptions): PullDistribution {
  const { n, seed, livetime, irfs } = options;
  const offset = options.offset ?? 0.5;
  const fitBackgroundNorm = options.fitBackgroundNorm ?? true;
  const geom = pullGeometry();
  const pointing = new SkyCoord(PULL_SOURCE.ra, PULL_SOURCE.dec + offset, "icrs");
  // the exposure, background and IRF maps do not depend on the draw: build them once
  const dataset = simulateDataset(trueModels(fitBackgroundNorm), geom, pointing, irfs, {
    livetime,
    offset,
    name: DATASET_NAME,
  });
  const truth: Record<PulledParameter, number> = { index: PULL_SOURCE.index, amplitude: PULL_SOURCE.amplitude };
  const outcomes: SimulationOutcome[] = [];
  const failureMessages: string[] = [];
  for (let i = 0; i < n; i++) {
    dataset.models = trueModels(fitBackgroundNorm);
    dataset.fake(seed + i);
    const datasets = new Datasets([dataset]);
    datasets.models = trueModels(fitBackgroundNorm);
    const result = new Fit().run(datasets);
    const source = datasets.models.get(PULL_SOURCE.name);
    const fitted = {} as SimulationOutcome["fitted"];
    const pull = {} as SimulationOutcome["pull"];
    let finite = true;
    for (const name of ["index", "amplitude"] as const) {
      const p = source.parameters.get(name);
      fitted[name] = { value: p.value, error: p.error };
      pull[name] = (p.value - truth[name]) / p.error;
      if (!(Number.isFinite(p.value) && p.error > 0 && Number.isFinite(p.error))) finite = false;
    }
    const success = result.success && (result.covarianceResult?.success ?? false) && finite;
    const message = success ? "" : `simulation ${i} (seed ${seed + i}): ${result.message || "no finite error"}`;
    if (!success) failureMessages.push(message);
    const outcome = { success, message, fitted, pull };
    outcomes.push(outcome);
    options.onSimulation?.(i, outcome);
  }
  const good = outcomes.filter((o) => o.success);
  return {
    n,
    failures: n - good.length,
    failureMessages,
    index: summarize(good.map((o) => o.pull.index)),
    amplitude: summarize(good.map((o) => o.pull.amplitude)),
    outcomes,
  };
}
