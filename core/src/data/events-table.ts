import { separationDeg } from "../coords/index.js";
import type { BinTableHduSpec, Card, TableColumnSpec } from "../fits/index.js";
import { pyFloat } from "../utils/py-float.js";
import { gadfClassCards, mjdDate, timeReferenceCards } from "./gadf-cards.js";
import type { GTI } from "./gti.js";

/** A column of an event table; its array type gives the FITS format (Float64Array → D, BigInt64Array → K, …). */
export type EventColumnData = Float64Array | Float32Array | BigInt64Array | Int32Array | Int16Array | Uint8Array;

/** Event columns by GADF name (EVENT_ID, TIME, RA, DEC, ENERGY, RA_TRUE, MC_ID, …), in table order. */
export type EventColumns = Readonly<Record<string, EventColumnData>>;

/** What gammapy 1.0's event sampler (`event_list_meta`) writes in the EVENTS header, from our side. */
export interface EventListMeta {
  obsId: number;
  /** The run's good time intervals: TSTART/TSTOP, ONTIME, TELAPSE, time reference and dates. */
  gti: GTI;
  /** Pointing, ICRS (deg). */
  pointing: { ra: number; dec: number };
  /** Dead-time correction (live time over observation time). */
  deadc: number;
  /** TELESCOP and INSTRUME, as the IRFs name them. */
  telescope: string;
  instrument: string;
  /** MC_ID and name of each sampled model (MID#####/MMN#####; gammapy gives 0 to the background). */
  models?: ReadonlyArray<{ id: number; name: string }>;
  /** NMCIDS: the dataset's number of models (default: `models.length`). */
  nModels?: number;
  /** Energy range of the sampled data (TeV, DSVAL2); default: the events' range. */
  energyRange?: readonly [number, number];
  /** Radius of the sampled region around the pointing (deg, DSVAL3); default: the farthest event. */
  offsetMax?: number;
  /** The target: OBJECT, RA_OBJ, DEC_OBJ. */
  object?: { name: string; ra: number; dec: number };
  /** Pointing altitude and azimuth (deg), written as gammapy writes them (as text). */
  altAz?: { alt: number; az: number };
  /** N_TELS; gammapy leaves it empty. */
  nTels?: number;
  /** CREATOR and ORIGIN (default "gammaflow"). */
  creator?: string;
  origin?: string;
  /** Further keywords; one with the key of a written keyword replaces it in place. */
  cards?: readonly Card[];
}

const REQUIRED_COLUMNS = ["EVENT_ID", "TIME", "RA", "DEC", "ENERGY"];

/**
 * GADF units of the event columns we know: written so, and read in them whatever unit a file
 * stores them in (`EventList.column`); others are written without a unit unless given.
 */
export const EVENT_UNITS: Record<string, string> = {
  TIME: "s",
  RA: "deg",
  DEC: "deg",
  ENERGY: "TeV",
  RA_TRUE: "deg",
  DEC_TRUE: "deg",
  ENERGY_TRUE: "TeV",
  DETX: "deg",
  DETY: "deg",
  GLON: "deg",
  GLAT: "deg",
  ALT: "deg",
  AZ: "deg",
  THETA: "deg",
};

const FORMATS: Array<[new (...a: never[]) => EventColumnData, string]> = [
  [Float64Array, "D"],
  [Float32Array, "E"],
  [BigInt64Array, "K"],
  [Int32Array, "J"],
  [Int16Array, "I"],
  [Uint8Array, "B"],
];

/**
 * An EVENTS table HDU (GADF) from typed-array columns, with the header gammapy 1.0's event
 * sampler writes. `units` adds or overrides column units. Errors name the EVENTS column.
 */
export function eventsTableHdu(
  columns: EventColumns,
  meta: EventListMeta,
  units: Readonly<Record<string, string>> = {},
): BinTableHduSpec {
  const names = Object.keys(columns);
  const missing = REQUIRED_COLUMNS.filter((name) => !names.includes(name));
  if (missing.length)
    throw new Error(`EVENTS: no column ${missing.join(", ")} (GADF requires ${REQUIRED_COLUMNS.join(", ")})`);
  const rows = columns.EVENT_ID.length;
  const specs: TableColumnSpec[] = names.map((name) => {
    const data = columns[name];
    if (data.length !== rows) throw new Error(`EVENTS: column '${name}' has ${data.length} rows, EVENT_ID has ${rows}`);
    const format = FORMATS.find(([type]) => data instanceof type)?.[1];
    if (!format) throw new Error(`EVENTS: column '${name}' is not one of the typed arrays a column can be`);
    return { name, format, unit: units[name] ?? EVENT_UNITS[name], data };
  });
  return { kind: "bintable", name: "EVENTS", columns: specs, header: eventListCards(meta, columns) };
}

