// The thread of `eventSamplingThread`: writes the background events of the jobs it is sent.
import { parentPort, workerData } from "node:worker_threads";
import { type BackgroundDraws, writeBackgroundEvents } from "../datasets/background-events.js";
import type { SampledColumns } from "../datasets/event-sampler.js";
import { geomFromPortable, type PortableGeom } from "../datasets/portable.js";
import { JOB_DONE, JOB_FAILED } from "./sampling-thread.js";

/** One job: the events [from, to) of `draws` into `out` from row `at` (all arrays in shared memory). */
export interface HelperJob {
  draws: Omit<BackgroundDraws, "geom" | "target"> & { geom: PortableGeom; target: PortableGeom };
  out: SampledColumns;
  at: number;
  from: number;
  to: number;
  /** Word 0: the job's state (JOB_DONE, JOB_FAILED), word 1: the events kept, words 2, 3: µs (sampling-thread.ts). */
  flag: Int32Array;
  /** When the job was posted (performance.timeOrigin + performance.now() of the poster, ms). */
  postedAt: number;
}

/** A sampling's output columns, whose pages the thread makes until `stop` (word 0) is set. */
export interface Prefault {
  prefault: Float64Array[];
  stop: Int32Array;
}

/** Int32 words in a 4 KiB page. */
const PAGE_WORDS = 1024;

/**
 * One word of each page of the columns or-ed with 0, atomically: the page is made (its fault
 * taken here) and its value kept, whatever the caller writes there meanwhile.
 */
function prefault({ prefault: columns, stop }: Prefault): void {
  for (const column of columns) {
    const words = new Int32Array(column.buffer, column.byteOffset, 2 * column.length);
    for (let i = 0; i < words.length; i += PAGE_WORDS) {
      if (Atomics.load(stop, 0) !== 0) return;
      Atomics.or(words, i, 0);
    }
  }
}

if (parentPort) {
  parentPort.on("message", (message: HelperJob | Prefault) => {
    if ("prefault" in message) {
      prefault(message);
      return;
    }
    const job = message;
    try {
      const draws = {
        ...job.draws,
        geom: geomFromPortable(job.draws.geom),
        target: geomFromPortable(job.draws.target),
      };
      const started = performance.now();
      Atomics.store(job.flag, 1, writeBackgroundEvents(job.out, job.at, draws, job.from, job.to) - job.at);
      const ended = performance.now();
      Atomics.store(job.flag, 2, Math.round(1000 * (ended - started)));
      Atomics.store(job.flag, 3, Math.round(1000 * (performance.timeOrigin + ended - job.postedAt)));
      Atomics.store(job.flag, 0, JOB_DONE);
    } catch {
      Atomics.store(job.flag, 0, JOB_FAILED);
    }
    Atomics.notify(job.flag, 0);
  });
  const loaded = (workerData as { loaded: Int32Array }).loaded;
  Atomics.store(loaded, 0, 1);
}
