import { perMessage, type DatasetMessage, type PluginDefinition, type WcsNDMap } from "@gammaflow/core";

const PARTS = ["dataset", "counts", "exposure", "background", "mask_safe", "mask_fit"] as const;
type Part = (typeof PARTS)[number];

/** Print a dataset (gammapy's `print(dataset)`) or one of its maps, and pass it on. */
export const summaryPlugin: PluginDefinition<{ what?: Part; which?: "final" | "all" }> = {
  name: "summary",
  version: "0.1.0",
  description: "Print each dataset's summary (print(dataset)) or one of its maps (e.g. mask_safe), passing the dataset on",
  params: {
    additionalProperties: false,
    properties: {
      what: { enum: [...PARTS], default: "dataset" },
      which: { enum: ["final", "all"], default: "all", description: "print only final datasets (a stack) or every one" },
    },
  },
  input: ["dataset"],
  output: ["dataset"],
  create(params, context) {
    const { logger } = context.services;
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
      const what = params.what ?? "dataset";
      const text = what === "dataset" ? d.toString() : (maps[what]?.toString() ?? `dataset '${d.name}' has no ${what}`);
      logger.info(text);
      return message;
    });
  },
};
