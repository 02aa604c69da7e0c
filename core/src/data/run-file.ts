import type { FitsFile, Header } from "../fits/index.js";
import { timeRefFromHeader } from "./gti.js";
import type { HduLocation } from "./hdu-index.js";
import { Observation } from "./observation.js";

/** HDU types by the GADF classes of a run file's headers (HDUCLAS1, and HDUCLAS2 for responses). */
const HDU_TYPES: Readonly<Record<string, string>> = {
  EVENTS: "events",
  GTI: "gti",
  EFF_AREA: "aeff",
  EDISP: "edisp",
  RPSF: "psf",
  BKG: "bkg",
  RAD_MAX: "rad_max",
};

/**
 * One observation from a single run file that holds its events, GTI and IRFs (gammapy 1.0's
 * `Observation.read(event_file)`), for runs that come without index files (a file dropped on
 * a page). The HDUs are found by their GADF classes; the metadata come from the events header,
 * which a data store's observation also prefers to its obs-index row.
 */
export function observationFromRunFile(file: FitsFile, path: string): Observation {
  const locations = new Map<string, HduLocation>();
  let events: Header | undefined;
  for (const hdu of file.hdus) {
    const class1 = String(hdu.header.get("HDUCLAS1") ?? "").trim();
    const class2 = String(hdu.header.get("HDUCLAS2") ?? "").trim();
    const type = HDU_TYPES[class1 === "RESPONSE" ? class2 : class1];
    if (type === undefined || locations.has(type)) continue;
    if (type === "events") events = hdu.header;
    const hduClass = String(hdu.header.get("HDUCLAS4") ?? type)
      .trim()
      .toLowerCase();
    const hduName = String(hdu.header.get("EXTNAME") ?? hdu.index).trim();
    locations.set(type, { obsId: 0, hduType: type, hduClass, fileDir: "", fileName: path, hduName });
  }
  if (!events) throw new Error(`${path}: no EVENTS HDU (HDUCLAS1 = 'EVENTS'): not a DL3 run file`);
  const obsId = Number(events.get("OBS_ID"));
  if (!Number.isInteger(obsId)) {
    throw new Error(`${path}[EVENTS]: OBS_ID must be an integer, got ${JSON.stringify(events.get("OBS_ID"))}`);
  }
  for (const location of locations.values()) location.obsId = obsId;
  const header = events;
  const metadata = {
    value: (_: number, key: string) => {
      const value = header.get(key);
      return typeof value === "number" || typeof value === "bigint" ? Number(value) : undefined;
    },
    text: (_: number, key: string) => {
      const value = header.get(key);
      return typeof value === "string" ? value.trim() : undefined;
    },
    timeRef: timeRefFromHeader(header),
  };
  return new Observation(
    obsId,
    metadata,
    locations,
    () => ({ file, path }),
    () => path,
  );
}
