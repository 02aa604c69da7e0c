import {
  applyWorkerSteps,
  definePlugin,
  Enum,
  loadWorkerSteps,
  StepFailure,
  perMessage,
  Quantity,
  referenceDataset,
  Type,
  type DatasetMessage,
  type ObservationMessage,
  type Static,
} from "@gammaflow/pipeline";
import { MAP_SELECTION_ALL, MapDatasetMaker } from "./map-dataset-maker.js";
import { reduceInWorker } from "./worker-task.js";

const MapDatasetMakerParams = Type.Object(
  {
    selection: Type.Array(Enum(MAP_SELECTION_ALL), {
      uniqueItems: true,
      default: [...MAP_SELECTION_ALL],
      description: "maps to make",
    }),
    backgroundOversampling: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, description: "energy oversampling of the background evaluation" }),
    ),
    offsetMax: Type.Optional(
      Quantity("deg", {
        exclusiveMinimum: 0,
        description: "pixels farther than this from the pointing leave the safe mask",
      }),
    ),
    backgroundInterpMissingData: Type.Boolean({
      default: true,
      description: "fill zeros of the background IRF along energy (gammapy 1.0)",
    }),
    backgroundPadOffset: Type.Boolean({
      default: true,
      description: "pad an offset-binned background IRF by one edge bin (gammapy 1.0)",
    }),
  },
  { additionalProperties: false },
);
export type MapDatasetMakerParams = Static<typeof MapDatasetMakerParams>;

/**
 * The map-dataset-maker node: each observation onto its reference dataset (the cutout node's,
 * else the whole target geometry). With a worker pool the reduction runs in a worker.
 */
export const mapDatasetMakerPlugin = definePlugin({
  name: "map-dataset-maker",
  version: "0.1.0",
  description: "Counts, exposure, background, PSF and EDisp maps of each observation (gammapy's MapDatasetMaker)",
  params: MapDatasetMakerParams,
  input: ["observation"],
  output: ["dataset"],
  needs: ["geom"],
  services: ["workers", "cache"],
  hostsWorkerSteps: true,
  create(params, context) {
    const { logger, run, services } = context;
    const maker = new MapDatasetMaker({ ...params, cache: services.cache, warn: (m) => logger.warn(m) });
    const steps = context.workerSteps ?? [];
    /** A run reduced here while the next nodes' work was given to the workers: their steps here too. */
    const reduceHere = async (message: ObservationMessage) => {
      const reduced = maker.run(
        message.reference ?? referenceDataset(run, `obs-${message.obsId}`),
        message.observation,
      );
      if (steps.length === 0) return reduced;
      const { dataset, failed } = applyWorkerSteps(await loadWorkerSteps(steps), reduced, message.observation);
      if (failed) throw new StepFailure(failed.node, failed.message);
      return dataset;
    };
    return perMessage<ObservationMessage>(context, async (message): Promise<DatasetMessage> => {
      const dataset =
        services.workers.size > 0 && message.storeDir
          ? await reduceInWorker(context, message, params, steps)
          : await reduceHere(message);
      return {
        kind: "dataset",
        seq: message.seq,
        obsId: message.obsId,
        obsIds: [message.obsId],
        dataset,
        observation: message.observation,
      };
    });
  },
});
