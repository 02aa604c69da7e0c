import { exclusionMask, perMessage, regionFromSpec, regionSchema, type DatasetMessage, type PluginDefinition, type RegionSpec } from "@gammaflow/core";
import { FOV_BACKGROUND_METHODS, FoVBackgroundMaker, type FoVBackgroundMakerOptions } from "./fov-background-maker.js";

export interface FoVBackgroundParams extends Omit<FoVBackgroundMakerOptions, "exclusionMask" | "warn"> {
  /** Regions excluded from the normalisation (sources). */
  exclusion?: RegionSpec[];
}

/** The fov-background node: gammapy's FoVBackgroundMaker, with exclusion regions from the graph. */
export const fovBackgroundPlugin: PluginDefinition<FoVBackgroundParams> = {
  name: "fov-background",
  version: "0.1.0",
  description: "Normalise the background template on the field of view outside excluded regions (gammapy's FoVBackgroundMaker)",
  params: {
    additionalProperties: false,
    properties: {
      method: { enum: [...FOV_BACKGROUND_METHODS], default: "scale" },
      fitTilt: { type: "boolean", default: false, description: "fit the spectral tilt too (method fit)" },
      minCounts: { type: "number", minimum: 0, default: 0 },
      minNpredBackground: { type: "number", minimum: 0, default: 0 },
      exclusion: { type: "array", items: regionSchema, default: [], description: "circles and boxes excluded from the normalisation" },
    },
  },
  input: ["dataset"],
  output: ["dataset"],
  create(params, context) {
    const regions = (params.exclusion ?? []).map(regionFromSpec);
    const warn = (m: string) => context.services.logger.warn(`${context.nodeId}: ${m}`);
    return perMessage<DatasetMessage>(context, (message) => {
      const mask = regions.length ? exclusionMask(message.dataset.counts.geom.toImage(), regions) : undefined;
      const maker = new FoVBackgroundMaker({ ...params, exclusionMask: mask, warn });
      return { ...message, dataset: maker.run(message.dataset) };
    });
  },
};
