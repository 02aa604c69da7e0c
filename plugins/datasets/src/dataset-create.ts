import { defer, of } from "rxjs";
import { definePlugin, referenceDataset, Type } from "@gammaflow/pipeline";

/**
 * An empty dataset on the graph's target geometry (gammapy's MapDataset.create): the documentation's first
 * examples.
 */
export const datasetCreatePlugin = definePlugin({
  name: "dataset-create",
  version: "0.1.0",
  description: "An empty MapDataset on the graph's inputs.geom with inputs.dataset's options (MapDataset.create)",
  params: Type.Object(
    { name: Type.Optional(Type.String({ description: "dataset name" })) },
    { additionalProperties: false },
  ),
  input: [],
  output: ["dataset"],
  needs: ["geom"],
  create(params, { run }) {
    return () =>
      defer(() =>
        of({ kind: "dataset" as const, dataset: referenceDataset(run, params.name), obsIds: [], final: true }),
      );
  },
});
