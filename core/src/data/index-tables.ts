import { transformFrame } from "../coords/index.js";
import type { BinTableHdu, BinTableHduSpec, Card, TableColumnSpec } from "../fits/index.js";
import type { EventListMeta } from "./events-table.js";
import { gadfClassCards, timeReferenceCards } from "./gadf-cards.js";
import { timeRefFromHeader, timeRefShift, type TimeRef } from "./gti.js";

/** A cell of an index table; undefined where a row has no value (written as NaN, TNULL or blank). */
export type IndexValue = number | string | undefined;
export type IndexRow = Readonly<Record<string, IndexValue>>;

interface IndexColumn {
  name: string;
  /** A scalar TFORM code: K, J, I, B (integers), D, E (floats) or A (text). */
  format: string;
  unit?: string;
}

const deg = (name: string): IndexColumn => ({ name, format: "D", unit: "deg" });
const seconds = (name: string): IndexColumn => ({ name, format: "D", unit: "s" });

/** The obs-index columns we write, as H.E.S.S. DR1's index has them (in float64). */
const OBS_INDEX_COLUMNS: IndexColumn[] = [
  { name: "OBS_ID", format: "K" },
  ...["RA_PNT", "DEC_PNT", "GLON_PNT", "GLAT_PNT", "ZEN_PNT", "ALT_PNT", "AZ_PNT"].map(deg),
  { name: "OBJECT", format: "A" },
  deg("RA_OBJ"),
  deg("DEC_OBJ"),
  seconds("ONTIME"),
  seconds("LIVETIME"),
  { name: "DEADC", format: "D" },
  seconds("TSTART"),
  seconds("TSTOP"),
  { name: "N_TELS", format: "K" },
  { name: "EVENT_COUNT", format: "K" },
];

/** Units of the obs-index columns we know: written so, and read in them (`ObsTable.value`). */
export const OBS_INDEX_UNITS: Readonly<Record<string, string>> = Object.fromEntries(
  OBS_INDEX_COLUMNS.flatMap((c) => (c.unit ? [[c.name, c.unit]] : [])),
);

const HDU_INDEX_COLUMNS: IndexColumn[] = [
  { name: "OBS_ID", format: "K" },
  ...["HDU_TYPE", "HDU_CLASS", "FILE_DIR", "FILE_NAME", "HDU_NAME"].map((name) => ({ name, format: "A" })),
  { name: "SIZE", format: "K" },
];

/** One HDU of a run file, as the HDU index lists it. */
export interface RunHdu {
  hduType: string;
  hduClass: string;
  hduName: string;
  /** Bytes the HDU takes in the (uncompressed) file. */
  size: number;
}

/** The obs-index row of a run; times relative to the index's reference `indexTimeRef`. */
export function obsIndexRow(meta: EventListMeta, eventCount: number, indexTimeRef: TimeRef): IndexRow {
  const { gti, pointing } = meta;
  const shift = timeRefShift(indexTimeRef, gti.timeRef);
  const galactic = transformFrame([pointing.ra], [pointing.dec], "icrs", "galactic");
  return {
    OBS_ID: meta.obsId,
    RA_PNT: pointing.ra,
    DEC_PNT: pointing.dec,
    GLON_PNT: galactic.lon[0],
    GLAT_PNT: galactic.lat[0],
    ZEN_PNT: meta.altAz && 90 - meta.altAz.alt,
    ALT_PNT: meta.altAz?.alt,
    AZ_PNT: meta.altAz?.az,
    OBJECT: meta.object?.name,
    RA_OBJ: meta.object?.ra,
    DEC_OBJ: meta.object?.dec,
    ONTIME: gti.timeSum,
    LIVETIME: gti.timeSum * (1 - (1 - meta.deadc)),
    DEADC: meta.deadc,
    TSTART: gti.start[0] + shift,
    TSTOP: gti.stop[gti.length - 1] + shift,
    N_TELS: meta.nTels,
    EVENT_COUNT: eventCount,
  };
}

/** The HDU-index rows of a run file `fileDir/fileName`. */
export function hduIndexRows(obsId: number, fileDir: string, fileName: string, hdus: readonly RunHdu[]): IndexRow[] {
  return hdus.map((h) => ({
    OBS_ID: obsId,
    HDU_TYPE: h.hduType,
    HDU_CLASS: h.hduClass,
    FILE_DIR: fileDir,
    FILE_NAME: fileName,
    HDU_NAME: h.hduName,
    SIZE: h.size,
  }));
}

/** The time reference of an obs index: its own, else (a new index) `fallback`. */
export function obsIndexTimeRef(existing: BinTableHdu | undefined, fallback: TimeRef): TimeRef {
  return existing?.header.has("MJDREFI") || existing?.header.has("MJDREF")
    ? timeRefFromHeader(existing.header)
    : fallback;
}

