import type { WcsGeom } from "../maps/index.js";
import { locateTimeOffsets, type TimeDraws } from "../modeling/temporal.js";
import { locatePixels, type SearchTables } from "../random/inverse-cdf.js";
import { convert } from "../units/index.js";
import { EventDirections } from "./event-directions.js";
import type { SampledColumns } from "./event-sampler.js";
import { containedEvents, squeeze } from "./event-selection.js";

/**
 * The background's events as drawn, before they are located: the inverse-CDF sampler's tables,
 * its draws and jitter (`pix`, in the pdf's C order: the axes, then y, then x), the times' draws
 * (TIME = (startMjd + offset − refMjd) · 86400 s); the background map's geometry and the
 * dataset's (`target`, for the selection). Its arrays may be in shared memory, so that a helper
 * thread writes some of the events (`EventSamplingHelper`).
 */
export interface BackgroundDraws {
  tables: SearchTables;
  draws: Float64Array;
  pix: Float64Array[];
  times: {
    drawn: TimeDraws;
    startMjd: number;
    refMjd: number;
    /** Set (word 0 = 1) once the times' random numbers are drawn: a helper waits for it. */
    ready?: Int32Array;
  };
  geom: WcsGeom;
  target: WcsGeom;
  /** The background map's pixels are the target's: most events are inside without a look. */
  samePixels: boolean;
  pointing: { lon: number; lat: number };
}

/** The columns the background writes (reconstructed = true values; MC_ID stays 0). */
export const BACKGROUND_COLUMNS = ["RA_TRUE", "DEC_TRUE", "ENERGY_TRUE", "DETX", "DETY", "TIME", "EVENT_ID"];

/**
 * A thread beside the caller's that writes part of a sampling's background events (in Node, a
 * worker thread: `eventSamplingThread` of @gammaflow/core/node). The draws are in memory both
 * threads see (`doubles`, `ints`, valid until the next `begin`: the same memory serves each
 * sampling, as fresh memory costs a page fault per 4 KiB at its first write), and so is the
 * output (`columns`); the events it writes equal the caller's, bit for bit (the same functions).
 */
export interface EventSamplingHelper {
  /** Ready for `start` (a thread still starting up is not: the caller then writes every event). */
  ready(): boolean;
  /** A sampling begins: the memory of the last one's `doubles` and `ints` is taken back. */
  begin(): void;
  doubles(length: number): Float64Array;
  ints(length: number): Int32Array;
  /**
   * The sampling's output: columns `names` of `length` zeros, in fresh memory the helper writes
   * too (the sampling's result, not taken back). Its thread makes their pages meanwhile (their
   * first writes' faults, ~0.5 ms a MB), while the caller draws, until the first `start`.
   */
  columns(names: readonly string[], length: number): SampledColumns;
  /**
   * Begin writing the events [from, to) of `draws` into `out` (from `columns`) from row `at`, as
   * `writeBackgroundEvents` does. `join` waits for them, given how long the caller's own share
   * took, and returns how many were kept (undefined: the helper failed or took far longer, and
   * may still write into `out`: write them elsewhere).
   */
  start(
    draws: BackgroundDraws,
    out: SampledColumns,
    at: number,
    from: number,
    to: number,
  ): { join(callerMs: number): HelperEvents | undefined };
}

/**
 * What a helper wrote: how many of its events were kept; how long it took to write them (`ms`)
 * and from `start` to its end (`spanMs`: with its thread's waking up, the hand-over).
 */
export interface HelperEvents {
  kept: number;
  ms: number;
  spanMs: number;
}

/** Events of this many at a time become the background's columns: their temporaries stay small. */
const BACKGROUND_CHUNK = 65536;

/** Fewer events than this are all written by the calling thread (a helper's hand-over costs ~1 ms). */
export const HELPER_MIN_EVENTS = 100_000;

/** Events per round with a helper: each round's split follows the speeds the last one measured (1e7 events: 10). */
const HELPER_ROUND = 2 ** 20;

/**
 * The background's `n` events inside the target written into `out` from 0 (the columns past the
 * last kept event are free: the background comes first); EVENT_ID = the index among all drawn.
 * With a helper (`helped`: it made `out`), in rounds of HELPER_ROUND events, part of each round
 * is written by it meanwhile (see `callerShare`) into `out` after the caller's share, moved up
 * should the caller's share have lost events outside the target. `drawTimes` draws the times'
 * random numbers (after the pixels', gammapy's order) once the helper has its job. Returns the
 * columns and how many were kept.
 */
