import {
  definePlugin,
  Enum,
  perMessage,
  Quantity,
  SkyCoordParam,
  Type,
  type DatasetMessage,
  type Static,
} from "@gammaflow/pipeline";
import { SAFE_MASK_METHODS } from "./safe-mask-maker.js";
import { safeMaskMakerOf } from "./safe-mask-step.js";

const SafeMaskParams = Type.Object(
  {
    methods: Type.Array(Enum(SAFE_MASK_METHODS), { uniqueItems: true, default: ["aeff-default"] }),
    offsetMax: Quantity("deg", {
      default: "3 deg",
      exclusiveMinimum: 0,
      description: "maximum offset from the pointing (offset-max)",
    }),
    aeffPercent: Type.Number({
      exclusiveMinimum: 0,
      maximum: 100,
      default: 10,
      description: "percent of the maximum effective area (aeff-max)",
    }),
    biasPercent: Type.Number({
      exclusiveMinimum: 0,
      default: 10,
      description: "largest energy bias in percent (edisp-bias)",
    }),
    position: Type.Optional(
      SkyCoordParam({ description: "where aeff-max and edisp-bias read the IRFs (default the dataset centre)" }),
    ),
  },
  { additionalProperties: false },
);
export type SafeMaskParams = Static<typeof SafeMaskParams>;

/** The safe-mask node: gammapy's SafeMaskMaker on each observation's dataset. */
export const safeMaskPlugin = definePlugin({
  name: "safe-mask",
  version: "0.1.0",
  description:
    "Safe data-range masks: aeff-default, aeff-max, edisp-bias, offset-max, bkg-peak (gammapy's SafeMaskMaker)",
  params: SafeMaskParams,
  input: ["dataset"],
  output: ["dataset"],
  // after a map maker reducing in a worker pool, the mask is made in the worker (worker-steps)
  workerStep: new URL("./safe-mask-step.js", import.meta.url).href,
  create(params, context) {
    const maker = safeMaskMakerOf(params);
    return perMessage<DatasetMessage>(context, (message) => {
      if (!message.observation) {
        throw new Error(
          `safe-mask needs the observation of dataset '${message.dataset.name}' (put it right after a map maker)`,
        );
      }
      return { ...message, dataset: maker.run(message.dataset, message.observation) };
    });
  },
});
