/**
 * Throw-away data stores for end-to-end tests: copies of the bundled H.E.S.S. store holding some
 * runs, with index files cut to those runs (as a telescope's folder grows run by run).
 */
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { writeFitsBytes, type BinTableHdu, type HduSpec, type TableColumnSpec } from "@gammaflow/core";
import { readFits } from "@gammaflow/core/node";
import { repoRoot } from "./chains.js";

export const BUNDLED_STORE = path.join(repoRoot, "data", "hess-dl3-dr1");
const STRUCTURAL = new RegExp(
  "^(XTENSION|BITPIX|NAXIS\\d*|PCOUNT|GCOUNT|TFIELDS|TTYPE\\d+|TFORM\\d+|" +
    "TUNIT\\d+|TDIM\\d+|TNULL\\d+|TSCAL\\d+|TZERO\\d+|END)$",
);

/**
 * The rows of an index table whose OBS_ID is in `ids`, as a bintable HDU spec with the original
 * header keywords; `copies` times over, copy k's OBS_IDs raised by k × RENUMBER (the same files).
 */
function subset(table: BinTableHdu, ids: ReadonlySet<number>, copies = 1): HduSpec {
  const obs = table.columnAsFloat64("OBS_ID");
  const once = [...obs.keys()].filter((i) => ids.has(obs[i]));
  const rows = Array.from({ length: copies }, () => once).flat();
  const shift = (name: string, j: number) => (name === "OBS_ID" ? Math.floor(j / once.length) * RENUMBER : 0);
  const columns: TableColumnSpec[] = table.columns.map((info) => {
    const column = table.column(info.name) as ArrayLike<number> | string[];
    const data = Array.isArray(column)
      ? rows.map((i) => column[i])
      : Float64Array.from(rows, (i, j) => Number(column[i]) + shift(info.name, j));
    const format = /A$/.test(info.tform)
      ? info.tform
      : info.format.code === "K" || info.format.code === "J" || info.format.code === "I"
        ? "K"
        : "D";
    return {
      name: info.name,
      format,
      unit: info.unit,
      data:
        format === "K"
          ? BigInt64Array.from(rows, (i, j) => BigInt(Number((column as ArrayLike<number>)[i]) + shift(info.name, j)))
          : data,
    };
  });
  const header = table.header.cards.filter((c) => !STRUCTURAL.test(c.key));
  return { kind: "bintable", name: table.name ?? "", columns, header };
}

function writeAtomically(file: string, bytes: Uint8Array): void {
  writeFileSync(`${file}.part`, bytes);
  renameSync(`${file}.part`, file);
}

/** What a copy's OBS_IDs are raised by, per copy (`writeIndexFor`'s `copies`). */
export const RENUMBER = 1_000_000;

/**
 * Write the index files of `dir` so that they list exactly `ids` (atomically, as a live system
 * would); with `copies` > 1 they list them that many times, copy k under OBS_ID + k × RENUMBER
 * (more runs of real data: the same files under other ids).
 */
export function writeIndexFor(dir: string, ids: readonly number[], copies = 1): void {
  const keep = new Set(ids);
  for (const name of ["hdu-index.fits.gz", "obs-index.fits.gz"]) {
    const table = readFits(path.join(BUNDLED_STORE, name)).hdus[1] as BinTableHdu;
    const bytes = writeFitsBytes([{ kind: "image", data: new Uint8Array(0), shape: [] }, subset(table, keep, copies)]);
    writeAtomically(path.join(dir, name), gzipSync(bytes));
  }
}

/** Copy a run's data file into `dir`'s data folder (atomically). */
export function copyRun(dir: string, obsId: number): string {
  const name = `hess_dl3_dr1_obs_id_${String(obsId).padStart(6, "0")}.fits.gz`;
  mkdirSync(path.join(dir, "data"), { recursive: true });
  const target = path.join(dir, "data", name);
  copyFileSync(path.join(BUNDLED_STORE, "data", name), `${target}.part`);
  renameSync(`${target}.part`, target);
  return target;
}

/** A fresh temporary folder. */
export const temp = (label: string) => mkdtempSync(path.join(tmpdir(), `gammaflow-${label}-`));
