import type { BinTableHdu } from "../fits/index.js";
import { parseUnit } from "./unit.js";

/**
 * Factor from a table column's unit (its TUNIT, else `defaultUnit`, e.g. a TIMEUNIT keyword)
 * to `unit`. A unit that cannot be parsed or converted is an error naming the file, HDU,
 * column and unit, so that a column is never used in a unit it is not in.
 */
export function columnUnitFactor(table: BinTableHdu, column: string, unit: string, defaultUnit = unit): number {
  const stored = table.columnInfo(column).unit ?? defaultUnit;
  try {
    return parseUnit(stored).factorTo(parseUnit(unit));
  } catch (error) {
    throw new Error(
      `${table.location} column ${column}: unit '${stored}' cannot be read as '${unit}' (${(error as Error).message})`,
    );
  }
}

/** A numeric column as doubles in `unit` (see `columnUnitFactor`); a copy only when it is converted. */
export function columnInUnit(table: BinTableHdu, column: string, unit: string, defaultUnit = unit): Float64Array {
  const factor = columnUnitFactor(table, column, unit, defaultUnit);
  const values = table.columnAsFloat64(column);
  return factor === 1 ? values : values.map((v) => v * factor);
}
