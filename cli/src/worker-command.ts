import type { Interrupts } from "./interrupts.js";
import { EXIT_CODES } from "./outcome.js";

/**
 * `gammaflow worker --redis URL [--concurrency N]`: run the queued jobs of distributed runs
 * (`gammaflow run --executor bullmq`) until SIGINT/SIGTERM (the jobs in hand finish first) or
 * until Redis is lost (a clear error, exit code 1).
 */
export async function workerCommand(
  options: { redis: string; concurrency: number },
  interrupts: Interrupts,
): Promise<number> {
  // loaded here, not with the other commands: the queue's clients take ~0.3 s to load
  const { startQueueWorker } = await import("@gammaflow/pipeline/node");
  const signals = interrupts.startRun("no new jobs are taken, the jobs in hand complete");
  const worker = await startQueueWorker({
    redis: options.redis,
    concurrency: options.concurrency,
    log: (line) => console.log(line),
  });
  signals.finish.addEventListener("abort", () => void worker.close(), { once: true });
  try {
    await worker.stopped;
    return interrupts.exitCode ?? 0;
  } catch (error) {
    console.error(`error: worker ${worker.name}: ${(error as Error).message}`);
    return EXIT_CODES.failed;
  } finally {
    signals.end();
  }
}
