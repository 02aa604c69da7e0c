// A piscina worker: imports a task's module (once) and runs its `runTask`. The ArrayBuffers a
// result lists in its `transfer` field are moved to the main thread, not copied.
import { move, transferableSymbol, valueSymbol } from "piscina";

const modules = new Map<string, Promise<{ runTask(payload: unknown): unknown }>>();

export default async function run({ module, payload }: { module: string; payload: unknown }): Promise<unknown> {
  let loaded = modules.get(module);
  if (!loaded) {
    loaded = import(module) as Promise<{ runTask(payload: unknown): unknown }>;
    modules.set(module, loaded);
  }
  const result = await (await loaded).runTask(payload);
  return moveBuffers(result);
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
