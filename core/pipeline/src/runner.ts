import type { Container } from "inversify";
import {
  catchError,
  connect,
  connectable,
  EMPTY,
  filter,
  map,
  merge,
  Observable,
  Subject,
  tap,
  throwError,
  type Connectable,
  type OperatorFunction,
} from "rxjs";
import {
  errorRecord,
  isDatasetMessage,
  isErrorRecord,
  type DatasetMessage,
  type ErrorRecord,
  type FileMessage,
  type Message,
} from "./messages.js";
import { restoreOrder } from "./order.js";
import { NodeTimings, type NodeTiming } from "./timings.js";
import { adjacency } from "./topology.js";
import { resumedObsIds, skipResumed } from "./resume.js";
import type { AnyPlugin, PluginContext } from "./plugin.js";
import {
  createRunContainer,
  resolveServices,
  TYPES,
  type Logger,
  type Progress,
  type RunContext,
  type WorkerPool,
} from "./services.js";
import { checkParams, type ValidatedGraph, type ValidatedNode } from "./graph.js";
import { GraphValidationError } from "./issues.js";
import { datasetOptionsFromSpec, geomFromSpec } from "./specs.js";
import { planWorkerSteps } from "./worker-steps.js";

/**
 * The container of one run of a graph: a child of the process's `parent` container, whose run
 * context holds the graph's inputs (target geometry, dataset options, data store).
 */
export function runContainer(validated: ValidatedGraph, parent: Container, run: Partial<RunContext> = {}): Container {
  const inputs = validated.graph.inputs ?? {};
  const data = parent.get<{ resolve(path: string): string }>(TYPES.DataAccess);
  return createRunContainer(parent, {
    ...run,
    geom: inputs.geom ? geomFromSpec(inputs.geom) : run.geom,
    dataset: inputs.dataset ? datasetOptionsFromSpec(inputs.dataset) : run.dataset,
    dataStore: inputs.dataStore ? data.resolve(inputs.dataStore) : run.dataStore,
    inputs: { geom: inputs.geom, dataset: inputs.dataset },
  });
}

/**
 * What the runtime hands a node's `create`: its scoped logger and progress, the run, its named
 * services. With `timings`, its progress events also time its per-message work.
 */
export function nodeContext(
  node: Pick<ValidatedNode, "id" | "definition">,
  container: Container,
  timings?: NodeTimings,
): PluginContext<never> {
  const logger = container.get<Logger>(TYPES.Logger);
  const progress = container.get<Progress>(TYPES.Progress);
  const nodeId = node.id;
  // A multi-line message (a printed dataset) starts on its own line, so its layout survives.
  const scoped = (m: string) => (m.includes("\n") ? `${nodeId}:\n${m}` : `${nodeId}: ${m}`);
  return {
    nodeId,
    logger: {
      info: (m) => logger.info(scoped(m)),
      warn: (m) => logger.warn(scoped(m)),
      error: (m) => logger.error(scoped(m)),
    },
    progress: {
      emit: (event) => {
        timings?.progress(nodeId, event);
        progress.emit({ node: nodeId, ...event });
      },
    },
    run: container.get<RunContext>(TYPES.RunContext),
    services: resolveServices(container, node.definition.services ?? []),
  };
}

/**
 * One node outside a graph, built exactly as the runtime builds it: its params checked,
 * defaulted and resolved (quantities to canonical units), its context from a run container.
 * For tests of a plugin and for using a plugin's operator in one's own RxJS code.
 */
export function instantiateNode(
  definition: AnyPlugin,
  params: unknown,
  container: Container,
  nodeId = definition.name,
): OperatorFunction<Message, Message> {
  const checked = checkParams(definition, params, "/params");
  if (checked.issues.length) throw new GraphValidationError(checked.issues, `node '${nodeId}' (${definition.name})`);
  return definition.create(checked.params, nodeContext({ id: nodeId, definition }, container));
}

/** Says, once per source, that the runs a checkpoint already holds are not reduced again. */
function resumeNote(nodeId: string, container: Container): (obsIds: number[]) => void {
  const logger = container.get<Logger>(TYPES.Logger);
  let said = false;
  return (obsIds) => {
    if (!said) logger.info(`${nodeId}: resuming: runs already in a checkpoint are not reduced again`);
    said = true;
    logger.info(`${nodeId}: obs ${obsIds.join(", ")} taken from the checkpoint`);
  };
}

/**
 * Called as each node completes: once every node that uses the worker pool has, the pool may
 * let its threads go (`WorkerPool.release`), so that their heaps and garbage are not still held
 * while the last nodes write the outputs (with 2 workers, the 105 H.E.S.S. DR1 runs' peak came
 * at the final write: the idle workers' memory on top of the stack's serialisation).
 */