export function writeBackground(
  columns: () => SampledColumns,
  drawn: BackgroundDraws,
  n: number,
  drawTimes: () => void,
  helped?: { helper: EventSamplingHelper; out: SampledColumns },
): { out: SampledColumns; at: number } {
  if (!helped) {
    drawTimes();
    const out = columns();
    return { out, at: writeBackgroundEvents(out, 0, drawn, 0, n) };
  }
  const helper = helped.helper;
  let out = helped.out;
  let shared = true;
  let timesDrawn = false;
  let at = 0;
  for (let from = 0; from < n; from += HELPER_ROUND) {
    const to = Math.min(n, from + HELPER_ROUND);
    const split = shared && helper.ready() ? from + Math.round((to - from) * callerShare(helper)) : to;
    const started = performance.now();
    // the helper's events go where they would be were all of the caller's kept
    const helperAt = at + split - from;
    const job = split < to ? helper.start(drawn, out, helperAt, split, to) : undefined;
    // the times are drawn while the helper begins
    if (!timesDrawn) {
      drawTimes();
      timesDrawn = true;
      const ready = drawn.times.ready;
      if (ready) {
        Atomics.store(ready, 0, 1);
        Atomics.notify(ready, 0);
      }
    }
    const fixedMs = performance.now() - started;
    at = writeBackgroundEvents(out, at, drawn, from, split);
    if (!job) continue;
    const ownMs = performance.now() - started;
    const events = job.join(ownMs);
    if (!events) {
      // the helper may still be writing into `out`: the caller goes on in columns of its own
      out = copyRows(out, columns(), at);
      shared = false;
      at = writeBackgroundEvents(out, at, drawn, split, to);
      continue;
    }
    if (at < helperAt) moveRows(out, helperAt, helperAt + events.kept, at);
    at += events.kept;
    balance(helper, { n: to - from, split: split - from, fixedMs, ownMs, helped: events });
  }
  return { out, at };
}

/** The columns the background writes: its own and the reconstructed ones where `out` has them. */
function backgroundColumns(out: SampledColumns): Float64Array[] {
  const names = [...BACKGROUND_COLUMNS, ...RECONSTRUCTED.map(([reco]) => reco)];
  return names.filter((name) => out[name]).map((name) => out[name]);
}

/** The rows [from, to) of the background's columns moved to `target` (< from). */
function moveRows(out: SampledColumns, from: number, to: number, target: number): void {
  for (const column of backgroundColumns(out)) column.copyWithin(target, from, to);
}

/** `into` with the first `rows` rows of `from`'s columns. */
function copyRows(from: SampledColumns, into: SampledColumns, rows: number): SampledColumns {
  for (const [name, column] of Object.entries(from)) into[name].set(column.subarray(0, rows));
  return into;
}

/** The background's reconstructed columns and the true ones they copy. */
const RECONSTRUCTED = [
  ["RA", "RA_TRUE"],
  ["DEC", "DEC_TRUE"],
  ["ENERGY", "ENERGY_TRUE"],
] as const;

/** out's reconstructed columns (where it has them) = its true ones over [from, to). */
function copyTrueToReconstructed(out: SampledColumns, from: number, to: number): void {
  for (const [reco, truth] of RECONSTRUCTED) out[reco]?.set(out[truth].subarray(from, to), from);
}

/**
 * The drawn events [from, to) located, converted and selected, chunk by chunk, into `out`'s
 * BACKGROUND_COLUMNS from `at` (each chunk computed in place there, the events outside then
 * squeezed out), and into its reconstructed columns where it has them (RA, DEC, ENERGY: a
 * sampling's output). Returns the position after the kept events.
 */
