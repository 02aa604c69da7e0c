import { definePlugin, perMessage, Type, type DatasetMessage } from "@gammaflow/pipeline";

/** Sum each dataset over energy (MapDataset.toImage): one-bin energy axes, safe mask applied. */
export const toImagePlugin = definePlugin({
  name: "to-image",
  version: "0.1.0",
  description: "Reduce datasets to images, summed over energy (MapDataset.to_image)",
  params: Type.Object({}, { additionalProperties: false }),
  input: ["dataset"],
  output: ["image-dataset"],
  create(_params, context) {
    return perMessage<DatasetMessage>(context, (message) => ({
      ...message,
      kind: "image-dataset",
      dataset: message.dataset.toImage(),
    }));
  },
});
