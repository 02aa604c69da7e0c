import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BinTableHdu, Card, HduSpec, TableColumnSpec } from "../fits/index.js";
import { readFits, writeFits } from "./fits-io.js";

/** A table of a run file as the writer takes it: edit columns (data, unit) and header cards in place. */
export interface EditableTable {
  columns: TableColumnSpec[];
  header: Card[];
  column(name: string): TableColumnSpec;
  /** Set a keyword (replaced in place, else appended). */
  set(key: string, value: Card["value"]): void;
}

/** Cards the writer makes itself from the columns and the table size. */
const WRITTEN = /^(XTENSION|BITPIX|NAXIS\d*|PCOUNT|GCOUNT|TFIELDS|EXTNAME|(TTYPE|TFORM|TUNIT|TDIM|TNULL)\d+)$/i;

/**
 * A copy of a DL3 store's index files and one run file, in a new temporary folder, with the
 * run's tables passed through `edits` (by EXTNAME) and the obs index's through `obsIndexEdit`
 * before being written back; other HDUs are copied as stored. For tests that mutate real
 * runs. Returns the new store's folder.
 */
export function copyStoreWithEditedRun(
  storeDir: string,
  runFile: string,
  edits: Readonly<Record<string, (table: EditableTable) => void>>,
  obsIndexEdit?: (table: EditableTable) => void,
): string {
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-edited-run-"));
  copyFileSync(path.join(storeDir, "hdu-index.fits.gz"), path.join(dir, "hdu-index.fits.gz"));
  const obsIndex = path.join(storeDir, "obs-index.fits.gz");
  if (obsIndexEdit)
    copyFitsWithEdits(obsIndex, path.join(dir, "obs-index.fits.gz"), { [firstTableName(obsIndex)]: obsIndexEdit });
  else copyFileSync(obsIndex, path.join(dir, "obs-index.fits.gz"));
  const target = path.join(dir, runFile);
  mkdirSync(path.dirname(target), { recursive: true });
  copyFitsWithEdits(path.join(storeDir, runFile), target, edits);
  return dir;
}

function firstTableName(file: string): string {
  return readFits(file).hdus.find((h) => h.kind === "bintable")?.name ?? "";
}

/** `source` written to `target` with the named tables edited (by EXTNAME), the other HDUs copied as stored. */
export function copyFitsWithEdits(
  source: string,
  target: string,
  edits: Readonly<Record<string, (table: EditableTable) => void>>,
) {
  const file = readFits(source);
  const missing = Object.keys(edits).filter((name) => !file.hdus.some((h) => h.name === name));
  if (missing.length) throw new Error(`${source}: no HDU ${missing.join(", ")} to edit`);
  const hdus: HduSpec[] = file.hdus.map((hdu, i): HduSpec => {
    if (i === 0) return { kind: "image", data: new Uint8Array(0), shape: [], header: [] };
    const edit = edits[hdu.name];
    if (!edit) return { kind: "copy", hdu };
    const table = editable(file.table(hdu.name));
    edit(table);
    return { kind: "bintable", name: hdu.name, columns: table.columns, header: table.header };
  });
  writeFits(target, hdus);
}

function editable(table: BinTableHdu): EditableTable {
  const columns: TableColumnSpec[] = table.columns.map((info) => {
    if (info.tscal !== 1 || info.tzero !== 0) throw new Error(`${table.location}: scaled column ${info.name}`);
    const shape = table.cellShape(info.name);
    const data = table.column(info.name);
    if (!Array.isArray(data) || typeof data[0] === "string" || data.length === 0) {
      return {
        name: info.name,
        format: info.tform,
        unit: info.unit,
        dim: shape.length > 1 ? shape : undefined,
        data: data as TableColumnSpec["data"],
        nullValue: info.tnull,
      };
    }
    throw new Error(`${table.location}: variable-length column ${info.name}`);
  });
  const header = table.header.cards.filter((c) => !WRITTEN.test(c.key));
  return {
    columns,
    header,
    column(name) {
      const found = columns.find((c) => c.name.toUpperCase() === name.toUpperCase());
      if (!found) throw new Error(`${table.location}: no column ${name}`);
      return found;
    },
    set(key, value) {
      const at = header.findIndex((c) => c.key.toUpperCase() === key.toUpperCase());
      if (at >= 0) header[at] = { ...header[at], value };
      else header.push({ key, value });
    },
  };
}
