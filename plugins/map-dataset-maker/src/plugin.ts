import { perMessage, quantitySchema, referenceDataset, type DatasetMessage, type ObservationMessage, type PluginDefinition } from "@gammaflow/core";
import { MAP_SELECTION_ALL, MapDatasetMaker, type MapDatasetMakerOptions } from "./maker.js";
import { reduceInWorker } from "./worker-task.js";

export type MapDatasetMakerParams = Pick<MapDatasetMakerOptions, "selection" | "backgroundOversampling" | "offsetMax" | "backgroundInterpMissingData" | "backgroundPadOffset">;

/**
 * The map-dataset-maker node: each observation onto its reference dataset (the cutout node's,
 * else the whole target geometry). With a worker pool the reduction runs in a worker.
 */
export const mapDatasetMakerPlugin: PluginDefinition<MapDatasetMakerParams> = {
  name: "map-dataset-maker",
  version: "0.1.0",
  description: "Counts, exposure, background, PSF and EDisp maps of each observation (gammapy's MapDatasetMaker)",
  params: {
    additionalProperties: false,
    properties: {
      selection: { type: "array", items: { enum: [...MAP_SELECTION_ALL] }, uniqueItems: true, default: [...MAP_SELECTION_ALL], description: "maps to make" },
      backgroundOversampling: { type: "integer", minimum: 1, description: "energy oversampling of the background evaluation" },
      offsetMax: quantitySchema("deg", { description: "pixels farther than this from the pointing leave the safe mask" }),
      backgroundInterpMissingData: { type: "boolean", default: true, description: "fill zeros of the background IRF along energy (gammapy 1.0)" },
      backgroundPadOffset: { type: "boolean", default: true, description: "pad an offset-binned background IRF by one edge bin (gammapy 1.0)" },
    },
  },
  input: ["observation"],
  output: ["dataset"],
  create(params, context) {
    const { services, nodeId } = context;
    const maker = new MapDatasetMaker({ ...params, warn: (m) => services.logger.warn(`${nodeId}: ${m}`) });
    return perMessage<ObservationMessage>(context, async (message): Promise<DatasetMessage> => {
      const dataset =
        services.workers.size > 0 && message.storeDir
          ? await reduceInWorker(services, message, params)
          : maker.run(message.reference ?? referenceDataset(services.run, `obs-${message.obsId}`), message.observation);
      return { kind: "dataset", seq: message.seq, obsId: message.obsId, obsIds: [message.obsId], dataset, observation: message.observation };
    });
  },
};
