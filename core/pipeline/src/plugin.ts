import type { Static, TSchema } from "@sinclair/typebox";
import { MapDataset } from "@gammaflow/core";
import { catchError, defer, EMPTY, from, mergeMap, Observable, of, type OperatorFunction } from "rxjs";
import { ExecutorLost } from "./executors/executor-lost.js";
import { errorRecord, type Message, type MessageBase, type MessageKind } from "./messages.js";
import { outputFile } from "./outputs.js";
import { StepFailure, type WorkerStep } from "./worker-steps.js";
import type { Clock, DataAccess, Logger, NamedServices, NodeProgress, RunContext, ServiceName } from "./services.js";

/** An empty dataset on the run's target geometry (graph inputs.geom and inputs.dataset). */
export function referenceDataset(run: RunContext, name?: string): MapDataset {
  if (!run.geom) throw new Error("this graph needs a target geometry: set inputs.geom");
  return MapDataset.create(run.geom, { ...run.dataset, name: name ?? run.dataset?.name });
}

/**
 * A source's items as a stream, one per scheduler tick, so the event loop (a signal, progress)
 * runs between them; an iterable is read as it goes (a generator's item is made in its tick).
 * Stops taking items once the run is asked to finish. With `ready` (the run's, see RunContext)
 * the next item waits until the work downstream has room for it.
 */
export function paced<T>(
  items: Iterable<T>,
  clock: Clock,
  finish?: AbortSignal,
  ready?: () => Promise<void> | undefined,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const iterator = items[Symbol.iterator]();
    const step = () => {
      const next = finish?.aborted ? undefined : iterator.next();
      if (!next || next.done) return subscriber.complete();
      subscriber.next(next.value);
      const room = ready?.();
      if (!room) action = clock.scheduler.schedule(step);
      else void room.then(() => subscriber.closed || (action = clock.scheduler.schedule(step)));
    };
    let action = clock.scheduler.schedule(step);
    return () => action.unsubscribe();
  });
}

/** How a node names the files it writes for one message (see `outputFiles`). */
export interface OutputFiles {
  /** The files hold only part of the run's input (written after it was asked to finish early). */
  partial: boolean;
  /** A file's name as written: `stacked.fits.gz`, or `stacked.partial.fits.gz` when partial. */
  name(name: string): string;
  /** The path of file `name` in the run's output folder (`name` as written; refused outside it, see `outputFile`). */
  path(name: string): string;
}

/**
 * The output files of a node for `message`. A whole-run result (a stack, maps or a fit of it:
 * no obsId) written after the run was asked to finish early holds only part of the runs, and
 * its names say so; per-run results are complete and keep their names.
 */
export function outputFiles(
  context: Pick<PluginContext, "nodeId" | "run">,
  data: DataAccess,
  message: MessageBase,
  param = "path",
): OutputFiles {
  const partial = Boolean(context.run.finish?.aborted) && message.obsId === undefined;
  const name = (file: string) => (partial ? partialName(file) : file);
  return { partial, name, path: (file) => outputFile(context, data, param, name(file)) };
}

/** `name` with `.partial` before its extension (`.fits.gz` counts as one): stacked.partial.fits.gz. */
export function partialName(name: string): string {
  return name.replace(/(\.fits\.gz|\.fits|\.[^./\\]+)?$/, ".partial$1");
}

/**
 * What `create` receives besides the params. The runtime scopes the logger and progress to the
 * node (its id prefixes every line and event) and resolves the named services from the run's
 * container.
 */
export interface PluginContext<S extends ServiceName = never> {
  nodeId: string;
  logger: Logger;
  progress: NodeProgress;
  /** The run's shared context: target geometry, output folder, concurrency, signals. */
  run: RunContext;
  /** The services the definition named, and only those. */
  services: Pick<NamedServices, S>;
  /**
   * For a node that `hostsWorkerSteps`: the steps of the nodes after it that its worker tasks
   * run after its own work, in order (empty or absent: none; see `PluginDefinition.workerStep`).
   */
  workerSteps?: readonly WorkerStep[];
}

/**
 * What a node needs of the graph beyond its params: "geom", the target geometry
 * (`inputs.geom`); "dataStore", a DL3 data store (its `dataStore` param, else `inputs.dataStore`).
 */
export type GraphNeed = "geom" | "dataStore";

/** Output kinds: fixed, or "input" for a node that emits the kinds it receives (a stacker, a printer). */
export type OutputKinds = readonly MessageKind[] | "input";