/**
 * The obs index or HDU index with `rows` added: the rows of `existing` whose OBS_ID is in
 * `dropObsIds` go, the others stay as they are, with every column and header keyword of
 * `existing` (text columns widen to fit). Columns of ours that it lacks are added when a new
 * row has a value for them. `timeRef` is a new obs index's reference.
 */
export function updatedIndexTable(
  kind: "obs" | "hdu",
  existing: BinTableHdu | undefined,
  rows: readonly IndexRow[],
  options: { dropObsIds?: readonly number[]; timeRef?: TimeRef } = {},
): BinTableHduSpec {
  const schema = kind === "obs" ? OBS_INDEX_COLUMNS : HDU_INDEX_COLUMNS;
  const kept = existing ? readRows(existing).filter((r) => !options.dropObsIds?.includes(Number(r.OBS_ID))) : [];
  const all = [...kept, ...rows];
  const columns: IndexColumn[] = existing ? existingColumns(existing) : [];
  for (const c of schema) {
    if (!columns.some((e) => e.name === c.name) && rows.some((r) => r[c.name] !== undefined)) columns.push(c);
  }
  const header: Card[] = existing
    ? existing.header.cards.filter((c) => !STRUCTURAL.test(c.key))
    : [
        ...gadfClassCards("INDEX", kind === "obs" ? "OBS" : "HDU"),
        ...(kind === "obs" && options.timeRef ? timeReferenceCards(options.timeRef) : []),
      ];
  const name = existing?.name || (kind === "obs" ? "OBS_INDEX" : "HDU_INDEX");
  const where = existing?.location ?? name;
  return { kind: "bintable", name, header, columns: columns.map((c) => columnSpec(c, all, existing, where)) };
}

/** Keywords the writer makes from the columns; the others of an existing index are kept. */
const STRUCTURAL = /^(TTYPE|TFORM|TUNIT|TDIM|TNULL|TSCAL|TZERO)\d+$/i;

/** Integer TFORM codes; the writer takes numbers for each. */
const INTEGER = new Set(["B", "I", "J", "K"]);
const FLOAT = new Set(["E", "D"]);

function existingColumns(table: BinTableHdu): IndexColumn[] {
  return table.columns.map((info) => {
    const { code, repeat } = info.format;
    const scalar = code === "A" || ((INTEGER.has(code) || FLOAT.has(code)) && repeat === 1);
    if (!scalar)
      throw new Error(
        `${table.location}: column '${info.name}' (${info.tform}) is not a number or text; it cannot be kept`,
      );
    return { name: info.name, format: code, unit: info.unit };
  });
}

function readRows(table: BinTableHdu): Array<Record<string, IndexValue>> {
  const rows: Array<Record<string, IndexValue>> = Array.from({ length: table.nrows }, () => ({}));
  for (const info of existingColumns(table)) {
    const tnull = table.columnInfo(info.name).tnull;
    const values =
      info.format === "A" ? (table.column(info.name) as string[]) : Array.from(table.columnAsFloat64(info.name));
    values.forEach((v, r) => {
      const missing = typeof v === "number" && (Number.isNaN(v) || (tnull !== undefined && v === Number(tnull)));
      rows[r][info.name] = missing ? undefined : typeof v === "string" ? v.trim() : v;
    });
  }
  return rows;
}

function columnSpec(
  column: IndexColumn,
  rows: ReadonlyArray<Readonly<Record<string, IndexValue>>>,
  existing: BinTableHdu | undefined,
  where: string,
): TableColumnSpec {
  const { name, format, unit } = column;
  const values = rows.map((r) => r[name]);
  const wrongType = values.findIndex((v) => v !== undefined && typeof v !== (format === "A" ? "string" : "number"));
  if (wrongType >= 0)
    throw new Error(`${where}: column '${name}' (${format}) cannot hold ${JSON.stringify(values[wrongType])}`);
  if (format === "A") {
    const text = values.map((v) => (v as string | undefined) ?? "");
    const width = text.reduce((w, s) => Math.max(w, s.length), existing?.columnFormat(name)?.repeat ?? 1);
    return { name, format: `${width}A`, unit, data: text };
  }
  const numbers = values as Array<number | undefined>;
  if (FLOAT.has(format)) return { name, format, unit, data: numbers.map((v) => v ?? Number.NaN) };
  // integers: a missing value is the column's TNULL (-1 unless the index gave one)
  const tnull = existing?.hasColumn(name) ? existing.columnInfo(name).tnull : undefined;
  const nullValue = tnull === undefined ? -1 : Number(tnull);
  const anyMissing = numbers.includes(undefined);
  return {
    name,
    format,
    unit,
    data: numbers.map((v) => v ?? nullValue),
    ...(anyMissing || tnull !== undefined ? { nullValue } : {}),
  };
}
