import { perMessage, quantitySchema, referenceDataset, type ObservationMessage, type PluginDefinition } from "@gammaflow/core";

export interface CutoutParams {
  /** Width of the cutout around each pointing (angle, or [lon, lat] widths). */
  width: number | string | [number | string, number | string];
  mode?: "trim" | "partial";
}

/**
 * The reference dataset of each observation: the target geometry cut around its pointing
 * (gammapy's `stacked.cutout(obs.pointing_radec, width)`), which the map maker then fills.
 */
export const cutoutPlugin: PluginDefinition<CutoutParams> = {
  name: "cutout",
  version: "0.1.0",
  description: "Cut the target geometry around each observation's pointing; the map maker fills the cutout",
  params: {
    required: ["width"],
    additionalProperties: false,
    properties: {
      width: { anyOf: [quantitySchema("deg"), { type: "array", items: quantitySchema("deg"), minItems: 2, maxItems: 2 }], description: "e.g. \"6 deg\"" },
      mode: { enum: ["trim", "partial"], default: "trim" },
    },
  },
  input: ["observation"],
  output: ["observation"],
  create(params, context) {
    const run = context.services.run;
    let target: ReturnType<typeof referenceDataset> | undefined;
    return perMessage<ObservationMessage>(context, (message) => {
      target ??= referenceDataset(run);
      const pointing = message.observation.pointingRadec;
      const mode = params.mode ?? "trim";
      return {
        ...message,
        reference: target.cutout(pointing, params.width, mode, `obs-${message.obsId}`),
        cutout: { lon: pointing.lon, lat: pointing.lat, frame: pointing.frame, width: params.width, mode },
      };
    });
  },
};
