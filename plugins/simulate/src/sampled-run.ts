import {
  type EventColumnData,
  type EventSamplingHelper,
  type MapDataset,
  MapDatasetEventSampler,
  type Observation,
  type RandomStateInit,
  runMetaFromObservation,
  type SampledEvents,
} from "@gammaflow/core";
import { writeDl3Run, type WrittenDl3Run } from "@gammaflow/core/node";

/** The GADF column order and types gammapy's sampler writes (EVENT_ID and MC_ID integers). */
const COLUMNS = ["EVENT_ID", "TIME", "RA", "DEC", "ENERGY", "RA_TRUE", "DEC_TRUE", "ENERGY_TRUE", "DETX", "DETY"];

/** Sampled events as event-list columns: ids as 64-bit integers, MC_ID as 32-bit ones, the rest doubles. */
export function eventColumns(events: SampledEvents): Record<string, EventColumnData> {
  const c = events.columns;
  const out: Record<string, EventColumnData> = {};
  for (const name of COLUMNS) {
    if (!c[name]) continue;
    out[name] = name === "EVENT_ID" ? BigInt64Array.from(c[name], (v) => BigInt(v)) : c[name];
  }
  out.MC_ID = Int32Array.from(c.MC_ID);
  return out;
}

/**
 * The events of one observation sampled from a dataset and written as a DL3 run into the data-
 * store folder `dir` (its file with EVENTS, GTI and the observation's IRFs, and the index
 * entries): what `gammaflow sample-events` and the event-sampler node do. The dataset's GTI is
 * the observation's when it has not exactly one interval (gammapy's sampler takes one).
 * `helper` (`eventSamplingThread()`) writes part of a large background meanwhile: the same events.
 */
export function sampleRun(
  dir: string,
  dataset: MapDataset,
  observation: Observation,
  options: { randomState?: RandomStateInit; replace?: boolean; helper?: EventSamplingHelper } = {},
): { events: SampledEvents; written: WrittenDl3Run } {
  if (dataset.gti.length !== 1) dataset.gti = observation.gti;
  const sampler = new MapDatasetEventSampler({ randomState: options.randomState, helper: options.helper });
  const events = sampler.run(dataset, observation.pointingRadec);
  const energy = dataset.counts.geom.axisByName("energy").edges;
  const meta = {
    ...runMetaFromObservation(observation),
    gti: dataset.gti,
    models: events.models,
    nModels: dataset.models?.length ?? 0,
    energyRange: [energy[0], energy[energy.length - 1]] as const,
    offsetMax: Math.max(...dataset.counts.geom.width),
  };
  const written = writeDl3Run(dir, { events: eventColumns(events), meta, irfsFrom: observation }, options);
  return { events, written };
}
