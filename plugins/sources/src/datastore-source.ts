import { defer, Observable } from "rxjs";
import { isInside, joinPath, type DataStore } from "@gammaflow/core";
import {
  definePlugin,
  Type,
  type Clock,
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
  create(params, { run, services, nodeId }) {
    return (): Observable<Message> =>
      defer(() => {
        const dir = params.dataStore ?? run.dataStore;
        if (!dir) throw new Error("no data store: set the node's dataStore param or the graph's inputs.dataStore");
        const root = storeRoot(params.root, dir, run, services.data, nodeId);
        const store = services.data.openDataStore(dir, { root });
        return paced(observationMessages(store, selectIds(store, params), nodeId, root), services.clock, run.finish);
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
 * Emit one message per scheduler tick, so the event loop (Ctrl-C, progress) runs between
 * observations; stop early when the run is asked to finish.
 */
export function paced<T>(items: readonly T[], clock: Clock, finish?: AbortSignal): Observable<T> {
  return new Observable<T>((subscriber) => {
    let i = 0;
    const step = () => {
      if (i >= items.length || finish?.aborted) {
        subscriber.complete();
        return;
      }
      subscriber.next(items[i++]);
      action = clock.scheduler.schedule(step);
    };
    let action = clock.scheduler.schedule(step);
    return () => action.unsubscribe();
  });
}

function selectIds(store: DataStore, params: DataStoreSourceParams): number[] {
  let ids = params.obsIds ?? store.obsIds;
  if (params.target !== undefined) {
    const ofTarget = new Set(store.obsTable.selectTargetName(params.target).obsIds);
    ids = ids.filter((id) => ofTarget.has(id));
  }
  return ids;
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
      return {
        kind: "observation",
        seq,
        obsId,
        observation: store.obs(obsId),
        storeDir: store.baseDir,
        storeRoot: root,
      };
    } catch (e) {
      return { kind: "error", seq, obsId, node, message: (e as Error).message };
    }
  });
}
