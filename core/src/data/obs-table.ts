import { separationDeg, type SkyCoord } from "../coords/index.js";
import type { BinTableHdu, Header } from "../fits/index.js";
import { columnInUnit, columnUnitFactor } from "../units/index.js";
import { timeRefFromHeader, timeUnitOf, type TimeRef } from "./gti.js";
import { OBS_INDEX_UNITS } from "./index-tables.js";

/** The observation index table: one row per observation; selections keep a row subset. */
export class ObsTable {
  private readonly rowOf: Map<number, number>;

  constructor(
    readonly table: BinTableHdu,
    readonly rows: Int32Array = Int32Array.from({ length: table.nrows }, (_, i) => i),
  ) {
    const ids = table.columnAsFloat64("OBS_ID");
    this.rowOf = new Map(Array.from(rows, (r) => [ids[r], r]));
  }

  get header(): Header {
    return this.table.header;
  }

  get timeRef(): TimeRef {
    return timeRefFromHeader(this.header);
  }

  get length(): number {
    return this.rows.length;
  }

  /** Observation ids in table order. */
  get obsIds(): number[] {
    const ids = this.table.columnAsFloat64("OBS_ID");
    return Array.from(this.rows, (r) => ids[r]);
  }

  has(obsId: number): boolean {
    return this.rowOf.has(obsId);
  }

  hasColumn(name: string): boolean {
    return this.table.hasColumn(name);
  }

  /**
   * A numeric value of an observation's row (stored precision kept, e.g. float32 RA_PNT);
   * undefined for an integer column's null (TNULL). Columns of `OBS_INDEX_UNITS` (RA_PNT,
   * LIVETIME, TSTART…) come in their unit (deg, s), converted from the column's TUNIT (times:
   * else the TIMEUNIT keyword); a unit that does not convert is an error naming the column.
   */
  value(obsId: number, column: string): number | undefined {
    const row = this.rowOf.get(obsId);
    if (row === undefined || !this.table.hasColumn(column)) return undefined;
    const value = this.table.columnAsFloat64(column)[row];
    const tnull = this.table.columnInfo(column).tnull;
    if (tnull !== undefined && value === Number(tnull)) return undefined;
    const unit = OBS_INDEX_UNITS[column.toUpperCase()];
    return unit === undefined ? value : value * columnUnitFactor(this.table, column, unit, this.storedUnit(unit));
  }

  /** The unit of a column without TUNIT: TIMEUNIT for times, else the GADF one. */
  private storedUnit(unit: string): string {
    return unit === "s" ? timeUnitOf(this.header) : unit;
  }

  text(obsId: number, column: string): string | undefined {
    const row = this.rowOf.get(obsId);
    if (row === undefined || !this.table.hasColumn(column)) return undefined;
    const values = this.table.column(column);
    return Array.isArray(values) ? String(values[row]).trim() : String(values[row]);
  }

  selectObsIds(ids: readonly number[]): ObsTable {
    const wanted = new Set(ids);
    return this.subset((obsId) => wanted.has(obsId));
  }

  /** Observations whose OBJECT equals `name` (spaces and case ignored, see sameTargetName). */
  selectTargetName(name: string): ObsTable {
    return this.subset((obsId) => sameTargetName(this.text(obsId, "OBJECT") ?? "", name));
  }

  /** Observations pointed within `radius` (deg) of `position`. */
  selectSkyCircle(position: SkyCoord, radius: number): ObsTable {
    const c = position.transformTo("icrs");
    const ra = columnInUnit(this.table, "RA_PNT", "deg");
    const dec = columnInUnit(this.table, "DEC_PNT", "deg");
    const sep = separationDeg(
      c.lon,
      c.lat,
      Array.from(this.rows, (r) => ra[r]),
      Array.from(this.rows, (r) => dec[r]),
    );
    const keep = new Set(this.obsIds.filter((_, i) => sep[i] < radius));
    return this.subset((obsId) => keep.has(obsId));
  }

  private subset(keep: (obsId: number) => boolean): ObsTable {
    const ids = this.table.columnAsFloat64("OBS_ID");
    return new ObsTable(
      this.table,
      this.rows.filter((r) => keep(ids[r])),
    );
  }
}

/** Does a run's OBJECT name the target `name`? Spaces and case ignored ("Crab Nebula" is "crabnebula"). */
export function sameTargetName(object: string, name: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, "").toLowerCase();
  return norm(object) === norm(name);
}
