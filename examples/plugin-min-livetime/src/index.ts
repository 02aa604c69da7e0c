/**
 * An out-of-tree gammaflow plugin: observations whose live time is below `minLivetime` are
 * skipped, and the run report says so (the throw becomes an error record for that run).
 * It imports only @gammaflow/pipeline, like any third-party package would: the author writes
 * a schema and `create`; the runtime checks the params, fills defaults and converts units.
 */
import { definePlugin, perMessage, Quantity, Type, type ObservationMessage } from "@gammaflow/pipeline";

export const minLivetimePlugin = definePlugin({
  name: "min-livetime",
  version: "0.1.0",
  description: "Skip observations whose live time is below minLivetime",
  params: Type.Object(
    { minLivetime: Quantity("s", { minimum: 0, description: 'shortest live time kept, e.g. "20 min"' }) },
    { additionalProperties: false },
  ),
  input: ["observation"],
  output: ["observation"],
  create(params, context) {
    // params.minLivetime is a number of seconds here, whatever unit the graph used.
    return perMessage<ObservationMessage>(context, (message) => {
      const livetime = message.observation.observationLiveTimeDuration;
      if (livetime < params.minLivetime) {
        throw new Error(`live time ${livetime.toFixed(0)} s is below the minimum ${params.minLivetime.toFixed(0)} s`);
      }
      return message;
    });
  },
});

/** What gammaflow looks for in a plugin package. */
export const plugins = [minLivetimePlugin];