/**
 * The plugin contract: a declaration beside the behaviour. `params` is a TypeBox schema (so
 * the params' type is inferred from it); ajv checks it and fills its defaults, the runtime
 * converts every `Quantity` to a number in its canonical unit, and only then is `create` called
 * with the resolved params. `input` / `output` are the message kinds consumed and emitted (a
 * source has no input); `services` names the services `create` needs. Error records never
 * reach the operator: the runner routes them around it.
 */
export interface PluginDefinition<T extends TSchema = TSchema, S extends ServiceName = ServiceName> {
  name: string;
  version: string;
  description: string;
  params: T;
  input: readonly MessageKind[];
  output: OutputKinds;
  services?: readonly S[];
  /** Checked by `gammaflow validate` (and before a run) without reading data: see `GraphNeed`. */
  needs?: readonly GraphNeed[];
  /**
   * The node needs its input in the source's order (e.g. a stacker, whose float sums depend
   * on the order): the runner restores it after out-of-order per-observation work.
   */
  ordered?: boolean;
  /**
   * For a node that keeps a checkpoint (`run.checkpoints`, e.g. a stacker's running stack): the
   * observations the saved value already holds. A resumed run then does not feed them through
   * the nodes before it again, when nothing else downstream of the source needs them.
   */
  checkpointedObsIds?(saved: unknown): readonly number[];
  /**
   * For a per-run dataset node: a module (URL) exporting `runStep(dataset, observation, params)`,
   * the node's work on one run. When the node follows a host (`hostsWorkerSteps`) that reduces
   * runs in a worker pool, the runner has the host's worker task run it there (see
   * planWorkerSteps); `create` is then not called and the node passes the host's datasets on.
   */
  workerStep?: string;
  /**
   * The node's worker tasks run the steps it receives in `PluginContext.workerSteps` on each
   * run's dataset (loadWorkerSteps, applyWorkerSteps) before sending it back.
   */
  hostsWorkerSteps?: boolean;
  create(params: Static<T>, context: PluginContext<S>): OperatorFunction<Message, Message>;
}

/** Any plugin, as registries and graphs hold them (params checked at run time by their schema). */
// biome-ignore lint/suspicious/noExplicitAny: the registry cannot know each plugin's param type
export type AnyPlugin = PluginDefinition<TSchema, any>;

/**
 * Declare a plugin. Only the schema and `create` are the author's: the param type is inferred
 * from the schema, the services' types from their names.
 */
export function definePlugin<T extends TSchema, const S extends ServiceName = never>(
  definition: PluginDefinition<T, S>,
): PluginDefinition<T, S> {
  return definition;
}

/**
 * The usual shape of a per-observation node: `work` maps one message to one (or no) message,
 * synchronously (then it emits synchronously, which marble tests rely on) or as a promise; up
 * to `concurrency` run at once (default: the run's concurrency); a throw becomes an error
 * record naming the node and the observation, and the stream goes on (except `ExecutorLost`:
 * the executor is gone, and the node fails).
 */
/** What per-message work returns: a message, several (emitted in order), or none. */
export type PerMessageResult = Message | Message[] | undefined;

export function perMessage<M extends Message>(
  context: Pick<PluginContext, "nodeId" | "progress" | "run">,
  work: (message: M) => PerMessageResult | Promise<PerMessageResult>,
  options: { concurrency?: number } = {},
): OperatorFunction<Message, Message> {
  const { nodeId, progress, run } = context;
  const concurrency = options.concurrency ?? run.concurrency;
  return mergeMap((message: Message): Observable<Message> => {
    progress.emit({ obsId: message.obsId, stage: "start" });
    return defer(() => {
      if (run.signal?.aborted) throw new Error("the run was cancelled");
      const out = work(message as M);
      return isPromiseLike(out) ? from(out) : of(out);
    }).pipe(
      mergeMap((out) => {
        progress.emit({ obsId: message.obsId, stage: "done" });
        if (!out) return EMPTY;
        return Array.isArray(out) ? from(out) : of(out);
      }),
      catchError((cause: unknown) => {
        if (cause instanceof ExecutorLost) throw cause;
        // a step a worker ran for a node downstream (worker-steps.ts) failed: that node's record
        const record = errorRecord(cause instanceof StepFailure ? cause.node : nodeId, message, cause);
        progress.emit({ obsId: message.obsId, stage: "error", message: record.message });
        return of<Message>(record);
      }),
    );
  }, concurrency);
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === "function";
}
