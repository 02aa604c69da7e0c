import type { BinTableHdu, BinTableHduSpec, Header } from "../fits/index.js";
import { columnInUnit } from "../units/index.js";
import { gadfClassCards, timeReferenceCards } from "./gadf-cards.js";

const SECONDS_PER_DAY = 86400;

/**
 * A time reference: MJD in a time scale (TIMESYS, default TT), kept as integer and
 * fractional days (MJDREFI + MJDREFF) so that differences stay exact to well below 1 µs.
 */
export interface TimeRef {
  mjdInt: number;
  mjdFrac: number;
  scale: string;
}

export function timeRefMjd(ref: TimeRef): number {
  return ref.mjdInt + ref.mjdFrac;
}

/** Seconds from reference `a` to reference `b`. */
export function timeRefShift(a: TimeRef, b: TimeRef): number {
  return (b.mjdInt - a.mjdInt + (b.mjdFrac - a.mjdFrac)) * SECONDS_PER_DAY;
}

export function timeRefFromHeader(header: Header): TimeRef {
  const scale = String(header.get("TIMESYS") ?? "tt")
    .trim()
    .toLowerCase();
  if (header.has("MJDREF") && !header.has("MJDREFI")) {
    const mjd = Number(header.get("MJDREF"));
    return { mjdInt: Math.floor(mjd), mjdFrac: mjd - Math.floor(mjd), scale };
  }
  return { mjdInt: Number(header.get("MJDREFI") ?? 0), mjdFrac: Number(header.get("MJDREFF") ?? 0), scale };
}

/** The unit of a table's time columns that have no TUNIT: its TIMEUNIT keyword, else seconds (FITS). */
export function timeUnitOf(header: Header): string {
  const unit = header.get("TIMEUNIT");
  return typeof unit === "string" && unit.trim() !== "" ? unit.trim() : "s";
}

/** Start and stop times (s) in a table's columns, converted from its units; each must be finite, stop ≥ start. */
export function readIntervals(table: BinTableHdu, startColumn: string, stopColumn: string) {
  const unit = timeUnitOf(table.header);
  const start = columnInUnit(table, startColumn, "s", unit).slice();
  const stop = columnInUnit(table, stopColumn, "s", unit).slice();
  checkIntervals(start, stop, (i) => `${table.location} row ${i}: ${startColumn}/${stopColumn}`);
  return { start, stop };
}

/** Throws, naming the interval (`where(i)`) and its values, unless every interval is finite with stop ≥ start. */
export function checkIntervals(start: ArrayLike<number>, stop: ArrayLike<number>, where: (i: number) => string): void {
  for (let i = 0; i < start.length; i++) {
    const [a, b] = [start[i], stop[i]];
    if (!Number.isFinite(a) || !Number.isFinite(b))
      throw new Error(`${where(i)}: the interval ${a} to ${b} s is not finite`);
    if (b < a) throw new Error(`${where(i)}: the interval ends (${b} s) before it starts (${a} s)`);
  }
}

/** gammapy's default reference: 2000-01-01 00:00 UTC, expressed in TT (+64.184 s). */
export const DEFAULT_TIME_REF: TimeRef = { mjdInt: 51544, mjdFrac: 64.184 / 86400, scale: "tt" };

/** Good time intervals: START/STOP in seconds relative to `timeRef` (gammapy's GTI). */
export class GTI {
  constructor(
    readonly start: Float64Array,
    readonly stop: Float64Array,
    readonly timeRef: TimeRef,
  ) {
    if (start.length !== stop.length) throw new Error(`GTI: ${start.length} starts but ${stop.length} stops`);
  }

  /** From a GTI table: START/STOP in their TUNIT (else TIMEUNIT, else s), checked (`readIntervals`). */
  static fromTable(table: BinTableHdu): GTI {
    const { start, stop } = readIntervals(table, "START", "STOP");
    return new GTI(start, stop, timeRefFromHeader(table.header));
  }

