import { catchError, connect, connectable, EMPTY, filter, merge, Observable, Subject, tap, throwError, type Connectable } from "rxjs";
import { isErrorRecord, type DatasetMessage, type ErrorRecord, type FileMessage, type Message } from "./messages.js";
import { restoreOrder } from "./order.js";
import { createContainer, servicesFrom, type ServiceBindings, type Services } from "./services.js";
import type { ValidatedGraph } from "./graph.js";
import { datasetOptionsFromSpec, geomFromSpec } from "./specs.js";

/** The services of one run of a graph: its inputs (geometry, dataset options, data store) in the run context. */
export function runServices(validated: ValidatedGraph, bindings: ServiceBindings): Services {
  const inputs = validated.graph.inputs ?? {};
  const run = {
    ...bindings.run,
    geom: inputs.geom ? geomFromSpec(inputs.geom) : bindings.run?.geom,
    dataset: inputs.dataset ? datasetOptionsFromSpec(inputs.dataset) : bindings.run?.dataset,
    dataStore: inputs.dataStore ? bindings.data.resolve(inputs.dataStore) : bindings.run?.dataStore,
    inputs: { geom: inputs.geom, dataset: inputs.dataset },
  };
  return servicesFrom(createContainer({ ...bindings, run }));
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
 */
export function graphStream(validated: ValidatedGraph, services: Services, observe?: (nodeId: string, message: Message) => void): Observable<Message> {
  const outputs = new Map<string, Connectable<Message>>();
  for (const node of validated.nodes) {
    const upstream = validated.edges.filter((e) => e.to === node.id).map((e) => outputs.get(e.from)!);
    const input = upstream.length ? merge(...upstream) : EMPTY;
    const operator = node.definition.create(node.params, { nodeId: node.id, services });
    const ordered = node.definition.ordered ? input.pipe(restoreOrder()) : input;
    const output = ordered.pipe(
      connect((shared) => merge(shared.pipe(filter(isErrorRecord)), shared.pipe(filter((m) => !isErrorRecord(m)), operator))),
      catchError((e: unknown) => throwError(() => (e instanceof NodeFailure ? e : new NodeFailure(node.id, node.plugin, e)))),
      tap((m) => observe?.(node.id, m)),
    );
    // Fan-out: every consumer must be subscribed before a source starts emitting.
    outputs.set(node.id, connectable(output, { connector: () => new Subject<Message>(), resetOnDisconnect: false }));
  }
  const sinks = validated.nodes.filter((n) => !validated.edges.some((e) => e.from === n.id));
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
  outputs: Array<{ path: string; description: string }>;
  /** The messages the sinks emitted (datasets, files, error records). */
  results: Message[];
  /** Final datasets emitted by any node (a stacker's complete stack), whether or not a sink emitted them. */
  finals: DatasetMessage[];
  cancelled: boolean;
  durationMs: number;
}

/** Run a validated graph to completion (or until `services.run.signal` aborts). */
export function runGraph(validated: ValidatedGraph, services: Services): Promise<RunReport> {
  const started = services.clock.now();
  const results: Message[] = [];
  const finals: DatasetMessage[] = [];
  const signal = services.run.signal;
  return new Promise<RunReport>((resolve, reject) => {
    const finish = (cancelled: boolean) => resolve(makeReport(validated, results, finals, cancelled, services.clock.now() - started));
    if (signal?.aborted) return finish(true);
    const keepFinal = (_node: string, m: Message) => {
      if (m.kind === "dataset" && m.final && !finals.includes(m)) finals.push(m);
    };
    const subscription = graphStream(validated, services, keepFinal).subscribe({
      next: (m) => results.push(m),
      error: (e) => {
        signal?.removeEventListener("abort", onAbort);
        reject(e);
      },
      complete: () => {
        signal?.removeEventListener("abort", onAbort);
        finish(false);
      },
    });
    function onAbort() {
      subscription.unsubscribe();
      finish(true);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function makeReport(validated: ValidatedGraph, results: Message[], finals: DatasetMessage[], cancelled: boolean, durationMs: number): RunReport {
  // One record reaches every sink downstream of a fan-out: count it once.
  const errors = [...new Set(results.filter(isErrorRecord) as ErrorRecord[])];
  const datasets = results.filter((m): m is DatasetMessage => m.kind === "dataset");
  const used = new Set<number>();
  for (const d of finals.length ? finals : datasets) for (const id of d.obsIds) used.add(id);
  const files = results.filter((m): m is FileMessage => m.kind === "file");
  for (const f of files) for (const id of f.obsIds ?? []) used.add(id);
  return {
    graph: validated.graph.name ?? "graph",
    used: [...used].sort((a, b) => a - b),
    skipped: errors.map((e) => ({ obsId: e.obsId, node: e.node, reason: e.message })),
    outputs: files.map((f) => ({ path: f.path, description: f.description })),
    results,
    finals,
    cancelled,
    durationMs,
  };
}
