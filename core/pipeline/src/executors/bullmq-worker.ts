import { hostname } from "node:os";
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import { PiscinaPool } from "../piscina-pool.js";
import type { WorkerPool } from "../services.js";
import { QUEUE_NAME, QUEUE_PREFIX, resultKey } from "./bullmq-executor.js";
import type { ExecutorLost } from "./executor-lost.js";
import { encodeResult, resolvedSteps, resolveModuleRef, taskCodeVersion, type QueuedTask } from "./queued-task.js";
import { redisLabel, redisOptions, watchedRedis, withTimeout } from "./redis-connection.js";

export interface QueueWorkerOptions {
  /** redis://HOST:PORT */
  redis: string;
  /** Jobs run at once, each in a worker thread (default 1). */
  concurrency?: number;
  /** A job whose worker stops renewing its lock this long (died) goes to another worker (ms). */
  lockDurationMs?: number;
  /** How long a result waits in Redis for its coordinator (ms, default a day). */
  resultTtlMs?: number;
  lostAfterMs?: number;
  /** Runs the tasks (default: a piscina pool of `concurrency` threads, so the lock renewals never wait). */
  pool?: WorkerPool;
  log?: (line: string) => void;
}

export interface QueueWorker {
  /** `host:pid`, as the worker's messages name it. */
  readonly name: string;
  /** Rejects with `ExecutorLost` when Redis is lost; resolves after `close`. */
  readonly stopped: Promise<void>;
  /** Finish the jobs in hand, take no more. */
  close(): Promise<void>;
}

/**
 * A worker of distributed runs (`gammaflow worker`): it takes jobs from the queue, runs each
 * one's task (the same per-observation task a worker thread runs), and leaves the result in
 * Redis for the coordinator. A job queued by other code is refused, with both versions named.
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`--concurrency must be a positive integer, got ${concurrency}`);
  const name = `${hostname()}:${process.pid}`;
  const log = options.log ?? (() => {});
  let onLost: (error: ExecutorLost) => void = () => {};
  const lost = new Promise<never>((_, reject) => {
    onLost = reject;
  });
  lost.catch(() => {});
  const control = watchedRedis(options.redis, (error) => onLost(error), options.lostAfterMs);
  await control.ready;
  const pool = options.pool ?? new PiscinaPool(concurrency);
  const lockDuration = options.lockDurationMs ?? 10_000;
  const processJob = async (job: Job<QueuedTask>) => {
    const task = job.data;
    const what = `job ${job.id}${task.obsId === undefined ? "" : ` (obs ${task.obsId})`}`;
    const module = resolveModuleRef(task.module); // a package of ours, installed here, or a clear refusal
    const steps = resolvedSteps(task);
    const mine = taskCodeVersion(task);
    if (task.codeVersion !== mine)
      throw new UnrecoverableError(
        `worker ${name} runs gammaflow code ${mine}, but ${what} was queued by code ${task.codeVersion}: ` +
          "run the same gammaflow build on the coordinator and every worker",
      );
    const started = Date.now();
    log(`${what} started (attempt ${job.attemptsMade + 1})`);
    const result = await pool.run({ module, payload: task.payload, steps });
    const bytes = encodeResult(result);
    await control.client.set(resultKey(job.id!), bytes, "PX", options.resultTtlMs ?? 86_400_000);
    log(`${what} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { bytes: bytes.length, worker: name };
  };
  const worker = new Worker<QueuedTask>(QUEUE_NAME, processJob, {
    connection: redisOptions(options.redis, options.lostAfterMs) as ConnectionOptions,
    prefix: QUEUE_PREFIX,
    concurrency,
    lockDuration,
    stalledInterval: lockDuration / 2,
    maxStalledCount: 2,
  });
  worker.on("error", () => {}); // the watch reports a lost Redis, once and clearly
  worker.on("failed", (job, error) => log(`job ${job?.id} failed on attempt ${job?.attemptsMade}: ${error.message}`));
  // Let go of Redis and the threads; with Redis gone, BullMQ's own closing could wait for ever.
  // The watch goes on while the jobs in hand finish: Redis lost then still ends the worker.
  const release = async (force: boolean) => {
    const closing = withTimeout(worker.close(force), force ? 1000 : 60_000, () => new Error("closing"));
    await closing.catch(() => void worker.disconnect().catch(() => {}));
    control.stop();
    if (!options.pool) await pool.close();
    control.client.disconnect();
  };
  let closing: Promise<void> | undefined;
  let onClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    onClosed = resolve;
  });
  const close = () => (closing ??= release(false).then(onClosed));
  lost.catch(() => {
    closing ??= release(true);
  });
  const stopped = Promise.race([lost, closed]);
  await worker.waitUntilReady();
  log(
    `worker ${name}: taking jobs from ${redisLabel(options.redis)} (queue ${QUEUE_PREFIX}:${QUEUE_NAME}, ` +
      `${concurrency} at once)`,
  );
  return { name, stopped, close };
}
