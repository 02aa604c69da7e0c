import { Observable } from "rxjs";
import type { DataStore } from "@gammaflow/core";
import { definePlugin, Quantity, Type, type Message } from "@gammaflow/pipeline";
import { Arrivals, type Arrival } from "./arrivals.js";
import { observationMessage, storeRoot } from "./datastore-source.js";

/**
 * A folder that receives runs while the graph runs (a live telescope): each run flows on once,
 * as soon as the index lists it and every HDU it lists reads from its file. A run listed before
 * its file is complete (a copy in progress) is checked again with backoff; one still incomplete
 * after `completeTimeout` becomes an error record with the cause. Runs flow on one per
 * scheduler tick, so a signal is seen between runs. The source ends after `idleTimeout` without
 * a new run (none waiting to complete), or when the run is asked to finish (first Ctrl-C): runs
 * still incomplete then become error records too.
 */
export const watchSourcePlugin = definePlugin({
  name: "watch-source",
  version: "0.2.0",
  description: "Observations arriving in a folder (a data store whose index grows), each emitted once complete",
  params: Type.Object(
    {
      folder: Type.String({ description: "folder that receives runs and their index files (hdu-index / obs-index)" }),
      idleTimeout: Quantity("s", {
        exclusiveMinimum: 0,
        default: "60 s",
        description: "end after this long without a new run",
      }),
      pollInterval: Quantity("s", { exclusiveMinimum: 0, default: "1 s", description: "how often to look" }),
      completeTimeout: Quantity("s", {
        exclusiveMinimum: 0,
        default: "120 s",
        description:
          "how long a listed run may stay incomplete (files missing, truncated or unreadable) before it is " +
          "reported as skipped; it is checked again after 1, 2, 4, up to 8 poll intervals",
      }),
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
        const root = storeRoot(params.root, params.folder, run, data, nodeId);
        const arrivals = new Arrivals({
          firstRetryMs: pollMs,
          maxRetryMs: 8 * pollMs,
          completeMs: params.completeTimeout * 1000,
        });
        const queue: Message[] = [];
        let seq = 0;
        let lastArrival = clock.now();
        const take = (store: DataStore | undefined, arrived: Arrival[]) => {
          for (const a of arrived) {
            if ("observation" in a) queue.push(observationMessage(store!, a.observation, seq++, root));
            else queue.push({ kind: "error", seq: seq++, obsId: a.obsId, node: nodeId, message: a.cause });
          }
          const complete = arrived.filter((a) => "observation" in a).map((a) => a.obsId);
          if (complete.length)
            logger.info(`${complete.length} new run${complete.length > 1 ? "s" : ""} (${complete.join(", ")})`);
        };
        const step = () => {
          if (run.signal?.aborted) return subscriber.complete();
          if (run.finish?.aborted) {
            // no new runs: the queued ones are not taken; given-up and still incomplete ones are reported
            const untaken = queue.filter((m) => m.kind === "observation").map((m) => m.obsId);
            if (untaken.length) logger.info(`finishing: not taken ${untaken.join(", ")}`);
            take(undefined, arrivals.abandon("still incomplete when the run was asked to finish"));
            for (const m of queue.splice(0)) if (m.kind === "error") subscriber.next(m);
            return subscriber.complete();
          }
          if (!queue.length) {
            const now = clock.now();
            const store = openStore(() => data.openDataStore(params.folder, { root }));
            const arrived = store ? arrivals.check(store, now) : [];
            if (arrived.length) lastArrival = now;
            take(store, arrived);
            if (!queue.length && !arrivals.waiting && now - lastArrival >= idleMs) return subscriber.complete();
          }
          if (queue.length) {
            // one run per tick: the event loop (a signal, progress) runs between runs
            subscriber.next(queue.shift()!);
            action = clock.scheduler.schedule(step, 0);
          } else {
            action = clock.scheduler.schedule(step, pollMs);
          }
        };
        let action = clock.scheduler.schedule(step, 0);
        // asked to finish: stop now, not at the next poll
        const onFinish = () => {
          action.unsubscribe();
          action = clock.scheduler.schedule(step, 0);
        };
        run.finish?.addEventListener("abort", onFinish, { once: true });
        return () => {
          action.unsubscribe();
          run.finish?.removeEventListener("abort", onFinish);
        };
      });
  },
});

/** The store, or undefined while its index is missing or being replaced (look again later). */
function openStore(open: () => DataStore): DataStore | undefined {
  try {
    return open();
  } catch {
    return undefined;
  }
}
