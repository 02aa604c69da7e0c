import { separationDeg, type SkyCoord } from "../coords/index.js";
import type { BinTableHdu, Header } from "../fits/index.js";
import { columnInUnit, columnUnitFactor } from "../units/index.js";
import { EVENT_UNITS } from "./events-table.js";
import { timeRefFromHeader, timeUnitOf, type TimeRef } from "./gti.js";

/**
 * Events of one observation (gammapy's EventList): columns decoded lazily from the EVENTS
 * table; selections keep a list of rows and never copy the table.
 */
export class EventList {
  private cache = new Map<string, Float64Array>();

  constructor(
    readonly table: BinTableHdu,
    /** Selected rows (all when undefined). */
    readonly rows?: Int32Array,
  ) {}

  get header(): Header {
    return this.table.header;
  }

  get length(): number {
    return this.rows ? this.rows.length : this.table.nrows;
  }

  get timeRef(): TimeRef {
    return timeRefFromHeader(this.header);
  }

  hasColumn(name: string): boolean {
    return this.table.hasColumn(name);
  }

  /**
   * A numeric column as doubles (selected rows only); names are case-insensitive. The GADF
   * columns (`EVENT_UNITS`: ENERGY in TeV, RA/DEC/ALT/AZ… in deg, TIME in s) come in their
   * GADF unit, converted from the file's TUNIT (TIME: else TIMEUNIT); a unit that does not
   * convert is an error naming the file, HDU, column and unit.
   */
  column(name: string): Float64Array {
    const key = name.toUpperCase();
    let values = this.cache.get(key);
    if (!values) {
      const unit = EVENT_UNITS[key];
      const stored = key === "TIME" ? timeUnitOf(this.header) : unit;
      const all = unit === undefined ? this.table.columnAsFloat64(name) : columnInUnit(this.table, name, unit, stored);
      values = this.rows ? Float64Array.from(this.rows, (r) => all[r]) : all;
      this.cache.set(key, values);
    }
    return values;
  }

  /**
   * Whether RA and Dec are float32 values in deg (FITS format E, as H.E.S.S. and CTA event
   * lists store them); converted from another unit they are doubles.
   */
  get radecFloat32(): boolean {
    return ["RA", "DEC"].every(
      (c) => this.table.columnFormat(c)?.code === "E" && columnUnitFactor(this.table, c, "deg") === 1,
    );
  }

  get ra(): Float64Array {
    return this.column("RA");
  }

  get dec(): Float64Array {
    return this.column("DEC");
  }

  /** Reconstructed energy in TeV. */
  get energy(): Float64Array {
    return this.column("ENERGY");
  }

  /** Seconds relative to `timeRef`. */
  get time(): Float64Array {
    return this.column("TIME");
  }

  /** Events whose `name` lies in [lo, hi). */
  selectParameter(name: string, lo: number, hi: number): EventList {
    const values = this.column(name);
    return this.selectWhere((i) => values[i] >= lo && values[i] < hi);
  }

  selectEnergy(emin: number, emax: number): EventList {
    return this.selectParameter("ENERGY", emin, emax);
  }

  selectTime(tstart: number, tstop: number): EventList {
    return this.selectParameter("TIME", tstart, tstop);
  }

  /** Events within `radius` (deg) of `center`. */
  selectRegion(center: SkyCoord, radius: number): EventList {
    const c = center.transformTo("icrs");
    const sep = separationDeg(c.lon, c.lat, this.ra, this.dec);
    return this.selectWhere((i) => sep[i] < radius);
  }

  selectRowSubset(indices: ArrayLike<number>): EventList {
    return new EventList(
      this.table,
      Int32Array.from(indices, (i) => (this.rows ? this.rows[i] : i)),
    );
  }

  private selectWhere(keep: (i: number) => boolean): EventList {
    const picked: number[] = [];
    for (let i = 0; i < this.length; i++) if (keep(i)) picked.push(this.rows ? this.rows[i] : i);
    return new EventList(this.table, Int32Array.from(picked));
  }
}
