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
 * sampling, as fresh shared memory costs a page fault per 4 KiB at its first write); the events
 * it writes equal the caller's, bit for bit (the same functions).
 */
export interface EventSamplingHelper {
  /** Ready for `start` (a thread still starting up is not: the caller then writes every event). */
  ready(): boolean;
  /** A sampling begins: the memory of the last one's `doubles` and `ints` is taken back. */
  begin(): void;
  doubles(length: number): Float64Array;
  ints(length: number): Int32Array;
  /**
   * Begin writing the events [from, to) of `draws` (BACKGROUND_COLUMNS, from 0 of its own
   * columns). `join` waits for them, given how long the caller's own share took, and returns the
   * columns and how many were kept (undefined: the helper failed or took far longer; write them
   * yourself).
   */
  start(draws: BackgroundDraws, from: number, to: number): { join(callerMs: number): HelperEvents | undefined };
}

/**
 * What a helper wrote: BACKGROUND_COLUMNS of its kept events, from 0; how long it took to write
 * them (`ms`) and from `start` to its end (`spanMs`: with its thread's waking up, the hand-over).
 */
export interface HelperEvents {
  columns: SampledColumns;
  kept: number;
  ms: number;
  spanMs: number;
}

/** Events of this many at a time become the background's columns: their temporaries stay small. */
const BACKGROUND_CHUNK = 65536;

/** Fewer events than this are all written by the calling thread (a helper's hand-over costs ~1 ms). */
export const HELPER_MIN_EVENTS = 100_000;

/** Events per round of a helper's: its output columns hold at most this many (1e7 events: 10 rounds). */
const HELPER_ROUND = 2 ** 20;

/**
 * The background's `n` events inside the target written into `out` from 0 (the columns past the
 * last kept event are free: the background comes first); EVENT_ID = the index among all drawn.
 * With a ready helper, in rounds of HELPER_ROUND events, part of each round is written by it
 * meanwhile (see `callerShare`), then moved in after the caller's. `drawTimes` draws the times'
 * random numbers (after the pixels', gammapy's order) once the helper has its job. Returns how
 * many were kept.
 */
export function writeBackground(
  columns: () => SampledColumns,
  drawn: BackgroundDraws,
  n: number,
  drawTimes: () => void,
  helper?: EventSamplingHelper,
): { out: SampledColumns; at: number } {
  if (!(helper?.ready() && n >= HELPER_MIN_EVENTS)) {
    drawTimes();
    const out = columns();
    return { out, at: writeBackgroundEvents(out, 0, drawn, 0, n) };
  }
  let timesDrawn = false;
  let out: SampledColumns | undefined;
  let at = 0;
  for (let from = 0; from < n; from += HELPER_ROUND) {
    const to = Math.min(n, from + HELPER_ROUND);
    const split = helper.ready() ? from + Math.round((to - from) * callerShare(helper)) : to;
    const started = performance.now();
    const job = split < to ? helper.start(drawn, split, to) : undefined;
    // the times are drawn and the output's columns made while the helper begins (~20 ms for 1e6 events)
    if (!timesDrawn) {
      drawTimes();
      timesDrawn = true;
      const ready = drawn.times.ready;
      if (ready) {
        Atomics.store(ready, 0, 1);
        Atomics.notify(ready, 0);
      }
    }
    out ??= columns();
    const fixedMs = performance.now() - started;
    at = writeBackgroundEvents(out, at, drawn, from, split);
    if (!job) continue;
    const ownMs = performance.now() - started;
    const helped = job.join(ownMs);
    if (!helped) {
      at = writeBackgroundEvents(out, at, drawn, split, to);
      continue;
    }
    for (const name of BACKGROUND_COLUMNS) out[name].set(helped.columns[name].subarray(0, helped.kept), at);
    copyTrueToReconstructed(out, at, at + helped.kept);
    at += helped.kept;
    balance(helper, { n: to - from, split: split - from, fixedMs, ownMs, helped });
  }
  return { out: out ?? columns(), at };
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
 * squeezed out), and into its reconstructed columns where it has them (the caller's output; a
 * helper's columns have none). Returns the position after the kept events.
 */
export function writeBackgroundEvents(
  out: SampledColumns,
  at: number,
  drawn: BackgroundDraws,
  from: number,
  to: number,
): number {
  const directions = new EventDirections(drawn.geom, Math.min(to - from, BACKGROUND_CHUNK), drawn.pointing);
  // the pixel coordinates as the maps take them: x, y, then the axes
  const xyPix = [...drawn.pix].reverse();
  for (let start = from; start < to; start += BACKGROUND_CHUNK) {
    const end = Math.min(to, start + BACKGROUND_CHUNK);
    locatePixels(drawn.tables, drawn.draws, drawn.pix, start, end);
    const pix = xyPix.map((p) => p.subarray(start, end));
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
  locateTimeOffsets(times.drawn, from, to);
  const { startMjd, refMjd } = times;
  const offsets = times.drawn.offsets;
  for (let i = from; i < to; i++) out[i - from] = (startMjd + offsets[i] - refMjd) * DAY;
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
