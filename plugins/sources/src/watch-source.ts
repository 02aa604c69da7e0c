import { Observable } from "rxjs";
import { parseQuantity, type DataStore, type Message, type PluginDefinition } from "@gammaflow/core";
import { observationMessages } from "./datastore-source.js";

export interface WatchSourceParams {
  /** The folder receiving runs and their index files (hdu-index / obs-index). */
  folder: string;
  /** End after this long without a new run (seconds or a time string, "30 s"). */
  idleTimeout?: number | string;
  /** How often to look (seconds or a time string). */
  pollInterval?: number | string;
  root?: string;
}

const seconds = (v: number | string) => (typeof v === "number" ? v : parseQuantity(v, "s").to("s").value);

/**
 * A folder that receives runs while the graph runs (a live telescope): each run flows on once,
 * as soon as the index lists it and all its files are present. The source ends after
 * `idleTimeout` without a new run, or when the run is asked to finish (first Ctrl-C).
 */
export const watchSourcePlugin: PluginDefinition<WatchSourceParams> = {
  name: "watch-source",
  version: "0.1.0",
  description: "Observations arriving in a folder (a data store whose index grows), each emitted once as it arrives",
  params: {
    required: ["folder"],
    additionalProperties: false,
    properties: {
      folder: { type: "string", description: "folder that receives runs and their index files" },
      idleTimeout: { anyOf: [{ type: "number", exclusiveMinimum: 0 }, { type: "string", "x-unit": "s" }], default: "60 s", description: "end after this long without a new run" },
      pollInterval: { anyOf: [{ type: "number", exclusiveMinimum: 0 }, { type: "string", "x-unit": "s" }], default: "1 s" },
      root: { type: "string" },
    },
  },
  input: [],
  output: ["observation"],
  create(params, { services, nodeId }) {
    const idleMs = seconds(params.idleTimeout ?? 60) * 1000;
    const pollMs = seconds(params.pollInterval ?? 1) * 1000;
    const { clock, data, run } = services;
    return () =>
      new Observable<Message>((subscriber) => {
        const seen = new Set<number>();
        let seq = 0;
        let lastArrival = clock.now();
        const root = params.root === undefined ? undefined : data.resolve(params.root);
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
            services.logger.info(`${nodeId}: ${arrived.length} new run${arrived.length > 1 ? "s" : ""} (${arrived.join(", ")})`);
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
};
