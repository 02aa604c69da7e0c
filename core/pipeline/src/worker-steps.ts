// Worker steps: the per-run work of nodes right after a node that reduces each run in a worker
// (a safe mask after the map maker), done in that worker's task. The dataset then comes back to
// the main thread once, finished, and the main thread does not redo what the worker had at hand
// (with 2 workers on the 21 PKS 2155-304 runs the safe mask took 0.43 s of the main thread, 6×
// its time in process: the pixels' sky positions, cached in the worker, were computed again).
import type { MapDataset, Observation } from "@gammaflow/core";
import { importModule } from "./import-module.js";
import type { ValidatedGraph } from "./graph.js";
import { adjacency } from "./topology.js";

/** One node's step, as a host's worker task carries it (plain data: it crosses to the worker). */
export interface WorkerStep {
  /** The node whose work it is (error records name it). */
  node: string;
  /** The module exporting `runStep` (PluginDefinition.workerStep). */
  module: string;
  /** The node's params as its `create` would receive them (resolved). */
  params: unknown;
}

/** What a step module exports: the node's work on one run's dataset, returning the dataset it emits. */
export type RunStep = (dataset: MapDataset, observation: Observation, params: unknown) => MapDataset;

/** A step whose module has been imported. */
export interface LoadedStep {
  node: string;
  params: unknown;
  runStep: RunStep;
}

/** A step failed in the worker: the host's error record names the step's node instead of its own. */
export class StepFailure extends Error {
  constructor(
    readonly node: string,
    message: string,
  ) {
    super(message);
    this.name = "StepFailure";
  }
}

/** How a step's failure comes back from a worker (an Error's own fields would not survive the copy). */
export interface FailedStep {
  node: string;
  message: string;
}

/** The step modules this thread has imported, by URL (a task's steps are loaded for every task). */
const stepModules = new Map<string, Promise<{ runStep?: RunStep }>>();

/** Import the steps' modules (each once per thread). */
export async function loadWorkerSteps(steps: readonly WorkerStep[] = []): Promise<LoadedStep[]> {
  return Promise.all(
    steps.map(async ({ node, module, params }) => {
      let importing = stepModules.get(module);
      if (!importing) {
        importing = importModule(module) as Promise<{ runStep?: RunStep }>;
        stepModules.set(module, importing);
      }
      const loaded = await importing;
      if (typeof loaded.runStep !== "function")
        throw new Error(`node '${node}': its worker step module ${module} exports no runStep`);
      return { node, params, runStep: loaded.runStep };
    }),
  );
}

/**
 * The steps in order on `dataset`; a step that throws ends the chain with its node and cause
 * (`failed`), which the host turns back into a `StepFailure` on the main thread.
 */
export function applyWorkerSteps(
  steps: readonly LoadedStep[],
  dataset: MapDataset,
  observation: Observation,
): { dataset: MapDataset; failed?: FailedStep } {
  let current = dataset;
  for (const step of steps) {
    try {
      current = step.runStep(current, observation, step.params);
    } catch (error) {
      return { dataset: current, failed: { node: step.node, message: (error as Error)?.message ?? String(error) } };
    }
  }
  return { dataset: current };
}

/**
 * Which nodes' steps run in which host's worker tasks: a node with a `workerStep` joins the
 * chain of the node before it when that is a host (`hostsWorkerSteps`) or a node already in a
 * host's chain, it is that node's only consumer and that node its only input (a second consumer
 * would see the dataset without the step), and the pool `accepts` its module (WorkerPool.acceptsStep;
 * none without a pool). `fusedInto` maps each joined node to its host; `steps` lists each host's
 * chain in order.
 */
export function planWorkerSteps(
  validated: Pick<ValidatedGraph, "nodes" | "edges">,
  accepts: ((module: string) => boolean) | undefined,
): { steps: Map<string, WorkerStep[]>; fusedInto: Map<string, string> } {
  const steps = new Map<string, WorkerStep[]>();
  const fusedInto = new Map<string, string>();
  if (!accepts) return { steps, fusedInto };
  const { incoming, outgoing } = adjacency(validated.edges);
  const byId = new Map(validated.nodes.map((n) => [n.id, n]));
  // validated nodes come upstream first, so a chain's earlier links are placed before later ones
  for (const node of validated.nodes) {
    const module = node.definition.workerStep;
    const inputs = incoming.get(node.id) ?? [];
    if (!module || node.definition.ordered || inputs.length !== 1 || !accepts(module)) continue;
    const before = inputs[0].edge.from;
    if ((outgoing.get(before) ?? []).length !== 1) continue;
    const host = byId.get(before)?.definition.hostsWorkerSteps ? before : fusedInto.get(before);
    if (host === undefined) continue;
    fusedInto.set(node.id, host);
    steps.set(host, [...(steps.get(host) ?? []), { node: node.id, module, params: node.params }]);
  }
  return { steps, fusedInto };
}
