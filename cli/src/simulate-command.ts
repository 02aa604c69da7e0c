import { mkdirSync } from "node:fs";
import path from "node:path";
import { DataStore } from "@gammaflow/core";
import { eventSamplingThread, gammapyDataDir, readDataset, toStorePath, writeDataset } from "@gammaflow/core/node";
import { loadModels } from "@gammaflow/fit";
import { nodeDataAccess } from "@gammaflow/pipeline/node-files";
import { sampleRun } from "@gammaflow/simulate";
import { REPO_ROOT } from "./run-graph.js";

export interface FakeCommandOptions {
  models: string;
  seed: number;
  out: string;
  /** The dataset's name (the models' FoVBackgroundModel refers to it); default the file's. */
  name?: string;
  json?: boolean;
}

/** A seed as numpy takes it: an integer in [0, 2³² − 1]. */
export function parseSeed(text: string | undefined): number {
  const seed = Number(text);
  if (text === undefined || !Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)
    throw new Error(`--seed must be an integer in [0, 4294967295], got '${text}'`);
  return seed;
}

/**
 * `gammaflow fake DATASET --models MODELS --seed N --out FILE`: the dataset with its counts
 * replaced by a Poisson draw of npred (gammapy's `MapDataset.fake(random_state=N)`: the same
 * counts for the same seed), written to FILE.
 */
export function fakeCommand(datasetFile: string, options: FakeCommandOptions): number {
  const dataset = readDataset(datasetFile);
  if (options.name) dataset.name = options.name;
  else if (!dataset.name) dataset.name = path.basename(datasetFile).replace(/\.fits(\.gz)?$/, "");
  const data = nodeDataAccess(process.cwd(), { GAMMAPY_DATA: gammapyDataDir(REPO_ROOT) });
  dataset.models = loadModels(options.models, data);
  dataset.fake(options.seed);
  mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
  writeDataset(dataset, options.out);
  let total = 0;
  for (const v of dataset.counts.data) total += v;
  const summary = { dataset: dataset.name, seed: options.seed, counts: total, file: options.out };
  console.log(
    options.json
      ? JSON.stringify(summary, null, 2)
      : `faked '${dataset.name}' (seed ${options.seed}): ${total} counts; wrote ${options.out}`,
  );
  return 0;
}

export interface SampleEventsOptions {
  models: string;
  obsId: number;
  dataStore: string;
  seed: number;
  out: string;
  name?: string;
  json?: boolean;
}

/**
 * `gammaflow sample-events DATASET --models MODELS --obs-id ID --data-store DIR --seed N --out DIR`:
 * events drawn from the dataset with the models (gammapy 1.0's MapDatasetEventSampler, the same
 * events for the same seed) for observation ID of the data store, written as a DL3 run with its
 * IRFs into the data-store folder DIR (created or added to: hdu-index and obs-index).
 */
export function sampleEventsCommand(datasetFile: string, options: SampleEventsOptions): number {
  // it loads while the dataset is read, to write part of a large background
  const helper = eventSamplingThread();
  const dataset = readDataset(datasetFile);
  if (options.name) dataset.name = options.name;
  else if (!dataset.name) dataset.name = path.basename(datasetFile).replace(/\.fits(\.gz)?$/, "");
  const data = nodeDataAccess(process.cwd(), { GAMMAPY_DATA: gammapyDataDir(REPO_ROOT) });
  dataset.models = loadModels(options.models, data);
  const observation = DataStore.fromDir(toStorePath(path.resolve(options.dataStore))).obs(options.obsId);
  mkdirSync(options.out, { recursive: true });
  const { events, written } = sampleRun(options.out, dataset, observation, {
    randomState: options.seed,
    replace: true,
    helper,
  });
  const perModel = events.models.map((m) => ({
    ...m,
    events: events.columns.MC_ID.reduce((n, id) => n + (id === m.id ? 1 : 0), 0),
  }));
  const summary = {
    obsId: options.obsId,
    seed: options.seed,
    events: events.columns.TIME.length,
    perModel,
    ...written,
  };
  console.log(
    options.json
      ? JSON.stringify(summary, null, 2)
      : `sampled ${summary.events} events for run ${options.obsId} (seed ${options.seed}): ` +
          `${perModel.map((m) => `${m.name} ${m.events}`).join(", ")}; wrote ${written.file}`,
  );
  return 0;
}
