import { Piscina } from "piscina";
import type { WorkerPool, WorkerTask } from "./services.js";

const WORKER_ENTRY = new URL("./pipeline-worker.js", import.meta.url).href;

/**
 * A piscina pool of `size` worker threads. Each task names a module exporting `runTask`;
 * results come back by transfer (the worker moves the result's buffers), not by copy.
 */
export class PiscinaPool implements WorkerPool {
  private readonly piscina: Piscina;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`PiscinaPool: size must be a positive integer, got ${size}`);
    this.piscina = new Piscina({ filename: WORKER_ENTRY, minThreads: size, maxThreads: size, idleTimeout: 60_000 });
  }

  run<T>(task: WorkerTask): Promise<T> {
    return this.piscina.run(
      { module: task.module, payload: task.payload },
      { transferList: task.transfer },
    ) as Promise<T>;
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}
