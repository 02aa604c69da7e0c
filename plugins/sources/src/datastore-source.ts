import { defer, type Observable } from "rxjs";
import type { DataStore, Observation } from "@gammaflow/core";
import {
  definePlugin,
  paced,
  Type,
  type ErrorRecord,
  type Message,
  type ObservationMessage,
  type Static,
} from "@gammaflow/pipeline";

const DataStoreSourceParams = Type.Object(
  {
    dataStore: Type.Optional(Type.String({ description: "data store folder; default the graph's inputs.dataStore" })),
    obsIds: Type.Optional(
      Type.Array(Type.Integer(), { description: "ids in emission order (default: all, or those of target)" }),
    ),
    target: Type.Optional(Type.String({ description: "OBJECT name to select" })),
    root: Type.Optional(Type.String({ description: "folder index paths may lead into (e.g. ../.. for CTA 1DC)" })),
  },
  { additionalProperties: false },
);
export type DataStoreSourceParams = Static<typeof DataStoreSourceParams>;

/** The observations of a DL3 data store as a stream; ids missing from the index become error records. */
export const dataStoreSourcePlugin = definePlugin({
  name: "datastore-source",
  version: "0.1.0",
  description: "Observations of a DL3 data store (gammapy's DataStore.get_observations), by id or target name",
  params: DataStoreSourceParams,
  input: [],
  output: ["observation"],
  services: ["data", "clock"],
  create(params, { run, services, nodeId, logger }) {
    return (): Observable<Message> =>
      defer(() => {
        const dir = params.dataStore ?? run.dataStore;
        if (!dir) throw new Error("no data store: set the node's dataStore param or the graph's inputs.dataStore");
        const root = params.root === undefined ? undefined : services.data.resolve(params.root);
        const store = services.data.openDataStore(dir, { root });
        const ids = selectIds(store, params);
        if (!ids.length) logger.warn(`no observation selected: ${emptySelection(store, params)}`);
        return paced(observationMessages(store, ids, nodeId, root), services.clock, run.finish);
      });
  },
});

/**
 * The ids to emit: `obsIds` (default all) of the target when one is given. An asked-for id
 * missing from the obs index stays, so that it becomes an error record, not a silent drop.
 */
function selectIds(store: DataStore, params: DataStoreSourceParams): number[] {
  let ids = params.obsIds ?? store.obsIds;
  if (params.target !== undefined) {
    const ofTarget = new Set(store.obsTable.selectTargetName(params.target).obsIds);
    ids = ids.filter((id) => ofTarget.has(id) || !store.obsTable.has(id));
  }
  return ids;
}

/** Why a selection is empty, echoing it: a target no OBJECT has (with the objects there are), or the ids. */
function emptySelection(store: DataStore, params: DataStoreSourceParams): string {
  if (params.target === undefined) return `obsIds ${JSON.stringify(params.obsIds ?? [])} of ${store.baseDir}`;
  const objects = [...new Set(store.obsIds.map((id) => store.obsTable.text(id, "OBJECT")).filter(Boolean))];
  const shown = objects.slice(0, 10).join(", ") + (objects.length > 10 ? ", …" : "");
  return `target '${params.target}' matches no OBJECT of the obs index of ${store.baseDir} (it has: ${shown})`;
}

/** One message per id in order: the observation, or an error record saying why it cannot be read. */
export function observationMessages(
  store: DataStore,
  ids: readonly number[],
  node: string,
  root?: string,
  firstSeq = 0,
): Array<ObservationMessage | ErrorRecord> {
  return ids.map((obsId, i) => {
    const seq = firstSeq + i;
    try {
      return observationMessage(store, store.obs(obsId), seq, root);
    } catch (e) {
      return { kind: "error", seq, obsId, node, message: (e as Error).message };
    }
  });
}

/** The message of an observation of `store` (its folder and root, so a worker can open it again). */
export function observationMessage(
  store: DataStore,
  observation: Observation,
  seq: number,
  root?: string,
): ObservationMessage {
  return { kind: "observation", seq, obsId: observation.obsId, observation, storeDir: store.baseDir, storeRoot: root };
}