export function writeBackgroundEvents(
  out: SampledColumns,
  at: number,
  drawn: BackgroundDraws,
  from: number,
  to: number,
): number {
  const chunk = Math.min(to - from, BACKGROUND_CHUNK);
  const directions = new EventDirections(drawn.geom, chunk, drawn.pointing);
  // the draws are read, not written (a helper given up on may still read them): a chunk's pixel
  // coordinates go to arrays of its own, in the pdf's order; the maps take them x, y, then the axes
  const located = drawn.pix.map(() => new Float64Array(chunk));
  for (let start = from; start < to; start += BACKGROUND_CHUNK) {
    const end = Math.min(to, start + BACKGROUND_CHUNK);
    locatePixels(drawn.tables, drawn.draws, drawn.pix, start, end, located);
    const pix = located.map((p) => p.subarray(0, end - start)).reverse();
    const slot = (name: string) => out[name].subarray(at, at + end - start);
    const part: SampledColumns = {
      RA: slot("RA_TRUE"),
      DEC: slot("DEC_TRUE"),
      ENERGY: slot("ENERGY_TRUE"),
      DETX: slot("DETX"),
      DETY: slot("DETY"),
      EVENT_ID: slot("EVENT_ID"),
    };
    directions.compute(pix[0], pix[1], { ra: part.RA, dec: part.DEC, detx: part.DETX, dety: part.DETY });
    eventEnergies(drawn.geom, pix, part.ENERGY);
    // last: a helper's first chunk waits here for the caller to have drawn the times
    writeTimes((part.TIME = slot("TIME")), drawn.times, start, end);
    countFrom(part.EVENT_ID, start);
    const first = at;
    at += squeeze(Object.values(part), containedEvents(drawn.target, part, drawn.samePixels ? pix : undefined));
    // while the chunk is in the cache
    copyTrueToReconstructed(out, first, at);
  }
  return at;
}

/**
 * The energies (TeV) of pixel coordinates on a map with an energy axis (true, or else
 * reconstructed), into `out` when given.
 */
export function eventEnergies(geom: WcsGeom, pix: Float64Array[], out?: Float64Array): Float64Array {
  let at = geom.axes.findIndex((a) => a.name === "energy_true");
  if (at < 0) at = geom.axes.findIndex((a) => a.name === "energy");
  if (at < 0) throw new Error("event sampling: the map has no energy axis");
  const axis = geom.axes[at];
  const energy = axis.pixToCoord(pix[2 + at], out);
  if (axis.unit !== "TeV") for (let i = 0; i < energy.length; i++) energy[i] = convert(energy[i], axis.unit, "TeV");
  return energy;
}

/** The times (s after the reference) of the drawn events [from, to) into `out`. */
function writeTimes(out: Float64Array, times: BackgroundDraws["times"], from: number, to: number): void {
  if (times.ready && Atomics.load(times.ready, 0) === 0) Atomics.wait(times.ready, 0, 0);
  locateTimeOffsets(times.drawn, from, to, out);
  const { startMjd, refMjd } = times;
  for (let i = 0; i < to - from; i++) out[i] = (startMjd + out[i] - refMjd) * DAY;
}

const DAY = 86400;

/**
 * The share of the events the caller writes, per helper: it moves after each sampling towards
 * the split at which the helper ends as the caller does (on two hyper-threads of one core the
 * two run at different speeds; the helper's thread takes ~5 ms to wake up in a VM, and the
 * caller as long again should it wait for the helper asleep), halfway at a time.
 */
const callerShares = new WeakMap<EventSamplingHelper, number>();

function callerShare(helper: EventSamplingHelper): number {
  return callerShares.get(helper) ?? 0.5;
}

function balance(
  helper: EventSamplingHelper,
  t: { n: number; split: number; fixedMs: number; ownMs: number; helped: HelperEvents },
): void {
  const callerRate = (t.ownMs - t.fixedMs) / t.split;
  const helperRate = t.helped.ms / (t.n - t.split);
  const helperLateMs = t.helped.spanMs - t.helped.ms;
  if (!(callerRate > 0 && helperRate > 0)) return;
  // fixed + s·callerRate = late + (n − s)·helperRate
  const even = (helperLateMs - t.fixedMs + t.n * helperRate) / (t.n * (callerRate + helperRate));
  const share = Math.min(0.8, Math.max(0.2, even));
  callerShares.set(helper, (callerShare(helper) + share) / 2);
}

/** out[i] = first + i. */
function countFrom(out: Float64Array, first: number): void {
  for (let i = 0; i < out.length; i++) out[i] = first + i;
}