  /** Intervals in seconds after a reference (default 2000-01-01 UTC in TT); an empty GTI is allowed. */
  static create(
    start: ArrayLike<number>,
    stop: ArrayLike<number>,
    reference: TimeRef | number = DEFAULT_TIME_REF,
  ): GTI {
    const ref =
      typeof reference === "number"
        ? { mjdInt: Math.floor(reference), mjdFrac: reference - Math.floor(reference), scale: "tt" }
        : reference;
    return new GTI(Float64Array.from(start), Float64Array.from(stop), ref);
  }

  get length(): number {
    return this.start.length;
  }

  /** The GTI table HDU (GADF): START/STOP in seconds, TSTART/TSTOP and the time reference. */
  toTableHdu(): BinTableHduSpec {
    const span =
      this.length === 0
        ? []
        : [
            { key: "TSTART", value: this.start.reduce((a, b) => Math.min(a, b)), real: true },
            { key: "TSTOP", value: this.stop.reduce((a, b) => Math.max(a, b)), real: true },
          ];
    return {
      kind: "bintable",
      name: "GTI",
      columns: [
        { name: "START", format: "D", unit: "s", data: this.start },
        { name: "STOP", format: "D", unit: "s", data: this.stop },
      ],
      header: [...gadfClassCards("GTI"), ...span, ...timeReferenceCards(this.timeRef)],
    };
  }

  get timeDelta(): Float64Array {
    return this.stop.map((s, i) => s - this.start[i]);
  }

  /** Total good time (s). */
  get timeSum(): number {
    let sum = 0;
    for (let i = 0; i < this.length; i++) sum += this.stop[i] - this.start[i];
    return sum;
  }

  /** Start/stop as MJD in the reference's scale. */
  get mjdStart(): Float64Array {
    return this.start.map((s) => timeRefMjd(this.timeRef) + s / SECONDS_PER_DAY);
  }

  get mjdStop(): Float64Array {
    return this.stop.map((s) => timeRefMjd(this.timeRef) + s / SECONDS_PER_DAY);
  }

  /** Append `other`'s intervals re-expressed relative to this reference (no merging). */
  stack(other: GTI): GTI {
    if (other.timeRef.scale !== this.timeRef.scale) {
      throw new Error(`GTI.stack: time scales differ (${this.timeRef.scale} vs ${other.timeRef.scale})`);
    }
    const shift = timeRefShift(this.timeRef, other.timeRef);
    const start = new Float64Array(this.length + other.length);
    const stop = new Float64Array(this.length + other.length);
    start.set(this.start);
    stop.set(this.stop);
    for (let i = 0; i < other.length; i++) {
      start[this.length + i] = other.start[i] + shift;
      stop[this.length + i] = other.stop[i] + shift;
    }
    return new GTI(start, stop, this.timeRef);
  }

  /** Sorted, with overlapping intervals merged (touching ones stay separate, as gammapy v0.15). */
  union(): GTI {
    if (this.length === 0) throw new Error("GTI.union: the GTI is empty");
    const order = [...this.start.keys()].sort((a, b) => this.start[a] - this.start[b]);
    const start: number[] = [];
    const stop: number[] = [];
    for (const i of order) {
      const last = stop.length - 1;
      if (last >= 0 && stop[last] > this.start[i]) stop[last] = Math.max(stop[last], this.stop[i]);
      else {
        start.push(this.start[i]);
        stop.push(this.stop[i]);
      }
    }
    return new GTI(Float64Array.from(start), Float64Array.from(stop), this.timeRef);
  }

  /** Intervals overlapping [t1, t2) (seconds relative to the reference), clipped to it. */
  selectTime(t1: number, t2: number): GTI {
    const start: number[] = [];
    const stop: number[] = [];
    for (let i = 0; i < this.length; i++) {
      if (this.stop[i] <= t1 || this.start[i] >= t2) continue;
      start.push(Math.max(this.start[i], t1));
      stop.push(Math.min(this.stop[i], t2));
    }
    return new GTI(Float64Array.from(start), Float64Array.from(stop), this.timeRef);
  }
}
