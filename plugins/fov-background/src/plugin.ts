import { exclusionMask } from "@gammaflow/core";
import {
  definePlugin,
  Enum,
  perMessage,
  RegionParam,
  regionFromSpec,
  Type,
  type DatasetMessage,
} from "@gammaflow/pipeline";
import { FOV_BACKGROUND_METHODS, FoVBackgroundMaker } from "./fov-background-maker.js";

/** The fov-background node: gammapy's FoVBackgroundMaker, with exclusion regions from the graph. */
export const fovBackgroundPlugin = definePlugin({
  name: "fov-background",
  version: "0.1.0",
  description:
    "Normalise the background template on the field of view outside excluded regions (gammapy's FoVBackgroundMaker)",
  params: Type.Object(
    {
      method: Enum(FOV_BACKGROUND_METHODS, { default: "scale" }),
      fitTilt: Type.Boolean({ default: false, description: "fit the spectral tilt too (method fit)" }),
      minCounts: Type.Number({ minimum: 0, default: 0 }),
      minNpredBackground: Type.Number({ minimum: 0, default: 0 }),
      exclusion: Type.Array(RegionParam, {
        default: [],
        description: "circles and boxes excluded from the normalisation",
      }),
    },
    { additionalProperties: false },
  ),
  input: ["dataset", "image-dataset"],
  output: "input",
  create(params, context) {
    const { exclusion, ...options } = params;
    const regions = exclusion.map(regionFromSpec);
    const warn = (m: string) => context.logger.warn(m);
    return perMessage<DatasetMessage>(context, (message) => {
      const mask = regions.length ? exclusionMask(message.dataset.counts.geom.toImage(), regions) : undefined;
      const maker = new FoVBackgroundMaker({ ...options, exclusionMask: mask, warn });
      return { ...message, dataset: maker.run(message.dataset) };
    });
  },
});
