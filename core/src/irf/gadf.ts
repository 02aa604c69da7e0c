import type { BinTableHdu } from "../fits/index.js";
import { MapAxis } from "../maps/axis/index.js";
import { columnUnitFactor } from "../units/index.js";

/** GADF IRF axis columns (<PREFIX>_LO/_HI) and the gammapy axis each becomes, in gammapy's order. */
const AXES: Array<{ prefix: string; name: string; interp: "lin" | "log"; unit: string }> = [
  { prefix: "THETA", name: "offset", interp: "lin", unit: "deg" },
  { prefix: "ENERG", name: "energy_true", interp: "log", unit: "TeV" },
  { prefix: "ETRUE", name: "energy_true", interp: "log", unit: "TeV" },
  { prefix: "RAD", name: "rad", interp: "lin", unit: "deg" },
  { prefix: "DETX", name: "fov_lon", interp: "lin", unit: "deg" },
  { prefix: "DETY", name: "fov_lat", interp: "lin", unit: "deg" },
  { prefix: "MIGRA", name: "migra", interp: "lin", unit: "" },
];

/** The column pairs an axis is read from, e.g. "THETA_LO/THETA_HI" for offset (for error messages). */
export function axisColumns(name: string): string {
  const prefixes = AXES.filter((a) => a.name === name || (name === "energy" && a.prefix === "ENERG")).map(
    (a) => `${a.prefix}_LO/${a.prefix}_HI`,
  );
  return prefixes.join(" or ") || name;
}

function where(table: BinTableHdu, what: string): string {
  return `${table.location} ${what}`;
}

/**
 * The axes of a GADF IRF table, converted to canonical units (TeV, deg). Background and
 * RAD_MAX tables are binned in reconstructed energy: their ENERG axis is "energy".
 */
export function readIrfAxes(table: BinTableHdu): MapAxis[] {
  const hduclas2 = String(table.header.get("HDUCLAS2") ?? "BKG")
    .trim()
    .toUpperCase();
  const axes: MapAxis[] = [];
  for (const spec of AXES) {
    if (!table.hasColumn(`${spec.prefix}_LO`) || !table.hasColumn(`${spec.prefix}_HI`)) continue;
    const name = (hduclas2 === "BKG" || hduclas2 === "RAD_MAX") && spec.prefix === "ENERG" ? "energy" : spec.name;
    const lo = cellOfFirstRow(table, `${spec.prefix}_LO`);
    const hi = cellOfFirstRow(table, `${spec.prefix}_HI`);
    const factor = columnUnitFactor(table, `${spec.prefix}_LO`, spec.unit);
    const scaledLo = lo.map((v) => v * factor);
    const scaledHi = hi.map((v) => v * factor);
    const equal = scaledLo.every((v, i) => Math.abs(v - scaledHi[i]) <= 1e-8 + 1e-5 * Math.abs(scaledHi[i]));
    const options = { name, interp: spec.interp, unit: spec.unit };
    try {
      axes.push(
        equal
          ? MapAxis.fromNodes(scaledHi, options)
          : MapAxis.fromEdges([...scaledLo, scaledHi[scaledHi.length - 1]], options),
      );
    } catch (error) {
      // e.g. NaN or unsorted bins: name the columns, and the values as stored
      throw new Error(
        `${where(table, `columns ${spec.prefix}_LO/${spec.prefix}_HI`)}: ${(error as Error).message} ` +
          `(${axisValues(spec.prefix, lo, hi)})`,
      );
    }
  }
  return axes;
}

/** The first non-finite bin bound of an axis, else its lower bounds (at most 8), for messages. */
function axisValues(prefix: string, lo: Float64Array, hi: Float64Array): string {
  for (const [suffix, values] of [["LO", lo] as const, ["HI", hi] as const]) {
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) return `${prefix}_${suffix}[${bad}] = ${values[bad]}`;
  }
  const shown = Array.from(lo.subarray(0, 8)).join(", ");
  return `${prefix}_LO = [${shown}${lo.length > 8 ? `, … ${lo.length} values` : ""}]`;
}

/** The first row's cell of a (vector) column, as doubles. */
export function cellOfFirstRow(table: BinTableHdu, column: string): Float64Array {
  const cell = storedCellOfFirstRow(table, column);
  return cell instanceof Float64Array ? cell : new Float64Array(cell);
}

/**
 * The first row's cell of a numeric column as decoded (float32 or float64: no copy of a
 * run's IRF tables as doubles before they are transposed), other types as doubles.
 */
function storedCellOfFirstRow(table: BinTableHdu, column: string): Float32Array | Float64Array {
  const size = Math.max(
    1,
    table.cellShape(column).reduce((a, b) => a * b, 1),
  );
  if (table.nrows < 1) throw new Error(`${where(table, `column ${column}`)}: the IRF table has no rows`);
  const stored = table.column(column);
  const values =
    stored instanceof Float32Array || stored instanceof Float64Array ? stored : table.columnAsFloat64(column);
  return values.subarray(0, size);
}

/** Reverse the axis order of a C-order array (numpy's `.T`), as doubles. */
export function transposeReverse(data: Float32Array | Float64Array, shape: readonly number[]): Float64Array {
  const n = shape.length;
  if (n < 2) return Float64Array.from(data);
  const out = new Float64Array(data.length);
  if (n === 2 || n === 3) {
    // the IRF cases as plain loops: out[k][j][i] = data[i][j][k]
    const [a, b, c] = n === 3 ? shape : [1, shape[0], shape[1]];
    let o = 0;
    for (let k = 0; k < c; k++) {
      for (let j = 0; j < b; j++) {
        for (let i = 0; i < a; i++) out[o++] = data[(i * b + j) * c + k];
      }
    }
    return out;
  }
  const outShape = [...shape].reverse();
  const strides = new Array<number>(n);
  let s = 1;
  for (let d = n - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  const idx = new Array<number>(n).fill(0);
  for (let o = 0; o < out.length; o++) {
    // idx runs over outShape in C order; source index uses reversed dims
    let src = 0;
    for (let d = 0; d < n; d++) src += idx[d] * strides[n - 1 - d];
    out[o] = data[src];
    for (let d = n - 1; d >= 0 && ++idx[d] === outShape[d]; d--) idx[d] = 0;
  }
  return out;
}

/** Read an IRF data column: cell transposed to the TDIM order (gammapy's `quantity[0].T`). */
export function readIrfData(
  table: BinTableHdu,
  column: string,
): { data: Float64Array; shape: number[]; cellShape: number[] } {
  const cell = storedCellOfFirstRow(table, column);
  const cellShape = table.cellShape(column);
  return { data: transposeReverse(cell, cellShape), shape: [...cellShape].reverse(), cellShape };
}
