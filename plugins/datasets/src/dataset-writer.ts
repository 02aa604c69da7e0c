import { perMessage, type DatasetMessage, type FileMessage, type PluginDefinition } from "@gammaflow/core";

export interface DatasetWriterParams {
  /** File name in the output folder; {obsId} and {name} are replaced (per-run files). */
  path: string;
  /** Which datasets to write: the final ones (a stack; default) or every one. */
  which?: "final" | "all";
}

/** Write datasets in gammapy's FITS layout (gzip for .gz), atomically: a file is complete or absent. */
export const datasetWriterPlugin: PluginDefinition<DatasetWriterParams> = {
  name: "dataset-writer",
  version: "0.1.0",
  description: "Write datasets to FITS files in gammapy's MapDataset layout (readable by MapDataset.read)",
  params: {
    required: ["path"],
    additionalProperties: false,
    properties: {
      path: { type: "string", description: "file name in the output folder, e.g. stacked.fits.gz or run-{obsId}.fits.gz" },
      which: { enum: ["final", "all"], default: "final" },
    },
  },
  input: ["dataset"],
  output: ["file"],
  create(params, context) {
    const { data, run } = context.services;
    return perMessage<DatasetMessage>(context, (message): FileMessage | undefined => {
      if ((params.which ?? "final") === "final" && !message.final) return undefined;
      const name = params.path.replaceAll("{obsId}", String(message.obsId ?? "stack")).replaceAll("{name}", message.dataset.name);
      const target = data.join(run.outDir, name);
      data.writeDataset(message.dataset, target);
      return { kind: "file", seq: message.seq, obsId: message.obsId, path: data.resolve(target), description: `dataset '${message.dataset.name}'`, obsIds: message.obsIds };
    });
  },
};
