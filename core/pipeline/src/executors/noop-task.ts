/** A task that does nothing (its payload back): timing it measures an executor's own cost per task. */
export function runTask(payload: unknown): unknown {
  return payload;
}

export const NOOP_TASK = new URL("./noop-task.js", import.meta.url).href;
