// Choosing an executor: this module loads only the one asked for (the queue's clients, bullmq and
// ioredis, took ~0.1 s of a pool run's start-up when they came with the pool).
import { InProcessPool, type WorkerPool } from "../services.js";

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

/** The kind of executor the options ask for; a wrong combination is refused, naming the option. */
export function executorKind(options: ExecutorOptions): ExecutorKind {
  const kind = options.executor ?? (options.workers ? "pool" : "in-process");
  if (!(EXECUTORS as readonly string[]).includes(kind))
    throw new Error(`--executor must be one of ${EXECUTORS.join(", ")}, got '${kind}'`);
  if (options.redis !== undefined && kind !== "bullmq")
    throw new Error(`--redis is for --executor bullmq, not '${kind}'`);
  if (options.workers && kind !== "pool") throw new Error(`--workers is for --executor pool, not '${kind}'`);
  if (kind === "bullmq" && !options.redis) throw new Error("--executor bullmq needs --redis redis://HOST:PORT");
  return kind as ExecutorKind;
}

/** The executor the options ask for (see `executorKind`), its module loaded only then. */
export async function createExecutor(options: ExecutorOptions): Promise<WorkerPool> {
  switch (executorKind(options)) {
    case "in-process":
      return new InProcessPool();
    case "pool": {
      const { PiscinaPool, takePrestartedPool } = await import("../piscina-pool.js");
      const size = options.workers || 1;
      return takePrestartedPool(size) ?? new PiscinaPool(size);
    }
    case "bullmq": {
      const { BullMqExecutor } = await import("./bullmq-executor.js");
      return new BullMqExecutor({ redis: options.redis! });
    }
  }
}