function workersReleaser(validated: ValidatedGraph, container: Container): (nodeId: string) => void {
  const users = new Set(validated.nodes.filter((n) => n.definition.services?.includes("workers")).map((n) => n.id));
  return (nodeId) => {
    if (!users.delete(nodeId) || users.size > 0) return;
    // a failure to stop the threads is the pool's close() to report
    container
      .get<WorkerPool>(TYPES.WorkerPool)
      .release?.()
      .catch(() => undefined);
  };
}

/**
 * A node whose work a host's worker task did (a worker step): its messages go on as they came,
 * each counted as done in its progress.
 */
function passedOn(context: PluginContext<never>): OperatorFunction<Message, Message> {
  return map((message) => {
    context.progress.emit({ obsId: message.obsId, stage: "start" });
    context.progress.emit({ obsId: message.obsId, stage: "done" });
    return message;
  });
}

/** A node's stream failed (not one observation: the node itself); the run stops. */
export class NodeFailure extends Error {
  constructor(
    readonly node: string,
    readonly plugin: string,
    override readonly cause: unknown,
  ) {
    super(`node '${node}' (${plugin}) failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "NodeFailure";
  }
}

/**
 * The graph as one stream: each node's operator applied to the merge of its upstream nodes'
 * outputs, error records routed around the operators, order restored for `ordered` plugins;
 * the result is the merge of the sink nodes' outputs. Nothing runs until it is subscribed.
 * `observe` sees every node's output; `timings` collects what each node did and how long it took.
 */
export function graphStream(
  validated: ValidatedGraph,
  container: Container,
  observe?: (nodeId: string, message: Message) => void,
  timings?: NodeTimings,
): Observable<Message> {
  const outputs = new Map<string, Connectable<Message>>();
  const { incoming, outgoing } = adjacency(validated.edges);
  const run = container.get<RunContext>(TYPES.RunContext);
  const resumed = resumedObsIds(validated, run.checkpoints);
  const releaseWorkers = workersReleaser(validated, container);
  const pool = container.get<WorkerPool>(TYPES.WorkerPool);
  const plan = planWorkerSteps(validated, pool.size > 0 ? pool.acceptsStep?.bind(pool) : undefined);
  for (const node of validated.nodes) {
    const upstream = (incoming.get(node.id) ?? []).map(({ edge }) => outputs.get(edge.from)!);
    const input = upstream.length ? merge(...upstream) : EMPTY;
    const context = nodeContext(node, container, timings);
    const host = plan.fusedInto.get(node.id);
    if (host !== undefined) timings?.ranIn(node.id, host);
    const operator =
      host !== undefined
        ? passedOn(context)
        : node.definition.create(node.params, { ...context, workerSteps: plan.steps.get(node.id) ?? [] });
    const timed = (work: Observable<Message>) => (timings ? timings.timedInput(node.id, work) : work);
    const declared = new Set(node.emits);
    const ordered = node.definition.ordered ? input.pipe(restoreOrder()) : input;
    const output = ordered.pipe(
      connect((shared) =>
        merge(shared.pipe(filter(isErrorRecord)), timed(shared.pipe(filter((m) => !isErrorRecord(m)))).pipe(operator)),
      ),
      // A message of an undeclared kind would defeat the wiring check: it becomes an error record.
      map((m) =>
        isErrorRecord(m) || declared.has(m.kind)
          ? m
          : errorRecord(
              node.id,
              m,
              `emitted a '${m.kind}' message, but declares ${node.emits.join(" or ") || "nothing"}`,
            ),
      ),
      catchError((e: unknown) =>
        throwError(() => (e instanceof NodeFailure ? e : new NodeFailure(node.id, node.plugin, e))),
      ),
      tap({
        next: (m) => {
          // an error record from upstream only passes by
          if (!isErrorRecord(m) || m.node === node.id) timings?.emitted(node.id, isErrorRecord(m));
          observe?.(node.id, m);
        },
        // before the nodes downstream hear of it: the report is made when the sinks complete
        complete: () => {
          timings?.ended(node.id);
          releaseWorkers(node.id);
        },
        error: () => timings?.ended(node.id),
        unsubscribe: () => timings?.ended(node.id),
      }),
      resumed.has(node.id) ? skipResumed(resumed.get(node.id)!, resumeNote(node.id, container)) : (m) => m,
    );
    // Fan-out: every consumer must be subscribed before a source starts emitting.
    outputs.set(node.id, connectable(output, { connector: () => new Subject<Message>(), resetOnDisconnect: false }));
  }
  const sinks = validated.nodes.filter((n) => !outgoing.has(n.id));
  const result = merge(...sinks.map((n) => outputs.get(n.id)!));
  return new Observable<Message>((subscriber) => {
    const subscription = result.subscribe(subscriber);
    // Downstream first, sources last.
    for (const node of [...validated.nodes].reverse()) subscription.add(outputs.get(node.id)!.connect());
    return subscription;
  });
}

export interface RunReport {
  graph: string;
  /** Observations in the final results (a stack's runs, or datasets that reached a sink). */
  used: number[];
  /** Observations dropped along the way, with the node and the cause. */
  skipped: Array<{ obsId?: number; node: string; reason: string }>;
  /** Files written; `partial` for those written after the run was asked to finish early. */
  outputs: Array<{ path: string; description: string; partial?: boolean }>;
  /** The messages the sinks emitted (datasets, files, error records). */
  results: Message[];
  /** Final datasets emitted by any node (a stacker's complete stack), whether or not a sink emitted them. */
  finals: DatasetMessage[];
  /** What each node did and how long it took, in the graph's node order. */
  timings: NodeTiming[];
  /** The run was interrupted: asked to finish early (`finish`) or cancelled (`signal`). */
  cancelled: boolean;
  /**
   * It was asked to finish early: sources stopped taking runs, so its results hold only part of
   * its input (files written after the request are named `*.partial.*`, see `outputPath`).
   */
  partial: boolean;
  durationMs: number;
}

/**
 * Run a validated graph to completion (or until the run's signal aborts), resolving its services from `container`
 * (see runContainer).
 */
export function runGraph(validated: ValidatedGraph, container: Container): Promise<RunReport> {
  const clock = container.get<{ now(): number }>(TYPES.Clock);
  const started = clock.now();
  const results: Message[] = [];
  const finals: DatasetMessage[] = [];
  const { signal, finish: finishing, checkpoints } = container.get<RunContext>(TYPES.RunContext);
  const timings = new NodeTimings(validated.nodes);
  const writtenBy = new Map<Message, number>();
  const nodeIndex = new Map(validated.nodes.map((n, i) => [n.id, i]));
  return new Promise<RunReport>((resolve, reject) => {
    const finish = (cancelled: boolean) =>
      resolve(
        makeReport(validated, results, finals, writtenBy, timings.list(), clock.now() - started, {
          cancelled: cancelled || Boolean(finishing?.aborted),
          partial: Boolean(finishing?.aborted),
        }),
      );
    if (signal?.aborted) return finish(true);
    const observe = (node: string, m: Message) => {
      if (isDatasetMessage(m) && m.final && !finals.includes(m)) finals.push(m);
      if (m.kind === "file" && !writtenBy.has(m)) writtenBy.set(m, nodeIndex.get(node)!);
    };
    const subscription = graphStream(validated, container, observe, timings).subscribe({
      next: (m) => results.push(m),
      error: (e) => {
        signal?.removeEventListener("abort", onAbort);
        reject(e);
      },
      complete: () => {
        signal?.removeEventListener("abort", onAbort);
        // complete, not cut short: the next run of the same command starts afresh; cut short,
        // its checkpoints are kept for the resume, written before the run reports
        settleCheckpoints(finishing?.aborted ? checkpoints?.flush?.() : checkpoints?.clear()).then(() => finish(false));
      },
    });
    function onAbort() {
      subscription.unsubscribe();
      settleCheckpoints(checkpoints?.flush?.()).then(() => finish(true));
    }
    /** A checkpoint that could not be written loses a resume some runs, not the run: a warning. */
    function settleCheckpoints(pending: void | Promise<void> | undefined): Promise<void> {
      return Promise.resolve(pending).catch((error: unknown) =>
        container
          .get<Logger>(TYPES.Logger)
          .warn(`checkpoint not written (a resume redoes more runs): ${(error as Error)?.message ?? error}`),
      );
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function makeReport(
  validated: ValidatedGraph,
  results: Message[],
  finals: DatasetMessage[],
  writtenBy: Map<Message, number>,
  timings: NodeTiming[],
  durationMs: number,
  interrupted: Pick<RunReport, "cancelled" | "partial">,
): RunReport {
  // One record reaches every sink downstream of a fan-out: count it once.
  const errors = [...new Set(results.filter(isErrorRecord) as ErrorRecord[])];
  const datasets = results.filter(isDatasetMessage);
  const used = new Set<number>();
  for (const d of finals.length ? finals : datasets) for (const id of d.obsIds) used.add(id);
  // In the validated nodes' order (upstream first, see validateGraph), then as written: writers
  // that finish in any order (PNGs drawn off the main thread) are listed the same way every run.
  const files = results
    .filter((m): m is FileMessage => m.kind === "file")
    .sort((a, b) => (writtenBy.get(a) ?? 0) - (writtenBy.get(b) ?? 0));
  for (const f of files) for (const id of f.obsIds ?? []) used.add(id);
  return {
    graph: validated.graph.name ?? "graph",
    used: [...used].sort((a, b) => a - b),
    skipped: errors.map((e) => ({ obsId: e.obsId, node: e.node, reason: e.message })),
    outputs: files.map((f) => ({ path: f.path, description: f.description, ...(f.partial && { partial: true }) })),
    results,
    finals,
    timings,
    ...interrupted,
    durationMs,
  };
}
