import type { MapDataset } from "@gammaflow/core";
import { loadModels } from "@gammaflow/fit";
import {
  definePlugin,
  perMessage,
  type RandomSource,
  Type,
  type DatasetMessage,
  type Message,
} from "@gammaflow/pipeline";
import { sampleRun } from "./sampled-run.js";

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
      folder: Type.String({ description: "the data-store folder the runs are written to, inside the output folder" }),
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
    const folder = data.resolve(data.join(context.run.outDir, params.folder));
    let count = 0;
    return perMessage<DatasetMessage>(context, (message): Message[] => {
      const observation = message.observation;
      if (!observation) throw new Error(`event-sampler: dataset '${message.dataset.name}' carries no observation`);
      const dataset: MapDataset = message.dataset;
      dataset.models = loadModels(params.models, data);
      const seed = seedFor(params.seed, count++, random);
      const { events, written } = sampleRun(folder, dataset, observation, { randomState: seed, replace: true });
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
