import { Piscina } from "piscina";
import type { WorkerPool, WorkerTask } from "./services.js";

const WORKER_ENTRY = new URL("./pipeline-worker.js", import.meta.url).href;

/**
 * A piscina pool of `size` worker threads. Each task names a module exporting `runTask`;
 * results come back by transfer (the worker moves the result's buffers), not by copy.
 */
export class PiscinaPool implements WorkerPool {
  private readonly piscina: Piscina;
  /** Tasks given and not yet settled. */
  private pending = 0;
  private waiting: Array<() => void> = [];
  private closing?: Promise<void>;
  /** Tasks it takes before a source must wait: one running and one queued per worker. */
  readonly room: number;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`PiscinaPool: size must be a positive integer, got ${size}`);
    this.piscina = new Piscina({ filename: WORKER_ENTRY, minThreads: size, maxThreads: size, idleTimeout: 60_000 });
    this.room = 2 * size;
  }

  run<T>(task: WorkerTask): Promise<T> {
    this.pending++;
    const result = this.piscina.run(
      { module: task.module, payload: task.payload },
      { transferList: task.transfer },
    ) as Promise<T>;
    return result.finally(() => {
      this.pending--;
      if (this.pending < this.room) for (const wake of this.waiting.splice(0)) wake();
    });
  }

  ready(): Promise<void> | undefined {
    if (this.pending < this.room) return undefined;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The threads go as soon as no node needs them (see WorkerPool.release). */
  release(): Promise<void> {
    return this.close();
  }

  close(): Promise<void> {
    this.closing ??= this.piscina.destroy();
    return this.closing;
  }
}
