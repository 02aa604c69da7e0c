import {
  DATASET_KINDS,
  definePlugin,
  perMessage,
  Quantity,
  Type,
  WhichDatasets,
  type DatasetMessage,
  type MapsMessage,
} from "@gammaflow/pipeline";
import { ExcessMapEstimator, mapMaximum } from "./excess-map-estimator.js";

/** The excess-map node: excess and significance images of each dataset (e.g. the stacked on-off dataset). */
export const excessMapPlugin = definePlugin({
  name: "excess-map",
  version: "0.1.0",
  description:
    "Excess and significance (Li & Ma for on-off) maps with a correlation radius (gammapy's ExcessMapEstimator)",
  params: Type.Object(
    {
      correlationRadius: Quantity("deg", {
        default: "0.1 deg",
        exclusiveMinimum: 0,
        description: "top-hat correlation radius",
      }),
      which: WhichDatasets("final"),
    },
    { additionalProperties: false },
  ),
  input: DATASET_KINDS,
  output: ["maps"],
  create(params, context) {
    const estimator = new ExcessMapEstimator({ correlationRadius: params.correlationRadius });
    return perMessage<DatasetMessage>(context, (message): MapsMessage | undefined => {
      if (params.which === "final" && !message.final) return undefined;
      const maps = estimator.run(message.dataset);
      const peak = mapMaximum(maps.sqrt_ts);
      const where = `(${peak.lon.toFixed(3)}, ${peak.lat.toFixed(3)}) ${maps.sqrt_ts.geom.frame}`;
      context.logger.info(`'${message.dataset.name}' significance maximum ${peak.value.toFixed(2)} σ at ${where}`);
      const { seq, obsId, obsIds, final } = message;
      return { kind: "maps", seq, obsId, name: message.dataset.name, maps: { ...maps }, obsIds, final };
    });
  },
});
