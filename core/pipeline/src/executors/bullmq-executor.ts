import { Queue, QueueEvents, type ConnectionOptions } from "bullmq";
import type { WorkerPool, WorkerTask } from "../services.js";
import type { ExecutorLost } from "./executor-lost.js";
import { decodeResult, isQueueableModule, queuedTask, taskId, type QueuedTask } from "./queued-task.js";
import { redisLabel, redisOptions, watchedRedis, withTimeout } from "./redis-connection.js";

/** The queue's name and its keys' prefix in Redis (coordinator and workers must agree). */
export const QUEUE_NAME = "reduce";
export const QUEUE_PREFIX = "gammaflow";

/** Where a worker leaves a job's result (bytes, see `encodeResult`) for the coordinator. */
export function resultKey(jobId: string): string {
  return `${QUEUE_PREFIX}:${QUEUE_NAME}:result:${jobId}`;
}

export interface BullMqExecutorOptions {
  /** redis://HOST:PORT */
  redis: string;
  /** Jobs queued and not yet back at a time (the run takes twice as many observations in flight). */
  inFlight?: number;
  /** Attempts of a job before it fails (an error record of its observation). */
  attempts?: number;
  /** The first retry's delay (ms); each next one waits twice as long. */
  backoffMs?: number;
  lostAfterMs?: number;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * The executor of a distributed run: each task becomes a BullMQ job (file references and
 * configuration, under a hash of them as its id), run by `gammaflow worker` processes anywhere
 * that see the data; its result comes back through Redis. Delivery is at least once (a job may
 * run twice after a worker dies); the id makes it one result. Redis unreachable or lost fails
 * every task in flight with `ExecutorLost` within seconds.
 */
export class BullMqExecutor implements WorkerPool {
  readonly size: number;
  private readonly queue: Queue;
  private events?: QueueEvents;
  private readonly control: ReturnType<typeof watchedRedis>;
  private readonly connected: Promise<void>;
  private readonly waiters = new Map<string, Waiter[]>();
  private lost?: ExecutorLost;

  constructor(private readonly options: BullMqExecutorOptions) {
    this.size = options.inFlight ?? 64;
    if (!Number.isInteger(this.size) || this.size < 1)
      throw new Error(`BullMqExecutor: inFlight must be a positive integer, got ${this.size}`);
    // bullmq types ioredis's options on its own; they are ioredis's
    const connection = redisOptions(options.redis, options.lostAfterMs) as ConnectionOptions;
    this.control = watchedRedis(options.redis, (error) => this.lose(error), options.lostAfterMs);
    this.queue = new Queue(QUEUE_NAME, { connection, prefix: QUEUE_PREFIX });
    this.queue.on("error", () => {}); // the watch reports a lost Redis, once and clearly
    this.connected = this.connect(connection);
    this.connected.catch(() => {}); // reported by each run()
  }

  private async connect(connection: ConnectionOptions): Promise<void> {
    await this.control.ready;
    await this.queue.waitUntilReady();
    // Listen from the stream's current end, so no event after this moment is missed.
    const last = (await this.control.client.xrevrange(`${QUEUE_PREFIX}:${QUEUE_NAME}:events`, "+", "-", "COUNT", 1))[0];
    const events = new QueueEvents(QUEUE_NAME, { connection, prefix: QUEUE_PREFIX, lastEventId: last?.[0] ?? "0-0" });
    events.on("error", () => {});
    events.on("completed", ({ jobId }) => this.settle(jobId));
    events.on("failed", ({ jobId, failedReason }) => void this.fail(jobId, failedReason));
    this.events = events;
    await events.waitUntilReady();
  }

  /** A step runs in the queue's workers when its module is in a @gammaflow/* package (as tasks are). */
  acceptsStep(module: string): boolean {
    return isQueueableModule(module);
  }

  async run<T>(task: WorkerTask): Promise<T> {
    await this.connected;
    if (this.lost) throw this.lost;
    const data = queuedTask(task);
    const id = taskId(data);
    const done = this.waitFor(id);
    await this.submit(id, data);
    await done;
    const bytes = await this.control.client.getBuffer(resultKey(id));
    if (!bytes)
      throw new Error(`the result of job ${id} is gone from Redis (expired, or taken by another coordinator)`);
    await this.control.client.del(resultKey(id));
    return decodeResult<T>(bytes);
  }

  /** Queue the job, unless its result is there already (a resumed run) or it is queued or running. */
  private async submit(id: string, data: QueuedTask): Promise<void> {
    if (await this.control.client.exists(resultKey(id))) return this.settle(id);
    const previous = await this.queue.getJob(id);
    // A failed job of an earlier run is tried again; one waiting or running is waited for.
    if (previous && (await previous.isFailed())) await previous.remove();
    await this.queue.add("reduce", data, {
      jobId: id,
      attempts: this.options.attempts ?? 3,
      backoff: { type: "exponential", delay: this.options.backoffMs ?? 1000 },
      removeOnComplete: true,
      removeOnFail: false,
    });
  }

  private waitFor(id: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const list = this.waiters.get(id) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(id, list);
    });
  }

  private settle(id: string, error?: Error): void {
    const list = this.waiters.get(id);
    if (!list) return;
    this.waiters.delete(id);
    for (const waiter of list) error ? waiter.reject(error) : waiter.resolve();
  }

  private async fail(id: string, reason: string): Promise<void> {
    if (!this.waiters.has(id)) return;
    const job = await this.queue.getJob(id).catch(() => undefined);
    const attempts = job ? ` after ${job.attemptsMade} attempt${job.attemptsMade === 1 ? "" : "s"}` : "";
    this.settle(id, new Error(`queued job ${id} failed${attempts}: ${reason}`));
  }

  private lose(error: ExecutorLost): void {
    if (this.lost) return;
    this.lost = error;
    for (const id of [...this.waiters.keys()]) this.settle(id, error);
  }

  async close(): Promise<void> {
    this.control.stop();
    const closing = Promise.allSettled([this.queue.close(), this.events?.close()]);
    // with Redis gone, closing would wait for it: let go after a moment
    await withTimeout(closing, 1000, () => new Error("closing")).catch(() => {
      void this.queue.disconnect();
      void this.events?.disconnect();
    });
    this.control.client.disconnect();
  }

  toString(): string {
    return `BullMQ queue '${QUEUE_NAME}' at ${redisLabel(this.options.redis)}`;
  }
}
