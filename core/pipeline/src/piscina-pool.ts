import { Piscina } from "piscina";
import type { WorkerPool, WorkerTask } from "./services.js";

const WORKER_ENTRY = new URL("./pipeline-worker.js", import.meta.url).href;
// Shared by every copy of this module in the process (the bundled CLI's launcher has its own).
const PRESTARTED = Symbol.for("gammaflow.prestartedPool");

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

  /** `preload`: modules (URLs) each thread imports as it starts, before its first task names them. */
  constructor(
    readonly size: number,
    preload: readonly string[] = [],
  ) {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`PiscinaPool: size must be a positive integer, got ${size}`);
    this.piscina = new Piscina({
      filename: WORKER_ENTRY,
      minThreads: size,
      maxThreads: size,
      idleTimeout: 60_000,
      workerData: { preload },
    });
    this.room = 2 * size;
  }

  /** A worker thread imports any step module. */
  acceptsStep(): boolean {
    return true;
  }

  run<T>(task: WorkerTask): Promise<T> {
    this.pending++;
    const result = this.piscina.run(
      { module: task.module, payload: task.payload, steps: task.steps },
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

/**
 * Start a pool of `size` threads now, for the `createExecutor` to come (`takePrestartedPool`):
 * the bundled CLI's launcher does so before its commands load, so that the threads start and
 * import the task modules (`preload`) while the main thread loads its own (~0.15 s of a run).
 */
export function prestartPool(size: number, preload: readonly string[] = []): void {
  (globalThis as Record<symbol, unknown>)[PRESTARTED] = new PiscinaPool(size, preload);
}

/** The prestarted pool if it has `size` threads (else it is closed and undefined). */
export function takePrestartedPool(size: number): PiscinaPool | undefined {
  const slot = globalThis as Record<symbol, PiscinaPool | undefined>;
  const pool = slot[PRESTARTED];
  slot[PRESTARTED] = undefined;
  if (pool?.size === size) return pool;
  void pool?.close();
  return undefined;
}
