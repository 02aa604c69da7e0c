import { exclusionMask, perMessage, quantitySchema, regionFromSpec, regionSchema, type DatasetMessage, type MapDataset, type PluginContext, type PluginDefinition, type RegionSpec, type WcsNDMap } from "@gammaflow/core";
import { ADAPTIVE_RING_METHODS, type AdaptiveRingMethod } from "./adaptive-ring.js";
import { AdaptiveRingBackgroundMaker, RingBackgroundMaker } from "./makers.js";

/** Exclusion from the graph: circles and boxes, or a mask map in a FITS file (true = usable). */
export interface ExclusionParams {
  exclusion?: RegionSpec[];
  exclusionFile?: string;
}

const exclusionProperties = {
  exclusion: { type: "array", items: regionSchema, default: [], description: "circles and boxes excluded from the off estimate (sources)" },
  exclusionFile: { type: "string", description: "FITS image of the exclusion mask (true where usable), e.g. written by gammapy; relative to the graph" },
};

/** The exclusion mask of a dataset: from the file (read once) or the regions on the dataset's image grid. */
function exclusionFor(params: ExclusionParams, context: PluginContext): (dataset: MapDataset) => WcsNDMap | undefined {
  const regions = (params.exclusion ?? []).map(regionFromSpec);
  let fromFile: WcsNDMap | undefined;
  return (dataset) => {
    if (params.exclusionFile) {
      fromFile ??= context.services.data.readMap(params.exclusionFile);
      return fromFile;
    }
    return regions.length ? exclusionMask(dataset.counts.geom.toImage(), regions) : undefined;
  };
}

export interface RingBackgroundParams extends ExclusionParams {
  rIn: number | string;
  width: number | string;
}

export const ringBackgroundPlugin: PluginDefinition<RingBackgroundParams> = {
  name: "ring-background",
  version: "0.1.0",
  description: "Ring background (gammapy's RingBackgroundMaker): image datasets → on-off datasets with off counts from a ring",
  params: {
    required: ["rIn", "width"],
    additionalProperties: false,
    properties: {
      rIn: quantitySchema("deg", { description: "inner ring radius, e.g. \"0.3 deg\"" }),
      width: quantitySchema("deg", { description: "ring width" }),
      ...exclusionProperties,
    },
  },
  input: ["dataset"],
  output: ["dataset"],
  create(params, context) {
    const exclusion = exclusionFor(params, context);
    return perMessage<DatasetMessage>(context, (message) => {
      const maker = new RingBackgroundMaker({ rIn: params.rIn, width: params.width, exclusionMask: exclusion(message.dataset) });
      return { ...message, dataset: maker.run(message.dataset) };
    });
  },
};

export interface AdaptiveRingBackgroundParams extends ExclusionParams {
  rIn: number | string;
  rOutMax: number | string;
  width: number | string;
  stepsize?: number | string;
  thresholdAlpha?: number;
  theta?: number | string;
  method?: AdaptiveRingMethod;
}

export const adaptiveRingBackgroundPlugin: PluginDefinition<AdaptiveRingBackgroundParams> = {
  name: "adaptive-ring-background",
  version: "0.1.0",
  description: "Adaptive ring background (gammapy's AdaptiveRingBackgroundMaker): rings grow until alpha reaches thresholdAlpha",
  params: {
    required: ["rIn", "rOutMax", "width"],
    additionalProperties: false,
    properties: {
      rIn: quantitySchema("deg", { description: "inner radius of the first ring" }),
      rOutMax: quantitySchema("deg", { description: "largest outer radius" }),
      width: quantitySchema("deg", { description: "ring width (of the first ring for fixed_r_in)" }),
      stepsize: quantitySchema("deg", { default: "0.02 deg", description: "radius increment" }),
      thresholdAlpha: { type: "number", exclusiveMinimum: 0, default: 0.1, description: "largest acceptable alpha" },
      theta: quantitySchema("deg", { default: "0.22 deg", description: "integration radius of the alpha estimate" }),
      method: { enum: [...ADAPTIVE_RING_METHODS], default: "fixed_width" },
      ...exclusionProperties,
    },
  },
  input: ["dataset"],
  output: ["dataset"],
  create(params, context) {
    const exclusion = exclusionFor(params, context);
    const { exclusion: _regions, exclusionFile: _file, ...options } = params;
    return perMessage<DatasetMessage>(context, (message) => {
      const maker = new AdaptiveRingBackgroundMaker({ ...options, exclusionMask: exclusion(message.dataset) });
      return { ...message, dataset: maker.run(message.dataset) };
    });
  },
};
