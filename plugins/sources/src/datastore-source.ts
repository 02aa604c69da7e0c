import { defer, type Observable } from "rxjs";
import { isInside, joinPath, sameTargetName, type DataStore, type Observation } from "@gammaflow/core";
import {
  definePlugin,
  paced,
  Type,
  type DataAccess,
  type ErrorRecord,
  type Message,
  type ObservationMessage,
  type RunContext,
  type Static,
} from "@gammaflow/pipeline";

const DataStoreSourceParams = Type.Object(
  {
    dataStore: Type.Optional(Type.String({ description: "data store folder; default the graph's inputs.dataStore" })),
    obsIds: Type.Optional(
      Type.Array(Type.Integer(), { description: "ids in emission order (default: all, or those of target)" }),
    ),
    target: Type.Optional(Type.String({ description: "OBJECT name to select" })),
    root: Type.Optional(
      Type.String({
        description:
          "folder index paths may lead into (e.g. ../.. for CTA 1DC): inside the store's folder, or " +
          "inside a folder the command line allows (--allow-root)",
      }),
    ),
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
  needs: ["dataStore"],
  create(params, { run, services, nodeId, logger, progress }) {
    return (): Observable<Message> =>
      defer(() => {
        const dir = params.dataStore ?? run.dataStore;
        if (!dir) throw new Error("no data store: set the node's dataStore param or the graph's inputs.dataStore");
        const root = storeRoot(params.root, dir, run, services.data, nodeId);
        const store = services.data.openDataStore(dir, { root });
        const ids = selectIds(store, params);
        if (!ids.length) logger.warn(`no observation selected: ${emptySelection(store, params)}`);
        progress.emit({ stage: "planned", total: ids.length });
        return paced(observationMessages(store, ids, nodeId, root), services.clock, run.finish, run.ready);
      });
  },
});

/**
 * The folder a store's index paths may lead into: the node's `root` (relative to the graph),
 * else the allowed root holding the store, else (undefined) the store's own folder. Compared on
 * real paths. A root beyond the store's folder widens what a graph may read, so only the user
 * may grant it (RunContext.allowedRoots, the CLI's --allow-root): a graph's `root: "/"` is refused.
 */
export function storeRoot(
  root: string | undefined,
  storeDir: string,
  run: Pick<RunContext, "allowedRoots">,
  data: Pick<DataAccess, "resolve" | "realPath">,
  nodeId: string,
): string | undefined {
  const real = (p: string) => data.realPath?.(p) ?? data.resolve(p);
  const store = real(storeDir);
  const allowed = run.allowedRoots ?? [];
  if (root === undefined) {
    const folder = allowed.find((f) => isInside(store, f));
    if (folder === undefined) return undefined;
    // As many levels up from the store as it is really below the folder, so a store reached
    // through a link keeps the lexical paths the data store compares as well as the real ones.
    const levels = store.slice(folder.length).split("/").filter(Boolean).length;
    return joinPath(data.resolve(storeDir), ...Array<string>(levels).fill(".."));
  }
  const wanted = real(root);
  if (isInside(wanted, store) || allowed.some((folder) => isInside(wanted, folder))) return data.resolve(root);
  throw new Error(
    `node '${nodeId}' param 'root': '${root}' (${wanted}) lies outside the data store ${store}; a graph ` +
      `cannot widen where index paths lead: allow it on the command line with --allow-root ${wanted}`,
  );
}

/**
 * The ids to emit: `obsIds` (default all) of the target when one is given. An asked-for id
 * missing from the obs index stays, so that it becomes an error record, not a silent drop.
 */
function selectIds(store: DataStore, params: DataStoreSourceParams): number[] {
  const table = store.obsTable;
  return selectObsIds(store.obsIds, params, { has: (id) => table.has(id), object: (id) => table.text(id, "OBJECT") });
}

/**
 * The source's selection among the runs `all` (in their order): `obsIds` in theirs (default
 * all), those of `target` when one is given (sameTargetName). An asked-for id the runs lack
 * stays, so that it becomes an error record, not a silent drop. Also the page's, on dropped runs.
 */
export function selectObsIds(
  all: readonly number[],
  params: Pick<DataStoreSourceParams, "obsIds" | "target">,
  runs: { has(obsId: number): boolean; object(obsId: number): string | undefined },
): number[] {
  const ids = params.obsIds ?? all;
  const { target } = params;
  if (target === undefined) return [...ids];
  return ids.filter((id) => !runs.has(id) || sameTargetName(runs.object(id) ?? "", target));
}

/** Why a selection is empty, echoing it: a target no OBJECT has (with the objects there are), or the ids. */
function emptySelection(store: DataStore, params: DataStoreSourceParams): string {
  if (params.target === undefined) return `obsIds ${JSON.stringify(params.obsIds ?? [])} of ${store.baseDir}`;
  const objects = [...new Set(store.obsIds.map((id) => store.obsTable.text(id, "OBJECT")).filter(Boolean))];
  const shown = objects.slice(0, 10).join(", ") + (objects.length > 10 ? ", …" : "");
  return `target '${params.target}' matches no OBJECT of the obs index of ${store.baseDir} (it has: ${shown})`;
}

/**
 * One message per id in order: the observation, or an error record saying why it cannot be read.
 * Made as they are taken: a list made up front would keep every run's files, once read, until
 * the last run is done (memory growing with the number of runs).
 */
export function* observationMessages(
  store: DataStore,
  ids: readonly number[],
  node: string,
  root?: string,
  firstSeq = 0,
): Generator<ObservationMessage | ErrorRecord> {
  for (const [i, obsId] of ids.entries()) {
    const seq = firstSeq + i;
    try {
      yield observationMessage(store, store.obs(obsId), seq, root);
    } catch (e) {
      yield { kind: "error", seq, obsId, node, message: (e as Error).message };
    }
  }
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
