// Executors: where per-observation tasks run, behind one interface (`WorkerPool`), chosen at
// run time; a graph does not change. In process, in a pool of worker threads, or queued on Redis
// for `gammaflow worker` processes on any machine that sees the data.
import { PiscinaPool } from "../piscina-pool.js";
import { InProcessPool, type WorkerPool } from "../services.js";
import { BullMqExecutor } from "./bullmq-executor.js";

export const EXECUTORS = ["in-process", "pool", "bullmq"] as const;
export type ExecutorKind = (typeof EXECUTORS)[number];

export interface ExecutorOptions {
  /** Default: `pool` with `workers`, else `in-process`. */
  executor?: string;
  /** Worker threads of the pool. */
  workers?: number;
  /** The queue's Redis (bullmq). */
  redis?: string;
}

/** The executor the options ask for; a wrong combination is refused, naming the option. */
export function createExecutor(options: ExecutorOptions): WorkerPool {
  const kind = options.executor ?? (options.workers ? "pool" : "in-process");
  if (!(EXECUTORS as readonly string[]).includes(kind))
    throw new Error(`--executor must be one of ${EXECUTORS.join(", ")}, got '${kind}'`);
  if (options.redis !== undefined && kind !== "bullmq")
    throw new Error(`--redis is for --executor bullmq, not '${kind}'`);
  if (options.workers && kind !== "pool") throw new Error(`--workers is for --executor pool, not '${kind}'`);
  switch (kind as ExecutorKind) {
    case "in-process":
      return new InProcessPool();
    case "pool":
      return new PiscinaPool(options.workers || 1);
    case "bullmq":
      if (!options.redis) throw new Error("--executor bullmq needs --redis redis://HOST:PORT");
      return new BullMqExecutor({ redis: options.redis });
  }
}

export { BullMqExecutor, QUEUE_NAME, QUEUE_PREFIX, resultKey, type BullMqExecutorOptions } from "./bullmq-executor.js";
export { startQueueWorker, type QueueWorker, type QueueWorkerOptions } from "./bullmq-worker.js";
export { codeVersion, taskId, type QueuedTask } from "./queued-task.js";
export { REDIS_LOST_AFTER_MS } from "./redis-connection.js";
export { NOOP_TASK } from "./noop-task.js";
