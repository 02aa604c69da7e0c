import { concat, defer, Observable } from "rxjs";
import { MapDataset, MapDatasetOnOff } from "@gammaflow/core";
import {
  DATASET_KINDS,
  definePlugin,
  Enum,
  OutputPath,
  referenceDataset,
  Type,
  type DatasetKind,
  type DatasetMessage,
  type Message,
  type RunContext,
  type Static,
} from "@gammaflow/pipeline";

const StackerParams = Type.Object(
  {
    name: OutputPath("name", {
      default: "stacked",
      description: "name of the stacked dataset (writers name files after it through {name})",
    }),
    emit: Enum(["final", "each"], {
      default: "final",
      description: "also emit a snapshot of the running stack after each run (each), or only the final stack",
    }),
  },
  { additionalProperties: false },
);
export type StackerParams = Static<typeof StackerParams>;

/**
 * A streaming reduce (gammapy's `stacked.stack(dataset)` loop): each dataset is stacked onto an
 * empty dataset on the target geometry, in the source's order (so the sums equal the class
 * API's), and the complete stack is emitted when the input ends. The empty dataset takes the
 * kind of the first dataset (on-off datasets stack into a MapDatasetOnOff) and its energy
 * binning (images, after to-image, stack onto the target geometry summed over energy).
 */
export const stackerPlugin = definePlugin({
  name: "stacker",
  version: "0.1.0",
  description:
    "Stack datasets onto the target geometry (MapDataset.stack), emitting the final stack " +
    "(and optionally each running stack)",
  params: StackerParams,
  input: DATASET_KINDS,
  output: "input",
  ordered: true,
  needs: ["geom"],
  create(params, { run, progress }) {
    return (input) =>
      defer(() => {
        let stacked: MapDataset | undefined;
        let kind: DatasetKind = "dataset";
        const obsIds: number[] = [];
        const running = new Observable<Message>((subscriber) =>
          input.subscribe({
            next(message) {
              const m = message as DatasetMessage;
              if (!stacked) {
                stacked = emptyLike(m.dataset, run, params.name);
                kind = m.kind;
              }
              stacked.stack(m.dataset);
              obsIds.push(...m.obsIds);
              progress.emit({ obsId: m.obsId, stage: "emit", message: `${obsIds.length} stacked` });
              if (params.emit === "each")
                subscriber.next({ kind, seq: m.seq, dataset: stacked.copy(), obsIds: [...obsIds] });
            },
            error: (e) => subscriber.error(e),
            complete: () => subscriber.complete(),
          }),
        );
        const final = defer(() => [
          { kind, dataset: stacked ?? referenceDataset(run, params.name), obsIds: [...obsIds], final: true },
        ]);
        return concat(running, final);
      });
  },
});

/** An empty dataset on the target geometry shaped like `first`: same class, energy squashed for images. */
function emptyLike(first: MapDataset, run: RunContext, name: string): MapDataset {
  if (!run.geom) throw new Error("the stacker needs a target geometry: set inputs.geom");
  const squashed = first.counts.geom.axisByName("energy").nbin === 1 && run.geom.axisByName("energy").nbin > 1;
  const geom = squashed ? run.geom.squash("energy") : run.geom;
  // an image keeps the true-energy axis of the datasets it came from (to-image keeps their IRF maps)
  const energyAxisTrue =
    run.dataset?.energyAxisTrue ?? (squashed ? run.geom.axisByName("energy").rename("energy_true") : undefined);
  const options = { ...run.dataset, name, energyAxisTrue };
  return first instanceof MapDatasetOnOff ? MapDatasetOnOff.create(geom, options) : MapDataset.create(geom, options);
}
