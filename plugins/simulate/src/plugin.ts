import { loadIrfDict, type MapDataset, SkyCoord } from "@gammaflow/core";
import { eventSamplingThread, readFits } from "@gammaflow/core/node";
import { loadModels } from "@gammaflow/fit";
import {
  definePlugin,
  OutputPath,
  outputFile,
  paced,
  perMessage,
  Quantity,
  type RandomSource,
  Type,
  type DatasetMessage,
  type Message,
} from "@gammaflow/pipeline";
import { sampleRun } from "./sampled-run.js";
import { simulateDataset } from "./simulate-dataset.js";

const ModelsParam = Type.Union([Type.String(), Type.Object({ components: Type.Array(Type.Any()) })], {
  description: "the models: a models YAML file in gammapy's format (relative to the graph), or the same inline",
});
const SeedParam = Type.Optional(
  Type.Integer({
    minimum: 0,
    maximum: 2 ** 32 - 1,
    description:
      "numpy's seed (gammapy's random_state) of the first message, + 1 for each next; default: from the run's seed",
  }),
);

/** The seed of the i-th message: the node's + i, or drawn from the run's random source (recorded seed → same run). */
function seedFor(base: number | undefined, i: number, random: RandomSource): number {
  return base !== undefined ? (base + i) % 2 ** 32 : Math.floor(random.next() * 2 ** 32);
}

/** Replace each dataset's counts by a Poisson draw of its npred with the models (gammapy's `MapDataset.fake`). */
export const fakePlugin = definePlugin({
  name: "fake",
  version: "0.1.0",
  description: "Fake counts: each dataset's counts drawn from its npred with the models (gammapy's MapDataset.fake)",
  params: Type.Object({ models: ModelsParam, seed: SeedParam }, { additionalProperties: false }),
  input: ["dataset"],
  output: ["dataset"],
  services: ["data", "random"],
  create(params, context) {
    const { data, random } = context.services;
    loadModels(params.models, data); // a bad models file fails the run before any data is read
    let count = 0;
    return perMessage<DatasetMessage>(context, (message) => {
      const dataset = message.dataset;
      const seed = seedFor(params.seed, count++, random);
      dataset.models = loadModels(params.models, data);
      dataset.fake(seed);
      context.logger.info(`faked '${dataset.name}' with seed ${seed}`);
      return [message];
    });
  },
});

/**
 * Sample events from each per-run dataset with the models (gammapy's MapDatasetEventSampler) and
 * write them as a DL3 run (its IRFs, index entries) into a data-store folder inside the output
 * folder: what a watch-source node can reduce as the runs arrive.
 */
export const eventSamplerPlugin = definePlugin({
  name: "event-sampler",
  version: "0.1.0",
  description:
    "Sampled events of each run's dataset written as DL3 runs into a data-store folder (MapDatasetEventSampler)",
  params: Type.Object(
    {
      models: ModelsParam,
      folder: OutputPath("path", {
        description: "the data-store folder the runs are written to, inside the output folder",
      }),
      seed: SeedParam,
    },
    { additionalProperties: false },
  ),
  input: ["dataset"],
  output: ["file"],
  services: ["data", "random"],
  create(params, context) {
    const { data, random } = context.services;
    loadModels(params.models, data);
    const folder = outputFile(context, data, "folder", params.folder);
    // started now, it is ready when the runs arrive (it writes part of each large background)
    const helper = eventSamplingThread();
    let count = 0;
    return perMessage<DatasetMessage>(context, (message): Message[] => {
      const observation = message.observation;
      if (!observation) throw new Error(`event-sampler: dataset '${message.dataset.name}' carries no observation`);
      const dataset: MapDataset = message.dataset;
      dataset.models = loadModels(params.models, data);
      const seed = seedFor(params.seed, count++, random);
      const { events, written } = sampleRun(folder, dataset, observation, { randomState: seed, replace: true, helper });
      const n = events.columns.TIME.length;
      return [
        {
          kind: "file",
          seq: message.seq,
          obsId: message.obsId,
          obsIds: message.obsIds,
          path: written.file,
          description: `${n} events sampled for run ${observation.obsId} (seed ${seed})`,
        },
      ];
    });
  },
});

/**
 * Simulated datasets on the graph's target geometry (gammapy v0.15's `simulate_dataset`):
 * exposure and background from IRFs at a pointing, PSF and EDisp of one offset, the models'
 * counts faked; `count` of them, seeds `seed`, `seed` + 1, … (or drawn from the run's seed).
 */
export const simulateDatasetPlugin = definePlugin({
  name: "simulate-dataset",
  version: "0.1.0",
  description: "Simulated datasets: IRFs at a pointing, counts faked from the models (v0.15's simulate_dataset)",
  params: Type.Object(
    {
      models: ModelsParam,
      irfs: Type.String({ description: "a FITS file with the IRFs: a CTA caldb irf_file.fits or a H.E.S.S. run file" }),
      pointing: Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: "pointing [lon, lat] in deg" }),
      frame: Type.Union([Type.Literal("icrs"), Type.Literal("galactic")], { default: "icrs" }),
      livetime: Quantity("s", { exclusiveMinimum: 0, default: "1 h", description: "observation time" }),
      offset: Quantity("deg", { minimum: 0, default: "1 deg", description: "offset of the PSF and EDisp" }),
      count: Type.Integer({ minimum: 1, maximum: 100_000, default: 1, description: "how many datasets" }),
      seed: SeedParam,
    },
    { additionalProperties: false },
  ),
  input: [],
  output: ["dataset"],
  needs: ["geom"],
  services: ["data", "random", "clock"],
  create(params, context) {
    const { data, random, clock } = context.services;
    loadModels(params.models, data);
    const irfs = loadIrfDict(readFits(data.resolve(params.irfs)));
    const pointing = new SkyCoord(params.pointing[0], params.pointing[1], params.frame);
    if (!context.run.geom) throw new Error("simulate-dataset needs a target geometry: set inputs.geom");
    const geom = context.run.geom;
    // one dataset per tick, made in it: a signal is seen between datasets
    return () =>
      paced(
        (function* () {
          for (let i = 0; i < params.count; i++) {
            const dataset = simulateDataset(loadModels(params.models, data), geom, pointing, irfs, {
              livetime: params.livetime,
              offset: params.offset,
              name: `sim-${i + 1}`,
            });
            const seed = seedFor(params.seed, i, random);
            dataset.fake(seed);
            context.logger.info(`simulated '${dataset.name}' with seed ${seed}`);
            const message: DatasetMessage = { kind: "dataset", seq: i, dataset, obsIds: [], final: true };
            yield message;
          }
        })(),
        clock,
        context.run.finish,
      );
  },
});
