// Executors: where per-observation tasks run, behind one interface (`WorkerPool`), chosen at
// run time; a graph does not change. In process, in a pool of worker threads, or queued on Redis
// for `gammaflow worker` processes on any machine that sees the data.
export { createExecutor, executorKind, EXECUTORS, type ExecutorKind, type ExecutorOptions } from "./create.js";
export { BullMqExecutor, QUEUE_NAME, QUEUE_PREFIX, resultKey, type BullMqExecutorOptions } from "./bullmq-executor.js";
export { startQueueWorker, type QueueWorker, type QueueWorkerOptions } from "./bullmq-worker.js";
export { codeVersion, taskId, type QueuedTask } from "./queued-task.js";
export { REDIS_LOST_AFTER_MS } from "./redis-connection.js";
export { NOOP_TASK } from "./noop-task.js";
