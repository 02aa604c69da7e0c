import { defer, of } from "rxjs";
import { referenceDataset, type PluginDefinition } from "@gammaflow/core";

/** An empty dataset on the graph's target geometry (gammapy's MapDataset.create): the documentation's first examples. */
export const datasetCreatePlugin: PluginDefinition<{ name?: string }> = {
  name: "dataset-create",
  version: "0.1.0",
  description: "An empty MapDataset on the graph's inputs.geom with inputs.dataset's options (MapDataset.create)",
  params: { additionalProperties: false, properties: { name: { type: "string", description: "dataset name" } } },
  input: [],
  output: ["dataset"],
  create(params, { services }) {
    return () => defer(() => of({ kind: "dataset" as const, dataset: referenceDataset(services.run, params.name), obsIds: [], final: true }));
  },
};