/** The EVENTS header keywords in gammapy 1.0's order (`MapDatasetEventSampler.event_list_meta`). */
export function eventListCards(meta: EventListMeta, columns: EventColumns): Card[] {
  const { gti, pointing } = meta;
  if (gti.length === 0) throw new Error(`EVENTS of observation ${meta.obsId}: the GTI is empty`);
  const real = (key: string, value: number): Card => ({ key, value, real: true });
  const text = (key: string, value: string): Card => ({ key, value });
  const start = gti.start[0];
  const stop = gti.stop[gti.length - 1];
  const [emin, emax] = meta.energyRange ?? range(columns.ENERGY);
  const offsetMax =
    meta.offsetMax ?? range(separationDeg(pointing.ra, pointing.dec, numbers(columns.RA), numbers(columns.DEC)))[1];
  const cards: Card[] = [
    ...(meta.models ?? []).flatMap(({ id, name }) => {
      const digits = String(id).padStart(5, "0");
      return [{ key: `MID${digits}`, value: id }, text(`MMN${digits}`, name)];
    }),
    ...gadfClassCards("EVENTS"),
    { key: "OBS_ID", value: meta.obsId },
    real("TSTART", start),
    real("TSTOP", stop),
    real("ONTIME", gti.timeSum),
    // as gammapy's observation_live_time_duration: time × (1 − dead-time fraction)
    real("LIVETIME", gti.timeSum * (1 - (1 - meta.deadc))),
    real("DEADC", meta.deadc),
    real("RA_PNT", pointing.ra),
    real("DEC_PNT", pointing.dec),
    text("EQUINOX", "J2000"),
    text("RADECSYS", "icrs"),
    text("CREATOR", meta.creator ?? "gammaflow"),
    text("EUNIT", "TeV"),
    text("EVTVER", ""),
    text("OBSERVER", "Gammapy user"),
    text("DSTYP1", "TIME"),
    text("DSUNI1", "s"),
    text("DSVAL1", "TABLE"),
    text("DSREF1", ":GTI"),
    text("DSTYP2", "ENERGY"),
    text("DSUNI2", "TeV"),
    text("DSVAL2", `${pyFloat(emin)}:${pyFloat(emax)}`),
    text("DSTYP3", "POS(RA,DEC)"),
    text("DSVAL3", `CIRCLE(${pyFloat(pointing.ra)},${pyFloat(pointing.dec)},${pyFloat(offsetMax)})`),
    text("DSUNI3", "deg"),
    text("NDSKEYS", " 3 "),
    ...(meta.object
      ? [text("OBJECT", meta.object.name), real("RA_OBJ", meta.object.ra), real("DEC_OBJ", meta.object.dec)]
      : []),
    real("TELAPSE", gti.timeSum),
    ...timeReferenceCards(gti.timeRef),
    text("DATE-OBS", mjdDate(gti.timeRef, start)),
    text("DATE-END", mjdDate(gti.timeRef, stop)),
    { key: "CONV_DEP", value: 0 },
    { key: "CONV_RA", value: 0 },
    { key: "CONV_DEC", value: 0 },
    { key: "NMCIDS", value: meta.nModels ?? meta.models?.length ?? 0 },
    ...(meta.altAz ? [text("ALT_PNT", pyFloat(meta.altAz.alt)), text("AZ_PNT", pyFloat(meta.altAz.az))] : []),
    text("ORIGIN", meta.origin ?? "gammaflow"),
    text("TELESCOP", meta.telescope),
    text("INSTRUME", meta.instrument),
    meta.nTels === undefined ? text("N_TELS", "") : { key: "N_TELS", value: meta.nTels },
    text("TELLIST", ""),
    text("CREATED", ""),
    text("OBS_MODE", ""),
    text("EV_CLASS", ""),
  ];
  for (const extra of meta.cards ?? []) {
    const at = cards.findIndex((c) => c.key.toUpperCase() === extra.key.toUpperCase());
    if (at >= 0) cards[at] = extra;
    else cards.push(extra);
  }
  return cards;
}

function numbers(data: EventColumnData): ArrayLike<number> {
  return data instanceof BigInt64Array ? Float64Array.from(data, Number) : data;
}

function range(data: EventColumnData): [number, number] {
  const values = numbers(data);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  return [lo, hi];
}
