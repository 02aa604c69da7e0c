import { Observable } from "rxjs";
import type { DataStore } from "@gammaflow/core";
import { definePlugin, Quantity, Type, type Message } from "@gammaflow/pipeline";
import { observationMessages, storeRoot } from "./datastore-source.js";

/**
 * A folder that receives runs while the graph runs (a live telescope): each run flows on once,
 * as soon as the index lists it and all its files are present. The source ends after
 * `idleTimeout` without a new run, or when the run is asked to finish (first Ctrl-C).
 */
export const watchSourcePlugin = definePlugin({
  name: "watch-source",
  version: "0.1.0",
  description: "Observations arriving in a folder (a data store whose index grows), each emitted once as it arrives",
  params: Type.Object(
    {
      folder: Type.String({ description: "folder that receives runs and their index files (hdu-index / obs-index)" }),
      idleTimeout: Quantity("s", {
        exclusiveMinimum: 0,
        default: "60 s",
        description: "end after this long without a new run",
      }),
      pollInterval: Quantity("s", { exclusiveMinimum: 0, default: "1 s", description: "how often to look" }),
      root: Type.Optional(Type.String({ description: "folder index paths may lead into" })),
    },
    { additionalProperties: false },
  ),
  input: [],
  output: ["observation"],
  services: ["data", "clock"],
  create(params, { run, services, nodeId, logger }) {
    const idleMs = params.idleTimeout * 1000;
    const pollMs = params.pollInterval * 1000;
    const { clock, data } = services;
    return () =>
      new Observable<Message>((subscriber) => {
        const seen = new Set<number>();
        let seq = 0;
        let lastArrival = clock.now();
        const root = storeRoot(params.root, params.folder, run, data, nodeId);
        const poll = () => {
          let store: DataStore | undefined;
          try {
            store = data.openDataStore(params.folder, { root });
          } catch {
            store = undefined; // no index yet, or one being replaced: look again later
          }
          const arrived = store ? store.obsIds.filter((id) => !seen.has(id) && store!.filesPresent(id)) : [];
          for (const id of arrived) seen.add(id);
          if (arrived.length) {
            lastArrival = clock.now();
            logger.info(`${arrived.length} new run${arrived.length > 1 ? "s" : ""} (${arrived.join(", ")})`);
            for (const m of observationMessages(store!, arrived, nodeId, root, seq)) subscriber.next(m);
            seq += arrived.length;
          }
          if (run.finish?.aborted || run.signal?.aborted || clock.now() - lastArrival >= idleMs) {
            subscriber.complete();
            return;
          }
          action = clock.scheduler.schedule(poll, pollMs);
        };
        let action = clock.scheduler.schedule(poll, 0);
        return () => action.unsubscribe();
      });
  },
});
