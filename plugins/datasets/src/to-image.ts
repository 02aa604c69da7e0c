import { perMessage, type DatasetMessage, type PluginDefinition } from "@gammaflow/core";

/** Sum each dataset over energy (MapDataset.toImage): one-bin energy axes, safe mask applied. */
export const toImagePlugin: PluginDefinition<Record<string, never>> = {
  name: "to-image",
  version: "0.1.0",
  description: "Reduce datasets to images, summed over energy (MapDataset.to_image)",
  params: { additionalProperties: false, properties: {} },
  input: ["dataset"],
  output: ["dataset"],
  create(_params, context) {
    return perMessage<DatasetMessage>(context, (message) => ({ ...message, dataset: message.dataset.toImage() }));
  },
};
