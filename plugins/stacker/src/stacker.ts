import { concat, defer, Observable } from "rxjs";
import { MapDataset, MapDatasetOnOff, referenceDataset, type DatasetMessage, type Message, type PluginDefinition, type RunContext } from "@gammaflow/core";

export interface StackerParams {
  /** Name of the stacked dataset. */
  name?: string;
  /** Also emit a snapshot of the running stack after each run ("each"), or only the final stack. */
  emit?: "final" | "each";
}

/**
 * A streaming reduce (gammapy's `stacked.stack(dataset)` loop): each dataset is stacked onto an
 * empty dataset on the target geometry, in the source's order (so the sums equal the class
 * API's), and the complete stack is emitted when the input ends. The empty dataset takes the
 * kind of the first dataset (on-off datasets stack into a MapDatasetOnOff) and its energy
 * binning (images, after to-image, stack onto the target geometry summed over energy).
 */
export const stackerPlugin: PluginDefinition<StackerParams> = {
  name: "stacker",
  version: "0.1.0",
  description: "Stack datasets onto the target geometry (MapDataset.stack), emitting the final stack (and optionally each running stack)",
  params: {
    additionalProperties: false,
    properties: {
      name: { type: "string", default: "stacked" },
      emit: { enum: ["final", "each"], default: "final" },
    },
  },
  input: ["dataset"],
  output: ["dataset"],
  ordered: true,
  create(params, { services, nodeId }) {
    return (input) =>
      defer(() => {
        let stacked: MapDataset | undefined;
        const obsIds: number[] = [];
        const running = new Observable<Message>((subscriber) =>
          input.subscribe({
            next(message) {
              const m = message as DatasetMessage;
              stacked ??= emptyLike(m.dataset, services.run, params.name ?? "stacked");
              stacked.stack(m.dataset);
              obsIds.push(...m.obsIds);
              services.progress.emit({ node: nodeId, obsId: m.obsId, stage: "emit", message: `${obsIds.length} stacked` });
              if (params.emit === "each") subscriber.next({ kind: "dataset", seq: m.seq, dataset: stacked.copy(), obsIds: [...obsIds] });
            },
            error: (e) => subscriber.error(e),
            complete: () => subscriber.complete(),
          }),
        );
        const final = defer(() => [{ kind: "dataset" as const, dataset: stacked ?? referenceDataset(services.run, params.name ?? "stacked"), obsIds: [...obsIds], final: true }]);
        return concat(running, final);
      });
  },
};

/** An empty dataset on the target geometry shaped like `first`: same class, energy squashed for images. */
function emptyLike(first: MapDataset, run: RunContext, name: string): MapDataset {
  if (!run.geom) throw new Error("the stacker needs a target geometry: set inputs.geom");
  const squashed = first.counts.geom.axisByName("energy").nbin === 1 && run.geom.axisByName("energy").nbin > 1;
  const geom = squashed ? run.geom.squash("energy") : run.geom;
  // an image keeps the true-energy axis of the datasets it came from (to-image keeps their IRF maps)
  const energyAxisTrue = run.dataset?.energyAxisTrue ?? (squashed ? run.geom.axisByName("energy").rename("energy_true") : undefined);
  const options = { ...run.dataset, name, energyAxisTrue };
  return first instanceof MapDatasetOnOff ? MapDatasetOnOff.create(geom, options) : MapDataset.create(geom, options);
}
