import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { BackgroundDraws, EventSamplingHelper, HelperEvents } from "../datasets/background-events.js";
import { geomToPortable } from "../datasets/portable.js";
import { ScratchArena } from "../random/scratch-arena.js";
import type { SampledColumns } from "../datasets/event-sampler.js";
import type { HelperJob, Prefault } from "./sampling-thread-worker.js";

const WORKER = new URL("./sampling-thread-worker.js", import.meta.url);

/**
 * The states of a job's flag (its word 0; word 1 holds the kept count, word 2 the µs the thread
 * wrote for, word 3 the µs from the job's posting to its end).
 */
export const JOB_PENDING = 0;
export const JOB_DONE = 1;
export const JOB_FAILED = 2;

/**
 * A helper's wait for its thread, at least this long (then the caller writes the events itself and
 * the thread is no longer used); longer for a larger job: 50 times what the caller's share took.
 */
const MIN_WAIT_MS = 2000;

/**
 * The Node `EventSamplingHelper`: one worker thread, started at the first call (and shared by
 * every sampler of the process), that writes part of each large background (1e6 events: ~200 →
 * ~100–110 ms on two cores). It is ready once the thread has loaded its modules (0.1–0.35 s): samplings
 * before then are the caller's alone. The thread does not keep the process alive. With one core
 * to run on (`os.availableParallelism()`: a batch job's allocation, a container's CPU set) no
 * thread is started: it would only take turns with the caller.
 */
export function eventSamplingThread(cores = availableParallelism()): EventSamplingHelper {
  if (cores < 2) return NO_HELPER;
  try {
    helper ??= new SamplingThread();
  } catch {
    // no thread to be had (a thread limit, memory): the caller samples alone, as on one core
    return NO_HELPER;
  }
  return helper;
}

let helper: SamplingThread | undefined;

/** A helper that is never ready (one core, or no thread could start): the caller writes every event. */
const NO_HELPER: EventSamplingHelper = {
  ready: () => false,
  begin() {},
  doubles: (length) => new Float64Array(length),
  ints: (length) => new Int32Array(length),
  columns: (names, length) => Object.fromEntries(names.map((name) => [name, new Float64Array(length)])),
  start() {
    throw new Error("eventSamplingThread: no thread (one core, or none could start)");
  },
};

class SamplingThread implements EventSamplingHelper {
  private readonly worker: Worker;
  /** Set by the thread once it listens (shared memory: seen without the event loop turning). */
  private readonly loaded = new Int32Array(new SharedArrayBuffer(4));
  private broken = false;

  constructor() {
    this.worker = new Worker(WORKER, { workerData: { loaded: this.loaded } });
    this.worker.unref();
    this.worker.on("error", () => {
      this.broken = true;
    });
    this.worker.on("exit", () => {
      this.broken = true;
    });
  }

  ready(): boolean {
    return !this.broken && Atomics.load(this.loaded, 0) === 1;
  }

  /** The draws' shared memory, handed out again at each sampling. */
  private readonly arena = new ScratchArena(true);

  begin(): void {
    this.arena.begin();
  }

  doubles(length: number): Float64Array {
    return this.arena.doubles(length);
  }

  ints(length: number): Int32Array {
    return this.arena.ints(length);
  }

  /** Set to stop the thread making the pages of the last `columns` (their sampling's first job is posted). */
  private prefaultStop?: Int32Array;

  columns(names: readonly string[], length: number): SampledColumns {
    const columns: SampledColumns = {};
    for (const name of names) columns[name] = new Float64Array(new SharedArrayBuffer(8 * length));
    this.prefaultStop = new Int32Array(new SharedArrayBuffer(4));
    const prefault: Prefault = { prefault: Object.values(columns), stop: this.prefaultStop };
    this.worker.postMessage(prefault);
    return columns;
  }

  start(draws: BackgroundDraws, out: SampledColumns, at: number, from: number, to: number) {
    if (this.prefaultStop) Atomics.store(this.prefaultStop, 0, 1);
    const flag = new Int32Array(new SharedArrayBuffer(16));
    const { geom, target, ...arrays } = draws;
    const job: HelperJob = {
      draws: { ...arrays, geom: geomToPortable(geom), target: geomToPortable(target) },
      // its own columns (a plain one would be copied over, and written to in vain)
      out: Object.fromEntries(Object.entries(out).filter(([, column]) => column.buffer instanceof SharedArrayBuffer)),
      at,
      from,
      to,
      flag,
      postedAt: performance.timeOrigin + performance.now(),
    };
    this.worker.postMessage(job);
    return {
      join: (callerMs: number): HelperEvents | undefined => {
        Atomics.wait(flag, 0, JOB_PENDING, Math.max(MIN_WAIT_MS, 50 * callerMs));
        if (Atomics.load(flag, 0) === JOB_DONE)
          return {
            kept: Atomics.load(flag, 1),
            ms: Atomics.load(flag, 2) / 1000,
            spanMs: Atomics.load(flag, 3) / 1000,
          };
        // failed (the caller's own writing then throws the error, if it is the data's) or lost
        this.broken = true;
        return undefined;
      },
    };
  }
}
