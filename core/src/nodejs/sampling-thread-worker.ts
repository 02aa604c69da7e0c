// The thread of `eventSamplingThread`: writes the background events of the jobs it is sent.
import { parentPort, workerData } from "node:worker_threads";
import { type BackgroundDraws, writeBackgroundEvents } from "../datasets/background-events.js";
import type { SampledColumns } from "../datasets/event-sampler.js";
import { geomFromPortable, type PortableGeom } from "../datasets/portable.js";
import { JOB_DONE, JOB_FAILED } from "./sampling-thread.js";

/** One job: the events [from, to) of `draws` into `columns` from 0 (all arrays in shared memory). */
export interface HelperJob {
  draws: Omit<BackgroundDraws, "geom" | "target"> & { geom: PortableGeom; target: PortableGeom };
  from: number;
  to: number;
  columns: SampledColumns;
  /** Word 0: the job's state (JOB_DONE, JOB_FAILED), word 1: the events kept, words 2, 3: µs (sampling-thread.ts). */
  flag: Int32Array;
  /** When the job was posted (performance.timeOrigin + performance.now() of the poster, ms). */
  postedAt: number;
}

if (parentPort) {
  parentPort.on("message", (job: HelperJob) => {
    try {
      const draws = {
        ...job.draws,
        geom: geomFromPortable(job.draws.geom),
        target: geomFromPortable(job.draws.target),
      };
      const started = performance.now();
      Atomics.store(job.flag, 1, writeBackgroundEvents(job.columns, 0, draws, job.from, job.to));
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
