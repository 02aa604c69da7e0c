// A piscina worker: imports a task's module (once) and runs its `runTask`. The ArrayBuffers a
// result lists in its `transfer` field are moved to the main thread, not copied.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { move, transferableSymbol, valueSymbol } from "piscina";

const modules = new Map<string, Promise<{ runTask(payload: unknown): unknown }>>();
let tasksRun = 0;

export default async function run({ module, payload }: { module: string; payload: unknown }): Promise<unknown> {
  // The previous task's result is posted (its buffers moved): what it left behind is garbage.
  if (tasksRun++ > 0) collect();
  let loaded = modules.get(module);
  if (!loaded) {
    loaded = import(module) as Promise<{ runTask(payload: unknown): unknown }>;
    modules.set(module, loaded);
  }
  const result = await (await loaded).runTask(payload);
  return moveBuffers(result);
}

/**
 * A full collection between tasks. A task leaves its run's files, events and IRFs behind as
 * external memory (ArrayBuffers), which V8 collects only once tens of MiB of it have piled
 * up: a worker that had run a few tasks held ~40 MiB more than after its first, so the peak
 * grew with the number of runs (24 runs: 1.22× the 4 runs' peak with 2 workers; 1.09× with
 * this). It costs a few ms against a task's hundreds. The entries of the worker's compute
 * cache keyed by a run's IRFs go with them (their FinalizationRegistry callback).
 */
const collect: () => void = (() => {
  setFlagsFromString("--expose-gc");
  // a context made after the flag has `gc`; the worker's own global does not
  return runInNewContext("gc") as () => void;
})();

/** Move, not copy, the buffers the result lists in `transfer`. */
function moveBuffers(result: unknown): unknown {
  const listed = (result as { transfer?: unknown } | null)?.transfer;
  if (!Array.isArray(listed) || listed.length === 0) return result;
  return move({
    [transferableSymbol]: listed,
    [valueSymbol]: { ...(result as object), transfer: undefined },
  } as unknown as ArrayBuffer);
}
