/**
 * An out-of-tree gammaflow plugin: observations whose live time is below `minLivetime` are
 * skipped, and the run report says so (the throw becomes an error record for that run).
 * It only imports @gammaflow/core, like any third-party package would.
 */
import { parseQuantity, perMessage, type ObservationMessage, type PluginDefinition } from "@gammaflow/core";

export interface MinLivetimeParams {
  /** Shortest live time kept, in seconds or as a time string ("20 min"). */
  minLivetime: number | string;
}

export const minLivetimePlugin: PluginDefinition<MinLivetimeParams> = {
  name: "min-livetime",
  version: "0.1.0",
  description: "Skip observations whose live time is below minLivetime",
  params: {
    required: ["minLivetime"],
    additionalProperties: false,
    properties: {
      minLivetime: { anyOf: [{ type: "number", minimum: 0 }, { type: "string", "x-unit": "s" }], description: "e.g. \"20 min\"" },
    },
  },
  input: ["observation"],
  output: ["observation"],
  create(params, context) {
    const minimum = typeof params.minLivetime === "number" ? params.minLivetime : parseQuantity(params.minLivetime, "s").to("s").value;
    return perMessage<ObservationMessage>(context, (message) => {
      const livetime = message.observation.observationLiveTimeDuration;
      if (livetime < minimum) throw new Error(`live time ${livetime.toFixed(0)} s is below the minimum ${minimum.toFixed(0)} s`);
      return message;
    });
  },
};

/** What gammaflow looks for in a plugin package. */
export const plugins = [minLivetimePlugin];
