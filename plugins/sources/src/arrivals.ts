import type { DataStore, Observation } from "@gammaflow/core";

/** A run the index lists: complete (its observation, every listed HDU read) or given up (why). */
export type Arrival = { obsId: number; observation: Observation } | { obsId: number; cause: string };

export interface ArrivalTiming {
  /** First wait before checking an incomplete run again; it doubles up to `maxRetryMs`. */
  firstRetryMs: number;
  maxRetryMs: number;
  /** How long a listed run may stay incomplete before it is given up. */
  completeMs: number;
}

interface Incomplete {
  since: number;
  retryAt: number;
  delay: number;
  cause: string;
}

/**
 * The runs of a growing folder, each taken once it is complete. An index entry may come before
 * its file is whole (a copy in progress): such a run is checked again with backoff until every
 * HDU the index lists reads (gzip intact, FITS structure complete), and given up with its last
 * cause after `completeMs`. The index's SIZE column is not used: it is optional (CTA 1DC has
 * none) and H.E.S.S. DR1's disagrees with its own files (events listed at 285120 bytes, stored
 * in 224640), while a truncated file never reads.
 */
export class Arrivals {
  private readonly settled = new Set<number>();
  private readonly incomplete = new Map<number, Incomplete>();

  constructor(private readonly timing: ArrivalTiming) {}

  /** Runs still incomplete. */
  get waiting(): number {
    return this.incomplete.size;
  }

  /** The runs of `store` that completed or were given up since the last check, in index order. */
  check(store: DataStore, now: number): Arrival[] {
    const out: Arrival[] = [];
    // a run dropped from the index while incomplete is checked too, so it is given up in time
    for (const obsId of new Set([...store.obsIds, ...this.incomplete.keys()])) {
      if (this.settled.has(obsId)) continue;
      const waiting = this.incomplete.get(obsId);
      if (waiting && now < waiting.retryAt) continue;
      const read = completeObservation(store, obsId);
      if (typeof read !== "string") {
        out.push(this.settle(obsId, { obsId, observation: read }));
      } else if (waiting && now - waiting.since >= this.timing.completeMs) {
        const seconds = ((now - waiting.since) / 1000).toFixed(1);
        out.push(this.settle(obsId, { obsId, cause: `still incomplete after ${seconds} s: ${read}` }));
      } else {
        const delay = waiting ? Math.min(2 * waiting.delay, this.timing.maxRetryMs) : this.timing.firstRetryMs;
        this.incomplete.set(obsId, { since: waiting?.since ?? now, retryAt: now + delay, delay, cause: read });
      }
    }
    return out;
  }

  /** Give up every run still incomplete (the run is asked to finish), each with its last cause. */
  abandon(why: string): Arrival[] {
    const out = [...this.incomplete].map(([obsId, w]) => ({ obsId, cause: `${why}: ${w.cause}` }));
    for (const { obsId } of out) this.settle(obsId, undefined);
    return out;
  }

  private settle<T>(obsId: number, arrival: T): T {
    this.settled.add(obsId);
    this.incomplete.delete(obsId);
    return arrival;
  }
}

/** The observation with every HDU its index lists read from its file, or why it cannot be yet. */
function completeObservation(store: DataStore, obsId: number): Observation | string {
  try {
    const observation = store.obs(obsId);
    // reads and parses each file once (the observation keeps it), so the reduction reads no file twice
    for (const type of observation.hduTypes) observation.hdu(type);
    return observation;
  } catch (error) {
    return (error as Error).message;
  }
}
