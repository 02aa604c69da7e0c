import {
  DATASET_KINDS,
  definePlugin,
  OutputPath,
  outputFiles,
  perMessage,
  Type,
  WhichDatasets,
  type DatasetMessage,
  type FileMessage,
} from "@gammaflow/pipeline";

/**
 * Write datasets in gammapy's FITS layout (gzip for .gz), atomically: a file is complete or absent.
 * A stack written after the run was asked to finish early is named `*.partial.*` (`outputFiles`).
 */
export const datasetWriterPlugin = definePlugin({
  name: "dataset-writer",
  version: "0.1.0",
  description: "Write datasets to FITS files in gammapy's MapDataset layout (readable by MapDataset.read)",
  params: Type.Object(
    {
      path: OutputPath("path", {
        description:
          "file name in the output folder, e.g. stacked.fits.gz or run-{obsId}.fits.gz ({obsId}, {name} replaced)",
      }),
      which: WhichDatasets("final"),
    },
    { additionalProperties: false },
  ),
  input: DATASET_KINDS,
  output: ["file"],
  services: ["data"],
  create(params, context) {
    const { data } = context.services;
    return perMessage<DatasetMessage>(context, async (message): Promise<FileMessage | undefined> => {
      if (params.which === "final" && !message.final) return undefined;
      const name = params.path
        .replaceAll("{obsId}", String(message.obsId ?? "stack"))
        .replaceAll("{name}", message.dataset.name);
      const files = outputFiles(context, data, message);
      const target = files.path(name);
      // compressed on the thread pool: the run's other outputs are made meanwhile
      await data.writeDataset(message.dataset, target, { signal: context.run.signal });
      return {
        kind: "file",
        seq: message.seq,
        obsId: message.obsId,
        path: target,
        description: `dataset '${message.dataset.name}'`,
        obsIds: message.obsIds,
        ...(files.partial && { partial: true }),
      };
    });
  },
});
