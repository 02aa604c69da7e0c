import type { WcsNDMap } from "@gammaflow/core";
import {
  DATASET_KINDS,
  definePlugin,
  Enum,
  perMessage,
  Type,
  WhichDatasets,
  type DatasetMessage,
} from "@gammaflow/pipeline";

const PARTS = ["dataset", "counts", "exposure", "background", "mask_safe", "mask_fit"] as const;
type Part = (typeof PARTS)[number];

/** Print a dataset (gammapy's `print(dataset)`) or one of its maps, and pass it on. */
export const summaryPlugin = definePlugin({
  name: "summary",
  version: "0.1.0",
  description:
    "Print each dataset's summary (print(dataset)) or one of its maps (e.g. mask_safe), passing the dataset on",
  params: Type.Object(
    {
      what: Enum(PARTS, { default: "dataset", description: "the summary (dataset) or one map" }),
      which: WhichDatasets("all"),
    },
    { additionalProperties: false },
  ),
  input: DATASET_KINDS,
  output: "input",
  create(params, context) {
    const { logger } = context;
    return perMessage<DatasetMessage>(context, (message) => {
      if (params.which === "final" && !message.final) return message;
      const d = message.dataset;
      const maps: Record<Exclude<Part, "dataset">, WcsNDMap | undefined> = {
        counts: d.counts,
        exposure: d.exposure,
        background: d.background,
        mask_safe: d.maskSafe,
        mask_fit: d.maskFit,
      };
      const what = params.what;
      const text = what === "dataset" ? d.toString() : (maps[what]?.toString() ?? `dataset '${d.name}' has no ${what}`);
      logger.info(text);
      return message;
    });
  },
});
