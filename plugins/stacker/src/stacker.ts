import { concat, defer, Observable } from "rxjs";
import {
  datasetFromPortable,
  datasetToPortable,
  MapDataset,
  MapDatasetOnOff,
  type PortableDataset,
} from "@gammaflow/core";
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
 *
 * The stack is keyed by obs id: a dataset of a run already in it (delivered twice) is not stacked
 * again. With the run's checkpoints, the running stack and its obs ids are saved after the runs
 * where a save is `due` (the first, then about once a second) and loaded at the start: the same
 * command after a crash goes on from there (the runner does not reduce the runs in the checkpoint
 * again: `checkpointedObsIds`), and since the order is the source's, the final stack is the one an
 * uninterrupted run makes, bit for bit.
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
  checkpointedObsIds: (saved) => (saved as StackCheckpoint).obsIds,
  create(params, { run, progress, logger, nodeId }) {
    return (input) =>
      defer(() => {
        let checkpoints = run.checkpoints;
        const resumed = checkpoints?.load(nodeId) as StackCheckpoint | undefined;
        let stacked = resumed && datasetFromPortable(resumed.dataset);
        let kind: DatasetKind = resumed?.kind ?? "dataset";
        const obsIds: number[] = resumed ? [...resumed.obsIds] : [];
        const inStack = new Set(obsIds);
        const checkpointed = new Set(obsIds);
        if (resumed) logger.info(`resuming from its checkpoint: ${obsIds.length} runs stacked (${obsIds.join(", ")})`);
        const running = new Observable<Message>((subscriber) =>
          input.subscribe({
            next(message) {
              const m = message as DatasetMessage;
              const repeated = m.obsIds.filter((id) => inStack.has(id));
              if (repeated.length) {
                // a resumed run's, or a second delivery: counted once
                if (!repeated.every((id) => checkpointed.has(id)))
                  logger.warn(`obs ${repeated.join(", ")} already in the stack: '${m.dataset.name}' not stacked again`);
                return;
              }
              if (!stacked) {
                stacked = emptyLike(m.dataset, run, params.name);
                kind = m.kind;
              }
              stacked.stack(m.dataset);
              obsIds.push(...m.obsIds);
              for (const id of m.obsIds) inStack.add(id);
              if (checkpoints && (checkpoints.due?.(nodeId) ?? true)) {
                const checkpoint: StackCheckpoint = { kind, obsIds, dataset: datasetToPortable(stacked).portable };
                try {
                  checkpoints.save(nodeId, checkpoint);
                } catch (error) {
                  // a checkpoint only helps a resume: the run goes on without (its outputs report their own failures)
                  logger.warn(`no checkpoint (a crash would start over): ${(error as Error).message}`);
                  checkpoints = undefined;
                }
              }
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

/** What the stacker saves after each run: the running stack and the obs ids in it, in order. */
interface StackCheckpoint {
  kind: DatasetKind;
  obsIds: number[];
  dataset: PortableDataset;
}

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
