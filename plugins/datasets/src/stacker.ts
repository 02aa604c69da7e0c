import { concat, defer, Observable } from "rxjs";
import { referenceDataset, type DatasetMessage, type Message, type PluginDefinition } from "@gammaflow/core";

export interface StackerParams {
  /** Name of the stacked dataset. */
  name?: string;
  /** Also emit a snapshot of the running stack after each run ("each"), or only the final stack. */
  emit?: "final" | "each";
}

/**
 * A streaming reduce (gammapy's `stacked.stack(dataset)` loop): each dataset is stacked onto an
 * empty dataset on the target geometry, in the source's order (so the sums equal the class
 * API's), and the complete stack is emitted when the input ends.
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
        const stacked = referenceDataset(services.run, params.name ?? "stacked");
        const obsIds: number[] = [];
        const running = new Observable<Message>((subscriber) =>
          input.subscribe({
            next(message) {
              const m = message as DatasetMessage;
              stacked.stack(m.dataset);
              obsIds.push(...m.obsIds);
              services.progress.emit({ node: nodeId, obsId: m.obsId, stage: "emit", message: `${obsIds.length} stacked` });
              if (params.emit === "each") subscriber.next({ kind: "dataset", seq: m.seq, dataset: stacked.copy(), obsIds: [...obsIds] });
            },
            error: (e) => subscriber.error(e),
            complete: () => subscriber.complete(),
          }),
        );
        const final = defer(() => [{ kind: "dataset" as const, dataset: stacked, obsIds: [...obsIds], final: true }]);
        return concat(running, final);
      });
  },
};
