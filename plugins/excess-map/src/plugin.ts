import { perMessage, quantitySchema, type DatasetMessage, type MapsMessage, type PluginDefinition } from "@gammaflow/core";
import { ExcessMapEstimator, mapMaximum } from "./estimator.js";

/** The excess-map node: excess and significance images of each dataset (e.g. the stacked on-off dataset). */
export const excessMapPlugin: PluginDefinition<{ correlationRadius?: number | string; which?: "final" | "all" }> = {
  name: "excess-map",
  version: "0.1.0",
  description: "Excess and significance (Li & Ma for on-off) maps with a correlation radius (gammapy's ExcessMapEstimator)",
  params: {
    additionalProperties: false,
    properties: {
      correlationRadius: quantitySchema("deg", { default: "0.1 deg", description: "top-hat correlation radius" }),
      which: { enum: ["final", "all"], default: "final", description: "estimate on final datasets (a stack) only, or on every one" },
    },
  },
  input: ["dataset"],
  output: ["maps"],
  create(params, context) {
    const estimator = new ExcessMapEstimator({ correlationRadius: params.correlationRadius });
    return perMessage<DatasetMessage>(context, (message): MapsMessage | undefined => {
      if ((params.which ?? "final") === "final" && !message.final) return undefined;
      const maps = estimator.run(message.dataset);
      const peak = mapMaximum(maps.sqrt_ts);
      context.services.logger.info(`${context.nodeId}: '${message.dataset.name}' significance maximum ${peak.value.toFixed(2)} σ at (${peak.lon.toFixed(3)}, ${peak.lat.toFixed(3)}) ${maps.sqrt_ts.geom.frame}`);
      return { kind: "maps", seq: message.seq, obsId: message.obsId, name: message.dataset.name, maps: { ...maps }, obsIds: message.obsIds, final: message.final };
    });
  },
};
