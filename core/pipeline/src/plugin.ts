import { catchError, defer, EMPTY, from, mergeMap, of, type Observable, type OperatorFunction } from "rxjs";
import { MapDataset } from "../datasets/index.js";
import { errorRecord, type Message, type MessageKind } from "./messages.js";
import type { RunContext, Services } from "./services.js";

/** An empty dataset on the run's target geometry (graph inputs.geom and inputs.dataset). */
export function referenceDataset(run: RunContext, name?: string): MapDataset {
  if (!run.geom) throw new Error("this graph needs a target geometry: set inputs.geom");
  return MapDataset.create(run.geom, { ...run.dataset, name: name ?? run.dataset?.name });
}

/** A JSON schema (draft 2020-12) object, as ajv takes it. */
export type JsonSchema = Record<string, unknown>;

/** What `create` receives besides the params: the node's id and the run's services. */
export interface PluginContext {
  nodeId: string;
  services: Services;
}

/**
 * The plugin contract: a declarative definition beside the behaviour. `params` is the JSON
 * schema of the node's params (with defaults; angles and energies as unit strings, e.g.
 * "3 deg"); `input` / `output` are the message kinds consumed and emitted (a source has no
 * input); `create` returns the RxJS operator that turns the node's input stream into its
 * output stream. Error records never reach the operator: the runner routes them around it.
 */
export interface PluginDefinition<P = any> {
  name: string;
  version: string;
  description: string;
  params: JsonSchema;
  input: MessageKind[];
  output: MessageKind[];
  /**
   * The node needs its input in the source's order (e.g. a stacker, whose float sums depend
   * on the order): the runner restores it after out-of-order per-observation work.
   */
  ordered?: boolean;
  create(params: P, context: PluginContext): OperatorFunction<Message, Message>;
}

/**
 * The usual shape of a per-observation node: `work` maps one message to one (or no) message,
 * synchronously (then it emits synchronously, which marble tests rely on) or as a promise; up
 * to `concurrency` run at once (default: the run's concurrency); a throw becomes an error record naming the node and the observation, and the stream goes on.
 */
export function perMessage<M extends Message>(
  context: PluginContext,
  work: (message: M) => Message | undefined | Promise<Message | undefined>,
  options: { concurrency?: number } = {},
): OperatorFunction<Message, Message> {
  const { nodeId, services } = context;
  const concurrency = options.concurrency ?? services.run.concurrency;
  return mergeMap((message: Message): Observable<Message> => {
    services.progress.emit({ node: nodeId, obsId: message.obsId, stage: "start" });
    return defer(() => {
      if (services.run.signal?.aborted) throw new Error("the run was cancelled");
      const out = work(message as M);
      return isPromiseLike(out) ? from(out) : of(out);
    }).pipe(
      mergeMap((out) => {
        services.progress.emit({ node: nodeId, obsId: message.obsId, stage: "done" });
        return out ? of(out) : EMPTY;
      }),
      catchError((cause: unknown) => {
        const record = errorRecord(nodeId, message, cause);
        services.progress.emit({ node: nodeId, obsId: message.obsId, stage: "error", message: record.message });
        return of<Message>(record);
      }),
    );
  }, concurrency);
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === "function";
}
