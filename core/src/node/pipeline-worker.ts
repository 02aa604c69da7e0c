// A piscina worker: imports a task's module (once) and runs its `runTask`. Typed arrays in
// the result are moved to the main thread. Importing ./index.js registers node:fs file access.
import { move, transferableSymbol, valueSymbol } from "piscina";
import "./index.js";

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

/**
 * Move, not copy, the result's buffers: those it lists in `transfer`, else those of its typed
 * arrays (top level or one level down).
 */
function moveBuffers(result: unknown): unknown {
  const listed = (result as { transfer?: unknown } | null)?.transfer;
  const views = ArrayBuffer.isView(result) ? [result] : result && typeof result === "object" ? Object.values(result).filter((v) => ArrayBuffer.isView(v)) : [];
  const candidates = Array.isArray(listed) ? listed : views.map((v) => (v as ArrayBufferView).buffer);
  const buffers = [...new Set(candidates)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  if (!buffers.length) return result;
  const value = Array.isArray(listed) ? { ...(result as object), transfer: undefined } : result;
  return move({ [transferableSymbol]: buffers, [valueSymbol]: value } as unknown as ArrayBuffer);
}
