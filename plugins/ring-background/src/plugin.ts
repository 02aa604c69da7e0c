import { exclusionMask, type MapDataset, type WcsGeom, type WcsNDMap } from "@gammaflow/core";
import {
  definePlugin,
  Enum,
  perMessage,
  Quantity,
  RegionParam,
  regionFromSpec,
  Type,
  type DatasetMessage,
  type RegionSpec,
} from "@gammaflow/pipeline";
import { ADAPTIVE_RING_METHODS } from "./adaptive-ring.js";
import { AdaptiveRingBackgroundMaker } from "./adaptive-ring-background-maker.js";
import { RingBackgroundMaker } from "./ring-background-maker.js";

const exclusionParams = {
  exclusion: Type.Array(RegionParam, {
    default: [],
    description: "circles and boxes excluded from the off estimate (sources)",
  }),
  exclusionFile: Type.Optional(
    Type.String({
      description:
        "FITS image of the exclusion mask (true where usable), e.g. written by gammapy; relative to the graph",
    }),
  ),
};

interface ExclusionSource {
  exclusion: RegionSpec[];
  exclusionFile?: string;
}

/**
 * The exclusion mask of a dataset: from the file (read once) or the regions on the dataset's
 * image grid — made once while the runs come on the same grid (the target geometry, without
 * cutouts), since the regions rasterised on a grid depend on nothing else.
 */
function exclusionFor(
  params: ExclusionSource,
  readMap: (path: string) => WcsNDMap,
): (dataset: MapDataset) => WcsNDMap | undefined {
  const regions = params.exclusion.map(regionFromSpec);
  let fromFile: WcsNDMap | undefined;
  let last: { grid: WcsGeom; mask: WcsNDMap } | undefined;
  return (dataset) => {
    if (params.exclusionFile) {
      fromFile ??= readMap(params.exclusionFile);
      return fromFile;
    }
    if (!regions.length) return undefined;
    const grid = dataset.counts.geom.toImage();
    if (!last?.grid.equals(grid)) last = { grid, mask: exclusionMask(grid, regions) };
    return last.mask;
  };
}

export const ringBackgroundPlugin = definePlugin({
  name: "ring-background",
  version: "0.1.0",
  description:
    "Ring background (gammapy's RingBackgroundMaker): image datasets → on-off datasets with off counts from a ring",
  params: Type.Object(
    {
      rIn: Quantity("deg", { minimum: 0, description: 'inner ring radius, e.g. "0.3 deg"' }),
      width: Quantity("deg", { exclusiveMinimum: 0, description: "ring width" }),
      ...exclusionParams,
    },
    { additionalProperties: false },
  ),
  input: ["image-dataset"],
  output: ["dataset-onoff"],
  services: ["data"],
  create(params, context) {
    const exclusion = exclusionFor(params, (path) => context.services.data.readMap(path));
    return perMessage<DatasetMessage>(context, (message) => {
      const maker = new RingBackgroundMaker({
        rIn: params.rIn,
        width: params.width,
        exclusionMask: exclusion(message.dataset),
      });
      return { ...message, kind: "dataset-onoff", dataset: maker.run(message.dataset) };
    });
  },
});

export const adaptiveRingBackgroundPlugin = definePlugin({
  name: "adaptive-ring-background",
  version: "0.1.0",
  description:
    "Adaptive ring background (gammapy's AdaptiveRingBackgroundMaker): rings grow until alpha reaches thresholdAlpha",
  params: Type.Object(
    {
      rIn: Quantity("deg", { minimum: 0, description: "inner radius of the first ring" }),
      rOutMax: Quantity("deg", { exclusiveMinimum: 0, description: "largest outer radius" }),
      width: Quantity("deg", { exclusiveMinimum: 0, description: "ring width (of the first ring for fixed_r_in)" }),
      stepsize: Quantity("deg", { default: "0.02 deg", exclusiveMinimum: 0, description: "radius increment" }),
      thresholdAlpha: Type.Number({ exclusiveMinimum: 0, default: 0.1, description: "largest acceptable alpha" }),
      theta: Quantity("deg", {
        default: "0.22 deg",
        exclusiveMinimum: 0,
        description: "integration radius of the alpha estimate",
      }),
      method: Enum(ADAPTIVE_RING_METHODS, { default: "fixed_width" }),
      ...exclusionParams,
    },
    { additionalProperties: false },
  ),
  input: ["image-dataset"],
  output: ["dataset-onoff"],
  services: ["data"],
  create(params, context) {
    const exclusion = exclusionFor(params, (path) => context.services.data.readMap(path));
    const { exclusion: _regions, exclusionFile: _file, ...options } = params;
    return perMessage<DatasetMessage>(context, (message) => {
      const maker = new AdaptiveRingBackgroundMaker({ ...options, exclusionMask: exclusion(message.dataset) });
      return { ...message, kind: "dataset-onoff", dataset: maker.run(message.dataset) };
    });
  },
});
