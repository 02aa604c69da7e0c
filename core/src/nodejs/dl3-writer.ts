import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import {
  eventsTableHdu,
  hduIndexRows,
  isInside,
  joinPath,
  obsIndexRow,
  obsIndexTimeRef,
  updatedIndexTable,
  type EventColumns,
  type EventListMeta,
  type Observation,
  type RunHdu,
} from "../data/index.js";
import { FitsFile, writeFitsBytes, type BinTableHdu, type BinTableHduSpec, type HduSpec } from "../fits/index.js";
import { readFits, writeFitsFileBytes } from "./fits-io.js";

/** One DL3 run: its events and their metadata, and the observation whose IRFs it carries. */
export interface Dl3Run {
  /** Event columns; EVENT_ID, TIME, RA, DEC and ENERGY are required (GADF). */
  events: EventColumns;
  /** The EVENTS header's metadata, with the run's GTI (written as its GTI HDU). */
  meta: EventListMeta;
  /** The observation whose IRF HDUs (all but events and GTI in its HDU index) are copied as stored. */
  irfsFrom: Observation;
  /** Units of event columns beyond the GADF ones. */
  units?: Readonly<Record<string, string>>;
}

export interface WriteDl3RunOptions {
  /** File name of the run without .fits.gz (default `obs_<OBS_ID in 6 digits>`). */
  name?: string;
  /** Folder of the run file, relative to the data store's folder (FILE_DIR; default "."). */
  fileDir?: string;
  /**
   * When the indexes already list the OBS_ID: replace its entries (true; a run file of another
   * name stays in the folder, unlisted) or refuse before anything is written (false, the default).
   */
  replace?: boolean;
}

export interface WrittenDl3Run {
  file: string;
  hduIndex: string;
  obsIndex: string;
  /** The run file's HDUs as the HDU index lists them. */
  hdus: RunHdu[];
}

const INDEX_FILES = { hdu: "hdu-index.fits.gz", obs: "obs-index.fits.gz" } as const;

/**
 * Write a run as one file (EVENTS, GTI and the source's IRF HDUs, self-contained like H.E.S.S.
 * DR1's) into the data-store folder `dir`, then add it to `hdu-index.fits.gz` and
 * `obs-index.fits.gz` (created when absent; an existing uncompressed index is updated in place).
 * For a folder being watched, each file is written under a temporary name and renamed, the run
 * file first and the obs index last, so a reader never sees an index listing a missing file or
 * half an index. One writer per folder at a time: two writing at once can lose an index entry.
 */
export function writeDl3Run(dir: string, run: Dl3Run, options: WriteDl3RunOptions = {}): WrittenDl3Run {
  const { obsId } = run.meta;
  const fileDir = options.fileDir ?? ".";
  if (fileDir.startsWith("/") || !isInside(joinPath(dir, fileDir), joinPath(dir)))
    throw new Error(`writeDl3Run: fileDir '${fileDir}' must be a folder inside ${dir}`);
  const fileName = `${options.name ?? `obs_${String(obsId).padStart(6, "0")}`}.fits.gz`;
  const file = path.join(dir, fileDir, fileName);

  const hduIndexFile = indexFile(dir, INDEX_FILES.hdu);
  const obsIndexFile = indexFile(dir, INDEX_FILES.obs);
  const hduIndex = readIndex(hduIndexFile);
  const obsIndex = readIndex(obsIndexFile);
  if (!options.replace) {
    for (const [index, where] of [
      [hduIndex, hduIndexFile],
      [obsIndex, obsIndexFile],
    ] as const) {
      if (index && Array.from(index.columnAsFloat64("OBS_ID")).includes(obsId))
        throw new Error(`writeDl3Run: ${where} already lists OBS_ID ${obsId} (pass replace: true to replace it)`);
    }
  }

  const { bytes, hdus } = runFileBytes(run, file);
  const dropObsIds = [obsId];
  const hduTable = updatedIndexTable("hdu", hduIndex, hduIndexRows(obsId, fileDir, fileName, hdus), { dropObsIds });
  const timeRef = obsIndexTimeRef(obsIndex, run.meta.gti.timeRef);
  const eventCount = run.events.EVENT_ID.length;
  const obsRow = obsIndexRow(run.meta, eventCount, timeRef);
  const obsTable = updatedIndexTable("obs", obsIndex, [obsRow], { dropObsIds, timeRef });
  // Serialise everything before the first write, so that an error leaves the folder as it was.
  const hduIndexBytes = indexBytes(hduTable);
  const obsIndexBytes = indexBytes(obsTable);

  mkdirSync(path.dirname(file), { recursive: true });
  writeFitsFileBytes(file, bytes);
  writeFitsFileBytes(hduIndexFile, hduIndexBytes);
  writeFitsFileBytes(obsIndexFile, obsIndexBytes);
  return { file, hduIndex: hduIndexFile, obsIndex: obsIndexFile, hdus };
}

/** The run file's bytes (uncompressed) and its HDUs with their sizes, read back from the bytes. */
function runFileBytes(run: Dl3Run, file: string): { bytes: Uint8Array; hdus: RunHdu[] } {
  const source = run.irfsFrom;
  const irfTypes = source.hduTypes.filter((type) => type !== "events" && type !== "gti");
  const irfs = irfTypes.map((type) => ({ type, hdu: source.hdu(type), hduClass: source.location(type)!.hduClass }));
  const names = new Map<string, string>([
    ["EVENTS", "events"],
    ["GTI", "gti"],
  ]);
  for (const irf of irfs) {
    const name = irf.hdu.name.toUpperCase();
    const taken = names.get(name);
    if (taken)
      throw new Error(`${file}: the ${irf.type} HDU ${irf.hdu.location} has the name of the run's ${taken} HDU`);
    names.set(name, irf.type);
  }
  const specs: HduSpec[] = [
    {
      kind: "image",
      data: new Uint8Array(0),
      shape: [],
      header: [
        { key: "CREATOR", value: run.meta.creator ?? "gammaflow" },
        { key: "DATE", value: new Date().toISOString().slice(0, 19) },
      ],
    },
    eventsTableHdu(run.events, run.meta, run.units),
    run.meta.gti.toTableHdu(),
    ...irfs.map(({ hdu }) => ({ kind: "copy" as const, hdu })),
  ];
  const bytes = writeFitsBytes(specs);
  // Sizes from the file as written, which also checks that it reads back.
  const written = FitsFile.parse(bytes, { fileName: file }).hdus;
  const listed = [
    { hduType: "events", hduClass: "events" },
    { hduType: "gti", hduClass: "gti" },
    ...irfs.map(({ type, hduClass }) => ({ hduType: type, hduClass })),
  ];
  const hdus = listed.map((h, i) => ({ ...h, hduName: written[i + 1].name, size: written[i + 1].storedSize }));
  return { bytes, hdus };
}

/** The index file to update: the gzipped one, or an uncompressed one that is already there. */
function indexFile(dir: string, name: string): string {
  const gzipped = path.join(dir, name);
  const plain = gzipped.replace(/\.gz$/, "");
  return !existsSync(gzipped) && existsSync(plain) ? plain : gzipped;
}

function readIndex(file: string): BinTableHdu | undefined {
  if (!existsSync(file)) return undefined;
  const fits = readFits(file);
  const table = fits.hdus.find((h) => h.kind === "bintable");
  if (!table) throw new Error(`writeDl3Run: ${file} has no binary table`);
  return fits.table(table.index);
}

function indexBytes(table: BinTableHduSpec): Uint8Array {
  return writeFitsBytes([{ kind: "image", data: new Uint8Array(0), shape: [] }, table]);
}
