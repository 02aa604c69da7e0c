import {
  definePlugin,
  Enum,
  perMessage,
  Quantity,
  SkyCoordParam,
  skyCoordFromSpec,
  Type,
  type DatasetMessage,
} from "@gammaflow/pipeline";
import { SAFE_MASK_METHODS, SafeMaskMaker } from "./safe-mask-maker.js";

/** The safe-mask node: gammapy's SafeMaskMaker on each observation's dataset. */
export const safeMaskPlugin = definePlugin({
  name: "safe-mask",
  version: "0.1.0",
  description:
    "Safe data-range masks: aeff-default, aeff-max, edisp-bias, offset-max, bkg-peak (gammapy's SafeMaskMaker)",
  params: Type.Object(
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
  ),
  input: ["dataset"],
  output: ["dataset"],
  create(params, context) {
    const maker = new SafeMaskMaker({ ...params, position: params.position && skyCoordFromSpec(params.position) });
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
