// A piscina worker: imports a task's module (once) and runs its `runTask`. The ArrayBuffers a
// result lists in its `transfer` field are moved to the main thread, not copied.
import { getHeapStatistics } from "node:v8";
import { workerData } from "node:worker_threads";
import { move, transferableSymbol, valueSymbol } from "piscina";
import { collectGarbage } from "./collect-garbage.js";
import { loadWorkerSteps, type LoadedStep, type WorkerStep } from "./worker-steps.js";

type TaskModule = { runTask(payload: unknown, steps: LoadedStep[]): unknown };
const modules = new Map<string, Promise<TaskModule>>();
// The pool's preload list: imported now, while the thread waits for its first task.
for (const module of (workerData as { preload?: string[] } | undefined)?.preload ?? []) {
  const loading = import(module) as Promise<TaskModule>;
  loading.catch(() => undefined); // a failed import is the task's to report, when one names it
  modules.set(module, loading);
}

export default async function run(task: { module: string; payload: unknown; steps?: WorkerStep[] }): Promise<unknown> {
  // The previous task's result is posted (its buffers moved): what it left behind is garbage.
  collectIfDue();
  const { module, payload } = task;
  let loaded = modules.get(module);
  if (!loaded) {
    loaded = import(module) as Promise<TaskModule>;
    modules.set(module, loaded);
  }
  const result = await (await loaded).runTask(payload, await loadWorkerSteps(task.steps));
  return moveBuffers(result);
}

/**
 * External memory (ArrayBuffers) a worker may hold above what it held after its last full
 * collection before the next task starts with one. A task leaves its run's files, events and
 * IRFs behind as external memory, 25–65 MiB, which V8 collects on its own only once tens of
 * MiB of it have piled up; so the peak would grow with the number of runs. A collection before
 * every task held it as well, but cost 13–54 ms a task (28 on average: 0.6 s of the 21
 * PKS 2155-304 runs with one worker, a fifth of the worker's time) and left 35–60 MiB anyway;
 * with this budget there a worker collected once. What V8 holds in a worker stays bounded
 * (heap ~28 MiB, external 16–33 MiB through the 105 H.E.S.S. DR1 runs); what made the process
 * grow with 2 workers was each run's cache entries made from its IRFs, dropped by the task
 * itself since 2026-12-07 (map-dataset-maker's worker-task.ts, `withRunScope`).
 */
const EXTERNAL_BUDGET = 48 * 2 ** 20;
let externalAfterCollection: number | undefined;

/**
 * A full collection when the external memory has grown past the budget since the last (none
 * before the first task). The entries of the worker's compute cache keyed by a run's IRFs go
 * with the run (their FinalizationRegistry callback).
 */
function collectIfDue(): void {
  const external = getHeapStatistics().external_memory;
  if (externalAfterCollection === undefined) {
    externalAfterCollection = external;
  } else if (external > externalAfterCollection + EXTERNAL_BUDGET) {
    collectGarbage();
    externalAfterCollection = getHeapStatistics().external_memory;
  }
}

/** Move, not copy, the buffers the result lists in `transfer`. */
function moveBuffers(result: unknown): unknown {
  const listed = (result as { transfer?: unknown } | null)?.transfer;
  if (!Array.isArray(listed) || listed.length === 0) return result;
  return move({
    [transferableSymbol]: listed,
    [valueSymbol]: { ...(result as object), transfer: undefined },
  } as unknown as ArrayBuffer);
}
